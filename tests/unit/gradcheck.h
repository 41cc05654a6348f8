// gradcheck.h: central finite differences for backward passes. The function under test is
// evaluated in float; differences use a step large enough for float and are compared with a
// relative tolerance. Used by every test_nn_*.cpp.
#pragma once

#include "core/tensor.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>

namespace attn::testing {

// loss(): recomputes a scalar loss from the current values of `param`. analytic: d loss / d param.
// Checks every entry (params here are tiny). eps 1e-2 with a loss computed in double-accumulated
// float keeps truncation and rounding error both near 1e-4 relative.
inline void expect_grad_near(const char* what, float* param, long n, const float* analytic,
                             const std::function<double()>& loss, double eps = 1e-2, double rtol = 2e-2,
                             double atol = 2e-3) {
    for (long i = 0; i < n; ++i) {
        const float saved = param[i];
        param[i] = static_cast<float>(saved + eps);
        const double lp = loss();
        param[i] = static_cast<float>(saved - eps);
        const double lm = loss();
        param[i] = saved;
        const double numeric = (lp - lm) / (2 * eps);
        EXPECT_NEAR(analytic[i], numeric, atol + rtol * std::fabs(numeric)) << what << "[" << i << "]";
    }
}

// Step and tolerances of one check: |analytic - numeric| <= atol + rtol |numeric|.
struct GradTol {
    double eps = 1e-2, rtol = 2e-2, atol = 2e-3;
};
// For small float ops whose loss stays near 1-10 (the nn/ building blocks): over every test_nn_* that
// uses it, the worst error is 18% of this tolerance (Debug and Release; e.g. 2.4e-4 on an entry of
// 1.94: float rounding of the loss divided by 2 eps, plus truncation), so about 5x headroom, while a 1%
// error in any gradient entry above ~0.03 fails. The default above is 10x looser, for ops with larger
// losses or sharper curvature.
constexpr GradTol kTightGrad{1e-2, 2e-3, 2e-4};

// The same check for a whole Mat or Vec, which first makes sure the analytic gradient has the
// parameter's shape (a gradient of the wrong shape fails the test instead of being read out of bounds).
inline void expect_grad_near(const char* what, Mat& param, const Mat& analytic, const std::function<double()>& loss,
                             GradTol tol = {}) {
    ASSERT_EQ(analytic.rows(), param.rows()) << what << ": gradient " << shape_str(analytic) << " vs param "
                                             << shape_str(param);
    ASSERT_EQ(analytic.cols(), param.cols()) << what << ": gradient " << shape_str(analytic) << " vs param "
                                             << shape_str(param);
    expect_grad_near(what, param.data(), param.size(), analytic.data(), loss, tol.eps, tol.rtol, tol.atol);
}
inline void expect_grad_near(const char* what, Vec& param, const Vec& analytic, const std::function<double()>& loss,
                             GradTol tol = {}) {
    ASSERT_EQ(analytic.size(), param.size()) << what << ": gradient " << shape_str(analytic) << " vs param "
                                             << shape_str(param);
    expect_grad_near(what, param.data(), param.size(), analytic.data(), loss, tol.eps, tol.rtol, tol.atol);
}

// A fixed random weighting of an output, so that loss = sum(out .* R) has dloss/dout = R.
// A weighting of the wrong shape fails the test (and gives NaN) rather than reading out of bounds.
inline double weighted_sum(const Mat& out, const Mat& R) {
    if (out.rows() != R.rows() || out.cols() != R.cols()) {
        ADD_FAILURE() << "weighted_sum: out " << shape_str(out) << " vs weights " << shape_str(R);
        return std::nan("");
    }
    double s = 0;
    for (long i = 0; i < out.size(); ++i) s += double(out.data()[i]) * R.data()[i];
    return s;
}
inline double weighted_sum(const Vec& out, const Vec& R) {
    if (out.size() != R.size()) {
        ADD_FAILURE() << "weighted_sum: out " << shape_str(out) << " vs weights " << shape_str(R);
        return std::nan("");
    }
    double s = 0;
    for (long i = 0; i < out.size(); ++i) s += double(out[i]) * R[i];
    return s;
}

}  // namespace attn::testing
