// corpus_sampling.h: what the grammar files share: word lists, integer-only random choices, and
// the sampler that draws distinct sentences from a template until its quota is met, refusing a
// template that gives one source two different targets. Internal to src/train.
// Test: through tests/unit/test_corpus.cpp.
#pragma once

#include "train/corpus_grammar.h"

#include "core/rng.h"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace attn::corpus {

using Words = std::vector<std::string>;

// Appends the space-separated words of text ("look for" adds two words).
void add(Words& w, const std::string& text);
void add(Words& w, const Words& more);
std::string join(const Words& w);

// Uniform in [0, n): modulo bias is below n / 2^64, far too small to matter and exactly the same on
// every platform, unlike std::uniform_int_distribution.
inline int pick(Rng& rng, int n) { return static_cast<int>(rng.next_u64() % static_cast<uint64_t>(n)); }
inline bool chance(Rng& rng, int percent) { return pick(rng, 100) < percent; }

// A template draws one candidate pair; false when the draw does not fit (then it is redrawn).
using Template = std::function<bool(Rng&, Words& source, Words& target)>;

class Sampler {
public:
    explicit Sampler(uint64_t seed) : seed_(seed) {}
    // Adds a pair that must be present (checked against the template that should also produce it).
    void require(const Pair& p);
    // Draws distinct pairs from t until `quota` pairs of this template are in (required pairs
    // given to it count). Each template has its own Rng, seeded from its name, so changing one
    // template leaves the others' sentences unchanged.
    // Coverage: each accepted pair is the best of kCandidates new draws, the one whose rarest word
    // (on either side, counted over the pairs accepted so far) is rarest. Without it, forms such as
    // "abrimos" (we open) would occur a handful of times among thousands of sentences; with it,
    // every word form occurs often enough for a tiny model to learn it.
    void sample(const std::string& name, int quota, const Template& t);
    const std::vector<Pair>& pairs() const { return pairs_; }

    static constexpr int kCandidates = 4;

private:
    bool insert(const Pair& p, const std::string& name);
    int rarest_count(const Pair& p) const;
    std::map<std::string, int> count_[2];  // occurrences of each word in accepted sources / targets
    uint64_t seed_;
    std::vector<Pair> pairs_;
    std::map<std::string, std::string> target_of_;
    std::map<std::string, std::string> template_of_;
    std::vector<Pair> pending_required_;
};

}  // namespace attn::corpus
