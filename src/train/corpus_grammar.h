// corpus_grammar.h: the grammars that generate this project's parallel corpora (English -> Spanish,
// romanized Hindi -> English, and StatQuest's toy pairs), the fixed train/test split, and the TSV
// files written to assets/data/. Everything is a pure function of the constants below: the same
// bytes on every machine (integer-only randomness from attn::Rng, no hash-order iteration).
// Not a trainer. Run: build/native/corpus_gen assets/data. Test: tests/unit/test_corpus.cpp
// (regenerates in memory and compares with the committed files byte for byte).
//
// The grammars themselves (templates, lexicons, split) are described in corpus_en_es.cpp,
// corpus_hi_en.cpp and assets/data/README.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace attn::corpus {

struct Pair {
    std::string source, target;  // normalized text (core/tokenizer.h): tokens joined by single spaces
};

struct Split {
    std::vector<Pair> train, test;
};

// Both sides of every generated pair have at most this many tokens.
constexpr int kMaxTokensPerSide = 8;

constexpr uint64_t kEnEsSeed = 20240611;
constexpr std::size_t kEnEsTotal = 8000;
constexpr std::size_t kEnEsTestCount = 800;  // 10%
constexpr uint64_t kHiEnSeed = 20240612;
constexpr std::size_t kHiEnTotal = 1200;
constexpr std::size_t kHiEnTestCount = 120;  // 10%
// A test pair's every token (on each side) still occurs at least this often in train.
constexpr int kMinTrainOccurrences = 5;

// All English -> Spanish pairs before the split, in generation order (template by template).
// Sources are unique; each target is the one Spanish rendering of its source.
std::vector<Pair> generate_en_es();
// The pairs the page demonstrates; they are always in train.
std::vector<Pair> en_es_required_pairs();  // "let's go" -> "vamos", "to go" -> "ir", ...

std::vector<Pair> generate_hi_en();
std::vector<Pair> hi_en_required_pairs();  // "mai ghar ja raha hoon" -> "i am going home"

// StatQuest's own training pairs: "let's go" -> "vamos", "to go" -> "ir".
std::vector<Pair> toy_pairs();

// Deterministic held-out split: pairs are visited in a shuffled order (Rng(seed)); a pair goes to
// test when it is not required, and every one of its source and target tokens would still occur
// at least min_train_occurrences times in the rest. Stops at test_count; throws std::logic_error if
// fewer qualify. Both halves keep the input order.
Split split_pairs(const std::vector<Pair>& pairs, std::size_t test_count, uint64_t seed,
                  const std::vector<Pair>& required, int min_train_occurrences);

// One "source<TAB>target<LF>" line per pair, UTF-8.
std::string to_tsv(const std::vector<Pair>& pairs);
// The inverse; throws FormatError naming `source` and the line for a line without exactly one tab,
// an empty side, a CR, or text not in normalized form.
std::vector<Pair> parse_tsv(std::string_view text, const std::string& source);

struct CorpusFile {
    std::string name;  // relative to assets/data/
    std::string content;
};
// en-es.train.tsv, en-es.test.tsv, hi-en.train.tsv, hi-en.test.tsv, toy.train.tsv.
std::vector<CorpusFile> generate_corpus_files();

}  // namespace attn::corpus
