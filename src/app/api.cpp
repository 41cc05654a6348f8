// api.cpp: see api.h. Every number returned here comes from the engine (models/, nn/, kernels/).
#include "app/api.h"

#include "views/lab.h"
#include "views/model_store.h"
#include "views/view_states.h"

#include "core/api_args.h"
#include "core/bench_stats.h"
#include "kernels/kernels.h"
#include "models/attention_gallery.h"
#include "models/decode_workload.h"
#include "models/model_zoo.h"
#include "models/seed_examples.h"
#include "models/workloads.h"
#include "nn/attention_scores.h"
#include "nn/normalizers.h"
#include "trace/trace.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <exception>
#include <functional>
#include <list>
#include <map>
#include <memory>

namespace attn::api {

using nlohmann::json;

namespace {

constexpr int64_t kMaxSafeInteger = 9007199254740991;  // 2^53 - 1: the largest integer a JavaScript number holds exactly

// Rows of a matrix as nested arrays; a [1, N] matrix as a flat array when flat is true.
json to_json(const Mat& m, bool flat = false) {
    if (flat && m.rows() == 1) return json(std::vector<float>(m.data(), m.data() + m.size()));
    json rows = json::array();
    for (Eigen::Index r = 0; r < m.rows(); ++r)
        rows.push_back(std::vector<float>(m.row(r).data(), m.row(r).data() + m.cols()));
    return rows;
}

Backend backend_arg(const json& args) {
    const std::string name = api_args::string_arg(args, "backend", "scalar");
    Backend b;
    if (!parse_backend(name.c_str(), &b)) throw std::invalid_argument("unknown backend '" + name + "' (scalar, simd)");
    return b;
}

}  // namespace

json seed001(const json& args) {
    const uint64_t seed = static_cast<uint64_t>(api_args::int_arg(args, "seed", kSeed001Seed, 0, kMaxSafeInteger));
    const AttentionTrace t = seed001_scaled_dot_example(backend_arg(args), seed);
    return {
        {"description", "seed 001: one scaled dot-product attention step; batch 1, 4 encoder steps, hidden 8"},
        {"seed", seed},
        {"encoder_outputs", to_json(t.keys)},
        {"decoder_hidden", to_json(t.query, true)},
        {"scale", t.scale},
        {"scores", to_json(t.scores, true)},
        {"scaled", to_json(t.scaled, true)},
        {"weights", to_json(t.weights, true)},
        {"context", to_json(t.context, true)},
    };
}

json gallery(const json& args) {
    return views::gallery_to_json(attention_gallery(views::gallery_options_from_json(args, GalleryOptions{})));
}

namespace {

volatile float g_sink;  // keeps every timed run observable

// The last few workloads asked for, inputs generated once (pool_b32_t100_h64 draws 205k values).
WorkloadInstance& workload_instance(const json& args) {
    static std::list<std::unique_ptr<WorkloadInstance>> kept;  // most recent first
    const std::string name = api_args::string_arg(args, "workload", "");
    for (auto it = kept.begin(); it != kept.end(); ++it) {
        if ((*it)->workload().name == name) {
            kept.splice(kept.begin(), kept, it);
            return *kept.front();
        }
    }
    kept.push_front(std::make_unique<WorkloadInstance>(parse_workload(name)));
    if (kept.size() > 4) kept.pop_back();
    return *kept.front();
}

// The output of a workload on its fixed inputs (models/workloads.h), computed by the backend.
// A decode workload's model, or the answer to give while it cannot run: {"pending": true, "status":
// "loading"} (ask again), or an error naming why.
const Translator* decode_model(const DecodeWorkload& w, json* answer) {
    std::string status;
    const Translator* model = find_translator(w.model, &status);
    if (model) return model;
    if (status == "loading") *answer = {{"workload", w.name}, {"pending", true}, {"status", status}};
    else throw std::runtime_error("model " + w.model + ": " + status);
    return nullptr;
}


json decode_run(const json& args) {
    const DecodeWorkload w = parse_decode_workload(api_args::string_arg(args, "workload", ""));
    const Backend backend = backend_arg(args);
    json answer;
    const Translator* model = decode_model(w, &answer);
    if (!model) return answer;
    const Translation t = model->translate(w.text, decode_workload_options(backend));
    return {{"workload", w.name}, {"backend", backend_name(backend)}, {"text", w.text}, {"output_text", t.output_text},
            {"steps", t.steps.size()}, {"source_ids", t.source_ids}, {"output", decode_workload_output(t)}};
}

// The sensor workload's model and series (generated once per batch size), or the answer to give meanwhile.
const SensorModel* sensor_model(const std::string& name, json* answer) {
    std::string status;
    const SensorModel* m = find_sensor_model(&status);
    if (m) return m;
    if (status == "loading") *answer = {{"workload", name}, {"pending", true}, {"status", status}};
    else throw std::runtime_error("the sensor model: " + status);
    return nullptr;
}
const Mat& sensor_values(int B) {
    static std::map<int, Mat> kept;
    auto it = kept.find(B);
    if (it == kept.end()) {
        if (kept.size() > 4) kept.clear();
        it = kept.emplace(B, sensor_workload_values(B)).first;
    }
    return it->second;
}

json sensor_run(const json& args) {
    const std::string name = api_args::string_arg(args, "workload", "");
    const int B = parse_sensor_workload(name);
    const Backend backend = backend_arg(args);
    json answer;
    const SensorModel* m = sensor_model(name, &answer);
    if (!m) return answer;
    const SensorBatch batch = sensor_model_classify_batch(*m, sensor_values(B), backend);
    return {{"workload", name}, {"backend", backend_name(backend)}, {"predicted", batch.predicted},
            {"output", sensor_workload_output(batch)}};
}

}  // namespace

json workload_run(const json& args) {
    if (is_decode_workload(api_args::string_arg(args, "workload", ""))) return decode_run(args);
    if (is_sensor_workload(api_args::string_arg(args, "workload", ""))) return sensor_run(args);
    WorkloadInstance& inst = workload_instance(args);
    const Backend backend = backend_arg(args);
    return {{"workload", inst.workload().name}, {"backend", backend_name(backend)}, {"output", inst.run(backend)}};
}

// Times a backend on a workload as core/bench_stats.h describes: warm-up runs, one run to choose
// the runs per sample, then `iterations` samples. The page is busy meanwhile (CPU work).
json workload_bench(const json& args) {
    const std::string name = api_args::string_arg(args, "workload", "");
    const Backend backend = backend_arg(args);
    const int samples = static_cast<int>(api_args::int_arg(args, "iterations", 20, 1, 100000));
    std::function<void()> run_once;
    if (is_decode_workload(name)) {
        const DecodeWorkload w = parse_decode_workload(name);
        json answer;
        const Translator* model = decode_model(w, &answer);
        if (!model) return answer;
        run_once = [model, w, options = decode_workload_options(backend)] {
            g_sink = model->translate(w.text, options).steps.back().logits[0];
        };
    } else if (is_sensor_workload(name)) {
        const int B = parse_sensor_workload(name);
        json answer;
        const SensorModel* m = sensor_model(name, &answer);
        if (!m) return answer;
        const Mat& values = sensor_values(B);
        run_once = [m, &values, backend] { g_sink = sensor_model_classify_batch(*m, values, backend).probs(0, 0); };
    } else {
        WorkloadInstance& inst = workload_instance(args);
        run_once = [&inst, backend] { g_sink = inst.run(backend)[0]; };
    }
    const BenchStats st = time_runs(run_once, samples);
    return {{"workload", name}, {"backend", backend_name(backend)}, {"median_us", st.median_us},
            {"p10_us", st.p10_us}, {"p90_us", st.p90_us}, {"samples", st.samples},
            {"runs_per_sample", st.runs_per_sample}};
}

// The generated inputs, in generation order, so an outside harness can check its own generator.
json workload_inputs(const json& args) {
    if (is_decode_workload(api_args::string_arg(args, "workload", ""))) {  // the weights are the model file's
        const DecodeWorkload w = parse_decode_workload(api_args::string_arg(args, "workload", ""));
        json answer;
        const Translator* model = decode_model(w, &answer);
        if (!model) return answer;
        const Translation t = model->translate(w.text, decode_workload_options(Backend::Scalar));
        return {{"workload", w.name}, {"model", w.model}, {"file", model_file(*find_translation_model(w.model))},
                {"text", w.text}, {"source_ids", t.source_ids}, {"source_tokens", t.source_tokens},
                {"max_output_tokens", decode_workload_options(Backend::Scalar).max_output_tokens}};
    }
    WorkloadInstance& inst = workload_instance(args);
    json list = json::array();
    for (const WorkloadTensor& t : inst.inputs()) list.push_back({{"name", t.name}, {"shape", t.shape}, {"data", t.data}});
    return {{"workload", inst.workload().name}, {"inputs", list}};
}


// The version, and the largest model file the page takes (web/loader.js refuses a larger one before
// reading it, with the store's own message).
json version(const json&) { return {{"version", "0.1.0"}, {"max_model_file_bytes", views::kMaxModelFileBytes}}; }

// The engine's tables (nn/normalizers.h, nn/attention_scores.h; the models: attn.models()), so that
// the page's tests enumerate them rather than keep their own lists.
json tables(const json&) {
    json norms = json::array();
    for (const NormalizerInfo& n : normalizers())
        norms.push_back({{"name", n.name}, {"label", n.label}, {"widget", n.widget}, {"summary", n.summary},
                         {"uses_k", n.uses_k}, {"sparse", n.sparse}, {"simd", n.simd}, {"gpu", n.gpu_code >= 0}});
    json scores = json::array();
    for (const ScoreFnInfo& f : score_fns())
        scores.push_back({{"name", f.name}, {"formula", f.formula}, {"parameters", f.parameters}, {"note", f.note},
                          {"scaled", f.scaled}, {"records_energies", f.records_energies}, {"fused", f.fused},
                          {"in_gallery", f.in_gallery}});
    return {{"normalizers", norms}, {"score_fns", scores}};
}

}  // namespace attn::api
