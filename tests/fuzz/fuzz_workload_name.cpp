// fuzz_workload_name.cpp: any bytes as a workload name (models/workloads.h, models/decode_workload.h).
// Each parser accepts the name or throws std::invalid_argument; an accepted name keeps its text and
// has sizes in range, a positive output and FLOP count, and a memory size that check_workload_memory
// either accepts (then it is under the limit) or refuses with std::length_error. Small accepted
// workloads are built and run on both CPU backends, which must agree.
// Test: scripts/fuzz.mjs (make fuzz; corpus: tests/fuzz/corpus/workload_name).
#include "fuzz_check.h"

#include "models/decode_workload.h"
#include "models/workloads.h"

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>

using namespace attn;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string name(reinterpret_cast<const char*>(data), size);
    try {
        const Workload w = parse_workload(name);
        FUZZ_CHECK(w.name == name);
        for (int d : {w.B, w.T, w.H, w.D, w.heads}) FUZZ_CHECK(d >= 0 && d <= 65536);
        FUZZ_CHECK(w.output_size() > 0 && w.flops() > 0 && w.memory_bytes() > 0);
        try {
            check_workload_memory(w);
            FUZZ_CHECK(w.memory_bytes() <= kMaxWorkloadBytes);
        } catch (const std::length_error&) {
            FUZZ_CHECK(w.memory_bytes() > kMaxWorkloadBytes);
        }
        if (w.memory_bytes() < 64 * 1024 && w.flops() < 2e5) {
            WorkloadInstance inst(w);
            const std::vector<float> ref = inst.run(Backend::Scalar);
            const std::vector<float>& simd = inst.run(Backend::Simd);
            FUZZ_CHECK(static_cast<long>(ref.size()) == w.output_size() && simd.size() == ref.size());
            for (size_t i = 0; i < ref.size(); ++i) FUZZ_CHECK(std::isfinite(ref[i]) && std::fabs(simd[i] - ref[i]) < 1e-3f);
        }
    } catch (const std::invalid_argument&) {
    }
    if (is_decode_workload(name)) {
        try {
            const DecodeWorkload d = parse_decode_workload(name);
            FUZZ_CHECK(d.name == name && !d.model.empty());
        } catch (const std::invalid_argument&) {
        }
    }
    if (is_sensor_workload(name)) {
        try {
            const int B = parse_sensor_workload(name);
            FUZZ_CHECK(B >= 1);
        } catch (const std::invalid_argument&) {
        }
    }
    return 0;
}
