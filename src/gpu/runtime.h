// runtime.h: the WebGPU backend's one instance in the page: what the page found (adapter or the
// reason there is none), the device, the pipeline cache, the plans kept for reuse, and the state
// everything else asks before using the GPU. Every way of losing the GPU (no navigator.gpu, no
// adapter, a failed device request, a shader that does not compile, a lost device, an uncaptured
// error) ends in a state that is not Ready with a notice saying why; the UI then runs on SIMD.
// Not the UI (ui/backend_window.cpp) nor the JSON bridge (gpu_api.cpp). Test: tests/e2e/webgpu.test.mjs.
#pragma once

#include "gpu/context.h"
#include "gpu/pipelines.h"
#include "gpu/plan.h"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace attn::gpu {

enum class GpuState {
    Waiting,      // the page has not said yet whether there is a device
    Unavailable,  // no navigator.gpu, no adapter, or the device request failed
    Preparing,    // compiling shaders and pipelines
    Ready,
    Failed,       // a shader or pipeline failed, or the device reported an uncaptured error
    Lost,         // the device was lost after it worked
};
const char* state_name(GpuState s);  // "waiting", "unavailable", "preparing", "ready", "failed", "lost"

struct GpuStatus {
    GpuState state = GpuState::Waiting;
    std::string adapter;       // e.g. "SwiftShader Device (Subzero)"; empty without an adapter
    bool cpu_adapter = false;  // a software adapter: its "GPU" timings are a CPU's
    std::string notice;        // why WebGPU is not in use, for the page; empty when Ready
    std::vector<CompileMessage> compile_errors;
    int changes = 0;           // bumped on every change, so a panel can notice one
};

class Runtime {
public:
    static Runtime& instance();

    // What web/gpu.js found: a device in Module.preinitializedWebGPUDevice (available), or why not.
    struct PageInfo {
        bool available = false;
        std::string adapter, notice;
        bool cpu_adapter = false;
    };
    void start(const PageInfo& info);

    const GpuStatus& status() const { return status_; }
    bool ready() const { return status_.state == GpuState::Ready; }
    Context& context() { return ctx_; }
    const PipelineCache& pipelines() const { return pipelines_; }

    // The plan kept under `key` (a workload name), built by `build` on first use. `owner` (set by
    // build) keeps alive whatever the plan re-uploads from. Null, with *error, when not possible.
    using Build = std::function<bool(Plan&, std::shared_ptr<void>* owner, std::string* error)>;
    Plan* plan(const std::string& key, const Build& build, std::string* error);
    // What the plan kept under key was built with (its `owner`), or null when no such plan is kept.
    std::shared_ptr<void> owner(const std::string& key) const;
    // An empty round trip: a submit with no dispatch, a 4-byte copy, and its readback.
    Plan* round_trip_plan(std::string* error);

private:
    void set_state(GpuState s, std::string notice);
    void fail(GpuState s, const std::string& notice);  // releases everything first
    void release_all();                                 // plans, pipelines, device (reverse order)

    struct Kept {
        std::unique_ptr<Plan> plan;
        std::shared_ptr<void> owner;
        long last_use = 0;
    };
    GpuStatus status_;
    Context ctx_;
    PipelineCache pipelines_;
    std::map<std::string, Kept> plans_;
    long uses_ = 0;
};

}  // namespace attn::gpu
