// lab_gpu.h: the lab's numbers from the backend chosen in the Backend window. Scalar and SIMD set the
// CPU path the lab runs on. WebGPU: the lab still runs on SIMD (at once, so the frame never waits),
// then the same decode runs on the GPU (through the GpuPort: gpu/decode.h, one dispatch, one readback) and, when it is
// back, its numbers replace the CPU's on screen, marked as the GPU's, with the largest difference
// from a scalar run of the same text and options. Auto times scalar, SIMD and WebGPU on this device
// for the model's decode (decode_<model>) with the Backend view's AutoPolicy and uses the fastest. A GPU that is missing,
// fails or is lost leaves the SIMD numbers on screen with a notice; nothing else changes.
// Not the Backend view itself (backend.h). Test: tests/e2e/webgpu.test.mjs, tests/unit/test_views_backend.cpp.
#pragma once

#include "views/backend.h"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace attn::views {

struct Session;

struct LabGpu {
    long seen_runs = -1;    // the lab run the GPU numbers belong to (or were asked for)
    int seen_choice = -1;   // the Backend window's choice at the last frame
    int seen_gpu_changes = -1;  // the GpuPort's info().changes at the last frame: WebGPU becomes
                                // ready after the first frame (it never holds the page back), and the
                                // lab switches to it then, where chosen (and Auto times it again)
    int request = 0;        // bumped per GPU decode; late answers of older ones are dropped
    std::string status;     // "computing" (a GPU decode in flight), "ready", "failed", "different", or "" (not in use)
    std::string error;      // why the GPU's numbers are not on screen
    double max_abs_diff = 0, nmse = 0, elapsed_ms = 0;
    std::string where;      // what the largest difference is in
    int dispatches = 0, readbacks = 0;
    std::vector<std::string> notes;  // what the GPU decode said about the options (translate_outline.h)
    AutoPolicy autos;       // Auto, per model (its decode_<model> workload)
};

// Every frame, before the lab runs: follows the Backend window's choice; after it: starts or applies
// the GPU decode of the lab's current run.
void lab_gpu_before_run(Session& s);
void lab_gpu_after_run(Session& s);
nlohmann::json lab_gpu_json(const Session& s);  // for attn.state(): {"computed_by", "note", "gpu": {...}}

}  // namespace attn::views
