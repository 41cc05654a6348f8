// test_compare.cpp: core/compare.h, the one comparison every backend check uses: the normalized mean
// squared error, the largest difference and where it is, and what NaN and infinities count as.
// Run: ./build/native-release/unit_tests --gtest_filter='Compare*'  (and the wasm build under node).
#include "core/compare.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace attn {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

TEST(Compare, NmseAndLargestDifferenceWithItsIndex) {
    const std::vector<float> want = {1, 2, 3, 4};
    const std::vector<float> got = {1, 2.5f, 3, 3.75f};
    const Difference d = compare(got.data(), want.data(), 4);
    EXPECT_EQ(d.size, 4);
    EXPECT_DOUBLE_EQ(d.err2, 0.25 + 0.0625);
    EXPECT_DOUBLE_EQ(d.ref2, 30.0);
    EXPECT_DOUBLE_EQ(d.nmse(), 0.3125 / 30.0);
    EXPECT_DOUBLE_EQ(d.max_abs, 0.5);
    EXPECT_EQ(d.max_at, 1);
}

TEST(Compare, EqualArraysAgreeExactly) {
    const std::vector<float> v = {0.5f, -kInf, 3, kNaN};  // a masked -inf and a NaN on both sides agree
    const Difference d = compare(v.data(), v.data(), 4);
    EXPECT_EQ(d.nmse(), 0.0);
    EXPECT_EQ(d.max_abs, 0.0);
    EXPECT_EQ(d.max_at, -1);
    EXPECT_DOUBLE_EQ(d.ref2, 0.25 + 9.0);  // the infinite and NaN references add nothing
}

TEST(Compare, AZeroReferenceStillShowsTheDifference) {
    const std::vector<float> want = {0, 0, 0};
    const std::vector<float> got = {0, 0.5f, 0};
    const Difference d = compare(got.data(), want.data(), 3);
    EXPECT_DOUBLE_EQ(d.nmse(), 0.25);  // the plain sum of squares
    EXPECT_EQ(d.max_at, 1);
}

TEST(Compare, NanOrInfinityAgainstANumberIsInfinite) {
    const std::vector<float> want = {1, 2, 3};
    for (float bad : {kNaN, kInf, -kInf}) {
        std::vector<float> got = want;
        got[2] = bad;
        const Difference d = compare(got.data(), want.data(), 3);
        EXPECT_TRUE(std::isinf(d.max_abs)) << bad;
        EXPECT_EQ(d.max_at, 2) << bad;
        EXPECT_TRUE(std::isinf(d.nmse())) << bad;
        const Difference r = compare(want.data(), got.data(), 3);  // on the reference's side too
        EXPECT_TRUE(std::isinf(r.max_abs)) << bad;
        EXPECT_TRUE(std::isinf(r.nmse())) << bad;
    }
}

TEST(Compare, AddAccumulatesAcrossArraysAndCountsIndicesAcrossThem) {
    const std::vector<float> a_want = {1, 1}, a_got = {1, 1.25f};
    const std::vector<double> b_want = {2, 2, 2};  // a double reference
    const std::vector<float> b_got = {2, 2, 1};
    Difference d;
    d.add(a_got.data(), a_want.data(), 2);
    d.add(b_got.data(), b_want.data(), 3);
    EXPECT_EQ(d.size, 5);
    EXPECT_DOUBLE_EQ(d.max_abs, 1.0);
    EXPECT_EQ(d.max_at, 4);
    EXPECT_DOUBLE_EQ(d.nmse(), (0.0625 + 1.0) / 14.0);
}

}  // namespace
}  // namespace attn
