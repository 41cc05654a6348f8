// test_nn_optim.cpp: Adam against steps computed by hand (in Python, double, from the paper's
// formulas), global-norm clipping to the exact cap, convergence on a convex least-squares problem,
// determinism, and errors.
#include "core/check.h"
#include "core/rng.h"
#include "nn/linear.h"
#include "nn/optim.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

namespace attn {
namespace {

TEST(Adam, TwoStepsMatchAHandComputation) {
    // p0 = [1, -2, 0.5], g1 = [0.5, -0.1, 0], g2 = [0.2, 0.3, -4], lr 0.1, default betas and eps.
    // Step 1 moves every value with a gradient by lr against its sign (m_hat / sqrt(v_hat) = sign(g)).
    // Expected values from the formulas evaluated in double (math.sqrt, 1 - beta^t):
    //   after step 1: 0.900000002 -1.900000010 0.500000000
    //   after step 2: 0.810142484 -1.949418991 0.574413682
    // and with weight_decay 0.01 (p -= lr * wd * p first):
    //   after step 1: 0.899000002 -1.898000010 0.499500000
    //   after step 2: 0.808243484 -1.945520991 0.573414182
    // Each backend's update (kernels::adam_update), on the three values repeated three times: 9 values
    // go through the Simd kernel's vector body and its leftovers.
    for (Backend backend : {Backend::Scalar, Backend::Simd})
    for (float wd : {0.0f, 0.01f}) {
        SCOPED_TRACE("weight_decay " + std::to_string(wd) + ", backend " + backend_name(backend));
        Vec p(9), g(9);
        p << 1.0f, -2.0f, 0.5f, 1.0f, -2.0f, 0.5f, 1.0f, -2.0f, 0.5f;
        AdamConfig config;
        config.lr = 0.1f;
        config.weight_decay = wd;
        config.backend = backend;
        AdamState state;
        const ParamList params = {param_grad("p", p, g)};
        g << 0.5f, -0.1f, 0.0f, 0.5f, -0.1f, 0.0f, 0.5f, -0.1f, 0.0f;
        adam_step(config, state, params);
        const double after1[2][3] = {{0.900000002, -1.900000010, 0.5}, {0.899000002, -1.898000010, 0.4995}};
        const double after2[2][3] = {{0.810142484, -1.949418991, 0.574413682},
                                     {0.808243484, -1.945520991, 0.573414182}};
        const int row = wd == 0.0f ? 0 : 1;
        // float arithmetic on values near 1: a few ulps (1e-7 each)
        for (int i = 0; i < 9; ++i) EXPECT_NEAR(p[i], after1[row][i % 3], 5e-7) << "step 1, p[" << i << "]";
        g << 0.2f, 0.3f, -4.0f, 0.2f, 0.3f, -4.0f, 0.2f, 0.3f, -4.0f;
        adam_step(config, state, params);
        for (int i = 0; i < 9; ++i) EXPECT_NEAR(p[i], after2[row][i % 3], 5e-7) << "step 2, p[" << i << "]";
        EXPECT_EQ(state.step, 2);
    }
}

TEST(Adam, ClippingCapsTheGlobalNormExactly) {
    Mat a(1, 2);
    a << 3.0f, 0.0f;
    Vec b(2);
    b << 0.0f, 4.0f;  // global norm sqrt(9 + 16) = 5 across a Mat and a Vec
    Mat pa = Mat::Zero(1, 2);
    Vec pb = Vec::Zero(2);
    const ParamList params = {param_grad("a", pa, a), param_grad("b", pb, b)};
    EXPECT_DOUBLE_EQ(grad_global_norm(params), 5.0);
    EXPECT_DOUBLE_EQ(clip_grad_norm(params, 1.0f), 5.0);  // returns the norm before
    EXPECT_NEAR(grad_global_norm(params), 1.0, 1e-7);    // float rounding of the scaled values only
    EXPECT_FLOAT_EQ(a(0, 0), 0.6f);
    EXPECT_FLOAT_EQ(b[1], 0.8f);
    // Below the cap nothing changes, bit for bit.
    const Mat a_before = a;
    EXPECT_NEAR(clip_grad_norm(params, 2.0f), 1.0, 1e-7);
    EXPECT_EQ(a, a_before);
    // Just above the cap clips too (norm 1.25 against a cap of 1.2).
    a << 0.75f, 0.0f;
    b << 0.0f, 1.0f;
    EXPECT_DOUBLE_EQ(clip_grad_norm(params, 1.2f), 1.25);
    EXPECT_NEAR(grad_global_norm(params), 1.2, 1.2 * 1e-7);
    // Random gradients of many sizes: the clipped norm is the cap to float rounding.
    Rng rng(71);
    Mat big = rng.normal_mat(17, 5) * 10.0f, pbig = Mat::Zero(17, 5);
    Vec small = rng.normal_mat(3, 1).col(0), psmall = Vec::Zero(3);
    const ParamList more = {param_grad("big", pbig, big), param_grad("small", psmall, small)};
    const double before = grad_global_norm(more);
    ASSERT_GT(before, 0.5);
    clip_grad_norm(more, 0.5f);
    EXPECT_NEAR(grad_global_norm(more), 0.5, 0.5 * 1e-6);
}

TEST(Adam, ClippingInsideTheStepUsesTheClippedGradient) {
    // With clipping the step sees g * (max / norm); Adam's first step is lr * sign(g) either way, so
    // compare the moments instead: m = (1 - beta1) g_clipped.
    Vec p = Vec::Zero(2), g(2);
    g << 30.0f, -40.0f;
    AdamConfig config;
    config.max_grad_norm = 5.0f;
    AdamState state;
    EXPECT_DOUBLE_EQ(adam_step(config, state, {param_grad("p", p, g)}), 50.0);
    EXPECT_NEAR(state.m[0][0], 0.1f * 3.0f, 1e-6f);
    EXPECT_NEAR(state.m[0][1], 0.1f * -4.0f, 1e-6f);
}

TEST(Adam, GradScaleIsAppliedAsTheStepReadsAndTheGradientsAreLeftAtZero) {
    // A trainer's summed gradients times 1 / batch: the step taken from 2g with grad_scale 0.5 is the
    // step from g, to the bit (halving is exact), on either backend; then every gradient is zero.
    for (Backend backend : {Backend::Scalar, Backend::Simd}) {
        SCOPED_TRACE(backend_name(backend));
        Rng rng(73);
        const Vec p0 = rng.normal_mat(11, 1).col(0), g = rng.normal_mat(11, 1).col(0);
        Vec pa = p0, pb = p0, ga = g, gb = 2.0f * g;
        AdamConfig config;
        config.backend = backend;
        AdamState sa, sb;
        const double na = adam_step(config, sa, {param_grad("p", pa, ga)});
        const double nb = adam_step(config, sb, {param_grad("p", pb, gb)}, 0.5f);
        EXPECT_EQ(pa, pb);
        EXPECT_EQ(sa.m[0], sb.m[0]);
        EXPECT_EQ(sa.v[0], sb.v[0]);
        EXPECT_NEAR(nb, na, na * 1e-6);  // the norm of what the step read
        EXPECT_EQ(gb, Vec(Vec::Zero(11)));  // consumed: left at zero for the next step's sums
        // with clipping: m = (1 - beta1) g * scale * (max / norm of g * scale)
        Vec pc = Vec::Zero(2), gc(2);
        gc << 60.0f, -80.0f;  // norm 100, read as 50
        config.max_grad_norm = 5.0f;
        AdamState sc;
        EXPECT_NEAR(adam_step(config, sc, {param_grad("p", pc, gc)}, 0.5f), 50.0, 1e-4);
        EXPECT_NEAR(sc.m[0][0], 0.1f * 3.0f, 1e-6f);
        EXPECT_NEAR(sc.m[0][1], 0.1f * -4.0f, 1e-6f);
        EXPECT_EQ(gc, Vec(Vec::Zero(2)));
    }
}

TEST(Adam, TheSimdNormFindsNaNAndSurvivesFloatOverflow) {
    // The norm's pass is the NaN/Inf check on the Simd backend too. Gradients above 1.8e19 are finite
    // but their float squares are not: the step sums them again in double and clips as it should.
    AdamConfig config;
    config.backend = Backend::Simd;
    config.max_grad_norm = 1.0f;
    Vec p = Vec::Zero(9), g = Vec::Zero(9);
    g[7] = std::nanf("");
    AdamState state;
    try {
        adam_step(config, state, {param_grad("p", p, g)});
        FAIL() << "expected NonFiniteError";
    } catch (const NonFiniteError& e) {
        EXPECT_STREQ(e.what(), "adam_step: p grad[7] is NaN; refusing to let it spread");
    }
    EXPECT_EQ(p, Vec::Zero(9));
    g.setConstant(0.0f);
    g[0] = 3e20f;
    g[8] = -4e20f;
    EXPECT_NEAR(adam_step(config, state, {param_grad("p", p, g)}), 5e20, 5e20 * 1e-6);
    EXPECT_NEAR(state.m[0][0], 0.1f * 0.6f, 1e-6f);  // clipped to norm 1: 0.6, -0.8
    EXPECT_NEAR(state.m[0][8], 0.1f * -0.8f, 1e-6f);
}

// Least squares: fit y = W x + b to noiseless data from a known W*, b*. Convex with a unique minimum.
struct LeastSquares {
    Mat X, Y;  // [N, 3], [N, 2]
    Linear target, model;
    LinearGrad grad;
    explicit LeastSquares(uint64_t seed) {
        Rng rng(seed);
        target = linear_init(rng, 3, 2);
        target.W *= 3.0f;
        model = linear_init(rng, 3, 2);
        X = rng.normal_mat(32, 3);
        Y = linear_forward(target, X);
        grad.zero_like(model);
    }
    // 0.5 * mean over rows of ||y - Y||^2; fills grad.
    double loss_and_grad() {
        const Mat r = linear_forward(model, X) - Y;
        grad.zero_like(model);
        linear_backward(model, X, r / static_cast<float>(X.rows()), grad);
        return 0.5 * r.squaredNorm() / X.rows();
    }
    ParamList params() { return {param_grad("W", model.W, grad.dW), param_grad("b", model.b, grad.db)}; }
};

TEST(Adam, MinimizesAConvexProblem) {
    // With a constant lr, Adam's steps near the minimum stay about lr long however small the gradient
    // (m / sqrt(v) does not shrink), so it circles the minimum; letting lr decay linearly to 0 lets it
    // settle, as schedules do in training.
    LeastSquares ls(72);
    AdamConfig config;
    AdamState state;
    const double start = ls.loss_and_grad();
    const int steps = 3000;
    for (int it = 0; it < steps; ++it) {
        config.lr = 0.05f * static_cast<float>(steps - it) / steps;
        ls.loss_and_grad();
        adam_step(config, state, ls.params());
    }
    const double loss = ls.loss_and_grad();
    // Measured: 2.77 -> ~1e-14, W within 1.2e-7 of W*, natively (Debug and Release) and in wasm.
    EXPECT_GT(start, 0.5);
    EXPECT_LT(loss, 1e-10);
    EXPECT_LT((ls.model.W - ls.target.W).cwiseAbs().maxCoeff(), 1e-4f);
    EXPECT_LT((ls.model.b - ls.target.b).cwiseAbs().maxCoeff(), 1e-4f);
}

TEST(Adam, IsDeterministic) {
    LeastSquares a(73), b(73);
    AdamConfig config;
    config.lr = 0.05f;
    config.weight_decay = 0.01f;
    config.max_grad_norm = 0.5f;
    AdamState sa, sb;
    for (int it = 0; it < 50; ++it) {
        a.loss_and_grad();
        adam_step(config, sa, a.params());
        b.loss_and_grad();
        adam_step(config, sb, b.params());
    }
    EXPECT_EQ(a.model.W, b.model.W);
    EXPECT_EQ(a.model.b, b.model.b);
}

TEST(Adam, ErrorsLeaveParametersUntouched) {
    Mat w = Mat::Ones(2, 2), dw = Mat::Zero(2, 2);
    Vec bias = Vec::Ones(2), dbias = Vec::Zero(2);
    Mat wrong = Mat::Zero(2, 3);
    try {
        param_grad("W", w, wrong);
        FAIL() << "expected ShapeError";
    } catch (const ShapeError& e) {
        EXPECT_STREQ(e.what(), "param_grad: shape mismatch: W grad [2, 3] vs W [2, 2]");
    }
    AdamConfig config;
    AdamState state;
    dw(1, 0) = std::nanf("");
    try {
        adam_step(config, state, {param_grad("W", w, dw), param_grad("b", bias, dbias)});
        FAIL() << "expected NonFiniteError";
    } catch (const NonFiniteError& e) {
        EXPECT_STREQ(e.what(), "adam_step: W grad[2] is NaN; refusing to let it spread");
    }
    EXPECT_EQ(w, Mat::Ones(2, 2));  // nothing moved
    EXPECT_TRUE(std::isnan(dw(1, 0)));  // nor was any gradient consumed
    dw(1, 0) = 0.0f;
    adam_step(config, state, {param_grad("W", w, dw), param_grad("b", bias, dbias)});
    EXPECT_THROW(adam_step(config, state, {param_grad("W", w, dw)}), ShapeError);  // the list changed
}

}  // namespace
}  // namespace attn
