// attention.h: one attention call, stage by stage (scores, scale, mask, softmax, context), forward and
// backward, with the run-time options the page tweaks and an optional Trace of every stage. This is
// cross-attention (decoder queries over encoder states) and the core every other form calls
// (self, causal and multi-head attention: attention_multihead.h; seed 000's pooling: pooling.h).
// Not the score functions themselves (attention_scores.h). Test: tests/unit/test_attention.cpp,
// test_attention_trace.cpp, test_attention_errors.cpp.
//
// Dimension legend
//   Tq, Tk   number of queries and of keys (= values)
//   Dq, Dk   query width, key width;  Dv  value width
//
// The stages, as the page names them (Stage in trace/trace.h) and as the passes in attention.cpp:
//   1. query and keys   Q[Tq, Dq], K[Tk, Dk], V[Tk, Dv]
//   2. scores           S[i, j] = score(q_i, k_j)                         (attention_scores.h)
//   3. scale            Z = S * scale / temperature                       scale = 1/sqrt(Dk) or 1
//   4. mask             Z + M, M[i, j] = 0 (keep) or -inf (drop)           causal, local window
//   5. softmax          weights = normalize(Z + M)                        the normalizers table (normalizers.h)
//   6. context          C = weights V                                     [Tq, Dv]
#pragma once

#include "core/tensor.h"
#include "kernels/kernels.h"
#include "nn/attention_scores.h"
#include "nn/normalizers.h"
#include "trace/trace.h"

#include <vector>

namespace attn {

// Stage 3: whether scores are divided by sqrt(Dk).
enum class Scaling : int {
    Auto = 0,  // 1/sqrt(Dk) for scaled_dot, 1 for every other score function
    On,        // 1/sqrt(Dk) whatever the score function
    Off,       // 1: shows why transformers scale (the softmax saturates as Dk grows)
};
const char* scaling_name(Scaling s);  // "auto", "on", "off"
bool parse_scaling(const char* name, Scaling* out);

// Stage 4: which keys each query may see. Query row i sits at position p = query_offset + i among the
// keys (0 for self-attention over a whole sequence; t when decoder step t attends to keys 0..Tk-1).
enum class MaskKind : int {
    None = 0,      // global attention: every key
    Causal,        // keys j <= p only (no peeking at the future)
    Window,        // local attention: keys with |p - j| <= window
    CausalWindow,  // both: p - window <= j <= p
};
const char* mask_kind_name(MaskKind m);  // "none", "causal", "window", "causal_window"
bool parse_mask_kind(const char* name, MaskKind* out);

// Everything the page may change at run time. The defaults are scaled dot-product soft attention.
struct AttentionOptions {
    ScoreFn score = ScoreFn::ScaledDot;
    Normalizer normalizer = Normalizer::Soft;
    int top_k = 1;              // normalizers that use k (top-k): how many keys keep weight (>= 1)
    float temperature = 1.0f;   // > 0; divides the scores in Stage 3. -> 0 approaches hard attention
    Scaling scaling = Scaling::Auto;
    MaskKind mask = MaskKind::None;
    int window = 0;             // MaskKind::Window, CausalWindow: how far a key may be (>= 0)
    int query_offset = 0;       // position of query row 0 among the keys (see MaskKind)
    std::vector<bool> head_mask;  // multi-head only: head_mask[h] false switches head h off; empty = all on
    Backend backend = Backend::Scalar;
};
// Throws std::invalid_argument naming op for a temperature that is not finite and > 0, top_k < 1 with
// a normalizer that uses k, or a negative window.
void check_attention_options(const char* op, const AttentionOptions& o);

// The factor of Stage 3 before the temperature: 1/sqrt(Dk) or 1 (see Scaling).
float attention_scale(const AttentionOptions& o, int Dk);

// Stage 4 as an additive mask [Tq, Tk] (0 keep, -inf drop); an empty Mat for MaskKind::None.
Mat attention_mask(MaskKind kind, int Tq, int Tk, int window, int query_offset);

// What backward needs from forward (the inputs Q, K, V are passed to backward again, as in linear.h).
struct AttentionCache {
    Mat weights;                // [Tq, Tk] (Stage 5)
    std::vector<Mat> energies;  // additive, concat: per query [Tk, Da]
};

// Gradients of one attention call with respect to its inputs.
struct AttentionInputGrad {
    Mat dQ;  // [Tq, Dq]
    Mat dK;  // [Tk, Dk]
    Mat dV;  // [Tk, Dv]
};

// How a call is labelled in the trace.
struct TraceTag {
    const char* form = "cross";  // "cross", "self", "causal_self", "pool"
    int layer = 0;
    int head = 0;
};

// One attention call: Q[Tq, Dq] over K[Tk, Dk], V[Tk, Dv] -> context [Tq, Dv].
// score_weights: the weights of o.score (empty for dot, scaled_dot, cosine).
// cache (optional): filled for attention_backward. trace (optional, nullptr = record nothing):
// receives one AttentionTrace labelled by tag. Checks shapes (ShapeError) and that Q, K, V are
// finite (NonFiniteError); a temperature so small that the scaled scores overflow is reported as
// NonFiniteError too. Dot and scaled_dot with soft weights and no trace run the fused
// kernels::attention_head; everything else runs stage by stage through the kernels.
Mat attention_forward(const AttentionOptions& o, const ScoreWeights& score_weights, const Mat& Q, const Mat& K,
                      const Mat& V, AttentionCache* cache = nullptr, Trace* trace = nullptr, TraceTag tag = {});

// Backward of attention_forward called with the same options, weights and inputs. dcontext[Tq, Dv];
// weight gradients of the score function accumulate into dscore (untouched for parameter-free ones).
// Its products run on the kernels of o.backend, as the forward's do.
AttentionInputGrad attention_backward(const AttentionOptions& o, const ScoreWeights& score_weights, const Mat& Q,
                                      const Mat& K, const Mat& V, const AttentionCache& cache,
                                      const Mat& dcontext, ScoreWeightsGrad& dscore);

}  // namespace attn
