// corpus_grammar.cpp: the shared machinery of the corpus generators (see corpus_grammar.h): the
// sampler, the split, the TSV format and the list of files.
#include "train/corpus_grammar.h"

#include "train/corpus_sampling.h"

#include "core/format_error.h"
#include "core/tokenizer.h"

#include <algorithm>
#include <set>
#include <stdexcept>

namespace attn::corpus {

void add(Words& w, const std::string& text) {
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t space = text.find(' ', start);
        const std::size_t end = space == std::string::npos ? text.size() : space;
        if (end > start) w.push_back(text.substr(start, end - start));
        if (space == std::string::npos) break;
        start = space + 1;
    }
}

void add(Words& w, const Words& more) { w.insert(w.end(), more.begin(), more.end()); }

std::string join(const Words& w) {
    std::string out;
    for (const std::string& s : w) {
        if (!out.empty()) out += ' ';
        out += s;
    }
    return out;
}

void Sampler::require(const Pair& p) { pending_required_.push_back(p); }

bool Sampler::insert(const Pair& p, const std::string& name) {
    const auto it = target_of_.find(p.source);
    if (it != target_of_.end()) {
        if (it->second != p.target)
            throw std::logic_error("grammar is ambiguous: '" + p.source + "' -> '" + it->second + "' (template " +
                                   template_of_[p.source] + ") and '" + p.target + "' (template " + name + ")");
        return false;
    }
    target_of_.emplace(p.source, p.target);
    template_of_.emplace(p.source, name);
    pairs_.push_back(p);
    for (int side = 0; side < 2; ++side) {
        Words w;
        add(w, side == 0 ? p.source : p.target);
        for (const std::string& t : w) ++count_[side][t];
    }
    return true;
}

int Sampler::rarest_count(const Pair& p) const {
    int rarest = 1 << 30;
    for (int side = 0; side < 2; ++side) {
        Words w;
        add(w, side == 0 ? p.source : p.target);
        for (const std::string& t : w) {
            const auto it = count_[side].find(t);
            rarest = std::min(rarest, it == count_[side].end() ? 0 : it->second);
        }
    }
    return rarest;
}

void Sampler::sample(const std::string& name, int quota, const Template& t) {
    Rng rng(seed_ ^ seed_from_name(name));
    int made = 0;
    // Required pairs go first; the template must produce each of them itself (checked below).
    std::vector<Pair> mine;
    for (const Pair& p : pending_required_)
        if (insert(p, name)) {
            mine.push_back(p);
            ++made;
        }
    pending_required_.clear();
    std::set<std::string> unconfirmed;
    for (const Pair& p : mine) unconfirmed.insert(p.source);

    const long max_draws = 2000L * quota * kCandidates + 100000;
    std::vector<Pair> candidates;
    for (long draws = 0; made < quota || !unconfirmed.empty(); ++draws) {
        if (draws > max_draws)
            throw std::logic_error("template " + name + " gave " + std::to_string(made) + " of " + std::to_string(quota) +
                                   " distinct pairs" + (unconfirmed.empty() ? "" : " or never produced " + *unconfirmed.begin()));
        Words src, tgt;
        if (!t(rng, src, tgt)) continue;
        if (src.size() > kMaxTokensPerSide || tgt.size() > kMaxTokensPerSide) continue;
        Pair p{join(src), join(tgt)};
        if (unconfirmed.erase(p.source)) {
            if (target_of_.at(p.source) != p.target)
                throw std::logic_error("required pair '" + p.source + "' -> '" + target_of_.at(p.source) +
                                       "' but template " + name + " gives '" + p.target + "'");
            continue;
        }
        if (made >= quota) continue;  // only still looking for a required pair
        const auto seen = target_of_.find(p.source);
        if (seen != target_of_.end()) {
            if (seen->second != p.target) insert(p, name);  // throws: the grammar is ambiguous
            continue;
        }
        bool duplicate = false;
        for (const Pair& c : candidates) {
            if (c.source != p.source) continue;
            if (c.target != p.target)
                throw std::logic_error("grammar is ambiguous: '" + p.source + "' -> '" + c.target + "' and '" + p.target +
                                       "' (template " + name + ")");
            duplicate = true;
        }
        if (duplicate) continue;
        candidates.push_back(std::move(p));
        if (static_cast<int>(candidates.size()) < kCandidates) continue;
        std::size_t best = 0;
        for (std::size_t i = 1; i < candidates.size(); ++i)
            if (rarest_count(candidates[i]) < rarest_count(candidates[best])) best = i;
        insert(candidates[best], name);
        ++made;
        candidates.clear();
    }
}

Split split_pairs(const std::vector<Pair>& pairs, std::size_t test_count, uint64_t seed, const std::vector<Pair>& required,
                  int min_train_occurrences) {
    std::set<std::string> keep;
    for (const Pair& p : required) keep.insert(p.source);
    // remaining[side][token]: occurrences among the pairs not (yet) moved to test
    std::map<std::string, int> remaining[2];
    std::vector<Words> tokens[2];
    for (const Pair& p : pairs) {
        for (int side = 0; side < 2; ++side) {
            Words w;
            add(w, side == 0 ? p.source : p.target);
            for (const std::string& t : w) ++remaining[side][t];
            tokens[side].push_back(std::move(w));
        }
    }
    std::vector<std::size_t> order(pairs.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    Rng rng(seed);
    for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[static_cast<std::size_t>(pick(rng, static_cast<int>(i)))]);

    std::vector<bool> in_test(pairs.size(), false);
    std::size_t chosen = 0;
    for (std::size_t k = 0; k < order.size() && chosen < test_count; ++k) {
        const std::size_t i = order[k];
        if (keep.count(pairs[i].source)) continue;
        bool ok = true;
        for (int side = 0; side < 2 && ok; ++side) {
            std::map<std::string, int> in_pair;
            for (const std::string& t : tokens[side][i]) ++in_pair[t];
            for (const auto& [t, n] : in_pair)
                if (remaining[side][t] - n < min_train_occurrences) ok = false;
        }
        if (!ok) continue;
        for (int side = 0; side < 2; ++side)
            for (const std::string& t : tokens[side][i]) --remaining[side][t];
        in_test[i] = true;
        ++chosen;
    }
    if (chosen < test_count)
        throw std::logic_error("split: only " + std::to_string(chosen) + " of " + std::to_string(test_count) +
                               " test pairs keep every token in train");
    Split s;
    for (std::size_t i = 0; i < pairs.size(); ++i) (in_test[i] ? s.test : s.train).push_back(pairs[i]);
    return s;
}

std::string to_tsv(const std::vector<Pair>& pairs) {
    std::string out;
    for (const Pair& p : pairs) out += p.source + '\t' + p.target + '\n';
    return out;
}

std::vector<Pair> parse_tsv(std::string_view text, const std::string& source) {
    std::vector<Pair> pairs;
    std::size_t line_no = 0;
    for (std::size_t start = 0; start < text.size();) {
        ++line_no;
        const std::size_t nl = text.find('\n', start);
        const std::string where = source + " line " + std::to_string(line_no);
        if (nl == std::string_view::npos) throw FormatError(where + ": the last line does not end with a newline");
        const std::string_view line = text.substr(start, nl - start);
        start = nl + 1;
        const std::size_t tab = line.find('\t');
        if (tab == std::string_view::npos || line.find('\t', tab + 1) != std::string_view::npos)
            throw FormatError(where + ": expected exactly one tab between source and target");
        if (line.find('\r') != std::string_view::npos) throw FormatError(where + ": carriage return in the line");
        Pair p{std::string(line.substr(0, tab)), std::string(line.substr(tab + 1))};
        for (const std::string* side : {&p.source, &p.target}) {
            if (side->empty()) throw FormatError(where + ": empty side");
            if (normalize_text(*side) != *side)
                throw FormatError(where + ": '" + *side + "' is not in normalized form ('" + normalize_text(*side) + "')");
        }
        pairs.push_back(std::move(p));
    }
    return pairs;
}

std::vector<Pair> toy_pairs() { return {{"let's go", "vamos"}, {"to go", "ir"}}; }

std::vector<CorpusFile> generate_corpus_files() {
    const Split en_es = split_pairs(generate_en_es(), kEnEsTestCount, kEnEsSeed, en_es_required_pairs(), kMinTrainOccurrences);
    const Split hi_en = split_pairs(generate_hi_en(), kHiEnTestCount, kHiEnSeed, hi_en_required_pairs(), kMinTrainOccurrences);
    return {
        {"en-es.train.tsv", to_tsv(en_es.train)}, {"en-es.test.tsv", to_tsv(en_es.test)},
        {"hi-en.train.tsv", to_tsv(hi_en.train)}, {"hi-en.test.tsv", to_tsv(hi_en.test)},
        {"toy.train.tsv", to_tsv(toy_pairs())},
    };
}

}  // namespace attn::corpus
