// model_zoo.h: the shipped translation models by name, and loading any of them from its file (the
// architecture in its metadata picks the loader), or writing any of them as one. Not the models
// (seq2seq_lstm.h, transformer.h). Test: tests/unit/test_decode_workload.cpp (loads every entry with
// load_translator and translates), tests/unit/test_views_lab.cpp (every entry written back bit for bit).
#pragma once

#include "core/safetensors.h"
#include "models/translator.h"

#include <memory>
#include <string>
#include <vector>

namespace attn {

// The models table: one row per shipped translation model. The page's picker, attn.models(), the decode
// workloads (decode_<name>, on the row's example) and the browser tests and benchmarks (through
// attn.models()) read it; a new model is a row here, its file, and its training recipe.
struct ZooEntry {
    const char* name;          // "bahdanau"
    const char* languages;     // "en-es", "hi-en"
    const char* example;       // a sentence it translates: the decode workload's text, the picker's hint
    const char* architecture;  // its file's "architecture" (the loader that reads it): "seq2seq_lstm", ...
    const char* description;   // one line for the model picker
};
// assets/models/<name>.safetensors, relative to the page (and to assets/ natively)
std::string model_file(const ZooEntry& e);
// In the order the page's picker lists them; the first is the default.
const std::vector<ZooEntry>& translation_models();
const ZooEntry* find_translation_model(const std::string& name);

// Loads any translation model file; throws FormatError naming the file when its architecture is
// unknown or its contents do not match (see the family's loader).
std::unique_ptr<Translator> load_translator(const SafetensorsFile& file);
// Any translation model as its file (the inverse of load_translator: its ModelInfo, vocabularies and
// weights, as the trainer writes them). Throws FormatError for a Translator of another kind.
SafetensorsFile translator_to_file(const Translator& model);

}  // namespace attn
