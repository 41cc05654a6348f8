// test_pooling.cpp: seed 000's attention pooling: its parameter count and shapes as the seed states
// them, the fused kernel against the staged path and a double reference, its trace, and backward by
// central finite differences.
#include "attention_reference.h"
#include "core/rng.h"
#include "gradcheck_attention.h"
#include "nn/pooling.h"

#include <gtest/gtest.h>

#include <cmath>

namespace attn {
namespace {

using testing::expect_grad;
using testing::max_abs_diff;
using testing::ref_linear;
using testing::VecD;
using testing::weighted_sum;

// The seed's steps in double, one sequence and one time step at a time. weights receives [B, T].
MatD ref_pool(const AttentionPool& p, const Mat& X, int T, MatD* weights = nullptr) {
    const long B = X.rows() / T, H = X.cols();
    MatD out(B, H), W(B, T);
    for (long b = 0; b < B; ++b) {
        VecD score(T);
        for (long t = 0; t < T; ++t) {
            const VecD energy = ref_linear(p.proj, testing::row_d(X, b * T + t)).array().tanh().matrix();
            score[t] = ref_linear(p.score, energy)[0];
        }
        const VecD e = (score.array() - score.maxCoeff()).exp().matrix();
        const VecD w = e / e.sum();
        W.row(b) = w.transpose();
        out.row(b).setZero();
        for (long t = 0; t < T; ++t) out.row(b) += w[t] * testing::row_d(X, b * T + t).transpose();
    }
    if (weights) *weights = W;
    return out;
}

TEST(Seed000Pooling, HasExactly4225ParametersAtHidden64) {
    Rng rng(71);
    const AttentionPool p = attention_pool_init(rng, 64);
    EXPECT_EQ(p.proj.parameter_count(), 64 * 64 + 64);  // 4,160
    EXPECT_EQ(p.score.parameter_count(), 64 + 1);       // 65
    EXPECT_EQ(p.parameter_count(), 4225);
}

TEST(Seed000Pooling, MapsBatch32By100By64To32By64) {
    const int B = 32, T = 100, H = 64;
    Rng rng(72);
    const AttentionPool p = attention_pool_init(rng, H);
    const Mat X = rng.normal_mat(B * T, H);  // [32, 100, 64], row b*T + t = X[b, t, :]
    Mat weights;
    const Mat out = attention_pool_forward(p, X, T, Backend::Scalar, &weights);
    EXPECT_EQ(out.rows(), B);
    EXPECT_EQ(out.cols(), H);
    ASSERT_EQ(weights.rows(), B);
    ASSERT_EQ(weights.cols(), T);
    for (int b = 0; b < B; ++b) EXPECT_NEAR(weights.row(b).sum(), 1.0f, 1e-5f) << b;
    EXPECT_GE(weights.minCoeff(), 0.0f);
    // the staged path (taken when a cache is asked for) computes the same numbers
    AttentionPoolCache cache;
    const Mat staged = attention_pool_forward(p, X, T, Backend::Scalar, nullptr, &cache);
    EXPECT_LT((staged - out).cwiseAbs().maxCoeff(), 1e-6f);
    EXPECT_LT((cache.weights - weights).cwiseAbs().maxCoeff(), 1e-7f);
    EXPECT_EQ(cache.energies.rows(), B * T);
    EXPECT_EQ(cache.energies.cols(), H);
    // and both agree with the seed's steps in double for a few sequences (all 32 would be slow in Debug)
    const int few = 3;
    MatD ref_w;
    const MatD ref = ref_pool(p, X.topRows(few * T), T, &ref_w);
    EXPECT_LT(max_abs_diff(out.topRows(few), ref), 1e-5);
    EXPECT_LT(max_abs_diff(weights.topRows(few), ref_w), 1e-6);
}

TEST(Seed000Pooling, ConstantSequencePoolsToItsStepWithUniformWeights) {
    // Every step equal: equal scores, weights 1/T, and the weighted sum is that step.
    const int T = 7, H = 5;
    Rng rng(73);
    const AttentionPool p = attention_pool_init(rng, H);
    const Mat step = rng.normal_mat(1, H);
    const Mat X = step.replicate(T, 1);
    Mat weights;
    const Mat out = attention_pool_forward(p, X, T, Backend::Scalar, &weights);
    EXPECT_LT((weights.array() - 1.0f / T).abs().maxCoeff(), 1e-7f);
    EXPECT_LT((out - step).cwiseAbs().maxCoeff(), 1e-6f);
}

TEST(Seed000Pooling, TraceHasOneCallPerSequence) {
    const int B = 3, T = 6, H = 4;
    Rng rng(74);
    const AttentionPool p = attention_pool_init(rng, H);
    const Mat X = rng.normal_mat(B * T, H);
    Trace trace;
    const Mat out = attention_pool_forward(p, X, T, Backend::Scalar, nullptr, nullptr, &trace, /*layer=*/0);
    MatD ref_w;
    ref_pool(p, X, T, &ref_w);
    ASSERT_EQ(trace.calls.size(), size_t(B));
    for (int b = 0; b < B; ++b) {
        const AttentionTrace& t = trace.calls[b];
        EXPECT_EQ(t.form, "pool");
        EXPECT_EQ(t.kind, "additive");
        EXPECT_EQ(t.item, b);
        EXPECT_EQ((t.keys - X.middleRows(b * T, T)).cwiseAbs().maxCoeff(), 0.0f);
        EXPECT_EQ((t.query - p.score.W).cwiseAbs().maxCoeff(), 0.0f);
        ASSERT_EQ(t.energies.size(), 1u);
        for (int s = 0; s < T; ++s) {
            const VecD e = ref_linear(p.proj, testing::row_d(X, b * T + s)).array().tanh().matrix();
            EXPECT_LT(max_abs_diff(t.energies[0].row(s), e.transpose()), 1e-6);
            EXPECT_NEAR(t.scores(0, s), ref_linear(p.score, e)[0], 1e-5);
        }
        EXPECT_LT(max_abs_diff(t.weights, ref_w.row(b)), 1e-6);
        EXPECT_NEAR(t.weights.sum(), 1.0f, 1e-6f);
        EXPECT_EQ((t.context - out.row(b)).cwiseAbs().maxCoeff(), 0.0f);
    }
}

TEST(Seed000Pooling, Backward) {
    const int B = 3, T = 4, H = 5;
    Rng rng(75);
    AttentionPool p = attention_pool_init(rng, H);
    Mat X = rng.normal_mat(B * T, H);
    const Mat R = rng.normal_mat(B, H);
    AttentionPoolCache cache;
    attention_pool_forward(p, X, T, Backend::Scalar, nullptr, &cache);
    AttentionPoolGrad g;
    g.zero_like(p);
    const Mat dX = attention_pool_backward(p, X, T, cache, R, g);
    auto loss = [&] { return weighted_sum(attention_pool_forward(p, X, T), R); };
    EXPECT_GT(expect_grad("dX", X, dX, loss), 0.01);
    EXPECT_GT(expect_grad("proj.dW", p.proj.W, g.proj.dW, loss), 0.01);
    EXPECT_GT(expect_grad("proj.db", p.proj.b, g.proj.db, loss), 0.01);
    EXPECT_GT(expect_grad("score.dW", p.score.W, g.score.dW, loss), 0.01);
    // score.b adds the same number to every time step's score: softmax over time ignores it
    EXPECT_LT(expect_grad("score.db", p.score.b, g.score.db, loss), 1e-3);
    EXPECT_LT(std::fabs(g.score.db[0]), 1e-5f);
}

}  // namespace
}  // namespace attn
