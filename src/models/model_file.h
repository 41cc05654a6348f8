// model_file.h: a model's safetensors file: its weights by name, and metadata holding the ModelInfo
// fields, the vocabularies (JSON arrays) and anything else the loader needs. One writer, one reader,
// shared by every model so that files look alike. Not the safetensors format itself (core/safetensors.h).
// Test: tests/unit/test_model_file.cpp.
#pragma once

#include "core/safetensors.h"
#include "core/vocab.h"
#include "models/translator.h"

#include <string>

namespace attn {

// Metadata keys: "name", "architecture", "description", "config", "metrics", "training",
// "parameter_count", and for translators "vocab_src", "vocab_tgt".
void write_model_info(SafetensorsFile& f, const ModelInfo& info);
// Reads and checks the ModelInfo keys; throws FormatError naming the file and the missing key, or the
// architecture when it is not `expected_architecture` (unless that is empty).
ModelInfo read_model_info(const SafetensorsFile& f, const std::string& expected_architecture);

void write_vocab(SafetensorsFile& f, const std::string& key, const Vocab& v);
Vocab read_vocab(const SafetensorsFile& f, const std::string& key);

}  // namespace attn
