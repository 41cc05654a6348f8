// format_error.h: the error for bad files and bad serialized text (safetensors, vocab JSON, corpus
// TSV). Its message names the file (or buffer), the item inside it and what was expected vs found.
// Not for programming errors (those are ShapeError / std::logic_error). Test: test_safetensors.cpp.
#pragma once

#include <stdexcept>

namespace attn {

struct FormatError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

}  // namespace attn
