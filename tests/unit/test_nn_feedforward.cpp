// test_nn_feedforward.cpp: the position-wise feed-forward block against a double-precision
// recomputation, the SIMD backend beside the scalar one, backward by central finite differences,
// shape errors.
#include "core/check.h"
#include "core/rng.h"
#include "gradcheck.h"
#include "nn/feedforward.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

namespace attn {
namespace {

TEST(FeedForward, ForwardMatchesDoublePrecisionDefinition) {
    Rng rng(61);
    const FeedForward f = feedforward_init(rng, 5, 7);
    EXPECT_EQ(f.d_model(), 5);
    EXPECT_EQ(f.hidden(), 7);
    EXPECT_EQ(f.parameter_count(), 7 * 5 + 7 + 5 * 7 + 5);
    const Mat x = rng.normal_mat(3, 5);
    FeedForwardCache cache;
    const Mat y = feedforward_forward(f, x, &cache);
    int zeros = 0;
    for (int t = 0; t < 3; ++t) {
        std::vector<double> h(7);
        for (int j = 0; j < 7; ++j) {
            double s = f.up.b[j];
            for (int i = 0; i < 5; ++i) s += double(f.up.W(j, i)) * x(t, i);
            h[j] = s > 0 ? s : 0;
            zeros += h[j] == 0;
            EXPECT_NEAR(cache.hidden(t, j), h[j], 1e-6) << t << "," << j;
        }
        for (int k = 0; k < 5; ++k) {
            double s = f.down.b[k];
            for (int j = 0; j < 7; ++j) s += double(f.down.W(k, j)) * h[j];
            // sums of 7 float products of size ~1: a few ulps
            EXPECT_NEAR(y(t, k), s, 1e-6) << t << "," << k;
        }
    }
    // the example exercises both sides of the ReLU
    EXPECT_GT(zeros, 0);
    EXPECT_LT(zeros, 21);
}

TEST(FeedForward, SimdMatchesScalar) {
    Rng rng(62);
    const FeedForward f = feedforward_init(rng, 17, 33);
    const Mat x = rng.normal_mat(9, 17);
    const Mat a = feedforward_forward(f, x, nullptr, Backend::Scalar);
    const Mat b = feedforward_forward(f, x, nullptr, Backend::Simd);
    // FMA and a different summation order: within a few ulps of values of size ~1
    EXPECT_LT((a - b).cwiseAbs().maxCoeff(), 1e-5f);
}

TEST(FeedForward, BackwardMatchesFiniteDifferences) {
    Rng rng(65);
    FeedForward f = feedforward_init(rng, 4, 6);
    Mat x = rng.normal_mat(3, 4);
    const Mat R = rng.normal_mat(3, 4);
    FeedForwardGrad g;
    g.zero_like(f);
    FeedForwardCache cache;
    feedforward_forward(f, x, &cache);
    const Mat dx = feedforward_backward(f, x, cache, R, g);
    auto loss = [&]() { return testing::weighted_sum(feedforward_forward(f, x), R); };
    // No pre-activation of this example is within reach of the ReLU's kink: a step of eps = 1e-2 in
    // one weight, bias or input moves a pre-activation by at most eps * max(1, |x|, |W|), so central
    // differences see one smooth piece.
    const Mat pre = x * f.up.W.transpose() + Mat::Ones(3, 1) * f.up.b.transpose();
    const float reach = 1e-2f * std::max({1.0f, x.cwiseAbs().maxCoeff(), f.up.W.cwiseAbs().maxCoeff()});
    ASSERT_GT(pre.cwiseAbs().minCoeff(), reach) << "smallest |pre-activation| " << pre.cwiseAbs().minCoeff();
    testing::expect_grad_near("up.W", f.up.W, g.up.dW, loss, testing::kTightGrad);
    testing::expect_grad_near("up.b", f.up.b, g.up.db, loss, testing::kTightGrad);
    testing::expect_grad_near("down.W", f.down.W, g.down.dW, loss, testing::kTightGrad);
    testing::expect_grad_near("down.b", f.down.b, g.down.db, loss, testing::kTightGrad);
    testing::expect_grad_near("x", x, dx, loss, testing::kTightGrad);
}

TEST(FeedForward, WrongWidthIsAShapeError) {
    Rng rng(64);
    const FeedForward f = feedforward_init(rng, 4, 6);
    EXPECT_THROW(feedforward_forward(f, Mat::Zero(2, 5)), ShapeError);
    FeedForwardCache cache;
    feedforward_forward(f, Mat::Zero(2, 4), &cache);
    FeedForwardGrad g;
    g.zero_like(f);
    EXPECT_THROW(feedforward_backward(f, Mat::Zero(2, 4), cache, Mat::Zero(3, 4), g), ShapeError);
}

}  // namespace
}  // namespace attn
