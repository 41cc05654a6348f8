// linear.h: y = x W^T + b, PyTorch's nn.Linear layout (W is [out, in]), forward and backward.
// Not a module system: parameters are plain Mats owned by the model; grads are same-shaped Mats.
// Test: tests/unit/test_nn_linear.cpp (finite-difference gradient check, shapes, backends).
#pragma once

#include "core/tensor.h"
#include "kernels/kernels.h"

namespace attn {

struct Linear {
    Mat W;  // [out, in]
    Vec b;  // [out]; empty for a layer without bias
    int in() const { return static_cast<int>(W.cols()); }
    int out() const { return static_cast<int>(W.rows()); }
    long parameter_count() const { return W.size() + b.size(); }
};

struct LinearGrad {
    Mat dW;  // [out, in]
    Vec db;  // [out] (empty when the layer has no bias)
    void zero_like(const Linear& l);  // resize to l's shapes and fill with 0
};

// Linear with weights drawn uniform in [-1/sqrt(in), 1/sqrt(in)], as PyTorch initializes them.
class Rng;
Linear linear_init(Rng& rng, int in, int out, bool bias = true);

// x[N, in] -> y[N, out]
Mat linear_forward(const Linear& l, const Mat& x, Backend backend = Backend::Scalar);
// Given x[N, in] and dy[N, out]: accumulates dW += dy^T x, db += sum_rows(dy); returns dx[N, in] = dy W.
// The two products go through kernels (gemm_tn, gemm_nn) with the given Backend.
Mat linear_backward(const Linear& l, const Mat& x, const Mat& dy, LinearGrad& grad, Backend backend = Backend::Scalar);

}  // namespace attn
