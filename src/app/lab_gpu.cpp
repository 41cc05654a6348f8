// lab_gpu.cpp: see lab_gpu.h.
#include "app/lab_gpu.h"

#include "app/app.h"
#include "app/bench_stats.h"
#include "models/decode_workload.h"

#ifdef __EMSCRIPTEN__
#include "gpu/decode.h"
#include "gpu/gpu_api.h"
#include "gpu/runtime.h"
#endif

#include <cstdio>

namespace attn::app {

namespace {

using ui::BackendChoice;
constexpr int kAutoSamples = 5;
volatile float g_sink;

#ifdef __EMSCRIPTEN__
std::string fmt(const char* f, double x) {
    char b[64];
    std::snprintf(b, sizeof b, f, x);
    return b;
}
#endif

// Medians of a few decodes of the lab's model on a CPU path (app/bench_stats.h's method).
double cpu_decode_us(const Translator& model, const std::string& text, Backend b) {
    const RunOptions o = decode_workload_options(b);
    return time_runs([&] { g_sink = static_cast<float>(model.translate(text, o).steps.size()); }, kAutoSamples).median_us;
}

void decide(LabGpu::Pick& pick) {
    pick.measuring = false;
    double best = 0;
    for (const auto& [path, us] : pick.median_us)
        if (pick.picked.empty() || us < best) pick.picked = path, best = us;
}

// The path the lab uses now: "scalar", "simd", "webgpu", or "" while Auto is still timing.
std::string effective_path(App& app) {
    switch (app.backend.choice) {
        case BackendChoice::Scalar: return "scalar";
        case BackendChoice::Simd: return "simd";
        case BackendChoice::WebGpu: return "webgpu";
        case BackendChoice::Auto: break;
    }
    const Translator* model = app.store.get(app.lab.state.model);
    if (!model) return "";
    LabGpu::Pick& pick = app.lab_gpu.picks[app.lab.state.model];
    if (!pick.picked.empty() || pick.measuring) return pick.picked;
    // Auto's first look at this model: time the CPU paths now, the GPU's answer arrives later
    pick.measuring = true;
    pick.median_us["scalar"] = cpu_decode_us(*model, decode_workload_text(app.lab.state.model), Backend::Scalar);
    pick.median_us["simd"] = cpu_decode_us(*model, decode_workload_text(app.lab.state.model), Backend::Simd);
#ifdef __EMSCRIPTEN__
    if (ui::webgpu_unavailable_reason().empty()) {
        const std::string name = app.lab.state.model;
        LabGpu* lg = &app.lab_gpu;
        gpu::bench_workload("decode_" + name, kAutoSamples, [lg, name](BenchStats s, gpu::ForwardInfo, std::string error) {
            LabGpu::Pick& p = lg->picks[name];
            if (error.empty()) p.median_us["webgpu"] = s.median_us;
            decide(p);
            lg->seen_runs = -1;  // apply the pick
        });
        return "";
    }
#endif
    decide(pick);
    return pick.picked;
}

}  // namespace

void lab_gpu_before_run(App& app) {
    Lab& lab = app.lab;
    LabGpu& g = app.lab_gpu;
    const int choice = static_cast<int>(app.backend.choice);
    bool changed = choice != g.seen_choice;
#ifdef __EMSCRIPTEN__
    const gpu::GpuStatus& gs = gpu::Runtime::instance().status();
    if (gs.changes != g.seen_gpu_changes) {
        g.seen_gpu_changes = gs.changes;
        if (gs.state == gpu::GpuState::Ready) {  // WebGPU arrived (after the first frame, or a new device)
            g.picks.clear();
            changed = true;
        }
    }
#endif
    if (changed) {  // a new choice: the GPU numbers (if any) are redone or dropped
        g.seen_choice = choice;
        g.seen_runs = -1;
    }
    // Auto follows its pick for each model the lab shows; the other choices act when they are made.
    const bool is_auto = app.backend.choice == BackendChoice::Auto;
    if (!changed && !is_auto && g.seen_runs != -1) return;
    const std::string path = effective_path(app);
    if (path.empty()) return;  // Auto is still timing this model
    // The CPU path follows the choice: scalar runs scalar; SIMD and WebGPU (meanwhile) run SIMD.
    const Backend want = path == "scalar" ? Backend::Scalar : Backend::Simd;
    const bool stale_gpu_numbers = lab.computed_by == "webgpu" && path != "webgpu";
    if (lab.state.options.backend != want || stale_gpu_numbers) {
        lab.state.options.backend = want;
        lab.dirty = true;
    }
}

void lab_gpu_after_run(App& app) {
    Lab& lab = app.lab;
    LabGpu& g = app.lab_gpu;
    if (g.seen_runs == lab.runs) return;
    const std::string path = effective_path(app);
    if (path.empty()) return;  // Auto is timing the GPU
    g.seen_runs = lab.runs;
    ++g.request;
    g.error.clear();
    g.status.clear();
    const std::string auto_says =
        app.backend.choice == BackendChoice::Auto ? "Auto picked " + path + " for " + lab.state.model + " on this device. " : "";
    if (path != "webgpu" || !lab.model || lab.result.steps.empty()) {
        lab.computed_note = auto_says + "Numbers computed by the " + lab.computed_by + " path on the CPU.";
        return;
    }
    const std::string reason = ui::webgpu_unavailable_reason();
    if (!reason.empty()) {
        g.status = "failed";
        g.error = reason;
        lab.computed_note = "WebGPU is not in use (" + reason + "): numbers computed by SIMD.";
        return;
    }
#ifdef __EMSCRIPTEN__
    g.status = "computing";
    lab.computed_note = auto_says + "WebGPU is computing this decode; SIMD numbers shown meanwhile.";
    const int request = g.request;
    const long runs = lab.runs;
    App* a = &app;
    gpu::decode_on_gpu(*lab.model, lab.result.source_ids, lab.state.options, true,
                       [a, request, runs, auto_says](gpu::GpuDecode d) {
        LabGpu& g = a->lab_gpu;
        Lab& lab = a->lab;
        if (request != g.request || runs != lab.runs || !lab.model) return;  // the lab moved on meanwhile
        if (!d.error.empty()) {
            g.status = "failed";
            g.error = d.error;
            lab.computed_note = "The WebGPU decode failed (" + d.error + "): numbers computed by SIMD.";
            return;
        }
        // the reference: the scalar path on the same text and options
        RunOptions scalar = lab.state.options;
        scalar.backend = Backend::Scalar;
        const Translation ref = lab.model->translate(lab.state.text, scalar);
        const gpu::DecodeComparison c = gpu::compare_decode(d, ref);
        g.max_abs_diff = c.max_abs_diff;
        g.nmse = c.nmse;
        g.where = c.where;
        g.elapsed_ms = d.elapsed_ms;
        g.dispatches = d.dispatches;
        g.readbacks = d.readbacks;
        if (!c.same_tokens || !gpu::same_tokens(d, lab.result)) {
            g.status = "different";
            g.error = "the GPU chose other words than the CPU (a near tie)";
            lab.computed_note = "WebGPU chose other words than the CPU (a near tie): numbers computed by SIMD.";
            return;
        }
        gpu::apply_decode(d, lab.result);
        lab.computed_by = "webgpu";
        g.status = "ready";
        const gpu::GpuStatus& s = gpu::Runtime::instance().status();
        lab.computed_note = auto_says + "Numbers computed by WebGPU on " + s.adapter +
                            (s.cpu_adapter ? " (a CPU implementation of WebGPU)" : "") + " in " +
                            fmt("%.2f ms", d.elapsed_ms) + ", 1 dispatch, 1 readback. Largest difference from the scalar "
                            "reference: " + fmt("%.2g", c.max_abs_diff) + (c.where.empty() ? "" : " (" + c.where + ")") + ".";
    });
#endif
}

nlohmann::json lab_gpu_json(const App& app) {
    const LabGpu& g = app.lab_gpu;
    nlohmann::json picks = nlohmann::json::object();
    for (const auto& [model, p] : g.picks) picks[model] = {{"median_us", p.median_us}, {"picked", p.picked}};
    return {{"status", g.status}, {"error", g.error}, {"in_flight", g.status == "computing"}, {"max_abs_diff_vs_scalar", g.max_abs_diff},
            {"nmse_vs_scalar", g.nmse}, {"where", g.where}, {"elapsed_ms", g.elapsed_ms}, {"dispatches", g.dispatches},
            {"readbacks", g.readbacks}, {"auto", picks}};
}

}  // namespace attn::app
