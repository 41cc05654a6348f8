// model_zoo.h: the shipped translation models by name, and loading any of them from its file (the
// architecture in its metadata picks the loader). Not the models (seq2seq_lstm.h, transformer.h).
// Test: tests/unit/test_decode_workload.cpp (loads every entry with load_translator and translates).
#pragma once

#include "core/safetensors.h"
#include "models/translator.h"

#include <memory>
#include <string>
#include <vector>

namespace attn {

struct ZooEntry {
    const char* name;         // file: assets/models/<name>.safetensors
    const char* languages;    // "en-es", "hi-en"
    const char* description;  // one line for the model picker
};
// In the order the page's picker lists them; the first is the default.
const std::vector<ZooEntry>& translation_models();
const ZooEntry* find_translation_model(const std::string& name);

// Loads any translation model file; throws FormatError naming the file when its architecture is
// unknown or its contents do not match (see the family's loader).
std::unique_ptr<Translator> load_translator(const SafetensorsFile& file);

}  // namespace attn
