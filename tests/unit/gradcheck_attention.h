// gradcheck_attention.h: finite-difference gradient checks for whole tensors, on top of
// gradcheck.h. Besides every entry, it compares the whole gradient (relative L2 error), so a
// gradient that is wrong everywhere by a little, or zero where it should not be, cannot pass.
// Used by test_attention*.cpp and test_pooling.cpp.
#pragma once

#include "core/compare.h"
#include "core/tensor.h"
#include "gradcheck.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <vector>

namespace attn::testing {

// Central differences of loss() in every entry of param; analytic must have param's shape.
// Returns the L2 norm of the numeric gradient (so a test can say the gradient is not trivially 0).
// eps, rtol, atol as in gradcheck.h: the loss is computed in float, accumulated in double.
template <class T>
double expect_grad(const char* what, T& param, const T& analytic, const std::function<double()>& loss,
                   double eps = 1e-2, double rtol = 2e-2, double atol = 2e-3) {
    EXPECT_EQ(param.rows(), analytic.rows()) << what;
    EXPECT_EQ(param.cols(), analytic.cols()) << what;
    if (param.size() != analytic.size()) return 0.0;
    std::vector<double> numeric(param.size());
    for (long i = 0; i < param.size(); ++i) {
        float* p = param.data() + i;
        const float saved = *p;
        *p = static_cast<float>(saved + eps);
        const double lp = loss();
        *p = static_cast<float>(saved - eps);
        const double lm = loss();
        *p = saved;
        numeric[i] = (lp - lm) / (2 * eps);
        const double a = analytic.data()[i];
        EXPECT_NEAR(a, numeric[i], atol + rtol * std::fabs(numeric[i])) << what << "[" << i << "]";
    }
    // As a whole: the relative error of the vector, once it is large enough to measure (1e-2 because
    // the per-entry truncation error of eps = 1e-2 is about 1e-4 relative, float rounding ~1e-5).
    const Difference d = compare(analytic.data(), numeric.data(), static_cast<long>(param.size()));
    if (d.ref2 > 1e-6) {
        EXPECT_LT(std::sqrt(d.nmse()), 1e-2) << what << " (relative L2 error)";
    }
    return std::sqrt(d.ref2);
}

}  // namespace attn::testing
