// test_corpus.cpp: the committed corpus files in assets/data/ are exactly what the grammar
// generates (regenerated here, in memory, in the native and the wasm build), and they meet the bars
// the models depend on: sizes, vocabularies, a disjoint held-out split whose every token is seen in
// training, the pairs the page demonstrates, at most 8 tokens per side, normalized text.
#include "train/corpus_grammar.h"

#include "core/format_error.h"
#include "core/tokenizer.h"
#include "core/vocab.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

namespace attn::corpus {
namespace {

std::string read_asset(const std::string& name) {
    const std::string path = std::string(ATTN_ASSETS_DIR) + "/data/" + name;
    std::ifstream in(path, std::ios::binary);
    if (!in) return "(missing: " + path + ")";
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::vector<Pair> load(const std::string& name) { return parse_tsv(read_asset(name), name); }

std::set<std::string> words_of(const std::vector<Pair>& pairs, bool target) {
    std::set<std::string> w;
    for (const Pair& p : pairs)
        for (const Token& t : tokenize(target ? p.target : p.source)) w.insert(t.text);
    return w;
}

TEST(Corpus, CommittedFilesAreByteIdenticalToTheGenerator) {
    const std::vector<CorpusFile> files = generate_corpus_files();
    ASSERT_EQ(files.size(), 5u);
    for (const CorpusFile& f : files) {
        const std::string committed = read_asset(f.name);
        if (committed == f.content) continue;
        // name the first line that differs
        std::istringstream a(committed), b(f.content);
        std::string la, lb;
        int line = 0;
        while (true) {
            ++line;
            const bool ga = static_cast<bool>(std::getline(a, la)), gb = static_cast<bool>(std::getline(b, lb));
            if (!ga && !gb) break;
            if (la != lb || ga != gb) break;
        }
        ADD_FAILURE() << f.name << " differs from the generator at line " << line << ":\n  committed: " << la
                      << "\n  generated: " << lb << "\n(regenerate with build/native/corpus_gen assets/data)";
    }
}

TEST(Corpus, GenerationIsDeterministic) {
    const std::vector<Pair> a = generate_hi_en(), b = generate_hi_en();
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].source + a[i].target, b[i].source + b[i].target);
}

TEST(Corpus, EveryLineIsNormalizedAndShort) {
    for (const char* name : {"en-es.train.tsv", "en-es.test.tsv", "hi-en.train.tsv", "hi-en.test.tsv", "toy.train.tsv"}) {
        const std::vector<Pair> pairs = load(name);  // parse_tsv checks tabs and normalized form
        ASSERT_FALSE(pairs.empty()) << name;
        for (const Pair& p : pairs) {
            EXPECT_LE(tokenize(p.source).size(), std::size_t(kMaxTokensPerSide)) << name << ": " << p.source;
            EXPECT_LE(tokenize(p.target).size(), std::size_t(kMaxTokensPerSide)) << name << ": " << p.target;
        }
    }
}

void expect_split_is_sound(const std::string& prefix, std::size_t min_total, std::size_t min_test, std::size_t min_vocab) {
    const std::vector<Pair> train = load(prefix + ".train.tsv"), test = load(prefix + ".test.tsv");
    const std::size_t total = train.size() + test.size();
    EXPECT_GE(total, min_total) << prefix;
    EXPECT_GE(test.size(), min_test) << prefix;
    EXPECT_GE(10 * test.size(), total) << prefix << ": the test split is under 10%";

    // sources are unique across both files: disjoint splits, and one target per source
    std::map<std::string, std::string> target_of;
    for (const std::vector<Pair>* part : {&train, &test})
        for (const Pair& p : *part) EXPECT_TRUE(target_of.emplace(p.source, p.target).second) << prefix << ": repeated source '" << p.source << "'";

    EXPECT_GE(words_of(train, false).size(), min_vocab) << prefix << " source vocabulary";
    EXPECT_GE(words_of(train, true).size(), min_vocab) << prefix << " target vocabulary";

    // every test token is in the vocabulary built from train, on both sides
    for (const bool target : {false, true}) {
        std::vector<std::string> sentences;
        for (const Pair& p : train) sentences.push_back(target ? p.target : p.source);
        const Vocab v = Vocab::from_corpus(sentences);
        for (const Pair& p : test) {
            const EncodedText e = encode_text(v, target ? p.target : p.source);
            EXPECT_TRUE(e.unknown.empty()) << prefix << " test " << (target ? "target" : "source") << " '"
                                           << (target ? p.target : p.source) << "' has a word unseen in train: " << e.unknown[0].word;
        }
    }
}

TEST(Corpus, EnglishSpanishSplitMeetsTheBars) { expect_split_is_sound("en-es", 1500, 150, 150); }
TEST(Corpus, HindiEnglishSplitMeetsTheBars) { expect_split_is_sound("hi-en", 300, 30, 50); }

TEST(Corpus, DemonstratedPairsAreInTrain) {
    const std::vector<Pair> en_es = load("en-es.train.tsv"), hi_en = load("hi-en.train.tsv");
    auto contains = [](const std::vector<Pair>& pairs, const Pair& want) {
        for (const Pair& p : pairs)
            if (p.source == want.source) return p.target == want.target;
        return false;
    };
    for (const Pair& p : en_es_required_pairs()) EXPECT_TRUE(contains(en_es, p)) << p.source << " -> " << p.target;
    EXPECT_TRUE(contains(en_es, {"let's go", "vamos"}));
    EXPECT_TRUE(contains(en_es, {"to go", "ir"}));
    EXPECT_TRUE(contains(en_es, {"i see her", "la veo"}));
    EXPECT_TRUE(contains(en_es, {"the red houses", "las casas rojas"}));
    EXPECT_TRUE(contains(hi_en, {"mai ghar ja raha hoon", "i am going home"}));
}

TEST(Corpus, ToyCorpusIsStatQuestsTwoPairs) {
    const std::vector<Pair> toy = load("toy.train.tsv");
    ASSERT_EQ(toy.size(), 2u);
    EXPECT_EQ(toy[0].source, "let's go");
    EXPECT_EQ(toy[0].target, "vamos");
    EXPECT_EQ(toy[1].source, "to go");
    EXPECT_EQ(toy[1].target, "ir");
    EXPECT_EQ(words_of(toy, false), (std::set<std::string>{"let's", "to", "go"}));
}

// The constructions the attention pictures rely on are in the data with the expected renderings.
TEST(Corpus, NonMonotonicConstructionsArePresent) {
    const std::vector<Pair> all = generate_en_es();
    int adjective_after_noun = 0, clitic_before_verb = 0, gustar = 0, question_inversion = 0;
    for (const Pair& p : all) {
        const std::string& t = p.target;
        if (p.source.rfind("the red ", 0) == 0 && t.find(" roj") != std::string::npos) ++adjective_after_noun;
        if (p.source.size() > 4 && p.source.compare(p.source.size() - 4, 4, " her") == 0 && t.find("la ") != std::string::npos) ++clitic_before_verb;
        if (t.find("gusta") != std::string::npos) ++gustar;
        if (p.source.rfind("what does the ", 0) == 0) ++question_inversion;
    }
    EXPECT_GE(adjective_after_noun, 3);
    EXPECT_GE(clitic_before_verb, 20);
    EXPECT_GE(gustar, 200);
    EXPECT_GE(question_inversion, 5);
}

TEST(Corpus, HindiGenderOfVahDecidesHeOrShe) {
    for (const Pair& p : generate_hi_en()) {
        if (p.source.rfind("vah ", 0) != 0) continue;
        // the verb's agreement is on its last word before the auxiliary: raha/rahi/rahe or -ta/-ti/-te
        std::vector<Token> words = tokenize(p.source);
        const std::string last = words.back().text;
        if (last == "hoon" || last == "ho" || last == "hai" || last == "hain") words.pop_back();
        const std::string verb = words.back().text;
        const bool feminine = verb == "rahi" || verb.compare(verb.size() - 2, 2, "ti") == 0;
        EXPECT_EQ(p.target.rfind(feminine ? "she " : "he ", 0), 0u) << p.source << " -> " << p.target;
    }
}

TEST(Corpus, SplitKeepsRequiredPairsAndEveryTestTokenInTrain) {
    std::vector<Pair> pairs;
    for (int i = 0; i < 40; ++i) pairs.push_back({"w" + std::to_string(i % 8) + " common", "x" + std::to_string(i % 5) + " shared"});
    pairs.push_back({"rare common", "x0 shared"});
    const Split s = split_pairs(pairs, 10, 1, {pairs[0]}, 3);
    ASSERT_EQ(s.test.size(), 10u);
    EXPECT_EQ(s.train.size(), pairs.size() - 10);
    for (const Pair& p : s.test) {
        EXPECT_NE(p.source, pairs[0].source);
        EXPECT_NE(p.source, "rare common");  // "rare" occurs once: it can only be in train
    }
    const Split again = split_pairs(pairs, 10, 1, {pairs[0]}, 3);
    for (std::size_t i = 0; i < s.test.size(); ++i) EXPECT_EQ(s.test[i].source, again.test[i].source);
    EXPECT_THROW(split_pairs(pairs, 40, 1, {}, 3), std::logic_error);
}

TEST(Corpus, ParseTsvRejectsMalformedLines) {
    auto message = [](const std::string& text) {
        try {
            parse_tsv(text, "x.tsv");
        } catch (const FormatError& e) {
            return std::string(e.what());
        }
        return std::string("(accepted)");
    };
    EXPECT_EQ(message("a\tb\n"), "(accepted)");
    EXPECT_EQ(message("a\tb"), "x.tsv line 1: the last line does not end with a newline");
    EXPECT_EQ(message("a\tb\nab\n"), "x.tsv line 2: expected exactly one tab between source and target");
    EXPECT_EQ(message("a\tb\tc\n"), "x.tsv line 1: expected exactly one tab between source and target");
    EXPECT_EQ(message("\tb\n"), "x.tsv line 1: empty side");
    EXPECT_EQ(message("a\tb\r\n"), "x.tsv line 1: carriage return in the line");
    EXPECT_EQ(message("Hola\tb\n"), "x.tsv line 1: 'Hola' is not in normalized form ('hola')");
}

}  // namespace
}  // namespace attn::corpus
