#pragma once
#include "models/translator.h"
#include "core/safetensors.h"
#include <memory>
namespace attn { std::unique_ptr<Translator> load_transformer(const SafetensorsFile&); }
