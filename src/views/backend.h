// backend_panel.h: the Backend window: choose Scalar, SIMD, WebGPU or Auto, run a workload
// (models/workloads.h) with it, and see where the numbers came from, how long they took and how far
// they are from the scalar reference. WebGPU results arrive asynchronously (the window keeps
// drawing while the GPU works); when WebGPU is missing, refused, broken or lost, the window switches
// to SIMD, says why, and keeps everything else as it was. Auto measures the paths on this device,
// per workload, and says which it picked. No math here but the comparison with the reference.
// Test: tests/e2e/webgpu.test.mjs (clicks the choices, reads attn.backend()).
#pragma once

#include <map>
#include <string>
#include <vector>

namespace attn::ui {

enum class BackendChoice { Scalar = 0, Simd, WebGpu, Auto };
const char* choice_name(BackendChoice c);  // "scalar", "simd", "webgpu", "auto"

struct BackendPanel {
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
    std::string notice;  // why the choice could not be honored (fallback to SIMD), else empty
    std::string error;   // a workload name that does not parse, ...

    // A WebGPU run in flight.
    bool in_flight = false;
    double in_flight_since = 0;
    long in_flight_start_frame = 0;
    long frames_while_in_flight = 0;  // frames drawn while the last GPU result was on its way

    // Auto: medians measured on this device, per workload; the pick is the fastest that ran.
    struct AutoPick {
        std::map<std::string, double> median_us;  // by backend name
        std::string picked;
        bool measuring = false;
    };
    std::map<std::string, AutoPick> auto_picks;

    // The GPU self-check (every kernel against the reference), when asked for.
    std::string check_summary;
    bool checking = false;

    int request = 0;          // bumped for every run asked for; late answers of older ones are dropped
    int seen_gpu_changes = -1;
    bool dirty = true;        // run again at the next frame
    long frame = 0;
    double now = 0;           // the time of the last tick (seconds)
    std::map<std::string, std::vector<float>> scalar_outputs;  // the reference, per workload
};

// Why WebGPU cannot be used now ("" when it can): still starting, missing, failed or lost, or native.
std::string webgpu_unavailable_reason();

// Every frame, visible or not: follows the GPU (device, lost device) and starts a pending run.
void backend_panel_tick(BackendPanel& panel, double now);
// The window itself (the "backend" view), below the view bar at height top.
void draw_backend_panel(BackendPanel& panel, float top);
// "ui.backend": the panel's state as JSON; args {"select": "webgpu"} and/or {"workload": "..."}
// change it first (as a click would).
std::string backend_panel_request(BackendPanel& panel, const std::string& args_json);

}  // namespace attn::ui
