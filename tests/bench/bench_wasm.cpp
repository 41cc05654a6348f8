// bench_wasm.cpp: the benchmark harness for the WebAssembly build, run under node (Google Benchmark
// is not built for wasm here). Times every workload with the Scalar and Simd backends and prints one
// JSON object on stdout. Not the report: tests/bench/run.mjs runs this and prints the table.
// Test: ctest -R bench_quick_wasm (run.mjs --quick); built only when EMSCRIPTEN.
//
// Usage: node --no-experimental-fetch bench_wasm.js [--quick] [--workloads=a,b] [--reps=N] [--min_ms=X]
// Method: per workload and backend, the iterations per sample are calibrated so that one sample
// lasts at least min_ms (equal sample durations: on a busy machine a long sample is preempted more
// often than a short one, which would bias the ratio); then reps samples are taken for each
// backend, alternating scalar and simd sample by sample (so slow drifts of the machine hit both
// alike). A sample's value is its time per iteration.
// Percentiles: linear interpolation between order statistics (p = q (n - 1)), as in run.mjs.
#include "bench_common.h"
#include "kernels/simd.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using attn::Backend;
using Clock = std::chrono::steady_clock;

volatile float g_sink;  // keeps every run's output observable

double time_us(attn::WorkloadInstance& inst, Backend b, long iters) {
    const Clock::time_point t0 = Clock::now();
    for (long i = 0; i < iters; ++i) g_sink = inst.run(b)[0];
    return std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
}

// Doubles the iteration count until one sample lasts at least min_ms.
long calibrate(attn::WorkloadInstance& inst, Backend b, double min_ms) {
    long iters = 1;
    while (time_us(inst, b, iters) < min_ms * 1000.0 && iters < (1L << 30)) iters *= 2;
    return iters;
}

double quantile(std::vector<double> v, double q) {
    std::sort(v.begin(), v.end());
    const double pos = q * (v.size() - 1);
    const size_t lo = static_cast<size_t>(std::floor(pos));
    const size_t hi = std::min(lo + 1, v.size() - 1);
    return v[lo] + (v[hi] - v[lo]) * (pos - lo);
}

void print_result(bool first, const std::string& workload, const char* impl, const std::vector<double>& samples,
                  long iters, double diff, double flops) {
    std::printf("%s\n    {\"workload\": \"%s\", \"impl\": \"%s\", \"env\": \"node-wasm\", \"median_us\": %.3f, "
                "\"p10_us\": %.3f, \"p90_us\": %.3f, \"max_abs_diff_vs_ref\": %.9g, \"flops\": %.0f, "
                "\"iterations_per_sample\": %ld, \"samples_us\": [",
                first ? "" : ",", workload.c_str(), impl, quantile(samples, 0.5), quantile(samples, 0.1),
                quantile(samples, 0.9), diff, flops, iters);
    for (size_t i = 0; i < samples.size(); ++i) std::printf("%s%.3f", i ? ", " : "", samples[i]);
    std::printf("]}");
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> workloads = attn::bench::default_workloads();
    int reps = 15;
    double min_ms = 20;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--quick") == 0) { reps = 3; min_ms = 2; }
        else if (std::strncmp(argv[i], "--workloads=", 12) == 0) workloads = attn::bench::split_list(argv[i] + 12);
        else if (std::strncmp(argv[i], "--reps=", 7) == 0) reps = std::atoi(argv[i] + 7);
        else if (std::strncmp(argv[i], "--min_ms=", 9) == 0) min_ms = std::atof(argv[i] + 9);
        else {
            std::fprintf(stderr, "bench_wasm: unknown argument %s\n", argv[i]);
            return 2;
        }
    }
    if (reps < 1 || min_ms <= 0) {
        std::fprintf(stderr, "bench_wasm: --reps must be >= 1 and --min_ms > 0\n");
        return 2;
    }
    std::printf("{\"env\": \"node-wasm\", \"isa\": \"%s\", \"reps\": %d, \"min_ms\": %g, \"results\": [",
                attn::vec::kIsaName, reps, min_ms);
    bool first = true;
    for (const std::string& name : workloads) {
        attn::Workload w;
        try {
            w = attn::parse_workload(name);
        } catch (const std::invalid_argument& e) {
            std::fprintf(stderr, "bench_wasm: %s\n", e.what());
            return 2;
        }
        attn::WorkloadInstance inst(w);
        const double diff = attn::bench::max_abs_diff_vs_ref(inst);  // also warms both paths up
        const long scalar_iters = calibrate(inst, Backend::Scalar, min_ms);
        const long simd_iters = calibrate(inst, Backend::Simd, min_ms);
        std::vector<double> scalar, simd;
        for (int r = 0; r < reps; ++r) {
            const bool scalar_first = r % 2 == 0;
            for (int k = 0; k < 2; ++k) {
                const bool do_scalar = (k == 0) == scalar_first;
                const long n = do_scalar ? scalar_iters : simd_iters;
                const double us = time_us(inst, do_scalar ? Backend::Scalar : Backend::Simd, n) / n;
                (do_scalar ? scalar : simd).push_back(us);
            }
        }
        print_result(first, name, "scalar", scalar, scalar_iters, 0.0, w.flops());
        print_result(false, name, "simd", simd, simd_iters, diff, w.flops());
        first = false;
    }
    std::printf("\n]}\n");
    return 0;
}
