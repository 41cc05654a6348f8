// kernel_check.h: the WebGPU backend checked against the scalar reference (kernels::ref) on this
// device: every WGSL entry point and every forward of forward.h, on odd shapes (1, 3, 17, 65, 257),
// with masks, fully masked rows and temperatures, by normalized mean squared error. The page runs
// it before trusting a GPU (attn.gpuCheck(), the Backend window); the browser tests assert on it.
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
    double nmse = 0;        // sum (gpu - ref)^2 / sum ref^2
    double max_abs_diff = 0;
};
struct CheckResult {
    std::string kernel;  // "matmul_nt", "softmax_rows", ..., "mha_forward", "pool_forward", "lstm_step_forward"
    std::string shape;   // "M=17 K=65 N=33 bias", ...
    int dispatches = 0;
    std::vector<CheckOutput> outputs;
    std::string error;   // the GPU run failed: no comparison
};

// Runs every case whose kernel name contains `filter` ("" for all), one after another; done once.
void check_kernels(Context& ctx, const PipelineCache& pipelines, const std::string& filter,
                   std::function<void(std::vector<CheckResult>)> done);

// sum (a - b)^2 / sum b^2 (or the plain sum of squares when b is all zeros), and max |a - b|.
void compare(const float* gpu, const float* ref, long n, double* nmse, double* max_abs_diff);

}  // namespace attn::gpu
