// layernorm.h: layer normalization over the last dimension (PyTorch's nn.LayerNorm(D), eps = 1e-5):
// every row is shifted to mean 0 and scaled to variance 1 (biased variance), then scaled by gamma and
// shifted by beta. Forward and backward. Not batch norm, not RMSNorm.
// Test: tests/unit/test_nn_layernorm.cpp (double recomputation, finite differences, invariances).
//
// Dimension legend
//   N   rows normalized independently (time steps, or batch x time)
//   D   width of each row: the dimension normalized over
//
//   step 1: mean[n]  = sum_d x[n,d] / D
//   step 2: rstd[n]  = 1 / sqrt(sum_d (x[n,d] - mean[n])^2 / D + eps)
//   step 3: y[n,d]   = (x[n,d] - mean[n]) * rstd[n] * gamma[d] + beta[d]
#pragma once

#include "core/tensor.h"

namespace attn {

struct LayerNorm {
    Vec gamma;         // [D] scale, 1 at initialization
    Vec beta;          // [D] shift, 0 at initialization
    float eps = 1e-5f; // added to the variance, so a constant row gives y = beta instead of NaN
    int dim() const { return static_cast<int>(gamma.size()); }
    long parameter_count() const { return gamma.size() + beta.size(); }
};

struct LayerNormGrad {
    Vec dgamma;  // [D]
    Vec dbeta;   // [D]
    void zero_like(const LayerNorm& ln);  // resize to ln's shapes and fill with 0
};

LayerNorm layernorm_init(int dim, float eps = 1e-5f);  // gamma = 1, beta = 0, as PyTorch

// The statistics of steps 1 and 2, one per row; what the page shows, and what the backward recomputes.
struct LayerNormStats {
    Vec mean;  // [N]
    Vec rstd;  // [N] 1 / sqrt(variance + eps)
};
LayerNormStats layernorm_stats(const Mat& x, float eps);

// x[N, D] -> y[N, D]. Throws NonFiniteError on a NaN or Inf in x.
Mat layernorm_forward(const LayerNorm& ln, const Mat& x);
// Given x[N, D] and dy[N, D]: accumulates dgamma += sum_n dy * xhat, dbeta += sum_n dy; returns dx[N, D].
Mat layernorm_backward(const LayerNorm& ln, const Mat& x, const Mat& dy, LayerNormGrad& grad);

}  // namespace attn
