// rng.h: a small deterministic generator (SplitMix64) whose uniform floats are exact (24-bit
// mantissas), so native, wasm and an outside harness produce bit-identical inputs from one seed.
// Not cryptographic. Test: tests/unit/test_core.cpp (known first values, range).
#pragma once

#include "core/tensor.h"

#include <cmath>
#include <cstdint>
#include <string_view>

namespace attn {

class Rng {
public:
    explicit Rng(uint64_t seed) : state_(seed) {}

    uint64_t next_u64() {  // SplitMix64 (Steele, Lea, Flood 2014)
        uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    // Uniform in [0, 1): the top 24 bits over 2^24, exact in float.
    float uniform() { return static_cast<float>(next_u64() >> 40) * (1.0f / 16777216.0f); }
    // Uniform in [lo, hi).
    float uniform(float lo, float hi) { return lo + (hi - lo) * uniform(); }
    // Standard normal (Box-Muller in double, rounded once): the stand-in for torch.randn.
    float normal() {
        double u1 = (static_cast<double>(next_u64() >> 11) + 1.0) * (1.0 / 9007199254740992.0);
        double u2 = static_cast<double>(next_u64() >> 11) * (1.0 / 9007199254740992.0);
        return static_cast<float>(std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2));
    }
    Mat uniform_mat(int rows, int cols, float lo, float hi) {
        Mat m(rows, cols);
        for (int i = 0; i < m.size(); ++i) m.data()[i] = uniform(lo, hi);
        return m;
    }
    Mat normal_mat(int rows, int cols) {
        Mat m(rows, cols);
        for (int i = 0; i < m.size(); ++i) m.data()[i] = normal();
        return m;
    }

private:
    uint64_t state_;
};

// FNV-1a of a name: the seed for "fixed pseudo-random inputs derived from the workload name".
inline uint64_t seed_from_name(std::string_view name) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (unsigned char c : name) h = (h ^ c) * 0x100000001b3ull;
    return h;
}

}  // namespace attn
