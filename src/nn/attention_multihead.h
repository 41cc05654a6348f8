// attention_multihead.h: attention with learned query, key and value projections: seed 004's
// SelfAttention (one head, no output projection) and multi-head attention (h heads over slices of
// d_model, concatenated, then an output projection), forward and backward. Causal masking and local
// windows come from AttentionOptions::mask; head ablation from AttentionOptions::head_mask.
// Not a transformer block (no residual, layer norm or MLP). Test: tests/unit/test_attention_multihead.cpp.
//
// Dimension legend
//   T        sequence length (self-attention);  Tq, Tk  query and key/value lengths (cross)
//   d        model width (d_model; seed 004's input_dim)
//   h, dh    number of heads, width of one head (dh = d / h)
#pragma once

#include "core/tensor.h"
#include "nn/attention.h"
#include "nn/linear.h"
#include "trace/trace.h"

#include <vector>

namespace attn {

class Rng;

// ---- seed 004: SelfAttention(input_dim)
//   queries = query(x), keys = key(x), values = value(x)            three Linear(d, d)
//   scores  = queries keys^T / sqrt(d); attention = softmax(scores)  (the defaults of AttentionOptions)
//   out     = attention values                                       [T, d]
// The seed works on a batch with torch.bmm; here one sequence X[T, d] at a time (rows are independent).
// Options apply as for any attention call: o.mask = Causal gives causal (masked) self-attention.
struct SelfAttention {
    Linear query, key, value;  // each [d, d]
    int input_dim() const { return query.in(); }
    long parameter_count() const {
        return query.parameter_count() + key.parameter_count() + value.parameter_count();
    }
};
struct SelfAttentionGrad {
    LinearGrad query, key, value;
    void zero_like(const SelfAttention& p);
};
struct SelfAttentionCache {
    Mat Q, K, V;           // [T, d] each: the projections
    AttentionCache attention;
};
SelfAttention self_attention_init(Rng& rng, int input_dim);

// X[T, d] -> [T, d]. o.score must be parameter-free (dot, scaled_dot, cosine). The trace call is
// labelled "self", or "causal_self" when the mask is causal.
Mat self_attention_forward(const SelfAttention& p, const AttentionOptions& o, const Mat& X,
                           SelfAttentionCache* cache = nullptr, Trace* trace = nullptr, int layer = 0);
// Accumulates into grad; returns dX[T, d] (through queries, keys and values alike).
Mat self_attention_backward(const SelfAttention& p, const AttentionOptions& o, const Mat& X,
                            const SelfAttentionCache& cache, const Mat& dY, SelfAttentionGrad& grad);

// ---- multi-head attention (Vaswani et al. 2017)
//   Q = query(Xq), K = key(Xkv), V = value(Xkv)                       [Tq, d], [Tk, d], [Tk, d]
//   head_i = attention(Q[:, i dh : (i+1) dh], K[...], V[...])      scaled by 1/sqrt(dh)
//   concat = [head_0 | ... | head_{h-1}], with a switched-off head's columns set to 0
//   Y = out(concat)                                                  [Tq, d]
struct MultiHeadAttention {
    int heads = 1;
    Linear query, key, value, out;  // each [d, d]
    int d_model() const { return query.out(); }
    int head_dim() const { return heads > 0 ? d_model() / heads : 0; }
    long parameter_count() const {
        return query.parameter_count() + key.parameter_count() + value.parameter_count() + out.parameter_count();
    }
};
struct MultiHeadGrad {
    LinearGrad query, key, value, out;
    void zero_like(const MultiHeadAttention& p);
};
struct MultiHeadCache {
    Mat Q, K, V;                         // the projections, [Tq, d], [Tk, d], [Tk, d]
    std::vector<AttentionCache> heads;   // one per head (empty for a switched-off head)
    Mat concat;                          // [Tq, d]: what the output projection saw
};
// Throws std::invalid_argument unless heads >= 1 divides d_model.
MultiHeadAttention multihead_init(Rng& rng, int d_model, int heads);

// Self-attention: X[T, d] -> Y[T, d]; trace calls labelled "self" or "causal_self", one per head.
Mat multihead_self_attention_forward(const MultiHeadAttention& p, const AttentionOptions& o, const Mat& X,
                                     MultiHeadCache* cache = nullptr, Trace* trace = nullptr, int layer = 0);
// Returns dX[T, d] (the sum of the query path and the key/value paths).
Mat multihead_self_attention_backward(const MultiHeadAttention& p, const AttentionOptions& o, const Mat& X,
                                      const MultiHeadCache& cache, const Mat& dY, MultiHeadGrad& grad);

// Cross-attention (a transformer decoder over encoder states): Xq[Tq, d], Xkv[Tk, d] -> Y[Tq, d];
// trace calls labelled "cross".
Mat multihead_cross_attention_forward(const MultiHeadAttention& p, const AttentionOptions& o, const Mat& Xq,
                                      const Mat& Xkv, MultiHeadCache* cache = nullptr, Trace* trace = nullptr,
                                      int layer = 0);
struct MultiHeadCrossInputGrad {
    Mat dXq;   // [Tq, d]
    Mat dXkv;  // [Tk, d]
};
MultiHeadCrossInputGrad multihead_cross_attention_backward(const MultiHeadAttention& p, const AttentionOptions& o,
                                                           const Mat& Xq, const Mat& Xkv, const MultiHeadCache& cache,
                                                           const Mat& dY, MultiHeadGrad& grad);

// The trace form of a self-attention call under o: "causal_self" when the mask hides the future.
const char* self_attention_form(const AttentionOptions& o);

}  // namespace attn
