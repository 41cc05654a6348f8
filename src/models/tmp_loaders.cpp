#include "models/seq2seq_lstm.h"
#include "models/transformer.h"
#include <stdexcept>
namespace attn {
std::unique_ptr<Translator> load_seq2seq_lstm(const SafetensorsFile&) { throw std::runtime_error("tmp"); }
std::unique_ptr<Translator> load_transformer(const SafetensorsFile&) { throw std::runtime_error("tmp"); }
}
