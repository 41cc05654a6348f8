// gpu_port.h: what the view states may ask of a GPU (its state, a workload run, a timing, the kernel
// self-check, a whole decode), as plain C++: the views never include src/gpu. The shell gives each
// build its port: the page's wraps gpu/ (app/gpu_port_web.cpp); the native build's says, honestly,
// that there is no WebGPU here. Not the GPU backend itself. Test: tests/unit/test_views_backend.cpp.
#pragma once

#include "core/said.h"
#include "models/translator.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace attn::views {

// The GPU as the views see it.
struct GpuInfo {
    bool ready = false;      // a device with compiled pipelines: runs may start
    bool starting = false;   // still waiting for a device or compiling shaders
    bool can_retry = false;  // missing, failed or lost: the page may ask for a device again
    Said reason;             // why WebGPU cannot be used now (empty when ready): English in .text
    std::string adapter;     // "" without an adapter
    bool cpu_adapter = false;  // a software adapter (its "GPU" timings are a CPU's)
    int changes = 0;         // bumped on every change of the above, so a view can notice one
};

// One workload run on the GPU (models/workloads.h names).
struct GpuRun {
    std::vector<float> output;
    std::string error;  // empty on success
    double elapsed_ms = 0;
    int dispatches = 0, readbacks = 0;
};

// A whole decode on the GPU: the numbers stay with the port, the lab asks what it needs.
class GpuDecodeResult {
public:
    virtual ~GpuDecodeResult() = default;
    std::string error;  // empty on success
    double elapsed_ms = 0;
    int dispatches = 0, readbacks = 0;
    std::vector<std::string> notes;  // what the GPU decode said about the options (translate_outline.h)
    struct Comparison {
        double max_abs_diff = 0, nmse = 0;
        bool same_tokens = true;
        std::string where;  // what the largest difference is in ("step 1 logits")
    };
    // Against a CPU translation of the same text and options.
    virtual Comparison compare(const Translation& cpu) const = 0;
    virtual bool same_tokens(const Translation& cpu) const = 0;
    // Puts the GPU's numbers into cpu (which has the same tokens).
    virtual void apply(Translation& cpu) const = 0;
};

class GpuPort {
public:
    virtual ~GpuPort() = default;
    virtual GpuInfo info() const = 0;
    // The page's port calls each `done` later, from the browser's event loop; the native one at once,
    // with kNoWebGpuHere as the error. Callers ask only when info().ready, and tolerate both.
    virtual void run_workload(const std::string& name, std::function<void(GpuRun)> done) = 0;
    virtual void time_workload(const std::string& name, int samples,
                               std::function<void(double median_us, std::string error)> done) = 0;
    virtual void check_kernels(std::function<void(Said summary)> done) = 0;
    virtual void decode(const Translator& model, const std::vector<int>& source_ids, const RunOptions& options,
                        std::function<void(std::shared_ptr<const GpuDecodeResult>)> done) = 0;
    virtual void retry() = 0;  // ask the page for a device again
};

// The native build's port: no WebGPU; every request is refused at once with that reason.
GpuPort& native_gpu_port();
constexpr const char* kNoWebGpuHere = "WebGPU exists in the browser build only; this native app computes on the CPU.";

}  // namespace attn::views
