// gpu_api.h: the "gpu.*" half of window.attn (web/loader.js), JSON in and out like api.h, and the
// asynchronous GPU operations the Backend window uses. A method whose answer needs the GPU takes a
// "request_id", answers {"pending": true} at once and the result later, from the browser's event
// loop, through Module.attnReply(id, json, Float32Array|null): nothing waits, the page keeps drawing.
// Not the engine's API (app/api.cpp answers scalar and SIMD questions). Test: tests/e2e/webgpu.test.mjs.
#pragma once

#include "app/bench_stats.h"
#include "gpu/plan.h"

#include <functional>
#include <string>

namespace attn::gpu {

// Methods: gpu.start, gpu.status, gpu.check, gpu.compile, gpu.roundtrip, gpu.run, gpu.bench
// (documented in README.md's window.attn table through their JavaScript wrappers).
std::string handle_gpu_request(const std::string& method, const std::string& args_json);

// What one GPU forward of a workload reports besides its numbers.
struct ForwardInfo {
    int dispatches = 0;
    int readbacks = 0;
};
// Runs a workload (models/workloads.h name) on the GPU; done is called later, never synchronously
// (an error may be reported at once through done as well).
void run_workload(const std::string& name, std::function<void(RunResult, ForwardInfo)> done);
// Times a workload on the GPU the way app/bench_stats.h describes; "" for the empty round trip.
void bench_workload(const std::string& name, int samples, std::function<void(BenchStats, ForwardInfo, std::string error)> done);

}  // namespace attn::gpu
