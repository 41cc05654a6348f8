// test_seed_examples.cpp: the seed 001 worked example (Foundation's first real content).
#include "models/seed_examples.h"

#include <gtest/gtest.h>

#include <cmath>

namespace attn {
namespace {

TEST(Seed001, ScaledDotStepHasTheSeedsShapesAndSumsToOne) {
    const AttentionTrace t = seed001_scaled_dot_example(Backend::Scalar);
    EXPECT_EQ(t.keys.rows(), 4);
    EXPECT_EQ(t.keys.cols(), 8);
    EXPECT_EQ(t.query.size(), 8);
    EXPECT_EQ(t.weights.size(), 4);
    EXPECT_EQ(t.context.size(), 8);
    EXPECT_NEAR(t.weights.sum(), 1.0f, 1e-6f);
    EXPECT_FLOAT_EQ(t.scale, 1.0f / std::sqrt(8.0f));
}

TEST(Seed001, StagesFollowTheirDefinitions) {
    const AttentionTrace t = seed001_scaled_dot_example(Backend::Scalar);
    // Recompute in double from the recorded inputs: the trace must hold what each stage says.
    double maxs = -1e30;
    std::vector<double> s(4);
    for (int j = 0; j < 4; ++j) {
        double dot = 0;
        for (int d = 0; d < 8; ++d) dot += double(t.query(0, d)) * t.keys(j, d);
        EXPECT_NEAR(t.scores(0, j), dot, 1e-5);
        s[j] = dot / std::sqrt(8.0);
        EXPECT_NEAR(t.scaled(0, j), s[j], 1e-5);
        maxs = std::max(maxs, s[j]);
    }
    double z = 0;
    for (double v : s) z += std::exp(v - maxs);
    for (int j = 0; j < 4; ++j) EXPECT_NEAR(t.weights(0, j), std::exp(s[j] - maxs) / z, 1e-6);
    for (int d = 0; d < 8; ++d) {
        double c = 0;
        for (int j = 0; j < 4; ++j) c += double(t.weights(0, j)) * t.values(j, d);
        EXPECT_NEAR(t.context(0, d), c, 1e-5);
    }
}

TEST(Seed001, SimdAgreesWithScalar) {
    const AttentionTrace a = seed001_scaled_dot_example(Backend::Scalar);
    const AttentionTrace b = seed001_scaled_dot_example(Backend::Simd);
    EXPECT_LT((a.weights - b.weights).cwiseAbs().maxCoeff(), 1e-6f);
    EXPECT_LT((a.context - b.context).cwiseAbs().maxCoeff(), 1e-5f);
}

TEST(Seed001, DifferentSeedsGiveDifferentInputs) {
    const AttentionTrace a = seed001_scaled_dot_example(Backend::Scalar, 0);
    const AttentionTrace b = seed001_scaled_dot_example(Backend::Scalar, 1);
    EXPECT_GT((a.keys - b.keys).cwiseAbs().maxCoeff(), 0.01f);
}

}  // namespace
}  // namespace attn
