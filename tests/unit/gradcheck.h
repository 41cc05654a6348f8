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

// A fixed random weighting of an output, so that loss = sum(out .* R) has dloss/dout = R.
inline double weighted_sum(const Mat& out, const Mat& R) {
    double s = 0;
    for (long i = 0; i < out.size(); ++i) s += double(out.data()[i]) * R.data()[i];
    return s;
}

}  // namespace attn::testing
