// model_zoo.cpp: see model_zoo.h.
#include "models/model_zoo.h"

#include "core/format_error.h"
#include "models/model_file.h"
#include "models/seq2seq_lstm.h"
#include "models/transformer.h"

namespace attn {

const std::vector<ZooEntry>& translation_models() {
    static const std::vector<ZooEntry> models = {
        {"statquest", "en-es", "let's go", "seq2seq_lstm",
         "StatQuest's LSTM encoder-decoder with dot-product attention (seed 002)"},
        {"statquest-toy", "en-es", "let's go", "seq2seq_lstm",
         "the same at the video's size: 2 LSTM units, every number on screen"},
        {"bahdanau", "en-es", "let's go", "seq2seq_lstm",
         "LSTM encoder-decoder with additive attention, s_t = RNN(s_t-1, [y_t-1; c_t]) (seed 003)"},
        {"transformer", "en-es", "let's go", "transformer",
         "tiny Transformer: d_model 64, 4 heads, 2 + 2 layers (seeds 001, 004)"},
        {"hindi", "hi-en", "mai ghar ja raha hoon", "seq2seq_lstm",
         "romanized Hindi to English: 'mai ghar ja raha hoon' (seed 003)"},
    };
    return models;
}

std::string model_file(const ZooEntry& e) { return std::string("models/") + e.name + ".safetensors"; }

const ZooEntry* find_translation_model(const std::string& name) {
    for (const ZooEntry& e : translation_models())
        if (name == e.name) return &e;
    return nullptr;
}

std::unique_ptr<Translator> load_translator(const SafetensorsFile& file) {
    const std::string& arch = file.require_metadata("architecture");
    if (arch == "seq2seq_lstm") return load_seq2seq_lstm(file);
    if (arch == "transformer") return load_transformer(file);
    throw FormatError(file.source + ": architecture '" + arch + "' is not a translation model");
}

SafetensorsFile translator_to_file(const Translator& model) {
    if (const auto* m = dynamic_cast<const Seq2SeqLstm*>(&model)) return seq2seq_to_file(*m);
    if (const auto* m = dynamic_cast<const Transformer*>(&model)) return transformer_to_file(*m);
    throw FormatError("model '" + model.info().name + "': no file format for its architecture '" + model.info().architecture + "'");
}

}  // namespace attn
