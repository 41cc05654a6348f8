// backend_panel.cpp: see backend_panel.h. The CPU paths run here, synchronously (they take well
// under a frame for the listed workloads); the WebGPU path goes through gpu/gpu_api.h and answers
// later. Natively there is no WebGPU: the choice is shown disabled with the reason.
#include "ui/backend_panel.h"

#include "app/bench_stats.h"
#include "kernels/kernels.h"
#include "models/workloads.h"
#include "ui/theme.h"
#include "ui/widgets.h"

#include "imgui.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <list>
#include <memory>
#include <stdexcept>

#ifdef __EMSCRIPTEN__
#include "gpu/gpu_api.h"
#include "gpu/kernel_check.h"
#include "gpu/runtime.h"

#include <emscripten/emscripten.h>
#endif

namespace attn::ui {

namespace {

const char* const kWorkloads[] = {"mha_d64_h4_t4", "mha_d64_h4_t32", "mha_d64_h4_t128", "pool_b32_t100_h64",
                                  "lstm_step_h64"};
constexpr int kAutoSamples = 5;

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

bool gpu_ready() {
#ifdef __EMSCRIPTEN__
    return gpu::Runtime::instance().ready();
#else
    return false;
#endif
}

// Why WebGPU cannot be used now (empty when it can).
// WebGPU is on its way (looked for after the first frame, or compiling): a WebGPU choice is kept and
// runs on SIMD meanwhile, and switches when the GPU is ready.
bool gpu_starting() {
#ifdef __EMSCRIPTEN__
    const gpu::GpuState s = gpu::Runtime::instance().status().state;
    return s == gpu::GpuState::Waiting || s == gpu::GpuState::Preparing;
#else
    return false;
#endif
}

std::string gpu_reason() {
#ifdef __EMSCRIPTEN__
    const gpu::GpuStatus& s = gpu::Runtime::instance().status();
    if (s.state == gpu::GpuState::Ready) return "";
    if (s.state == gpu::GpuState::Waiting)
        return "WebGPU is still starting (looking for an adapter after the first frame); SIMD meanwhile";
    if (s.state == gpu::GpuState::Preparing) return "WebGPU is still starting (compiling its shaders); SIMD meanwhile";
    return s.notice.empty() ? std::string("WebGPU is ") + gpu::state_name(s.state) : s.notice;
#else
    return "WebGPU exists in the browser build only; this native app computes on the CPU.";
#endif
}

const std::vector<float>& scalar_reference(BackendPanel& p, const std::string& name) {
    auto it = p.scalar_outputs.find(name);
    if (it != p.scalar_outputs.end()) return it->second;
    return p.scalar_outputs[name] = instance(name).run(Backend::Scalar);
}

void set_result(BackendPanel& p, const std::string& name, const char* backend, const std::vector<float>& out,
                double ms, int dispatches, int readbacks) {
    BackendPanel::Result r;
    r.workload = name;
    r.backend = backend;
    r.output = out;
    r.elapsed_ms = ms;
    r.dispatches = dispatches;
    r.readbacks = readbacks;
    const std::vector<float>& ref = scalar_reference(p, name);
    double worst = 0;
    for (size_t i = 0; i < ref.size() && i < out.size(); ++i) {
        const double d = std::fabs(double(out[i]) - ref[i]);
        if (!(d <= worst)) worst = d;  // a NaN shows as NaN, not as 0
    }
    if (ref.size() != out.size()) worst = NAN;
    r.max_abs_diff_vs_scalar = worst;
    p.result = std::move(r);
    p.has_result = true;
}

void run_cpu(BackendPanel& p, Backend b) {
    WorkloadInstance& inst = instance(p.workload);
    const Clock::time_point t0 = Clock::now();
    const std::vector<float>& out = inst.run(b);
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    const std::vector<float> copy = out;  // the reference run below reuses the instance's buffer
    set_result(p, p.workload, backend_name(b), copy, ms, 0, 0);
}

// Medians of a few samples of a CPU path (app/bench_stats.h's method, fewer samples).
double cpu_median_us(const std::string& name, Backend b) {
    WorkloadInstance& inst = instance(name);
    return time_runs([&] { g_sink = inst.run(b)[0]; }, kAutoSamples).median_us;
}

void decide(BackendPanel& p, const std::string& name) {
    BackendPanel::AutoPick& pick = p.auto_picks[name];
    pick.measuring = false;
    pick.picked.clear();
    double best = 0;
    for (const auto& [backend, us] : pick.median_us)
        if (pick.picked.empty() || us < best) pick.picked = backend, best = us;
    p.dirty = true;
}

void start_auto(BackendPanel& p, const std::string& name) {
    BackendPanel::AutoPick& pick = p.auto_picks[name];
    pick = BackendPanel::AutoPick{};
    pick.measuring = true;
    pick.median_us["scalar"] = cpu_median_us(name, Backend::Scalar);
    pick.median_us["simd"] = cpu_median_us(name, Backend::Simd);
#ifdef __EMSCRIPTEN__
    if (gpu_ready()) {
        gpu::bench_workload(name, kAutoSamples, [&p, name](BenchStats s, gpu::ForwardInfo, std::string error) {
            if (error.empty()) p.auto_picks[name].median_us["webgpu"] = s.median_us;
            decide(p, name);
        });
        return;
    }
#endif
    decide(p, name);
}

void start_run(BackendPanel& p, double now) {
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
        BackendPanel::AutoPick& pick = p.auto_picks[p.workload];
        if (pick.picked.empty()) {
            if (!pick.measuring) start_auto(p, p.workload);
            if (pick.picked.empty()) return;  // the GPU's timing is on its way; decide() runs again
        }
        use = pick.picked == "webgpu" ? BackendChoice::WebGpu
              : pick.picked == "simd" ? BackendChoice::Simd
                                      : BackendChoice::Scalar;
    }
    if (use == BackendChoice::WebGpu) {
        const std::string reason = gpu_reason();
        if (!reason.empty()) {
            p.notice = reason;
            if (p.choice == BackendChoice::WebGpu && !gpu_starting()) p.choice = BackendChoice::Simd;
            run_cpu(p, Backend::Simd);
            return;
        }
#ifdef __EMSCRIPTEN__
        p.in_flight = true;
        p.in_flight_since = now;
        p.in_flight_start_frame = p.frame;
        const std::string name = p.workload;
        gpu::run_workload(name, [&p, request, name](gpu::RunResult r, gpu::ForwardInfo f) {
            if (request != p.request) return;  // a newer run was asked for meanwhile
            p.in_flight = false;
            p.frames_while_in_flight = p.frame - p.in_flight_start_frame;
            if (!r.error.empty()) {
                p.notice = "The WebGPU run failed (" + r.error + "); switched to SIMD.";
                if (p.choice == BackendChoice::WebGpu) p.choice = BackendChoice::Simd;
                run_cpu(p, Backend::Simd);
                return;
            }
            set_result(p, name, "webgpu", r.data, r.elapsed_ms, f.dispatches, f.readbacks);
        });
#endif
        return;
    }
    run_cpu(p, use == BackendChoice::Scalar ? Backend::Scalar : Backend::Simd);
}

// A change of the GPU's state (lost, failed, ready) since the last frame: fall back, or re-measure.
void follow_gpu(BackendPanel& p) {
#ifdef __EMSCRIPTEN__
    const gpu::GpuStatus& s = gpu::Runtime::instance().status();
    if (s.changes == p.seen_gpu_changes) return;
    p.seen_gpu_changes = s.changes;
    if (s.state == gpu::GpuState::Ready) {
        p.auto_picks.clear();  // a new device: Auto measures again
        if (p.choice == BackendChoice::WebGpu) {
            p.notice.clear();  // "still starting" is over: the same workload again, now on the GPU
            p.dirty = true;
        }
        return;
    }
    if (s.state == gpu::GpuState::Waiting || s.state == gpu::GpuState::Preparing) return;
    const bool was_using = p.choice == BackendChoice::WebGpu || p.in_flight || p.result.backend == "webgpu";
    for (auto it = p.auto_picks.begin(); it != p.auto_picks.end();)
        it = it->second.picked == "webgpu" || it->second.measuring ? p.auto_picks.erase(it) : std::next(it);
    if (was_using) {
        p.notice = s.notice;
        if (p.choice == BackendChoice::WebGpu) p.choice = BackendChoice::Simd;
        p.dirty = true;  // the same workload again, on SIMD: nothing else changes
    }
#endif
}

void request_gpu_retry() {
#ifdef __EMSCRIPTEN__
    EM_ASM({ if (Module.attnGpuRetry) Module.attnGpuRetry(); });
#endif
}

void start_check(BackendPanel& p) {
#ifdef __EMSCRIPTEN__
    gpu::Runtime& rt = gpu::Runtime::instance();
    if (!rt.ready()) return;
    p.checking = true;
    p.check_summary = "checking every WGSL kernel against the scalar reference...";
    gpu::check_kernels(rt.context(), rt.pipelines(), "", [&p](std::vector<gpu::CheckResult> results) {
        p.checking = false;
        double worst = 0;
        int failed = 0;
        std::string worst_case;
        for (const gpu::CheckResult& r : results) {
            if (!r.error.empty()) ++failed;
            for (const gpu::CheckOutput& o : r.outputs)
                if (!(o.nmse <= worst)) worst = o.nmse, worst_case = r.kernel + " (" + r.shape + ")";
        }
        char buf[256];
        std::snprintf(buf, sizeof buf, "%d cases, %d failed to run; worst normalized MSE %.2e", int(results.size()),
                      failed, worst);
        p.check_summary = buf + (worst_case.empty() ? std::string() : " in " + worst_case);
    });
#endif
}

// The theme's colors (theme.h); the CPU line keeps the text color.
const ImVec4& kGpuColor = palette().good;
const ImVec4& kNoticeColor = palette().accent;

}  // namespace

const char* choice_name(BackendChoice c) {
    switch (c) {
        case BackendChoice::Scalar: return "scalar";
        case BackendChoice::Simd: return "simd";
        case BackendChoice::WebGpu: return "webgpu";
        case BackendChoice::Auto: return "auto";
    }
    return "unknown";
}

std::string webgpu_unavailable_reason() { return gpu_reason(); }

void backend_panel_tick(BackendPanel& p, double now) {
    ++p.frame;
    p.now = now;
    follow_gpu(p);
    if (p.dirty && !p.in_flight) start_run(p, now);
}

void draw_backend_panel(BackendPanel& p, float top) {
    ImGui::SetNextWindowPos(ImVec2(16, top + 16), ImGuiCond_Always);
    ImGui::Begin("Backend: where the numbers are computed", nullptr, ImGuiWindowFlags_AlwaysAutoResize);
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 34.0f);

    // the choice
    const std::string reason = gpu_reason();
    const BackendChoice before = p.choice;
    int choice = static_cast<int>(p.choice);
    ImGui::RadioButton("Scalar", &choice, 0);
    register_widget("backend/scalar");
    ImGui::SameLine();
    ImGui::RadioButton("SIMD", &choice, 1);
    register_widget("backend/simd");
    ImGui::SameLine();
    ImGui::BeginDisabled(!reason.empty());
    ImGui::RadioButton("WebGPU", &choice, 2);
    ImGui::EndDisabled();
    register_widget("backend/webgpu");
    ImGui::SameLine();
    ImGui::RadioButton("Auto", &choice, 3);
    register_widget("backend/auto");
    ImGui::SameLine();
    help_marker("Scalar: the plain reference loops, the oracle every other path is checked against.\n"
                "SIMD: the same kernels 4 floats at a time (wasm simd128).\n"
                "WebGPU: compute shaders (shaders/*.wgsl); a whole forward in at most 2 dispatches and one "
                "readback, which arrives asynchronously while the page keeps drawing.\n"
                "Auto: times the paths on this device for the chosen workload and uses the fastest.");
    p.choice = static_cast<BackendChoice>(choice);
    if (p.choice != before) {
        if (p.choice != BackendChoice::WebGpu) p.notice.clear();
        p.dirty = true;
    }

    // the GPU as the page found it
#ifdef __EMSCRIPTEN__
    const gpu::GpuStatus& gs = gpu::Runtime::instance().status();
    if (!gs.adapter.empty())
        ImGui::Text("WebGPU adapter: %s%s", gs.adapter.c_str(),
                    gs.cpu_adapter ? " (a software adapter: it runs on the CPU)" : "");
#endif
    // A notice stays until another choice is made; the GPU's own reason shows when there is none.
    if (!p.notice.empty()) {
        ImGui::TextColored(kNoticeColor, "%s", p.notice.c_str());
    } else if (!reason.empty()) {
        const bool starting = reason.rfind("WebGPU is still starting", 0) == 0;
        ImGui::TextColored(starting ? ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled) : kNoticeColor, "WebGPU: %s",
                           reason.c_str());
    }
    register_widget("backend/notice");
#ifdef __EMSCRIPTEN__
    if (gs.state == gpu::GpuState::Lost || gs.state == gpu::GpuState::Unavailable || gs.state == gpu::GpuState::Failed) {
        if (ImGui::SmallButton("Try WebGPU again")) request_gpu_retry();
        register_widget("backend/retry");
    }
#endif

    // the workload
    ImGui::Separator();
    ImGui::SetNextItemWidth(220);
    if (ImGui::BeginCombo("workload", p.workload.c_str())) {
        for (const char* w : kWorkloads) {
            if (ImGui::Selectable(w, p.workload == w)) {
                p.workload = w;
                p.dirty = true;
            }
        }
        ImGui::EndCombo();
    }
    register_widget("backend/workload");
    ImGui::SameLine();
    help_marker("mha_d64_h4_tT: multi-head self-attention, d_model 64, 4 heads, T tokens, with the Q/K/V and "
                "output projections. pool_b32_t100_h64: seed 000's attention pooling over 32 sequences of "
                "100 steps. lstm_step_h64: one LSTM step. Inputs are fixed pseudo-random numbers derived from "
                "the name (README: window.attn).");
    ImGui::SameLine();
    if (ImGui::Button("Run again")) p.dirty = true;
    register_widget("backend/run");
    if (!p.error.empty()) ImGui::TextColored(kNoticeColor, "%s", p.error.c_str());

    // Auto's measurements
    if (p.choice == BackendChoice::Auto) {
        const auto it = p.auto_picks.find(p.workload);
        if (it == p.auto_picks.end() || it->second.measuring) {
            ImGui::Text("Auto: timing scalar, SIMD%s on this device...", gpu_ready() ? " and WebGPU" : "");
        } else {
            std::string line = "Auto picked " + it->second.picked + " for " + p.workload + ": ";
            for (const auto& [backend, us] : it->second.median_us) {
                char buf[64];
                std::snprintf(buf, sizeof buf, "%s %.0f us%s  ", backend.c_str(), us, backend == it->second.picked ? " *" : "");
                line += buf;
            }
            ImGui::TextWrapped("%s(medians of %d samples, measured here)", line.c_str(), kAutoSamples);
        }
    }

    // the result
    ImGui::Separator();
    if (p.in_flight) {
        static const char spin[] = "|/-\\";
        ImGui::Text("%c waiting for the GPU: %.0f ms so far, %ld frames drawn meanwhile",
                    spin[(p.frame / 4) % 4], (p.now - p.in_flight_since) * 1000.0, p.frame - p.in_flight_start_frame);
    }
    if (p.has_result) {
        const BackendPanel::Result& r = p.result;
        const bool gpu = r.backend == "webgpu";
        if (gpu) ImGui::TextColored(kGpuColor, "computed on the GPU (WebGPU)");
        else ImGui::TextColored(ImGui::GetStyleColorVec4(ImGuiCol_Text), "computed on the CPU (%s)", r.backend == "simd" ? "SIMD" : "scalar");
        register_widget("backend/result");
        ImGui::Text("%s: %zu numbers in %.3f ms%s", r.workload.c_str(), r.output.size(), r.elapsed_ms,
                    gpu ? " (upload, dispatches, readback)" : "");
        if (gpu) ImGui::Text("%d dispatches, %d readback", r.dispatches, r.readbacks);
        ImGui::Text("largest |difference| from the scalar reference: %.3g", r.max_abs_diff_vs_scalar);
        help_marker("Every backend computes the same workload on the same inputs; the scalar reference "
                    "(plain loops) is the oracle. SIMD and GPU sum in other orders, and the GPU's exp and tanh "
                    "differ by a few units in the last place, so differences around 1e-7 are expected.");
        const int shown = std::min<int>(8, static_cast<int>(r.output.size()));
        vector_strip("output", r.output.data(), shown, 1.0f, 1.0f, 52.0f);
    }

#ifdef __EMSCRIPTEN__
    if (gpu_ready() || !p.check_summary.empty()) {
        ImGui::Separator();
        ImGui::BeginDisabled(!gpu_ready() || p.checking);
        if (ImGui::SmallButton("Check every GPU kernel against the reference")) start_check(p);
        ImGui::EndDisabled();
        register_widget("backend/check");
        if (!p.check_summary.empty()) ImGui::TextWrapped("%s", p.check_summary.c_str());
    }
#endif
    ImGui::PopTextWrapPos();
    ImGui::End();
}

std::string backend_panel_request(BackendPanel& p, const std::string& args_json) {
    using nlohmann::json;
    json args;
    try {
        args = args_json.empty() ? json::object() : json::parse(args_json);
        if (!args.is_object()) throw std::invalid_argument("arguments must be a JSON object");
        if (args.contains("select") && !args["select"].is_string()) throw std::invalid_argument("select takes a string");
        if (args.contains("workload") && !args["workload"].is_string()) throw std::invalid_argument("workload takes a string");
    } catch (const std::exception& e) {
        return json{{"error", std::string("ui.backend: ") + e.what()}}.dump();
    }
    if (args.contains("select")) {
        const std::string s = args["select"].get<std::string>();
        BackendChoice c;
        if (s == "scalar") c = BackendChoice::Scalar;
        else if (s == "simd") c = BackendChoice::Simd;
        else if (s == "webgpu") c = BackendChoice::WebGpu;
        else if (s == "auto") c = BackendChoice::Auto;
        else return json{{"error", "ui.backend: unknown choice '" + s + "' (scalar, simd, webgpu, auto)"}}.dump();
        if (c == BackendChoice::WebGpu && !gpu_reason().empty()) {
            p.notice = gpu_reason();  // as the disabled radio button would say
            if (!gpu_starting()) c = BackendChoice::Simd;  // while starting the choice waits for the GPU
        } else if (c != BackendChoice::WebGpu) {
            p.notice.clear();
        }
        p.choice = c;
        p.dirty = true;
    }
    if (args.contains("workload")) {
        p.workload = args["workload"].get<std::string>();
        p.dirty = true;
    }
    json autos = json::object();
    for (const auto& [name, pick] : p.auto_picks)
        autos[name] = {{"picked", pick.picked}, {"measuring", pick.measuring}, {"median_us", pick.median_us}};
    json out = {{"choice", choice_name(p.choice)},
                {"workload", p.workload},
                {"in_flight", p.in_flight},
                {"pending", p.dirty},
                {"notice", p.notice},
                {"error", p.error},
                {"gpu_reason", gpu_reason()},
                {"frames_while_in_flight", p.frames_while_in_flight},
                {"frame", p.frame},
                {"auto", autos},
                {"check_summary", p.check_summary}};
    if (p.has_result) {
        const BackendPanel::Result& r = p.result;
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
    return out.dump();
}

}  // namespace attn::ui
