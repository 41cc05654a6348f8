// lab_gpu.cpp: see lab_gpu.h.
#include "views/lab_gpu.h"

#include "core/bench_stats.h"
#include "models/decode_workload.h"
#include "views/session.h"

#include <cstdio>

namespace attn::views {

namespace {

volatile float g_sink;

std::string fmt(const char* f, double x) {
    char b[64];
    std::snprintf(b, sizeof b, f, x);
    return b;
}

// Medians of a few decodes of the lab's model on a CPU path (core/bench_stats.h's method).
double cpu_decode_us(const Translator& model, const std::string& text, Backend b) {
    const RunOptions o = decode_workload_options(b);
    return time_runs([&] { g_sink = static_cast<float>(model.translate(text, o).steps.size()); }, kAutoSamples).median_us;
}

// The path the lab uses now: "scalar", "simd", "webgpu", or "" while Auto is still timing.
std::string effective_path(Session& s) {
    if (s.backend.choice != BackendChoice::Auto) return choice_name(s.backend.choice);
    const std::string name = s.lab.state.model;
    const Translator* model = s.store.get(name);
    if (!model) return "";
    LabGpu* lg = &s.lab_gpu;
    return s.lab_gpu.autos.pick(
        name, [&](Backend b) { return cpu_decode_us(*model, decode_workload_text(name), b); }, *s.gpu, "decode_" + name,
        [lg] { lg->seen_runs = -1; });  // apply the pick
}

}  // namespace

void lab_gpu_before_run(Session& s) {
    Lab& lab = s.lab;
    LabGpu& g = s.lab_gpu;
    const int choice = static_cast<int>(s.backend.choice);
    bool changed = choice != g.seen_choice;
    const GpuInfo info = s.gpu->info();
    if (info.changes != g.seen_gpu_changes) {
        g.seen_gpu_changes = info.changes;
        if (info.ready) {  // WebGPU arrived (after the first frame, or a new device)
            g.autos.clear();
            changed = true;
        }
    }
    if (changed) {  // a new choice: the GPU numbers (if any) are redone or dropped
        g.seen_choice = choice;
        g.seen_runs = -1;
    }
    // Auto follows its pick for each model the lab shows; the other choices act when they are made.
    const bool is_auto = s.backend.choice == BackendChoice::Auto;
    if (!changed && !is_auto && g.seen_runs != -1) return;
    const std::string path = effective_path(s);
    if (path.empty()) return;  // Auto is still timing this model
    // The CPU path follows the choice: scalar runs scalar; SIMD and WebGPU (meanwhile) run SIMD.
    const Backend want = path == "scalar" ? Backend::Scalar : Backend::Simd;
    const bool stale_gpu_numbers = lab.computed_by == "webgpu" && path != "webgpu";
    if (lab.state.options.backend != want || stale_gpu_numbers) {
        lab.state.options.backend = want;
        lab.dirty = true;
    }
}

void lab_gpu_after_run(Session& s) {
    Lab& lab = s.lab;
    LabGpu& g = s.lab_gpu;
    if (g.seen_runs == lab.runs) return;
    const std::string path = effective_path(s);
    if (path.empty()) return;  // Auto is timing the GPU
    g.seen_runs = lab.runs;
    ++g.request;
    g.error.clear();
    g.status.clear();
    Note auto_says;
    if (s.backend.choice == BackendChoice::Auto) auto_says.add("note.auto", {path, lab.state.model});
    // The note in English for attn.state(), and as ids for the panel (drawn in the visitor's language).
    const auto say = [](Lab& l, Note n) {
        l.computed_note = note_text(n, Lang::En);
        l.computed = std::move(n);
    };
    const auto with = [](Note n, const char* id, std::vector<std::string> args = {}) {
        n.add(id, std::move(args));
        return n;
    };
    if (path != "webgpu" || !lab.model || lab.result.steps.empty()) {
        say(lab, with(auto_says, "note.cpu", {lab.computed_by}));
        return;
    }
    const GpuInfo info = s.gpu->info();
    if (!info.ready) {
        g.status = "failed";
        g.error = info.reason.text;
        // the reason in the visitor's language when it is a sentence of the table without arguments
        const bool plain = has_row(info.reason.id) && info.reason.args.empty();
        say(lab, with(Note{}, "note.no_gpu", {plain ? "@" + info.reason.id : info.reason.text}));
        return;
    }
    g.status = "computing";
    say(lab, with(auto_says, "note.gpu_computing"));
    const int request = g.request;
    const long runs = lab.runs;
    Session* ps = &s;
    s.gpu->decode(*lab.model, lab.result.source_ids, lab.state.options,
                  [ps, request, runs, auto_says, say, with](std::shared_ptr<const GpuDecodeResult> d) {
        LabGpu& g = ps->lab_gpu;
        Lab& lab = ps->lab;
        if (request != g.request || runs != lab.runs || !lab.model) return;  // the lab moved on meanwhile
        if (!d->error.empty()) {
            g.status = "failed";
            g.error = d->error;
            say(lab, with(Note{}, "note.gpu_failed", {d->error}));
            return;
        }
        // the reference: the scalar path on the same text and options
        RunOptions scalar = lab.state.options;
        scalar.backend = Backend::Scalar;
        const Translation ref = lab.model->translate(lab.state.text, scalar);
        const GpuDecodeResult::Comparison c = d->compare(ref);
        g.max_abs_diff = c.max_abs_diff;
        g.nmse = c.nmse;
        g.where = c.where;
        g.elapsed_ms = d->elapsed_ms;
        g.dispatches = d->dispatches;
        g.readbacks = d->readbacks;
        g.notes = d->notes;
        if (!c.same_tokens || !d->same_tokens(lab.result)) {
            g.status = "different";
            g.error = "the GPU chose other words than the CPU (a near tie)";
            say(lab, with(Note{}, "note.gpu_differs"));
            return;
        }
        d->apply(lab.result);
        lab.computed_by = "webgpu";
        g.status = "ready";
        const GpuInfo info = ps->gpu->info();
        say(lab, with(auto_says, "note.gpu_done",
                      {info.adapter, info.cpu_adapter ? "@note.cpu_adapter" : "", fmt("%.2f ms", d->elapsed_ms),
                       fmt("%.2g", c.max_abs_diff), c.where.empty() ? "" : " (" + c.where + ")"}));
    });
}

nlohmann::json lab_gpu_json(const Session& s) {
    const LabGpu& g = s.lab_gpu;
    nlohmann::json picks = nlohmann::json::object();
    for (const auto& [model, p] : g.autos.picks()) picks[model] = {{"median_us", p.median_us}, {"picked", p.picked}};
    return {{"status", g.status}, {"error", g.error}, {"in_flight", g.status == "computing"}, {"max_abs_diff_vs_scalar", g.max_abs_diff},
            {"nmse_vs_scalar", g.nmse}, {"where", g.where}, {"elapsed_ms", g.elapsed_ms}, {"dispatches", g.dispatches},
            {"readbacks", g.readbacks}, {"notes", g.notes}, {"auto", picks}};
}

}  // namespace attn::views
