// test_views_backend.cpp: the Backend view's state and update (src/views/backend.h) and the one Auto
// policy, without a browser: the native GPU port says there is no WebGPU and every request falls back to
// SIMD with that reason; CPU runs are compared with the scalar reference; Auto picks the fastest path
// that ran, waits for a GPU timing that comes later, and forgets a lost GPU's picks. A recording port
// (below) stands in for the page's GPU to deliver answers when the test says so.
#include "views/backend.h"
#include "views/gpu_port.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

namespace attn::views {
namespace {

using nlohmann::json;

// A GPU port whose answers the test delivers by hand, in the order asked (as the browser's event loop would).
class RecordingPort final : public GpuPort {
public:
    GpuInfo state;
    std::vector<std::function<void()>> later;  // answers not yet delivered
    std::vector<std::string> asked;
    double gpu_us = 1.0;
    GpuInfo info() const override { return state; }
    void run_workload(const std::string& name, std::function<void(GpuRun)> done) override {
        asked.push_back("run " + name);
        later.push_back([done] {
            GpuRun r;
            r.error = "the device was lost";
            done(r);
        });
    }
    void time_workload(const std::string& name, int, std::function<void(double, std::string)> done) override {
        asked.push_back("time " + name);
        later.push_back([this, done] { done(gpu_us, ""); });
    }
    void check_kernels(std::function<void(Said)> done) override {
        asked.push_back("check");
        later.push_back([done] { done(Said{"3 cases, 0 failed to run", "", {}}); });
    }
    void decode(const Translator&, const std::vector<int>&, const RunOptions&,
                std::function<void(std::shared_ptr<const GpuDecodeResult>)>) override {
        asked.push_back("decode");
    }
    void retry() override { asked.push_back("retry"); }
    void deliver() {
        auto now = std::move(later);
        later.clear();
        for (auto& f : now) f();
    }
};

TEST(ViewsBackend, ChoicesComeFromOneTable) {
    ASSERT_EQ(backend_choices().size(), 4u);
    for (const BackendChoiceRow& r : backend_choices()) {
        BackendChoice c;
        ASSERT_TRUE(parse_choice(r.name, &c));
        EXPECT_EQ(c, r.choice);
        EXPECT_STREQ(choice_name(c), r.name);
    }
    BackendChoice c;
    EXPECT_FALSE(parse_choice("WebGPU", &c));  // names are lower case, as links and the API write them
    EXPECT_FALSE(parse_choice("", &c));
}

TEST(ViewsBackend, NativePortSaysThereIsNoWebGpu) {
    GpuPort& gpu = native_gpu_port();
    const GpuInfo g = gpu.info();
    EXPECT_FALSE(g.ready);
    EXPECT_FALSE(g.starting);
    EXPECT_EQ(g.reason.text, kNoWebGpuHere);
    std::string error;
    gpu.run_workload("mha_d64_h4_t4", [&](GpuRun r) { error = r.error; });
    EXPECT_EQ(error, kNoWebGpuHere);
}

TEST(ViewsBackend, UpdateRunsTheChosenCpuPathAgainstTheScalarReference) {
    BackendState b;
    GpuPort& gpu = native_gpu_port();
    b.workload = "mha_d64_h4_t4";
    backend_update(b, gpu, 0.0);
    ASSERT_TRUE(b.has_result) << b.error;
    EXPECT_EQ(b.result.backend, "simd");
    EXPECT_EQ(b.runs, 1);
    EXPECT_EQ(b.result.output.size(), 4u * 64u);
    EXPECT_LT(b.result.max_abs_diff_vs_scalar, 1e-5);  // SIMD sums in another order
    backend_update(b, gpu, 0.1);  // nothing asked: nothing runs
    EXPECT_EQ(b.runs, 1);
    backend_apply(b, BackendIntents{BackendChoice::Scalar, std::nullopt, false, false, false}, gpu);
    backend_update(b, gpu, 0.2);
    EXPECT_EQ(b.runs, 2);
    EXPECT_EQ(b.result.backend, "scalar");
    EXPECT_EQ(b.result.max_abs_diff_vs_scalar, 0.0);  // the oracle against itself
}

// The GPU never holds the page back: WebGPU chosen while it is still starting (looked for after the
// first frame) is kept and runs on SIMD meanwhile, saying so; once ready, the same workload runs on the GPU.
TEST(ViewsBackend, WebGpuChosenWhileStartingRunsOnSimdThenSwitches) {
    BackendState b;
    RecordingPort gpu;
    gpu.state.starting = true;
    gpu.state.reason.text = "WebGPU is still starting (looking for an adapter after the first frame); SIMD meanwhile";
    gpu.state.changes = 1;
    b.workload = "mha_d64_h4_t4";
    const json out = backend_request(b, gpu, {{"select", "webgpu"}});
    EXPECT_EQ(out["choice"], "webgpu");  // the choice waits for the GPU
    EXPECT_EQ(out["notice"], gpu.state.reason.text);
    backend_update(b, gpu, 0.0);
    ASSERT_TRUE(b.has_result) << b.error;
    EXPECT_EQ(b.result.backend, "simd");
    EXPECT_EQ(b.choice, BackendChoice::WebGpu);
    EXPECT_TRUE(gpu.asked.empty());
    gpu.state = GpuInfo{};
    gpu.state.ready = true;
    gpu.state.changes = 2;
    backend_update(b, gpu, 0.1);
    EXPECT_TRUE(b.notice.empty());
    ASSERT_FALSE(gpu.asked.empty());
    EXPECT_EQ(gpu.asked.back(), "run mha_d64_h4_t4");
    EXPECT_TRUE(b.in_flight);
}

TEST(ViewsBackend, WebGpuWithoutADeviceFallsBackToSimdWithTheReason) {
    BackendState b;
    GpuPort& gpu = native_gpu_port();
    const json out = backend_request(b, gpu, {{"select", "webgpu"}});
    EXPECT_EQ(out["choice"], "simd");
    EXPECT_EQ(out["notice"], kNoWebGpuHere);
    EXPECT_EQ(out["gpu_reason"], kNoWebGpuHere);
    EXPECT_THROW(backend_request(b, gpu, {{"select", "quantum"}}), std::invalid_argument);
    try {
        backend_request(b, gpu, {{"select", "quantum"}});
    } catch (const std::invalid_argument& e) {
        EXPECT_STREQ(e.what(), "unknown choice 'quantum' (scalar, simd, webgpu, auto)");
    }
    EXPECT_THROW(backend_request(b, gpu, {{"workload", 3}}), std::invalid_argument);
    EXPECT_THROW(backend_request(b, gpu, json::array()), std::invalid_argument);
    backend_request(b, gpu, {{"workload", "mha_d0_h4_t4"}});
    backend_update(b, gpu, 0.0);
    EXPECT_FALSE(b.error.empty());  // a workload that does not parse says why
    EXPECT_EQ(b.runs, 0);
}

TEST(ViewsBackend, AutoPicksTheFastestAndWaitsForTheGpusTiming) {
    RecordingPort gpu;
    gpu.state.ready = true;
    AutoPolicy autos;
    int decided = 0;
    auto cpu = [](Backend b) { return b == Backend::Scalar ? 30.0 : 10.0; };
    EXPECT_EQ(autos.pick("w", cpu, gpu, "decode_w", [&] { ++decided; }), "");  // the GPU's timing is on its way
    EXPECT_EQ(gpu.asked, std::vector<std::string>{"time decode_w"});
    EXPECT_TRUE(autos.find("w")->measuring);
    EXPECT_EQ(autos.pick("w", cpu, gpu, "decode_w", nullptr), "");  // asked again meanwhile: no second timing
    EXPECT_EQ(gpu.asked.size(), 1u);
    gpu.gpu_us = 5.0;
    gpu.deliver();
    EXPECT_EQ(decided, 1);
    EXPECT_EQ(autos.find("w")->picked, "webgpu");
    EXPECT_EQ(autos.pick("w", cpu, gpu, "decode_w", nullptr), "webgpu");
    const json j = autos.to_json();
    EXPECT_EQ(j["w"]["median_us"]["simd"], 10.0);
    EXPECT_EQ(j["w"]["median_us"]["webgpu"], 5.0);
    autos.forget_gpu();  // the device was lost: its pick goes, the next ask measures again
    EXPECT_EQ(autos.find("w"), nullptr);

    // Without a GPU the pick is made at once among the CPU paths.
    GpuPort& none = native_gpu_port();
    EXPECT_EQ(autos.pick("v", cpu, none, "decode_v", nullptr), "simd");
}

TEST(ViewsBackend, TheWindowsIntentsAreAppliedAtTheNextUpdate) {
    RecordingPort gpu;
    gpu.state.ready = true;
    gpu.state.changes = 1;
    BackendState b;
    b.workload = "lstm_step_h64";
    backend_update(b, gpu, 0.0);
    EXPECT_EQ(b.result.backend, "simd");
    BackendIntents asked;
    asked.choose = BackendChoice::WebGpu;
    asked.check_kernels = true;
    backend_apply(b, asked, gpu);
    EXPECT_TRUE(b.checking);
    backend_update(b, gpu, 0.1);
    EXPECT_TRUE(b.in_flight);
    EXPECT_EQ(gpu.asked, (std::vector<std::string>{"check", "run lstm_step_h64"}));
    gpu.deliver();  // the check answers; the run fails: SIMD again, with the reason
    EXPECT_FALSE(b.checking);
    EXPECT_EQ(b.check_summary.text, "3 cases, 0 failed to run");
    EXPECT_FALSE(b.in_flight);
    EXPECT_EQ(b.choice, BackendChoice::Simd);
    EXPECT_EQ(b.notice.text, "The WebGPU run failed (the device was lost); switched to SIMD.");
    EXPECT_EQ(b.result.backend, "simd");
    // the device is lost: Auto forgets its GPU picks, a retry goes to the page
    gpu.state.ready = false;
    gpu.state.can_retry = true;
    gpu.state.reason.text = "the device was lost";
    gpu.state.changes = 2;
    backend_apply(b, BackendIntents{std::nullopt, std::nullopt, false, false, true}, gpu);
    EXPECT_EQ(gpu.asked.back(), "retry");
}

}  // namespace
}  // namespace attn::views
