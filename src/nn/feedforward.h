// feedforward.h: the position-wise feed-forward block of a transformer layer (Vaswani et al. 2017,
// section 3.3): two Linear layers with a ReLU between them, applied to every row alone. Forward and
// backward. Not the residual connection or the layer norm around it (nn/transformer_block.h).
// Test: tests/unit/test_nn_feedforward.cpp (double recomputation, finite differences).
//
// Dimension legend
//   T   rows (positions), each transformed independently
//   d   model width (input and output)
//   F   hidden width of the block (often 2d to 4d)
//
//   step 1: pre[T, F] = x up^T + b_up               (Linear d -> F)
//   step 2: h[T, F]   = max(pre, 0)                  (ReLU)
//   step 3: y[T, d]   = h down^T + b_down            (Linear F -> d)
#pragma once

#include "core/tensor.h"
#include "kernels/kernels.h"
#include "nn/linear.h"

namespace attn {

class Rng;

struct FeedForward {
    Linear up;    // [F, d]
    Linear down;  // [d, F]
    int d_model() const { return up.in(); }
    int hidden() const { return up.out(); }
    long parameter_count() const { return up.parameter_count() + down.parameter_count(); }
};

struct FeedForwardGrad {
    LinearGrad up, down;
    void zero_like(const FeedForward& f);
};

struct FeedForwardCache {
    Mat hidden;  // [T, F] after the ReLU (step 2); its zeros tell the backward where the ReLU was off
};

// Both Linears initialized as linear_init does (uniform in +-1/sqrt(in)).
FeedForward feedforward_init(Rng& rng, int d_model, int hidden);

// x[T, d] -> y[T, d]. Throws ShapeError when the widths disagree.
Mat feedforward_forward(const FeedForward& f, const Mat& x, FeedForwardCache* cache = nullptr,
                        Backend backend = Backend::Scalar);
// Given x[T, d], the forward's cache and dy[T, d]: accumulates into grad, returns dx[T, d].
// The ReLU's derivative at exactly 0 is taken as 0 (as PyTorch does). The products run on backend's kernels.
Mat feedforward_backward(const FeedForward& f, const Mat& x, const FeedForwardCache& cache, const Mat& dy,
                         FeedForwardGrad& grad, Backend backend = Backend::Scalar);

}  // namespace attn
