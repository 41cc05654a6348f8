// corpus_gen.cpp: writes the project's parallel corpora to a directory (normally assets/data/):
// en-es.{train,test}.tsv, hi-en.{train,test}.tsv, toy.train.tsv, and prints their sizes.
// Not the trainer, and not where the grammar lives: this program only writes what corpus_grammar.h
// generates, so the files are the same on every run and every machine.
// Run: build/native/corpus_gen assets/data. Test: tests/unit/test_corpus.cpp checks the committed
// files are byte-identical to what the grammar generates.
//
// The grammar in brief (details and the fixed translation choices: corpus_en_es.cpp,
// corpus_hi_en.cpp, assets/data/README.md):
//  - English -> Spanish: 8000 distinct pairs from 13 templates (let's, to + verb, noun phrase,
//    subject-verb-object, object pronoun, be + adjective, location, there is, go, intransitive,
//    like/gustar, want/need to, where/what questions) over 72 nouns, 26 adjectives, 34 verbs,
//    pronouns and 5 prepositions; at most 8 tokens a side; one Spanish rendering per English source.
//  - Romanized Hindi -> English: 1200 distinct pairs from one SOV template (19 subjects, 15 verbs,
//    23 objects, 8 destinations; progressive and habitual, affirmative and negative).
//  - Toy: StatQuest's two pairs, "let's go" -> "vamos" and "to go" -> "ir".
//  - Split: 10% held out (800 and 120 pairs), chosen in an order shuffled by a fixed seed, never a
//    pair the page demonstrates, and only pairs whose every word still occurs 5 times in train.
#include "train/corpus_grammar.h"

#include <cstdio>
#include <fstream>
#include <string>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s OUTPUT_DIR   (normally assets/data)\n", argv[0]);
        return 2;
    }
    const std::string dir = argv[1];
    for (const attn::corpus::CorpusFile& f : attn::corpus::generate_corpus_files()) {
        const std::string path = dir + "/" + f.name;
        std::ofstream out(path, std::ios::binary);
        out << f.content;
        if (!out) {
            std::fprintf(stderr, "corpus_gen: cannot write %s\n", path.c_str());
            return 1;
        }
        std::size_t lines = 0;
        for (char c : f.content) lines += c == '\n';
        std::printf("%-18s %5zu pairs  %7zu bytes\n", f.name.c_str(), lines, f.content.size());
    }
    return 0;
}
