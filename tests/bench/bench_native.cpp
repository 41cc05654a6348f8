// bench_native.cpp: Google Benchmark of every workload (tests/bench/bench_common.h) with the Scalar
// and Simd backends, natively. Not the report: tests/bench/run.mjs runs this with JSON output, and
// prints and saves the table. Test: ctest -R bench_quick_native (run.mjs --quick).
//
// Usage: bench_native [--workloads=a,b] [--reps=N] [--min_time=SECONDS] [Google Benchmark flags]
//   each benchmark is named "<workload>/<scalar|simd>"; repetitions are reported one by one (run.mjs
//   takes their median and percentiles); counters: max_abs_diff_vs_ref (simd vs scalar output),
//   flops (per iteration).
#include "bench_common.h"
#include "kernels/simd.h"

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using attn::Backend;

void run_benchmark(benchmark::State& state, const std::string& name, Backend backend) {
    attn::WorkloadInstance inst(attn::parse_workload(name));
    const double diff = backend == Backend::Simd ? attn::bench::max_abs_diff_vs_ref(inst) : 0.0;
    for (auto _ : state) {
        const std::vector<float>& out = inst.run(backend);
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    state.counters["max_abs_diff_vs_ref"] = diff;
    state.counters["flops"] = inst.workload().flops();
    state.SetLabel(backend == Backend::Simd ? attn::vec::kIsaName : "scalar");
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> workloads = attn::bench::default_workloads();
    int reps = 10;
    double min_time = 0.05;
    std::vector<char*> rest = {argv[0]};
    for (int i = 1; i < argc; ++i) {
        if (std::strncmp(argv[i], "--workloads=", 12) == 0) workloads = attn::bench::split_list(argv[i] + 12);
        else if (std::strncmp(argv[i], "--reps=", 7) == 0) reps = std::atoi(argv[i] + 7);
        else if (std::strncmp(argv[i], "--min_time=", 11) == 0) min_time = std::atof(argv[i] + 11);
        else rest.push_back(argv[i]);
    }
    for (const std::string& w : workloads) {
        try {
            attn::parse_workload(w);  // a bad name stops here, with its message, before anything runs
        } catch (const std::invalid_argument& e) {
            std::fprintf(stderr, "bench_native: %s\n", e.what());
            return 2;
        }
        for (Backend b : {Backend::Scalar, Backend::Simd}) {
            benchmark::RegisterBenchmark((w + "/" + attn::backend_name(b)).c_str(), run_benchmark, w, b)
                ->Unit(benchmark::kMicrosecond)
                ->UseRealTime()
                ->Repetitions(reps)
                ->MinTime(min_time);
        }
    }
    int rest_argc = static_cast<int>(rest.size());
    benchmark::Initialize(&rest_argc, rest.data());
    if (benchmark::ReportUnrecognizedArguments(rest_argc, rest.data())) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
