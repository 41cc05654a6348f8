// plan.h: a recorded GPU computation that runs many times: its buffers (made and filled once),
// its dispatches (bind groups made once), the inputs re-uploaded on every run, and the results
// copied into one staging buffer and read back with a single asynchronous map. A run never blocks:
// run() returns at once and done() is called from the browser's event loop when the numbers are
// back, so the page keeps drawing meanwhile. Runs of one plan are queued, one in flight at a time.
// Not the choice of kernels (workload_plan.cpp, kernel_check.cpp). Test: tests/e2e/webgpu.test.mjs.
#pragma once

#include "gpu/context.h"
#include "gpu/pipelines.h"

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <vector>

namespace attn::gpu {

// What a run returns: the read-back floats in the order read_back() was called, or an error.
struct RunResult {
    std::vector<float> data;
    std::string error;     // empty on success
    double elapsed_ms = 0;  // from the start of the run (uploads, encoding) to the numbers on the CPU
};
using RunDone = std::function<void(RunResult)>;

class Plan {
public:
    Plan(Context& ctx, const PipelineCache& pipelines) : ctx_(ctx), pipelines_(pipelines) {}
    ~Plan() { release(); }
    Plan(const Plan&) = delete;
    Plan& operator=(const Plan&) = delete;

    // Building (before finish). Each returns the buffer's index.
    int storage(uint64_t floats, const char* label);                       // zero-filled
    int storage(const float* data, uint64_t floats, const char* label);    // filled once
    int storage(const std::vector<float>& data, const char* label) { return storage(data.data(), data.size(), label); }
    template <class P> int uniform(const P& params, const char* label) { return uniform_bytes(&params, sizeof(P), label); }
    // Re-uploads src (floats, which must outlive the plan) into the buffer, at float offset `at`,
    // before every run.
    void upload_each_run(int buffer, const float* src, uint64_t floats, uint64_t at = 0);
    // One dispatch of kernel k; buffers are given in the order of kernel_info(k).slots.
    void dispatch(Kernel k, std::vector<int> buffers, uint32_t x, uint32_t y = 1, uint32_t z = 1);
    // Appends floats [offset, offset + count) of a buffer to what a run reads back.
    void read_back(int buffer, uint64_t offset, uint64_t count);
    // Makes the bind groups and the staging buffer. False (and why) when the plan is not valid.
    bool finish(std::string* error);

    void run(RunDone done);
    void release();  // fails queued runs; releases bind groups, then buffers (reverse order)

    int dispatch_count() const { return static_cast<int>(steps_.size()); }
    int readback_count() const { return readbacks_.empty() ? 0 : 1; }
    bool idle() const { return !in_flight_ && queued_.empty(); }

private:
    struct Step {
        Kernel kernel;
        std::vector<int> buffers;
        uint32_t groups[3];
        WGPUBindGroup bind_group = nullptr;
    };
    struct Upload {
        int buffer;
        const float* src;
        uint64_t floats, at;
    };
    struct Readback {
        int buffer;
        uint64_t offset, count;
    };
    int uniform_bytes(const void* data, size_t bytes, const char* label);
    void start(RunDone done);
    static void on_mapped(WGPUBufferMapAsyncStatus status, void* userdata);
    void mapped(WGPUBufferMapAsyncStatus status);

    Context& ctx_;
    const PipelineCache& pipelines_;
    std::vector<Buffer> buffers_;
    std::vector<Step> steps_;
    std::vector<Upload> uploads_;
    std::vector<Readback> readbacks_;
    Buffer staging_;
    bool finished_ = false;
    bool in_flight_ = false;
    uint64_t ticket_ = 0;  // identifies the run in flight to on_mapped
    double started_ms_ = 0;
    RunDone current_;
    std::deque<RunDone> queued_;
};

}  // namespace attn::gpu
