// pooling.h: seed 000's attention pooling over time, the head of the well-sensor LSTM model:
// a sequence of LSTM outputs X[B, T, H] becomes one context vector per sequence, [B, H], forward and
// backward. Not the LSTM. Test: tests/unit/test_pooling.cpp (4,225 parameters at H = 64,
// [32, 100, 64] -> [32, 64], double reference, finite-difference gradients).
//
// Dimension legend
//   B   batch (sequences)     T   time steps     H   hidden size (features per time step)
//
//   energy[b, t, :] = tanh(proj X[b, t, :])        proj  = Linear(H -> H)   H*H + H parameters
//   score[b, t]     = score(energy[b, t, :])       score = Linear(H -> 1)   H + 1 parameters
//   weights[b, :]   = softmax over t of score[b, :]
//   out[b, :]       = sum_t weights[b, t] X[b, t, :]
// In attention's terms it is additive attention with a learned, input-independent query (score.W)
// over keys = values = the LSTM outputs; a trace records it as form "pool", kind "additive".
//
// A [B, T, H] batch is held as a row-major Mat [B*T, H] (row b*T + t is X[b, t, :]), which is the
// memory layout of PyTorch's contiguous [B, T, H] tensor.
#pragma once

#include "core/tensor.h"
#include "kernels/kernels.h"
#include "nn/linear.h"
#include "trace/trace.h"

namespace attn {

class Rng;

struct AttentionPool {
    Linear proj;   // [H, H]
    Linear score;  // [1, H] with a bias
    int hidden() const { return proj.in(); }
    long parameter_count() const { return proj.parameter_count() + score.parameter_count(); }
};
struct AttentionPoolGrad {
    LinearGrad proj, score;
    void zero_like(const AttentionPool& p);
};
struct AttentionPoolCache {
    Mat energies;  // [B*T, H]
    Mat weights;   // [B, T]
};

AttentionPool attention_pool_init(Rng& rng, int hidden);

// X[B*T, H] (T given) -> out[B, H]. weights (optional) receives [B, T]. Without cache and trace the
// fused kernels::attention_pool runs; with either, the stages run one by one and keep the energies.
// trace: one AttentionTrace per sequence of the batch (item = b).
Mat attention_pool_forward(const AttentionPool& p, const Mat& X, int T, Backend backend = Backend::Scalar,
                           Mat* weights = nullptr, AttentionPoolCache* cache = nullptr, Trace* trace = nullptr,
                           int layer = 0);
// dout[B, H] -> dX[B*T, H]; accumulates into grad. The products (the two linear layers' gradients,
// the context's dX = w dout^T and dw = X dout) go through kernels with the given Backend.
Mat attention_pool_backward(const AttentionPool& p, const Mat& X, int T, const AttentionPoolCache& cache,
                            const Mat& dout, AttentionPoolGrad& grad, Backend backend = Backend::Scalar);

}  // namespace attn
