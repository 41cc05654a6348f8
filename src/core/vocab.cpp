// vocab.cpp: see vocab.h.
#include "core/vocab.h"

#include "core/format_error.h"
#include "core/json.h"

#include <algorithm>
#include <set>
#include <stdexcept>

namespace attn {

const char* const Vocab::kSpecialWords[Vocab::kSpecialCount] = {"<PAD>", "<SOS>", "<EOS>", "<UNK>"};

Vocab::Vocab() {
    for (const char* w : kSpecialWords) {
        ids_.emplace(w, static_cast<int>(words_.size()));
        words_.emplace_back(w);
    }
}

void Vocab::add(const std::string& word, const std::string& source) {
    const std::string where = source + ": vocabulary entry " + std::to_string(words_.size());
    if (word.empty()) throw FormatError(where + " is empty");
    if (ids_.count(word)) throw FormatError(where + " '" + word + "' appears twice");
    const std::vector<Token> t = tokenize(word);
    if (t.size() != 1 || t[0].text != word)
        throw FormatError(where + " '" + word + "' is not one normalized token (the tokenizer gives '" +
                          normalize_text(word) + "')");
    ids_.emplace(word, static_cast<int>(words_.size()));
    words_.push_back(word);
}

Vocab Vocab::from_corpus(const std::vector<std::string>& sentences) {
    std::set<std::string> distinct;  // std::set orders by bytes: ids independent of corpus order
    for (const std::string& s : sentences)
        for (Token& t : tokenize(s)) distinct.insert(std::move(t.text));
    Vocab v;
    for (const std::string& w : distinct) v.add(w, "corpus");
    return v;
}

Vocab Vocab::from_words(const std::vector<std::string>& words, const std::string& source) {
    Vocab v;
    for (const std::string& w : words) v.add(w, source);
    return v;
}

Vocab Vocab::from_json(std::string_view json_text, const std::string& source) {
    json::Value doc;
    try {
        doc = json::parse(json_text);
    } catch (const json::ParseError& e) {
        throw FormatError(source + ": vocabulary is not valid JSON: " + e.what());
    }
    if (doc.kind != json::Kind::Array)
        throw FormatError(source + ": vocabulary must be a JSON array of strings, found " +
                          json::kind_name(doc.kind));
    if (doc.items.size() < kSpecialCount)
        throw FormatError(source + ": vocabulary has " + std::to_string(doc.items.size()) +
                          " entries; it must start with the " + std::to_string(kSpecialCount) + " special tokens");
    Vocab v;
    for (std::size_t i = 0; i < doc.items.size(); ++i) {
        const json::Value& item = doc.items[i];
        if (item.kind != json::Kind::String)
            throw FormatError(source + ": vocabulary entry " + std::to_string(i) + " must be a string, found " +
                              json::kind_name(item.kind));
        if (i < kSpecialCount) {
            if (item.text != kSpecialWords[i])
                throw FormatError(source + ": vocabulary entry " + std::to_string(i) + " must be " +
                                  kSpecialWords[i] + ", found '" + item.text + "'");
            continue;
        }
        v.add(item.text, source);
    }
    return v;
}

std::string Vocab::to_json() const {
    std::string out = "[";
    for (std::size_t i = 0; i < words_.size(); ++i) {
        if (i) out += ',';
        out += json::quote(words_[i]);
    }
    out += ']';
    return out;
}

int Vocab::id(std::string_view word) const {
    const auto it = ids_.find(std::string(word));
    return it == ids_.end() ? kUnk : it->second;
}

bool Vocab::contains(std::string_view word) const { return ids_.count(std::string(word)) != 0; }

const std::string& Vocab::word(int id) const {
    if (id < 0 || id >= size())
        throw std::out_of_range("vocabulary id " + std::to_string(id) + " is outside [0, " +
                                std::to_string(size()) + ")");
    return words_[static_cast<std::size_t>(id)];
}

EncodedText encode_text(const Vocab& vocab, std::string_view text) {
    EncodedText out;
    for (Token& t : tokenize(text)) {
        const int id = vocab.id(t.text);
        if (id == Vocab::kUnk && t.punctuation) {  // the rule in vocab.h: set aside, not <UNK>
            out.set_aside.push_back(std::move(t));
            continue;
        }
        if (id == Vocab::kUnk) out.unknown.push_back(UnknownWord{out.tokens.size(), t.text, t.byte_begin, t.byte_end});
        out.ids.push_back(id);
        out.tokens.push_back(std::move(t));
    }
    return out;
}

std::string set_aside_list(const EncodedText& e) {
    std::string list;
    for (const Token& t : e.set_aside) {
        const std::string q = "'" + t.text + "'";
        if (list.find(q) == std::string::npos) list += (list.empty() ? "" : ", ") + q;  // each mark once
    }
    return list;
}

std::string set_aside_note(const EncodedText& e) {
    if (e.set_aside.empty()) return "";
    return "punctuation the model does not know, set aside: " + set_aside_list(e);
}

std::string decode_ids(const Vocab& vocab, const std::vector<int>& ids) {
    std::string out;
    for (int id : ids) {
        const std::string& w = vocab.word(id);
        if (id == Vocab::kEos) break;
        if (id == Vocab::kPad || id == Vocab::kSos) continue;
        if (!out.empty()) out += ' ';
        out += w;
    }
    return out;
}

}  // namespace attn
