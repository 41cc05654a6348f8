// gpu_api.h: the "gpu.*" answers of window.attn (web/loader.js), JSON in and out like app/api.h, and the
// asynchronous GPU operations the Backend window uses. A method whose answer needs the GPU takes a
// "request_id", answers {"pending": true} at once and the result later, from the browser's event
// loop, through Module.attnReply(id, json, Float32Array|null): nothing waits, the page keeps drawing.
// Not the engine's API (app/api.cpp answers scalar and SIMD questions). Test: tests/e2e/webgpu.test.mjs.
#pragma once

#include "core/bench_stats.h"
#include "gpu/plan.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <string>

namespace attn::gpu {

// window.attn's "gpu.*" answers (rows of app/api_table.cpp; documented in README.md's window.attn table
// through their JavaScript wrappers). Each throws std::invalid_argument or runtime_error on bad input.
nlohmann::json start_answer(const nlohmann::json& args);      // gpu.start
nlohmann::json status_answer(const nlohmann::json& args);     // gpu.status
nlohmann::json check_answer(const nlohmann::json& args);      // gpu.check {request_id, filter}
nlohmann::json compile_answer(const nlohmann::json& args);    // gpu.compile {request_id, label, source}
nlohmann::json roundtrip_answer(const nlohmann::json& args);  // gpu.roundtrip {request_id, iterations}
nlohmann::json run_answer(const nlohmann::json& args);        // gpu.run {request_id, workload}
nlohmann::json bench_answer(const nlohmann::json& args);      // gpu.bench {request_id, workload, iterations}

// What one GPU forward of a workload reports besides its numbers.
struct ForwardInfo {
    int dispatches = 0;
    int readbacks = 0;
};
// Runs a workload (models/workloads.h name) on the GPU; done is called later, never synchronously
// (an error may be reported at once through done as well).
void run_workload(const std::string& name, std::function<void(RunResult, ForwardInfo)> done);
// Times a workload on the GPU the way core/bench_stats.h describes; "" for the empty round trip.
void bench_workload(const std::string& name, int samples, std::function<void(BenchStats, ForwardInfo, std::string error)> done);

}  // namespace attn::gpu
