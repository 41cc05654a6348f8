// corpus_gen.cpp: writes the project's parallel corpora to a directory (normally assets/data/):
// en-es.{train,test}.tsv, hi-en.{train,test}.tsv, toy.train.tsv, and prints their sizes.
// The grammars and the split live in corpus_grammar.h; this program only writes their output, so
// the files are the same on every run. Not the trainer.
// Run: build/native/corpus_gen assets/data. Test: tests/unit/test_corpus.cpp checks the committed
// files are byte-identical to what the grammar generates.
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
