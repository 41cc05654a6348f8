// kernel_check.h: the WebGPU backend checked against the scalar reference (kernels::ref) on this
// device: matmul_nt and every forward of forward.h (so every entry point they dispatch), on odd
// shapes (1, 3, 5, 17, 65, 257), by normalized mean squared error and max |difference| (core/
// compare.h). The page runs it before trusting a GPU (attn.gpuCheck(), the Backend window); the
// browser tests assert on it. Not the whole decodes (gpu/decode.h compares those with a CPU run).
// Not a benchmark. Test: tests/e2e/webgpu.test.mjs.
#pragma once

#include "gpu/context.h"
#include "gpu/pipelines.h"

#include <functional>
#include <string>
#include <vector>

namespace attn::gpu {

struct CheckOutput {
    std::string name;       // "C", "weights", "out", ...
    long size = 0;          // floats compared
    double nmse = 0;        // sum (gpu - ref)^2 / sum ref^2 (core/compare.h)
    double max_abs_diff = 0;
    long max_at = -1;       // the index of max_abs_diff in the output (-1: every entry equal)
};
struct CheckResult {
    std::string kernel;  // "matmul_nt", "mha_forward", "pool_forward", "lstm_step_forward"
    std::string shape;   // "M=17 K=65 N=33 bias", ...
    int dispatches = 0;
    std::vector<CheckOutput> outputs;
    std::string error;   // the GPU run failed: no comparison
};

// Runs every case whose kernel name contains `filter` ("" for all), one after another; done once.
void check_kernels(Context& ctx, const PipelineCache& pipelines, const std::string& filter,
                   std::function<void(std::vector<CheckResult>)> done);

}  // namespace attn::gpu
