// test_core.cpp: the smallest pieces of src/core: the generator's known first values and its ranges
// (rng.h), the shape text (tensor.h) and the engine's two errors (check.h). The other core files
// have their own tests (safetensors, json, tokenizer, vocab, compare).
// Run: ./build/native-release/unit_tests --gtest_filter='Core*'  (and the wasm build under node).
#include "core/check.h"
#include "core/rng.h"
#include "core/tensor.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

namespace attn {
namespace {

// SplitMix64's first outputs as published with the algorithm (seed 0; seed 1234567), computed again
// here in Python's arbitrary-precision integers, not with this code.
TEST(CoreRng, KnownFirstValues) {
    Rng zero(0);
    EXPECT_EQ(zero.next_u64(), 0xe220a8397b1dcdafull);
    EXPECT_EQ(zero.next_u64(), 0x6e789e6aa1b965f4ull);
    EXPECT_EQ(zero.next_u64(), 0x06c45d188009454full);
    Rng other(1234567);
    EXPECT_EQ(other.next_u64(), 0x599ed017fb08fc85ull);
    EXPECT_EQ(other.next_u64(), 0x2c73f08458540fa5ull);
    EXPECT_EQ(other.next_u64(), 0x883ebce5a3f27c77ull);
}

// uniform() is the top 24 bits over 2^24: exact, so these equalities hold bit for bit everywhere.
TEST(CoreRng, UniformIsTheTop24BitsExactly) {
    Rng r(0);
    EXPECT_EQ(r.uniform(), float(0xe220a8397b1dcdafull >> 40) / 16777216.0f);
    EXPECT_EQ(r.uniform(), 0.4315279722213745f);
    Rng a(7), b(7);
    for (int i = 0; i < 100; ++i) EXPECT_EQ(a.uniform(-3.0f, 5.0f), -3.0f + 8.0f * b.uniform());
}

TEST(CoreRng, RangesHold) {
    Rng r(42);
    float lo = 1, hi = 0;
    for (int i = 0; i < 100000; ++i) {
        const float u = r.uniform();
        ASSERT_GE(u, 0.0f);
        ASSERT_LT(u, 1.0f);
        lo = std::fmin(lo, u);
        hi = std::fmax(hi, u);
    }
    EXPECT_LT(lo, 1e-3f);  // 1e5 draws reach both ends of [0, 1)
    EXPECT_GT(hi, 0.999f);
    double sum = 0, sum2 = 0;
    const int n = 100000;
    for (int i = 0; i < n; ++i) {
        const double z = r.normal();
        ASSERT_TRUE(std::isfinite(z));
        sum += z;
        sum2 += z * z;
    }
    // mean 0 and variance 1 within about 5 standard errors (1/sqrt(n) = 0.003; var's is 0.0045)
    EXPECT_NEAR(sum / n, 0.0, 0.015);
    EXPECT_NEAR(sum2 / n, 1.0, 0.025);
}

TEST(CoreRng, SeedFromNameIsFnv1a) {
    EXPECT_EQ(seed_from_name(""), 0xcbf29ce484222325ull);  // the offset basis
    EXPECT_EQ(seed_from_name("a"), 0xaf63dc4c8601ec8cull);  // FNV-1a's published value for "a"
    EXPECT_EQ(seed_from_name("mha_d64_h4_t128"), 0x6af21c2e527d0b29ull);
}

TEST(CoreTensor, ShapeTextAndRowMajorLayout) {
    Mat m(2, 3);
    m << 1, 2, 3, 4, 5, 6;
    EXPECT_EQ(shape_str(m), "[2, 3]");
    EXPECT_EQ(shape_str(Vec(5)), "[5]");
    EXPECT_EQ(m.data()[3], 4.0f);  // row 1 starts after row 0's three entries
}

TEST(CoreCheck, ShapeErrorNamesTheOperationAndBothShapes) {
    const Mat q(1, 4), k(3, 5);
    EXPECT_NO_THROW(check_shape("op", "query", q, "keys", k, true));
    try {
        check_shape("attention_forward_dot", "query", q, "keys", k, false);
        ADD_FAILURE() << "no ShapeError";
    } catch (const ShapeError& e) {
        EXPECT_EQ(std::string(e.what()), "attention_forward_dot: shape mismatch: query [1, 4] vs keys [3, 5]");
    }
}

TEST(CoreCheck, NonFiniteErrorNamesTheFirstBadIndex) {
    Vec v = Vec::Zero(4);
    EXPECT_NO_THROW(check_finite("op", "x", v));
    v[2] = std::numeric_limits<float>::quiet_NaN();
    v[3] = std::numeric_limits<float>::infinity();
    try {
        check_finite("linear_forward", "x", v);
        ADD_FAILURE() << "no NonFiniteError";
    } catch (const NonFiniteError& e) {
        EXPECT_EQ(std::string(e.what()), "linear_forward: x[2] is NaN; refusing to let it spread");
    }
    Mat m = Mat::Zero(2, 2);
    m(1, 0) = -std::numeric_limits<float>::infinity();
    try {
        check_finite("op", "m", m);
        ADD_FAILURE() << "no NonFiniteError";
    } catch (const NonFiniteError& e) {
        EXPECT_EQ(std::string(e.what()), "op: m[2] is Inf; refusing to let it spread");
    }
}

// check_finite's first pass reads exponent bits: the extremes of the finite floats pass (FLT_MAX, the
// smallest subnormal, -0) and one NaN or Inf anywhere in a long vector is found, at its index.
TEST(CoreCheck, NonFiniteIsFoundAnywhereAndOnlyThere) {
    const float finite[] = {std::numeric_limits<float>::max(), -std::numeric_limits<float>::max(),
                            std::numeric_limits<float>::denorm_min(), -0.0f, 1.0f};
    for (int n : {1, 7, 64, 100}) {
        Vec v(n);
        for (int i = 0; i < n; ++i) v[i] = finite[i % 5];
        EXPECT_NO_THROW(check_finite("op", "v", v)) << "n=" << n;
        for (int p = 0; p < n; p += 3) {
            for (float bad : {std::numeric_limits<float>::quiet_NaN(), -std::numeric_limits<float>::infinity()}) {
                Vec w = v;
                w[p] = bad;
                try {
                    check_finite("op", "v", w);
                    ADD_FAILURE() << "no NonFiniteError, n=" << n << " at " << p;
                } catch (const NonFiniteError& e) {
                    EXPECT_NE(std::string(e.what()).find("v[" + std::to_string(p) + "]"), std::string::npos) << e.what();
                }
            }
        }
    }
}

}  // namespace
}  // namespace attn
