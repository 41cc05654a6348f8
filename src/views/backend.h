// backend.h: the Backend view's state and update: the choice (Scalar, SIMD, WebGPU or Auto), a
// workload (models/workloads.h) run with it, where the numbers came from, how long they took and how
// far they are from the scalar reference; and the one Auto policy (AutoPolicy), which the lab's
// backend (lab_gpu.h) follows too. WebGPU results arrive asynchronously through the GpuPort (the page
// keeps drawing); when WebGPU is missing, refused, broken or lost, the choice falls back to SIMD with
// the reason. Plain C++: ui/backend_window.cpp draws it and returns BackendIntents.
// Test: tests/unit/test_views_backend.cpp, tests/e2e/webgpu.test.mjs (clicks, attn.backend()).
#pragma once

#include "kernels/kernels.h"
#include "views/gpu_port.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace attn::views {

enum class BackendChoice { Scalar = 0, Simd, WebGpu, Auto };
// The choices in the order the window shows them: name (API, links), label (the radio button).
struct BackendChoiceRow {
    BackendChoice choice;
    const char* name;
    const char* label;
};
const std::vector<BackendChoiceRow>& backend_choices();
const char* choice_name(BackendChoice c);  // "scalar", "simd", "webgpu", "auto"
bool parse_choice(const std::string& name, BackendChoice* out);

// The workloads the window offers (names of models/workloads.h).
const std::vector<std::string>& backend_workloads();

// Auto: for each subject (a workload, a model's decode), time scalar and SIMD now and WebGPU (when it is
// ready) later on this device, then pick the fastest that ran. Timings: core/bench_stats.h's method.
constexpr int kAutoSamples = 5;
struct AutoPick {
    std::map<std::string, double> median_us;  // by path: "scalar", "simd", "webgpu"
    std::string picked;                       // "" while measuring
    bool measuring = false;
};
class AutoPolicy {
public:
    // The pick for `subject` ("" while WebGPU is being timed). The first ask times the CPU paths
    // synchronously with cpu_us(backend) and, when the GPU is ready, gpu_workload on it; on_decided runs
    // once the GPU's timing has come back and the pick is made.
    std::string pick(const std::string& subject, const std::function<double(Backend)>& cpu_us, GpuPort& gpu,
                     const std::string& gpu_workload, std::function<void()> on_decided);
    const std::map<std::string, AutoPick>& picks() const { return picks_; }
    const AutoPick* find(const std::string& subject) const;
    void clear() { picks_.clear(); }
    // The GPU was lost or failed: forget the picks that chose it or were waiting for it.
    void forget_gpu();
    nlohmann::json to_json() const;  // {subject: {picked, measuring, median_us}}

private:
    static void decide(AutoPick& p);
    std::map<std::string, AutoPick> picks_;
};

// A page not cross-origin isolated (a host that sends no COOP/COEP headers: README, Hosting) gets a clock
// rounded to 0.1 ms; bench_stats.h's samples last >= 1 ms, so its timings hold to about 10 %.
constexpr const char* kCoarseClockNote =
    "This browser rounds times to 0.1 ms here, because the server does not send the headers for precise "
    "timers (cross-origin isolation). Each timing repeats the work for at least 1 ms, so times are good to about 10 %.";

struct BackendState {
    BackendChoice choice = BackendChoice::Simd;
    std::string workload = "mha_d64_h4_t32";

    // The last result on screen.
    struct Result {
        std::string workload;
        std::string backend;  // who computed it: "scalar", "simd" or "webgpu"
        std::vector<float> output;
        double elapsed_ms = 0;
        double max_abs_diff_vs_scalar = 0;
        int dispatches = 0, readbacks = 0;  // webgpu only
    };
    Result result;
    bool has_result = false;
    Said notice;         // why the choice could not be honored (fallback to SIMD), else empty (core/said.h)
    std::string clock_note;  // kCoarseClockNote where the browser coarsens its clock (set by the shell), else empty
    std::string error;   // a workload name that does not parse, ...

    // A WebGPU run in flight.
    bool in_flight = false;
    double in_flight_since = 0;
    long in_flight_start_frame = 0;
    long frames_while_in_flight = 0;  // frames drawn while the last GPU result was on its way

    AutoPolicy autos;  // per workload

    // The GPU self-check (every kernel against the reference), when asked for.
    Said check_summary;
    bool checking = false;

    int request = 0;          // bumped for every run asked for; late answers of older ones are dropped
    int seen_gpu_changes = -1;
    bool dirty = true;        // run again at the next update
    long frame = 0;
    double now = 0;           // the time of the last update (seconds)
    long runs = 0;            // runs started (tests check that drawing starts none)
    std::map<std::string, std::vector<float>> scalar_outputs;  // the reference, per workload
};

// What the user asked for in the Backend window this frame (ui/backend_window.cpp returns it).
struct BackendIntents {
    std::optional<BackendChoice> choose;
    std::optional<std::string> workload;
    bool run_again = false;
    bool check_kernels = false;
    bool retry_gpu = false;
};
void backend_apply(BackendState& b, const BackendIntents& in, GpuPort& gpu);

// Every frame, visible or not: follows the GPU (device, lost device) and starts a pending run.
void backend_update(BackendState& b, GpuPort& gpu, double now);

// "ui.backend": the state as JSON; args {"select": "webgpu"} and/or {"workload": "..."} change it first
// (as a click would). Throws std::invalid_argument on bad arguments.
nlohmann::json backend_request(BackendState& b, GpuPort& gpu, const nlohmann::json& args);

}  // namespace attn::views
