// decode_workload.cpp: see decode_workload.h.
#include "models/decode_workload.h"

#include "models/model_zoo.h"

#include <stdexcept>

namespace attn {

namespace {

TranslatorSource& source() {
    static TranslatorSource s;
    return s;
}

}  // namespace

bool is_decode_workload(const std::string& name) { return name.rfind("decode_", 0) == 0; }

DecodeWorkload parse_decode_workload(const std::string& name) {
    if (!is_decode_workload(name)) throw std::invalid_argument("'" + name + "' is not a decode workload (decode_<model>)");
    DecodeWorkload w;
    w.name = name;
    w.model = name.substr(7);
    if (!find_translation_model(w.model)) {
        std::string known;
        for (const ZooEntry& e : translation_models()) known += std::string(known.empty() ? "" : ", ") + "decode_" + e.name;
        throw std::invalid_argument("unknown decode workload '" + name + "': the shipped models give " + known);
    }
    w.text = decode_workload_text(w.model);
    return w;
}

std::string decode_workload_text(const std::string& model) {
    const ZooEntry* e = find_translation_model(model);
    return e && std::string(e->languages) == "hi-en" ? "mai ghar ja raha hoon" : "let's go";
}

RunOptions decode_workload_options(Backend backend) {
    RunOptions o;
    o.backend = backend;
    o.record_trace = false;
    return o;
}

std::vector<float> decode_workload_output(const Translation& t) {
    std::vector<float> out;
    for (const DecodeStep& s : t.steps) out.insert(out.end(), s.logits.begin(), s.logits.end());
    return out;
}

void set_translator_source(TranslatorSource s) { source() = std::move(s); }

const Translator* find_translator(const std::string& model, std::string* status) {
    if (!source()) {
        *status = "no models are available to this program";
        return nullptr;
    }
    return source()(model, status);
}

}  // namespace attn
