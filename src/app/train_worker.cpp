// train_worker.cpp: the engine of the page's training worker (web/train_worker.js), a module of its own
// (attn_train.js + attn_train.wasm, without the UI) that runs in a Web Worker, so that training never
// holds the page's frames back. It owns one TrainRun (train/train_run.h) and answers in JSON: start a
// run from settings, take steps for at most a time budget, change the probe, give the state since a
// step, and the trained model as .safetensors bytes. Not the page's side (web/train.js) and not the
// training itself (train/trainer.h). Test: tests/e2e/train.test.mjs.
#include "core/safetensors.h"
#include "train/train_run.h"

#include <emscripten.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <vector>

namespace {

std::unique_ptr<attn::TrainRun> g_run;
std::string g_answer;  // the last answer: valid until the next call (train_worker.js copies it at once)

const char* answer(std::string s) {
    g_answer = std::move(s);
    return g_answer.c_str();
}

const char* error(const std::string& message) { return answer(nlohmann::json{{"error", message}}.dump()); }

}  // namespace

// The tables a learner picks from: {"tasks": [{id, description, probe, pattern, kind}], "models": [{id,
// description, layers (the most it may have), uses (the settings it reads beyond task, hidden, layers,
// batch, lr, seed, backend, probe), kind (the tasks it trains: "translate" or "classify")}], "normalizers": [{name, uses_k}] (the lab's table), "bounds": {...}}.
extern "C" EMSCRIPTEN_KEEPALIVE const char* attn_train_tables() {
    using attn::TrainBounds;
    nlohmann::ordered_json j;
    j["tasks"] = nlohmann::ordered_json::array();
    for (const attn::TrainTaskRow& t : attn::train_tasks())
        j["tasks"].push_back({{"id", t.id}, {"description", t.description}, {"probe", t.probe},
                              {"pattern", attn::train_pattern_name(t.pattern)}, {"kind", attn::train_kind_name(t.kind)}});
    j["models"] = nlohmann::ordered_json::array();
    for (const attn::TrainModelRow& m : attn::train_models())  // layers: the most this model may have
    {
        nlohmann::ordered_json uses = nlohmann::ordered_json::array();
        for (const char* setting : {"embed", "heads", "normalizer"})
            if (attn::train_model_uses(m, setting)) uses.push_back(setting);
        j["models"].push_back({{"id", m.id}, {"description", m.description},
                               {"layers", attn::train_max_layers(m)}, {"uses", uses}, {"kind", attn::train_kind_name(m.kind)}});
    }
    j["normalizers"] = nlohmann::ordered_json::array();
    for (const attn::NormalizerInfo& n : attn::normalizers())
        j["normalizers"].push_back({{"name", n.name}, {"uses_k", n.uses_k}});
    j["bounds"] = {{"width", {TrainBounds::kMinWidth, TrainBounds::kMaxWidth}},
                   {"layers", {TrainBounds::kMinLayers, TrainBounds::kMaxLayers}},
                   {"batch", {TrainBounds::kMinBatch, TrainBounds::kMaxBatch}},
                   {"lr", {TrainBounds::kMinLr, TrainBounds::kMaxLr}},
                   {"top_k", {TrainBounds::kMinTopK, TrainBounds::kMaxTopK}},
                   {"heads", {TrainBounds::kMinHeads, TrainBounds::kMaxHeads}},
                   {"probe_words", TrainBounds::kMaxProbeTokens},
                   {"probe_series", TrainBounds::kSensorHeldOutSeries}};
    return answer(j.dump());
}

// Starts a run from random weights: settings as train_settings_from_json reads them. The state, or
// {"error"} (the run before is kept then).
extern "C" EMSCRIPTEN_KEEPALIVE const char* attn_train_start(const char* settings_json) {
    try {
        auto run = std::make_unique<attn::TrainRun>(attn::train_settings_from_json(settings_json ? settings_json : "{}"));
        g_run = std::move(run);
        return answer(g_run->state_json(0));
    } catch (const std::exception& e) {
        return error(e.what());
    }
}

// Takes up to `steps` steps, stopping early once `budget_ms` have passed (at least one step), and answers
// {"taken", "ms"}: the worker asks for the state separately, as often as the page can draw it.
extern "C" EMSCRIPTEN_KEEPALIVE const char* attn_train_steps(int steps, double budget_ms) {
    if (!g_run) return error("no training has started");
    const auto t0 = std::chrono::steady_clock::now();
    const auto ms = [&] { return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count(); };
    int taken = 0;
    try {
        while (taken < steps && (taken == 0 || ms() < budget_ms)) {
            g_run->step();
            ++taken;
        }
    } catch (const std::exception& e) {
        return error(e.what());
    }
    return answer(nlohmann::json{{"taken", taken}, {"ms", ms()}}.dump());
}

// The state with the losses and evaluations after since_step (TrainRun::state_json).
extern "C" EMSCRIPTEN_KEEPALIVE const char* attn_train_state(int since_step) {
    if (!g_run) return error("no training has started");
    return answer(g_run->state_json(since_step));
}

// A new probe sentence for the alignment shown: the state, or {"error"} with the probe unchanged.
extern "C" EMSCRIPTEN_KEEPALIVE const char* attn_train_probe(const char* text) {
    if (!g_run) return error("no training has started");
    try {
        g_run->set_probe(text ? text : "");
        return answer(g_run->state_json(g_run->steps()));
    } catch (const std::exception& e) {
        return error(e.what());
    }
}

// The model as trained so far, named `name`, as a .safetensors file: {"size", "address"} (the bytes stay
// there until the next call of this function), or {"error"}.
extern "C" EMSCRIPTEN_KEEPALIVE const char* attn_train_file(const char* name) {
    static std::vector<uint8_t> bytes;
    if (!g_run) return error("no training has started");
    try {
        bytes = attn::safetensors_serialize(g_run->to_file(name ? name : "trained"));
    } catch (const std::exception& e) {
        return error(e.what());
    }
    return answer(nlohmann::json{{"size", bytes.size()}, {"address", reinterpret_cast<uintptr_t>(bytes.data())}}.dump());
}
