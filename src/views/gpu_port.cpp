// gpu_port.cpp: see gpu_port.h. The native port: there is no WebGPU in this build, and it says so.
#include "views/gpu_port.h"

namespace attn::views {

namespace {

class NativeGpuPort final : public GpuPort {
public:
    GpuInfo info() const override {
        GpuInfo g;
        g.reason = say("gpu.native", kNoWebGpuHere);
        return g;
    }
    void run_workload(const std::string&, std::function<void(GpuRun)> done) override {
        GpuRun r;
        r.error = kNoWebGpuHere;
        done(std::move(r));
    }
    void time_workload(const std::string&, int, std::function<void(double, std::string)> done) override {
        done(0, kNoWebGpuHere);
    }
    void check_kernels(std::function<void(Said)> done) override { done(say("gpu.native", kNoWebGpuHere)); }
    void decode(const Translator&, const std::vector<int>&, const RunOptions&,
                std::function<void(std::shared_ptr<const GpuDecodeResult>)> done) override {
        class Refused final : public GpuDecodeResult {
        public:
            Refused() { error = kNoWebGpuHere; }
            Comparison compare(const Translation&) const override { return {}; }
            bool same_tokens(const Translation&) const override { return false; }
            void apply(Translation&) const override {}
        };
        done(std::make_shared<Refused>());
    }
    void retry() override {}
};

}  // namespace

GpuPort& native_gpu_port() {
    static NativeGpuPort port;
    return port;
}

}  // namespace attn::views
