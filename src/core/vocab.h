// vocab.h: a word vocabulary (id <-> word) with the four special tokens first, built from a corpus
// and stored as a JSON array of words (it lives in a model's safetensors metadata under "vocab_*").
// Also text -> ids, reporting each word the vocabulary does not know, and ids -> text.
// Not a tokenizer (see tokenizer.h). Test: tests/unit/test_vocab.cpp.
#pragma once

#include "core/tokenizer.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace attn {

class Vocab {
public:
    static constexpr int kPad = 0;  // padding in a batch; never predicted
    static constexpr int kSos = 1;  // start of sequence: the decoder's first input
    static constexpr int kEos = 2;  // end of sequence
    static constexpr int kUnk = 3;  // any word not in the vocabulary
    static constexpr int kSpecialCount = 4;
    static const char* const kSpecialWords[kSpecialCount];  // "<PAD>", "<SOS>", "<EOS>", "<UNK>"

    Vocab();  // the four special tokens only

    // The specials, then every distinct token of the sentences (after tokenize) in byte order of
    // their UTF-8, so ids do not depend on the order of the corpus.
    static Vocab from_corpus(const std::vector<std::string>& sentences);
    // The specials, then `words` in the given order. Throws FormatError (naming `source`) when a
    // word is empty, repeated, a special, or not a single token of normalized text (tokenize(w) == {w}).
    static Vocab from_words(const std::vector<std::string>& words, const std::string& source = "word list");
    // A JSON array of all words, specials first, as written by to_json. Throws FormatError naming
    // `source` (e.g. "statquest.safetensors metadata vocab_src") and what was wrong.
    static Vocab from_json(std::string_view json_text, const std::string& source);
    std::string to_json() const;

    int size() const { return static_cast<int>(words_.size()); }
    int id(std::string_view word) const;    // kUnk when unknown
    bool contains(std::string_view word) const;
    const std::string& word(int id) const;  // throws std::out_of_range for ids outside [0, size)
    const std::vector<std::string>& words() const { return words_; }

private:
    void add(const std::string& word, const std::string& source);
    std::vector<std::string> words_;
    std::unordered_map<std::string, int> ids_;
};

// A word of the input that the vocabulary does not know (it was encoded as <UNK>).
struct UnknownWord {
    std::size_t position = 0;    // index into EncodedText::tokens / ids
    std::string word;            // the normalized token
    std::size_t byte_begin = 0;  // where it is in the input text
    std::size_t byte_end = 0;
};

struct EncodedText {
    std::vector<Token> tokens;
    std::vector<int> ids;              // one per token; no <SOS>/<EOS> added (the model adds them)
    std::vector<UnknownWord> unknown;  // in order of position
    std::vector<Token> set_aside;      // punctuation the vocabulary does not know, in input order
};

// The rule for case and punctuation (one place; the page and every model follow it):
//  - case is folded by the tokenizer (tokenizer.h rule 2): "I Love You" reads as "i love you";
//  - punctuation the vocabulary knows is kept as a token ("?" in a vocabulary that has "?");
//  - punctuation it does not know is set aside: not encoded, listed in set_aside, and the model says
//    so in a note (set_aside_note), so "I Love You!" translates exactly as "i love you" does;
//  - a word the vocabulary does not know is read as <UNK> and listed in unknown.
EncodedText encode_text(const Vocab& vocab, std::string_view text);

// The note a model adds when punctuation was set aside ("" when none was): e.g.
// "punctuation the model does not know, set aside: '!'".
std::string set_aside_note(const EncodedText& e);
// Its list alone ("'!', '?'"), the argument of the same note in the interface's language.
std::string set_aside_list(const EncodedText& e);

// ids -> words joined by single spaces: stops at the first <EOS>, skips <PAD> and <SOS>, shows
// <UNK> as "<UNK>". Throws std::out_of_range for an id outside the vocabulary.
std::string decode_ids(const Vocab& vocab, const std::vector<int>& ids);

}  // namespace attn
