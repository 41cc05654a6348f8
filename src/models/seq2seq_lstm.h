#pragma once
#include "models/translator.h"
#include "core/safetensors.h"
#include <memory>
namespace attn { std::unique_ptr<Translator> load_seq2seq_lstm(const SafetensorsFile&); }
