// test_nn_linear.cpp: Linear forward against a hand computation, backward by finite differences.
#include "core/check.h"
#include "core/rng.h"
#include "gradcheck.h"
#include "nn/linear.h"

#include <gtest/gtest.h>

namespace attn {
namespace {

TEST(Linear, ForwardMatchesDefinition) {
    Rng rng(1);
    const Linear l = linear_init(rng, 5, 3);
    const Mat x = rng.normal_mat(2, 5);
    const Mat y = linear_forward(l, x);
    const Mat expect = (x * l.W.transpose()).rowwise() + l.b.transpose();
    EXPECT_LT((y - expect).cwiseAbs().maxCoeff(), 1e-5f);
    EXPECT_EQ(l.parameter_count(), 5 * 3 + 3);
}

TEST(Linear, BackwardMatchesFiniteDifferences) {
    Rng rng(2);
    Linear l = linear_init(rng, 4, 3);
    Mat x = rng.normal_mat(2, 4);
    const Mat R = rng.normal_mat(2, 3);
    LinearGrad g;
    g.zero_like(l);
    const Mat dx = linear_backward(l, x, R, g);
    auto loss = [&] { return testing::weighted_sum(linear_forward(l, x), R); };
    testing::expect_grad_near("dW", l.W.data(), l.W.size(), g.dW.data(), loss);
    testing::expect_grad_near("db", l.b.data(), l.b.size(), g.db.data(), loss);
    testing::expect_grad_near("dx", x.data(), x.size(), dx.data(), loss);
}

TEST(Linear, ShapeMismatchNamesOpAndShapes) {
    Rng rng(3);
    const Linear l = linear_init(rng, 4, 3);
    try {
        linear_forward(l, Mat::Zero(2, 5));
        FAIL() << "expected ShapeError";
    } catch (const ShapeError& e) {
        EXPECT_STREQ(e.what(), "linear_forward: shape mismatch: x [2, 5] vs W [3, 4]");
    }
}

}  // namespace
}  // namespace attn
