// bench_stats.h: how every in-page timing is summarized, for the CPU paths (app/api.cpp, views/backend.cpp), the WebGPU
// path (gpu/gpu_api.cpp) and, in JavaScript, the peers (tests/bench/browser/bench.js), so that the
// columns of one table are measured the same way:
//   a sample is K consecutive complete runs (K chosen once so a sample lasts >= kMinSampleUs,
//   since a browser's clock is only 5 us fine when cross-origin isolated, 100 us otherwise),
//   its per-run time is sample / K, and the summary is the median, 10th and 90th percentile of
//   the per-run times (linear interpolation between ranks).
// Not a benchmark harness. Test: tests/e2e/webgpu.test.mjs (bench results are consistent).
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <vector>

namespace attn {

constexpr double kMinSampleUs = 1000.0;
constexpr int kMaxRunsPerSample = 1000;
constexpr int kWarmupRuns = 2;

struct BenchStats {
    double median_us = 0, p10_us = 0, p90_us = 0;
    int samples = 0, runs_per_sample = 0;
};

// Runs per sample for a run that took `one_run_us` once.
inline int runs_per_sample(double one_run_us) {
    if (!(one_run_us > 0)) return kMaxRunsPerSample;
    return std::max(1, std::min(kMaxRunsPerSample, static_cast<int>(std::ceil(kMinSampleUs / one_run_us))));
}

inline double percentile(std::vector<double> sorted_values, double p) {
    if (sorted_values.empty()) return 0;
    const double rank = p * (sorted_values.size() - 1);
    const size_t lo = static_cast<size_t>(std::floor(rank)), hi = static_cast<size_t>(std::ceil(rank));
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (rank - lo);
}

// per_run_us: one entry per sample (sample time / runs per sample).
inline BenchStats summarize(std::vector<double> per_run_us, int runs_per_sample) {
    std::sort(per_run_us.begin(), per_run_us.end());
    BenchStats s;
    s.median_us = percentile(per_run_us, 0.5);
    s.p10_us = percentile(per_run_us, 0.1);
    s.p90_us = percentile(per_run_us, 0.9);
    s.samples = static_cast<int>(per_run_us.size());
    s.runs_per_sample = runs_per_sample;
    return s;
}

// Times a synchronous run (a CPU path) as above: kWarmupRuns, one run to choose the runs per sample,
// then `samples` samples. The GPU path, whose runs end later, follows the same steps asynchronously
// (gpu/gpu_api.cpp's GpuBench).
template <class Run>
BenchStats time_runs(Run&& run_once, int samples) {
    using Clock = std::chrono::steady_clock;
    auto time_us = [&](int runs) {
        const Clock::time_point t0 = Clock::now();
        for (int i = 0; i < runs; ++i) run_once();
        return std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
    };
    time_us(kWarmupRuns);
    const int per = runs_per_sample(time_us(1));
    std::vector<double> per_run;
    for (int s = 0; s < std::max(1, samples); ++s) per_run.push_back(time_us(per) / per);
    return summarize(per_run, per);
}

}  // namespace attn
