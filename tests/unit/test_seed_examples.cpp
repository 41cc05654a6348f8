// test_seed_examples.cpp: the seed 001 worked examples (Foundation's first real content): one scaled
// dot-product step, and the seed's own Attention module (concat form) on its sample input.
#include "attention_reference.h"
#include "models/seed_examples.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

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

TEST(Seed001, ScaledDotStepIsLabelledAndUnmasked) {
    const AttentionTrace t = seed001_scaled_dot_example(Backend::Scalar);
    EXPECT_EQ(t.kind, "scaled_dot");
    EXPECT_EQ(t.form, "cross");
    EXPECT_EQ(t.normalizer, "soft");
    EXPECT_EQ(t.mask.size(), 0);
    EXPECT_EQ((t.masked - t.scaled).cwiseAbs().maxCoeff(), 0.0f);
}

TEST(Seed001AttentionModule, ReturnsContext1x1x8AndWeights1x4SummingToOne) {
    const Seed001Attention ex = seed001_attention_example(Backend::Scalar);
    EXPECT_EQ(ex.encoder_outputs.rows(), 4);
    EXPECT_EQ(ex.encoder_outputs.cols(), 8);
    EXPECT_EQ(ex.decoder_hidden.rows(), 1);
    EXPECT_EQ(ex.decoder_hidden.cols(), 8);
    EXPECT_EQ(ex.context_shape(), (std::array<long, 3>{1, 1, 8}));
    EXPECT_EQ(ex.weights_shape(), (std::array<long, 2>{1, 4}));
    EXPECT_NEAR(ex.weights.sum(), 1.0f, 1e-6f);
    EXPECT_GT(ex.weights.minCoeff(), 0.0f);
    // the module: attn = nn.Linear(16, 8), v = torch.rand(8)
    EXPECT_EQ(ex.module.W.W.rows(), 8);
    EXPECT_EQ(ex.module.W.W.cols(), 16);
    EXPECT_EQ(ex.module.W.b.size(), 8);
    EXPECT_EQ(ex.module.v.size(), 8);
    EXPECT_GE(ex.module.v.minCoeff(), 0.0f);
    EXPECT_LT(ex.module.v.maxCoeff(), 1.0f);
}

TEST(Seed001AttentionModule, StepsFollowTheNotebook) {
    // Recompute the notebook's forward in double from the recorded inputs and weights.
    const Seed001Attention ex = seed001_attention_example(Backend::Scalar);
    const AttentionTrace& t = ex.trace;
    EXPECT_EQ(t.kind, "concat");
    EXPECT_FLOAT_EQ(t.scale, 1.0f);  // the module does not scale its scores
    ASSERT_EQ(t.energies.size(), 1u);
    ASSERT_EQ(t.energies[0].rows(), 4);
    ASSERT_EQ(t.energies[0].cols(), 8);
    std::vector<double> scores(4);
    for (int j = 0; j < 4; ++j) {
        // energy = tanh(attn(cat(hidden, encoder_outputs[j])))
        testing::VecD cat(16);
        cat << testing::row_d(ex.decoder_hidden, 0), testing::row_d(ex.encoder_outputs, j);
        const testing::VecD energy = testing::ref_linear(ex.module.W, cat).array().tanh().matrix();
        EXPECT_LT(testing::max_abs_diff(t.energies[0].row(j), energy.transpose()), 1e-6) << j;
        // attention_scores = bmm(v, energy)
        scores[j] = testing::to_d(ex.module.v).dot(energy);
        EXPECT_NEAR(t.scores(0, j), scores[j], 1e-5) << j;
    }
    // attention_weights = softmax(scores, dim=1); context = bmm(weights, encoder_outputs)
    const double m = *std::max_element(scores.begin(), scores.end());
    double z = 0;
    for (double s : scores) z += std::exp(s - m);
    for (int j = 0; j < 4; ++j) EXPECT_NEAR(ex.weights(0, j), std::exp(scores[j] - m) / z, 1e-6) << j;
    for (int d = 0; d < 8; ++d) {
        double c = 0;
        for (int j = 0; j < 4; ++j) c += double(ex.weights(0, j)) * ex.encoder_outputs(j, d);
        EXPECT_NEAR(ex.context(0, d), c, 1e-5) << d;
    }
}

TEST(Seed001AttentionModule, SameSampleInputAsTheScaledDotStep) {
    // Both examples draw encoder_outputs, then decoder_hidden, from the same seed.
    const Seed001Attention ex = seed001_attention_example(Backend::Scalar, 5);
    const AttentionTrace t = seed001_scaled_dot_example(Backend::Scalar, 5);
    EXPECT_EQ((ex.encoder_outputs - t.keys).cwiseAbs().maxCoeff(), 0.0f);
    EXPECT_EQ((ex.decoder_hidden - t.query).cwiseAbs().maxCoeff(), 0.0f);
}

TEST(Seed001AttentionModule, SimdAgreesWithScalar) {
    const Seed001Attention a = seed001_attention_example(Backend::Scalar);
    const Seed001Attention b = seed001_attention_example(Backend::Simd);
    // see test_attention_backends.cpp for why 1e-5 holds with approximated tanh/exp
    EXPECT_LT((a.weights - b.weights).cwiseAbs().maxCoeff(), 1e-5f);
    EXPECT_LT((a.context - b.context).cwiseAbs().maxCoeff(), 1e-5f);
}

}  // namespace
}  // namespace attn
