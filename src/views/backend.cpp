// backend.cpp: see backend.h. The CPU paths run here, synchronously, in the update phase (they take
// well under a frame for the listed workloads); the WebGPU path goes through the GpuPort and answers
// later. Natively the port says there is no WebGPU: the choice is shown disabled with that reason.
#include "views/backend.h"

#include "core/bench_stats.h"
#include "core/compare.h"
#include "models/workloads.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <list>
#include <memory>
#include <stdexcept>

namespace attn::views {

using nlohmann::json;

namespace {

using Clock = std::chrono::steady_clock;
volatile float g_sink;  // keeps every timed run observable

WorkloadInstance& instance(const std::string& name) {
    static std::list<std::unique_ptr<WorkloadInstance>> kept;  // most recent first
    for (auto it = kept.begin(); it != kept.end(); ++it) {
        if ((*it)->workload().name == name) {
            kept.splice(kept.begin(), kept, it);
            return *kept.front();
        }
    }
    kept.push_front(std::make_unique<WorkloadInstance>(parse_workload(name)));
    if (kept.size() > 3) kept.pop_back();
    return *kept.front();
}

const std::vector<float>& scalar_reference(BackendState& p, const std::string& name) {
    auto it = p.scalar_outputs.find(name);
    if (it != p.scalar_outputs.end()) return it->second;
    return p.scalar_outputs[name] = instance(name).run(Backend::Scalar);
}

void set_result(BackendState& p, const std::string& name, const char* backend, const std::vector<float>& out,
                double ms, int dispatches, int readbacks) {
    BackendState::Result r;
    r.workload = name;
    r.backend = backend;
    r.output = out;
    r.elapsed_ms = ms;
    r.dispatches = dispatches;
    r.readbacks = readbacks;
    const std::vector<float>& ref = scalar_reference(p, name);
    // a NaN counts as infinite, never as 0; outputs of different sizes do not compare at all
    r.max_abs_diff_vs_scalar = ref.size() == out.size() ? compare(out.data(), ref.data(), long(ref.size())).max_abs : NAN;
    p.result = std::move(r);
    p.has_result = true;
}

void run_cpu(BackendState& p, Backend b) {
    WorkloadInstance& inst = instance(p.workload);
    const Clock::time_point t0 = Clock::now();
    const std::vector<float>& out = inst.run(b);
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    const std::vector<float> copy = out;  // the reference run below reuses the instance's buffer
    set_result(p, p.workload, backend_name(b), copy, ms, 0, 0);
}

// Medians of a few samples of a CPU path (core/bench_stats.h's method, fewer samples).
double cpu_median_us(const std::string& name, Backend b) {
    WorkloadInstance& inst = instance(name);
    return time_runs([&] { g_sink = inst.run(b)[0]; }, kAutoSamples).median_us;
}

void start_run(BackendState& p, GpuPort& gpu, double now) {
    p.dirty = false;
    const int request = ++p.request;
    p.in_flight = false;
    p.error.clear();
    try {
        parse_workload(p.workload);
    } catch (const std::exception& e) {
        p.error = e.what();
        return;
    }
    BackendChoice use = p.choice;
    if (use == BackendChoice::Auto) {
        const std::string name = p.workload;
        BackendState* ps = &p;
        const std::string picked = p.autos.pick(
            name, [&](Backend b) { return cpu_median_us(name, b); }, gpu, name, [ps] { ps->dirty = true; });
        if (picked.empty()) return;  // the GPU's timing is on its way; the pick marks the state dirty
        parse_choice(picked, &use);
    }
    ++p.runs;
    if (use == BackendChoice::WebGpu) {
        const GpuInfo g = gpu.info();
        if (!g.ready) {
            p.notice = g.reason;
            // still starting: the WebGPU choice is kept and runs on SIMD meanwhile (follow_gpu switches)
            if (p.choice == BackendChoice::WebGpu && !g.starting) p.choice = BackendChoice::Simd;
            run_cpu(p, Backend::Simd);
            return;
        }
        p.in_flight = true;
        p.in_flight_since = now;
        p.in_flight_start_frame = p.frame;
        const std::string name = p.workload;
        BackendState* ps = &p;
        gpu.run_workload(name, [ps, request, name](GpuRun r) {
            BackendState& p = *ps;
            if (request != p.request) return;  // a newer run was asked for meanwhile
            p.in_flight = false;
            p.frames_while_in_flight = p.frame - p.in_flight_start_frame;
            if (!r.error.empty()) {
                p.notice = say("gpu.run_failed", "The WebGPU run failed (%s); switched to SIMD.", {r.error});
                if (p.choice == BackendChoice::WebGpu) p.choice = BackendChoice::Simd;
                run_cpu(p, Backend::Simd);
                return;
            }
            set_result(p, name, "webgpu", r.output, r.elapsed_ms, r.dispatches, r.readbacks);
        });
        return;
    }
    run_cpu(p, use == BackendChoice::Scalar ? Backend::Scalar : Backend::Simd);
}

// A change of the GPU's state (lost, failed, ready) since the last frame: fall back, or re-measure.
void follow_gpu(BackendState& p, const GpuInfo& g) {
    if (g.changes == p.seen_gpu_changes) return;
    p.seen_gpu_changes = g.changes;
    if (g.ready) {
        p.autos.clear();  // a new device: Auto measures again
        if (p.choice == BackendChoice::WebGpu) {
            p.notice.clear();  // "still starting" is over: the same workload again, now on the GPU
            p.dirty = true;
        }
        return;
    }
    if (g.starting || g.changes == 0) return;
    const bool was_using = p.choice == BackendChoice::WebGpu || p.in_flight || p.result.backend == "webgpu";
    p.autos.forget_gpu();
    if (was_using) {
        p.notice = g.reason;
        if (p.choice == BackendChoice::WebGpu) p.choice = BackendChoice::Simd;
        p.dirty = true;  // the same workload again, on SIMD: nothing else changes
    }
}

void start_check(BackendState& p, GpuPort& gpu) {
    if (!gpu.info().ready || p.checking) return;
    p.checking = true;
    p.check_summary = say("gpu.checking", "checking every WGSL kernel against the scalar reference...");
    BackendState* ps = &p;
    gpu.check_kernels([ps](Said summary) {
        ps->checking = false;
        ps->check_summary = std::move(summary);
    });
}

// A choice as a click or attn.backend() makes it: WebGPU when it cannot be used says why and stays on
// SIMD; while WebGPU is still starting, the choice waits for it (SIMD meanwhile).
void choose(BackendState& p, BackendChoice c, const GpuInfo& g) {
    if (c == BackendChoice::WebGpu && !g.ready) {
        p.notice = g.reason;
        if (!g.starting) c = BackendChoice::Simd;
    } else if (c != BackendChoice::WebGpu) {
        p.notice.clear();
    }
    p.choice = c;
    p.dirty = true;
}

}  // namespace

const std::vector<BackendChoiceRow>& backend_choices() {
    static const std::vector<BackendChoiceRow> rows = {{BackendChoice::Scalar, "scalar", "Scalar"},
                                                       {BackendChoice::Simd, "simd", "SIMD"},
                                                       {BackendChoice::WebGpu, "webgpu", "WebGPU"},
                                                       {BackendChoice::Auto, "auto", "Auto"}};
    return rows;
}

const char* choice_name(BackendChoice c) {
    for (const BackendChoiceRow& r : backend_choices())
        if (r.choice == c) return r.name;
    return "unknown";
}

bool parse_choice(const std::string& name, BackendChoice* out) {
    for (const BackendChoiceRow& r : backend_choices()) {
        if (name == r.name) {
            *out = r.choice;
            return true;
        }
    }
    return false;
}

const std::vector<std::string>& backend_workloads() {
    static const std::vector<std::string> names = {"mha_d64_h4_t4", "mha_d64_h4_t32", "mha_d64_h4_t128",
                                                   "pool_b32_t100_h64", "lstm_step_h64"};
    return names;
}

std::string AutoPolicy::pick(const std::string& subject, const std::function<double(Backend)>& cpu_us, GpuPort& gpu,
                             const std::string& gpu_workload, std::function<void()> on_decided) {
    AutoPick& p = picks_[subject];
    if (!p.picked.empty() || p.measuring) return p.picked;
    p.measuring = true;
    p.median_us["scalar"] = cpu_us(Backend::Scalar);
    p.median_us["simd"] = cpu_us(Backend::Simd);
    if (gpu.info().ready) {
        AutoPolicy* self = this;
        gpu.time_workload(gpu_workload, kAutoSamples, [self, subject, on_decided](double us, std::string error) {
            const auto it = self->picks_.find(subject);
            if (it == self->picks_.end() || !it->second.measuring) return;  // forgotten meanwhile
            if (error.empty()) it->second.median_us["webgpu"] = us;
            decide(it->second);
            if (on_decided) on_decided();
        });
        return picks_[subject].picked;  // "" unless the port answered at once
    }
    decide(p);
    return p.picked;
}

const AutoPick* AutoPolicy::find(const std::string& subject) const {
    const auto it = picks_.find(subject);
    return it == picks_.end() ? nullptr : &it->second;
}

void AutoPolicy::decide(AutoPick& p) {
    p.measuring = false;
    p.picked.clear();
    double best = 0;
    for (const auto& [path, us] : p.median_us)
        if (p.picked.empty() || us < best) p.picked = path, best = us;
}

void AutoPolicy::forget_gpu() {
    for (auto it = picks_.begin(); it != picks_.end();)
        it = it->second.picked == "webgpu" || it->second.measuring ? picks_.erase(it) : std::next(it);
}

json AutoPolicy::to_json() const {
    json out = json::object();
    for (const auto& [name, p] : picks_)
        out[name] = {{"picked", p.picked}, {"measuring", p.measuring}, {"median_us", p.median_us}};
    return out;
}

void backend_apply(BackendState& p, const BackendIntents& in, GpuPort& gpu) {
    if (in.choose && *in.choose != p.choice) choose(p, *in.choose, gpu.info());
    if (in.workload && *in.workload != p.workload) {
        p.workload = *in.workload;
        p.dirty = true;
    }
    if (in.run_again) p.dirty = true;
    if (in.check_kernels) start_check(p, gpu);
    if (in.retry_gpu) gpu.retry();
}

void backend_update(BackendState& p, GpuPort& gpu, double now) {
    ++p.frame;
    p.now = now;
    follow_gpu(p, gpu.info());
    if (p.dirty && !p.in_flight) start_run(p, gpu, now);
}

json backend_request(BackendState& p, GpuPort& gpu, const json& args) {
    if (!args.is_object()) throw std::invalid_argument("arguments must be a JSON object");
    if (args.contains("select") && !args["select"].is_string()) throw std::invalid_argument("select takes a string");
    if (args.contains("workload") && !args["workload"].is_string()) throw std::invalid_argument("workload takes a string");
    const GpuInfo g = gpu.info();
    if (args.contains("select")) {
        const std::string s = args["select"].get<std::string>();
        BackendChoice c;
        if (!parse_choice(s, &c)) {
            std::string names;
            for (const BackendChoiceRow& r : backend_choices()) names += (names.empty() ? "" : ", ") + std::string(r.name);
            throw std::invalid_argument("unknown choice '" + s + "' (" + names + ")");
        }
        choose(p, c, g);
    }
    if (args.contains("workload")) {
        p.workload = args["workload"].get<std::string>();
        p.dirty = true;
    }
    json out = {{"choice", choice_name(p.choice)},
                {"workload", p.workload},
                {"in_flight", p.in_flight},
                {"pending", p.dirty},
                {"notice", p.notice.text},
                {"clock_note", p.clock_note},
                {"error", p.error},
                {"gpu_reason", g.reason.text},
                {"frames_while_in_flight", p.frames_while_in_flight},
                {"frame", p.frame},
                {"runs", p.runs},
                {"auto", p.autos.to_json()},
                {"check_summary", p.check_summary.text}};
    if (p.has_result) {
        const BackendState::Result& r = p.result;
        const size_t head = std::min<size_t>(8, r.output.size());
        out["result"] = {{"workload", r.workload},
                         {"backend", r.backend},
                         {"from_gpu", r.backend == "webgpu"},
                         {"elapsed_ms", r.elapsed_ms},
                         {"max_abs_diff_vs_scalar", r.max_abs_diff_vs_scalar},
                         {"size", r.output.size()},
                         {"dispatches", r.dispatches},
                         {"readbacks", r.readbacks},
                         {"head", std::vector<float>(r.output.begin(), r.output.begin() + head)}};
    }
    return out;
}

}  // namespace attn::views
