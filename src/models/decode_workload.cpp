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

SensorSource& sensor_source() {
    static SensorSource s;
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
    return e ? e->example : "let's go";
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

bool is_sensor_workload(const std::string& name) { return name.rfind("sensor_", 0) == 0; }

int parse_sensor_workload(const std::string& name) {
    const std::string digits = name.rfind("sensor_b", 0) == 0 ? name.substr(8) : "";
    const bool ok = !digits.empty() && digits.size() <= 4 && digits[0] != '0' &&
                    digits.find_first_not_of("0123456789") == std::string::npos;
    const int B = ok ? std::stoi(digits) : 0;
    if (B < 1 || B > kSensorHeldOutCount)
        throw std::invalid_argument("bad sensor workload '" + name + "': expected sensor_b<B> with B from 1 to " +
                                    std::to_string(kSensorHeldOutCount) + " (held-out series of seed 000's generator)");
    return B;
}

Mat sensor_workload_values(int B) {
    Mat values(static_cast<long>(B) * kSensorSteps, kSensorChannels);
    for (int b = 0; b < B; ++b)
        values.middleRows(static_cast<long>(b) * kSensorSteps, kSensorSteps) =
            generate_sensor_sample(kSensorDataSeed, kSensorHeldOutFirst + b).values;
    return values;
}

std::vector<float> sensor_workload_output(const SensorBatch& batch) {
    std::vector<float> out(batch.probs.data(), batch.probs.data() + batch.probs.size());
    out.insert(out.end(), batch.weights.data(), batch.weights.data() + batch.weights.size());
    return out;
}

void set_sensor_source(SensorSource s) { sensor_source() = std::move(s); }

const SensorModel* find_sensor_model(std::string* status) {
    if (!sensor_source()) {
        *status = "no sensor model is available to this program";
        return nullptr;
    }
    return sensor_source()(status);
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
