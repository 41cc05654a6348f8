// decode_workload.h: the benchmark workloads that run SHIPPED models: "decode_<model>", one greedy
// decode of a fixed sentence by a translation model, with the lab's default options and no trace; and
// "sensor_b<B>", seed 000's sensor classifier on the first B held-out series of its generator. What the benchmarks
// time for every path (scalar, SIMD, WebGPU, and the peers in tests/bench/browser), and what
// attn.run returns for it. The models themselves come from whoever holds them (the page fetches
// them, the CLI reads assets/models/): see set_translator_source.
// Not the random-weight kernel workloads (workloads.h). Test: tests/unit/test_decode_workload.cpp.
//
// The sentence: the model's example in the models table (model_zoo.h).
// The output: every decoder step's logits, row after row, [U, Vt] (U steps; the last one chose
// <EOS> unless max_output_tokens stopped the decode first).
// sensor_b<B> (B from 1 to 2000): series generate_sensor_sample(kSensorDataSeed, kSensorHeldOutFirst + i),
// i < B, through sensor_model_classify_batch; output: probs [B, K], then attention weights [B, T].
#pragma once

#include "models/sensor_model.h"
#include "models/translator.h"

#include <functional>
#include <string>
#include <vector>

namespace attn {

struct DecodeWorkload {
    std::string name;   // "decode_statquest"
    std::string model;  // "statquest"
    std::string text;   // the sentence decoded
};

bool is_decode_workload(const std::string& name);  // starts with "decode_"
// Throws std::invalid_argument naming the name and the shipped models when the model is unknown.
DecodeWorkload parse_decode_workload(const std::string& name);
std::string decode_workload_text(const std::string& model);
// Options of every decode workload: the lab's defaults, no trace, on the given backend.
RunOptions decode_workload_options(Backend backend);
// The workload's output: the logits of every step, concatenated.
std::vector<float> decode_workload_output(const Translation& t);

bool is_sensor_workload(const std::string& name);  // starts with "sensor_"
// The batch size B of "sensor_b<B>"; throws std::invalid_argument naming the accepted form.
int parse_sensor_workload(const std::string& name);
// The B series of the workload, [B*T, C] (sensor_model_classify_batch's layout), in physical units.
Mat sensor_workload_values(int B);
std::vector<float> sensor_workload_output(const SensorBatch& batch);

// Where decode workloads find their models: returns the model, or nullptr with *status "loading"
// (ask again later) or the reason it cannot be had. Set once by the program (page or CLI).
using TranslatorSource = std::function<const Translator*(const std::string& model, std::string* status)>;
void set_translator_source(TranslatorSource source);
const Translator* find_translator(const std::string& model, std::string* status);
// The same for the sensor model.
using SensorSource = std::function<const SensorModel*(std::string* status)>;
void set_sensor_source(SensorSource source);
const SensorModel* find_sensor_model(std::string* status);

}  // namespace attn
