// bench_common.h: what bench_native.cpp and bench_wasm.cpp share: the default list of workloads and
// the simd-vs-scalar difference they both report. Not a timer (each harness has its own).
// Test: the bench_quick_* ctest tests run both harnesses through run.mjs --quick.
#pragma once

#include "core/compare.h"
#include "models/workloads.h"

#include <cmath>
#include <string>
#include <vector>

namespace attn::bench {

// The workloads of the issue: seed 000's pooling at [32,100,64], multi-head attention at three
// sequence lengths, one LSTM step. Any other name of models/workloads.h works with --workloads=.
inline std::vector<std::string> default_workloads() {
    return {"pool_b32_t100_h64", "mha_d64_h4_t4", "mha_d64_h4_t32", "mha_d64_h4_t128", "lstm_step_h64"};
}

// "a,b,c" -> {"a", "b", "c"}
inline std::vector<std::string> split_list(const std::string& s) {
    std::vector<std::string> out(1);
    for (char c : s) {
        if (c == ',') out.emplace_back();
        else out.back() += c;
    }
    return out;
}

// Largest |simd - scalar| over the workload's output: the Simd backend against the reference.
inline double max_abs_diff_vs_ref(WorkloadInstance& inst) {
    const std::vector<float> ref = inst.run(Backend::Scalar);
    const std::vector<float>& got = inst.run(Backend::Simd);
    return compare(got.data(), ref.data(), static_cast<long>(ref.size())).max_abs;  // a NaN counts as infinite
}

}  // namespace attn::bench
