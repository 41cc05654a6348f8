// test_nn_positional.cpp: the sinusoidal table against hand values (Python's math.sin/cos), the
// formula in double at many positions, and the property that makes it useful: the dot product of two
// positions' encodings depends only on their distance.
#include "nn/positional.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

namespace attn {
namespace {

TEST(Positional, HandValues) {
    const Mat pe = sinusoidal_positional_encoding(4, 4);
    ASSERT_EQ(pe.rows(), 4);
    ASSERT_EQ(pe.cols(), 4);
    // Position 0: sin 0 = 0, cos 0 = 1 in every pair.
    for (int d = 0; d < 4; ++d) EXPECT_EQ(pe(0, d), d % 2 == 0 ? 0.0f : 1.0f);
    // Position 1, D = 4: frequencies 1 and 10000^(-2/4) = 1/100.
    EXPECT_NEAR(pe(1, 0), 0.841470985, 1e-7);  // sin(1)
    EXPECT_NEAR(pe(1, 1), 0.540302306, 1e-7);  // cos(1)
    EXPECT_NEAR(pe(1, 2), 0.009999833, 1e-7);  // sin(0.01)
    EXPECT_NEAR(pe(1, 3), 0.999950000, 1e-7);  // cos(0.01)
    // Odd width D = 5, position 3: the last column is a sin with exponent 4/5.
    const Mat odd = sinusoidal_positional_encoding(4, 5);
    const double expect[5] = {0.141120008, -0.989992497, 0.075285293, 0.997162035, 0.001892871};
    for (int d = 0; d < 5; ++d) EXPECT_NEAR(odd(3, d), expect[d], 1e-7) << "d=" << d;
}

TEST(Positional, MatchesTheFormulaInDoubleAtManyPositions) {
    // 1e-7 is float rounding of values <= 1 (6e-8): it holds only because the angle is formed in
    // double; a float angle at position 500 is already off by ~3e-5.
    for (int D : {16, 7}) {
        const Mat pe = sinusoidal_positional_encoding(512, D);
        for (int pos : {0, 1, 2, 17, 100, 257, 511}) {
            for (int d = 0; d < D; ++d) {
                const int i = d / 2;
                const double angle = pos / std::pow(10000.0, 2.0 * i / D);
                EXPECT_NEAR(pe(pos, d), d % 2 == 0 ? std::sin(angle) : std::cos(angle), 1e-7)
                    << "D=" << D << " pos=" << pos << " d=" << d;
            }
        }
    }
}

TEST(Positional, DotProductDependsOnlyOnDistance) {
    // sum_i sin(a_i p) sin(a_i q) + cos(a_i p) cos(a_i q) = sum_i cos(a_i (p - q)): the same for every
    // pair of positions the same distance apart, which lets attention find relative positions.
    const Mat pe = sinusoidal_positional_encoding(64, 16);
    for (int k : {1, 3, 10}) {
        const float ref = pe.row(0).dot(pe.row(k));
        for (int p : {5, 20, 40}) EXPECT_NEAR(pe.row(p).dot(pe.row(p + k)), ref, 1e-5f) << "k=" << k << " p=" << p;
    }
    // Every row has squared norm D / 2 (sin^2 + cos^2 = 1 per pair), and nearer positions are more alike.
    for (int p = 0; p < 64; ++p) EXPECT_NEAR(pe.row(p).squaredNorm(), 8.0f, 1e-5f);
    EXPECT_GT(pe.row(10).dot(pe.row(11)), pe.row(10).dot(pe.row(30)));
}

TEST(Positional, EmptyAndInvalidSizes) {
    EXPECT_EQ(sinusoidal_positional_encoding(0, 8).rows(), 0);
    EXPECT_EQ(sinusoidal_positional_encoding(3, 0).cols(), 0);
    EXPECT_THROW(sinusoidal_positional_encoding(-1, 8), std::invalid_argument);
}

}  // namespace
}  // namespace attn
