// runtime.cpp: see runtime.h.
#include "gpu/runtime.h"

namespace attn::gpu {

namespace {
constexpr size_t kMaxKeptPlans = 16;  // workloads and model decodes a page keeps on the GPU at once (LRU beyond)
constexpr const char* kRoundTripKey = "\x01round-trip";
}  // namespace

const char* state_name(GpuState s) {
    switch (s) {
        case GpuState::Waiting: return "waiting";
        case GpuState::Unavailable: return "unavailable";
        case GpuState::Preparing: return "preparing";
        case GpuState::Ready: return "ready";
        case GpuState::Failed: return "failed";
        case GpuState::Lost: return "lost";
    }
    return "unknown";
}

Runtime& Runtime::instance() {
    static Runtime runtime;
    return runtime;
}

void Runtime::set_state(GpuState s, std::string notice) {
    status_.state = s;
    status_.notice = std::move(notice);
    ++status_.changes;
}

void Runtime::release_all() {
    // Each plan answers its waiting runs with an error, then releases its buffers. Those answers may
    // call back into the runtime, so the map is emptied first and the state already says why.
    std::map<std::string, Kept> old;
    old.swap(plans_);
    old.clear();
    pipelines_.release();
    ctx_.release();
}

void Runtime::fail(GpuState s, const std::string& notice) {
    set_state(s, notice);
    release_all();
}

void Runtime::start(const PageInfo& info) {
    set_state(GpuState::Waiting, "");
    release_all();
    status_.adapter = info.adapter;
    status_.cpu_adapter = info.cpu_adapter;
    status_.compile_errors.clear();
    if (!info.available) {
        set_state(GpuState::Unavailable, info.notice.empty() ? "WebGPU is not available" : info.notice);
        return;
    }
    set_state(GpuState::Preparing, "");
    ctx_.init(
        [this](std::string why) {
            fail(GpuState::Lost, "The WebGPU device was lost (" + why + "); switched to SIMD. Nothing else was lost: "
                                 "the page keeps its state and runs on the CPU.");
        },
        [this](std::string what) {
            if (status_.state != GpuState::Ready && status_.state != GpuState::Preparing) return;
            fail(GpuState::Failed, "WebGPU reported an error (" + what + "); switched to SIMD.");
        });
    if (!ctx_.alive()) {
        fail(GpuState::Failed, "The page's WebGPU device could not be taken over by the engine; using SIMD.");
        return;
    }
    pipelines_.init(ctx_.device(), [this](std::vector<CompileMessage> errors) {
        if (status_.state != GpuState::Preparing) return;
        if (errors.empty()) {
            set_state(GpuState::Ready, "");
            return;
        }
        status_.compile_errors = errors;
        std::string notice = "A WebGPU shader failed to compile: " + format_message(errors.front());
        if (errors.size() > 1) notice += " (and " + std::to_string(errors.size() - 1) + " more)";
        fail(GpuState::Failed, notice + "; using SIMD.");
    });
}

std::shared_ptr<void> Runtime::owner(const std::string& key) const {
    const auto it = plans_.find(key);
    return it == plans_.end() ? nullptr : it->second.owner;
}

Plan* Runtime::plan(const std::string& key, const Build& build, std::string* error) {
    if (!ready()) {
        *error = status_.notice.empty() ? std::string("WebGPU is not ready (") + state_name(status_.state) + ")"
                                        : status_.notice;
        return nullptr;
    }
    auto it = plans_.find(key);
    if (it != plans_.end()) {
        it->second.last_use = ++uses_;
        return it->second.plan.get();
    }
    // Make room: drop the least recently used idle plan.
    while (plans_.size() >= kMaxKeptPlans) {
        auto oldest = plans_.end();
        for (auto p = plans_.begin(); p != plans_.end(); ++p)
            if (p->second.plan->idle() && (oldest == plans_.end() || p->second.last_use < oldest->second.last_use))
                oldest = p;
        if (oldest == plans_.end()) break;
        plans_.erase(oldest);
    }
    Kept kept;
    kept.plan = std::make_unique<Plan>(ctx_, pipelines_);
    if (!build(*kept.plan, &kept.owner, error)) return nullptr;
    kept.last_use = ++uses_;
    Plan* p = kept.plan.get();
    plans_[key] = std::move(kept);
    return p;
}

Plan* Runtime::round_trip_plan(std::string* error) {
    return plan(kRoundTripKey, [](Plan& p, std::shared_ptr<void>*, std::string* err) {
        const int one = p.storage(1, "round trip");
        p.read_back(one, 0, 1);
        return p.finish(err);
    }, error);
}

}  // namespace attn::gpu
