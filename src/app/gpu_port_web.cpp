// gpu_port_web.cpp: see gpu_port_web.h. Translates the views' questions into gpu/ calls and the
// answers back into plain data; the self-check's summary line is written here.
#include "app/gpu_port_web.h"

#include "gpu/decode.h"
#include "gpu/gpu_api.h"
#include "gpu/kernel_check.h"
#include "gpu/runtime.h"

#include <emscripten/emscripten.h>

#include <cstdio>

namespace attn::app {

namespace {

class WebDecodeResult final : public views::GpuDecodeResult {
public:
    explicit WebDecodeResult(gpu::GpuDecode d) : d_(std::move(d)) {
        error = d_.error;
        elapsed_ms = d_.elapsed_ms;
        dispatches = d_.dispatches;
        readbacks = d_.readbacks;
        notes = d_.notes;
    }
    Comparison compare(const Translation& cpu) const override {
        const gpu::DecodeComparison c = gpu::compare_decode(d_, cpu);
        return {c.max_abs_diff, c.nmse, c.same_tokens, c.where};
    }
    bool same_tokens(const Translation& cpu) const override { return gpu::same_tokens(d_, cpu); }
    void apply(Translation& cpu) const override { gpu::apply_decode(d_, cpu); }

private:
    gpu::GpuDecode d_;
};

class WebGpuPort final : public views::GpuPort {
public:
    views::GpuInfo info() const override {
        const gpu::GpuStatus& s = gpu::Runtime::instance().status();
        views::GpuInfo g;
        g.ready = s.state == gpu::GpuState::Ready;
        g.starting = s.state == gpu::GpuState::Preparing || s.state == gpu::GpuState::Waiting;
        g.can_retry = s.state == gpu::GpuState::Lost || s.state == gpu::GpuState::Unavailable ||
                      s.state == gpu::GpuState::Failed;
        // WebGPU is looked for only after the first frame (web/loader.js): a WebGPU choice runs on SIMD meanwhile
        if (s.state == gpu::GpuState::Waiting)
            g.reason = say("gpu.starting_adapter",
                           "WebGPU is still starting (looking for an adapter after the first frame); SIMD meanwhile");
        else if (s.state == gpu::GpuState::Preparing)
            g.reason = say("gpu.starting_shaders", "WebGPU is still starting (compiling its shaders); SIMD meanwhile");
        // the browser's and the shader compiler's own words (s.notice) stay as they are: no id
        else if (!g.ready)
            g.reason = s.notice.empty() ? say((std::string("gpu.state.") + gpu::state_name(s.state)).c_str(),
                                              (std::string("WebGPU is ") + gpu::state_name(s.state)).c_str())
                                        : Said{s.notice, "", {}};
        g.adapter = s.adapter;
        g.cpu_adapter = s.cpu_adapter;
        g.changes = s.changes;
        return g;
    }
    void run_workload(const std::string& name, std::function<void(views::GpuRun)> done) override {
        gpu::run_workload(name, [done](gpu::RunResult r, gpu::ForwardInfo f) {
            views::GpuRun out;
            out.output = std::move(r.data);
            out.error = r.error;
            out.elapsed_ms = r.elapsed_ms;
            out.dispatches = f.dispatches;
            out.readbacks = f.readbacks;
            done(std::move(out));
        });
    }
    void time_workload(const std::string& name, int samples, std::function<void(double, std::string)> done) override {
        gpu::bench_workload(name, samples, [done](BenchStats s, gpu::ForwardInfo, std::string error) { done(s.median_us, error); });
    }
    void check_kernels(std::function<void(Said)> done) override {
        gpu::Runtime& rt = gpu::Runtime::instance();
        if (!rt.ready()) return done(info().reason);
        gpu::check_kernels(rt.context(), rt.pipelines(), "", [done](std::vector<gpu::CheckResult> results) {
            double worst = 0;
            int failed = 0;
            std::string worst_case;
            for (const gpu::CheckResult& r : results) {
                if (!r.error.empty()) ++failed;
                for (const gpu::CheckOutput& o : r.outputs)
                    if (!(o.nmse <= worst)) worst = o.nmse, worst_case = r.kernel + " (" + r.shape + ")";
            }
            char mse[32];
            std::snprintf(mse, sizeof mse, "%.2e", worst);
            std::vector<std::string> args = {std::to_string(results.size()), std::to_string(failed), mse};
            if (worst_case.empty()) return done(say("gpu.check_summary", "%s cases, %s failed to run; worst normalized MSE %s", args));
            args.push_back(worst_case);
            done(say("gpu.check_summary_in", "%s cases, %s failed to run; worst normalized MSE %s in %s", args));
        });
    }
    void decode(const Translator& model, const std::vector<int>& source_ids, const RunOptions& options,
                std::function<void(std::shared_ptr<const views::GpuDecodeResult>)> done) override {
        gpu::decode_on_gpu(model, source_ids, options, true,
                           [done](gpu::GpuDecode d) { done(std::make_shared<WebDecodeResult>(std::move(d))); });
    }
    void retry() override {
        EM_ASM({ if (Module.attnGpuRetry) Module.attnGpuRetry(); });
    }
};

}  // namespace

views::GpuPort& web_gpu_port() {
    static WebGpuPort port;
    return port;
}

}  // namespace attn::app
