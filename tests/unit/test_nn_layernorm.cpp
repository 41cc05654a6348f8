// test_nn_layernorm.cpp: LayerNorm forward against a double-precision recomputation and a hand
// example, backward by finite differences (gamma, beta, x) and by its invariances; errors.
#include "core/check.h"
#include "core/rng.h"
#include "gradcheck.h"
#include "nn/layernorm.h"

#include <gtest/gtest.h>

#include <cmath>

namespace attn {
namespace {

LayerNorm random_layernorm(Rng& rng, int D) {
    LayerNorm ln = layernorm_init(D);
    ln.gamma = rng.uniform_mat(D, 1, 0.5f, 1.5f).col(0);
    ln.beta = rng.normal_mat(D, 1).col(0);
    return ln;
}

TEST(LayerNorm, ForwardMatchesDoublePrecisionDefinition) {
    Rng rng(51);
    const LayerNorm ln = random_layernorm(rng, 7);
    EXPECT_EQ(ln.parameter_count(), 14);
    EXPECT_FLOAT_EQ(ln.eps, 1e-5f);
    // Rows away from 0 and of unequal spread, as activations are.
    Mat x = rng.normal_mat(4, 7) * 2.0f;
    x.array() += 3.0f;
    const Mat y = layernorm_forward(ln, x);
    const LayerNormStats s = layernorm_stats(x, ln.eps);
    for (int n = 0; n < 4; ++n) {
        double mean = 0, var = 0;
        for (int d = 0; d < 7; ++d) mean += x(n, d);
        mean /= 7;
        for (int d = 0; d < 7; ++d) var += (x(n, d) - mean) * (x(n, d) - mean);
        var /= 7;  // biased, as PyTorch
        const double rstd = 1.0 / std::sqrt(var + 1e-5);
        // float sums of 7 values of size ~5: a few ulps of 5 is ~1e-6
        EXPECT_NEAR(s.mean[n], mean, 2e-6);
        EXPECT_NEAR(s.rstd[n], rstd, 2e-6 * rstd);
        for (int d = 0; d < 7; ++d)
            EXPECT_NEAR(y(n, d), (x(n, d) - mean) * rstd * ln.gamma[d] + ln.beta[d], 5e-6) << n << "," << d;
    }
}

TEST(LayerNorm, HandExampleAndUnitStatistics) {
    // F.layer_norm(torch.tensor([1., 2., 3., 4.]), (4,)): mean 2.5, variance 1.25
    const LayerNorm ln = layernorm_init(4);
    Mat x(1, 4);
    x << 1, 2, 3, 4;
    const Mat y = layernorm_forward(ln, x);
    EXPECT_NEAR(y(0, 0), -1.341635420, 1e-6);
    EXPECT_NEAR(y(0, 1), -0.447211807, 1e-6);
    EXPECT_NEAR(y(0, 2), 0.447211807, 1e-6);
    EXPECT_NEAR(y(0, 3), 1.341635420, 1e-6);
    // With gamma = 1 and beta = 0 every row has mean 0 and (biased) variance 1 - eps/var.
    Rng rng(52);
    const Mat z = layernorm_forward(layernorm_init(9), rng.normal_mat(3, 9) * 4.0f);
    for (int n = 0; n < 3; ++n) {
        EXPECT_NEAR(z.row(n).mean(), 0.0f, 1e-6f);
        EXPECT_NEAR(z.row(n).squaredNorm() / 9.0f, 1.0f, 1e-5f);
    }
}

TEST(LayerNorm, ConstantRowGivesBetaNotNaN) {
    Rng rng(53);
    const LayerNorm ln = random_layernorm(rng, 5);
    const Mat y = layernorm_forward(ln, Mat::Constant(2, 5, 3.25f));
    for (int n = 0; n < 2; ++n)
        for (int d = 0; d < 5; ++d) EXPECT_EQ(y(n, d), ln.beta[d]);
}

TEST(LayerNorm, BackwardMatchesFiniteDifferences) {
    Rng rng(54);
    LayerNorm ln = random_layernorm(rng, 5);
    Mat x = rng.normal_mat(3, 5);
    x.row(1).array() += 2.0f;
    const Mat R = rng.normal_mat(3, 5);
    LayerNormGrad g;
    g.zero_like(ln);
    const Mat dx = layernorm_backward(ln, x, R, g);
    auto loss = [&] { return testing::weighted_sum(layernorm_forward(ln, x), R); };
    testing::expect_grad_near("dgamma", ln.gamma, g.dgamma, loss, testing::kTightGrad);
    testing::expect_grad_near("dbeta", ln.beta, g.dbeta, loss, testing::kTightGrad);
    testing::expect_grad_near("dx", x, dx, loss, testing::kTightGrad);
}

TEST(LayerNorm, InputGradientRespectsShiftAndScaleInvariance) {
    // y does not change when a row is shifted by a constant, and barely (only through eps) when it is
    // scaled: so each row of dx sums to 0 and is orthogonal to that row of x - mean.
    Rng rng(55);
    const LayerNorm ln = random_layernorm(rng, 6);
    const Mat x = rng.normal_mat(4, 6);
    LayerNormGrad g;
    g.zero_like(ln);
    const Mat dx = layernorm_backward(ln, x, rng.normal_mat(4, 6), g);
    for (int n = 0; n < 4; ++n) {
        const Eigen::RowVectorXf centered = x.row(n).array() - x.row(n).mean();
        EXPECT_NEAR(dx.row(n).sum(), 0.0f, 1e-5f);
        EXPECT_NEAR(dx.row(n).dot(centered), 0.0f, 1e-4f);
        EXPECT_GT(dx.row(n).cwiseAbs().maxCoeff(), 1e-2f);  // and it is not simply zero
    }
}

TEST(LayerNorm, ErrorsNameOpAndShapes) {
    const LayerNorm ln = layernorm_init(4);
    try {
        layernorm_forward(ln, Mat::Zero(2, 3));
        FAIL() << "expected ShapeError";
    } catch (const ShapeError& e) {
        EXPECT_STREQ(e.what(), "layernorm_forward: shape mismatch: x [2, 3] vs gamma [4]");
    }
    Mat x = Mat::Zero(2, 4);
    x(1, 2) = INFINITY;
    EXPECT_THROW(layernorm_forward(ln, x), NonFiniteError);
}

}  // namespace
}  // namespace attn
