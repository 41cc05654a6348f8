// attention_scores.h: the score functions of attention (Stage 2, "scores"): how well each query
// matches each key, as a [Tq, Tk] matrix, forward and backward. Not the scaling, masking, softmax
// or weighted sum (those are in attention.h). Test: tests/unit/test_attention_scores.cpp (double
// references, finite-difference gradients), tests/unit/test_attention_errors.cpp (bad shapes).
//
// Dimension legend
//   Tq, Tk   number of queries (decoder states, positions) and keys (encoder states, positions)
//   Dq, Dk   query width and key width (equal for dot, scaled_dot and cosine)
//   Da       width of the additive "energy" vectors (the hidden size of the scoring MLP)
//   Lmax     location-based attention: the number of positions its Linear scores
//
// The score functions, for a query q (a row of Q) and a key k (a row of K):
//   dot         q . k                                        (seed 002: StatQuest's plain dot product)
//   scaled_dot  q . k, then Stage 3 multiplies by 1/sqrt(Dk)  (seeds 001 and 004; Vaswani et al. 2017)
//   cosine      q . k / (|q| |k|)                            (seed 002: StatQuest starts from it)
//   general     q^T W k                                      (Luong et al. 2015, "general" / bilinear)
//   additive    v . tanh(W q + U k)                          (seed 003; Bahdanau et al. 2014)
//   concat      v . tanh(attn([q; k]))                       (seed 001's Attention class, Linear(Dq+Dk -> Da))
//   location    (W q + b)[j] for key position j < Tk         (seed 001 item 7; Luong et al. 2015 eq. 8)
// additive and concat are the same family: attn([q; k]) = attn.W[:, :Dq] q + attn.W[:, Dq:] k + b.
// They record their energy vectors tanh(...) per query, [Tk, Da] each, for the trace and for backward.
#pragma once

#include "core/tensor.h"
#include "kernels/kernels.h"
#include "nn/linear.h"

#include <vector>

namespace attn {

class Rng;

// The values index the score functions' table (score_fns()).
enum class ScoreFn : int { Dot = 0, ScaledDot, Cosine, General, Additive, Concat, Location };

// The weights of the score functions that have any; each function uses only the fields it names.
struct ScoreWeights {
    Linear W;  // general: [Dq, Dk], applied to the keys (so q . (W k + b));  additive: [Da, Dq] on the query;
               // concat: seed 001's attn, [Da, Dq + Dk];  location: [Lmax, Dq]
    Linear U;  // additive: [Da, Dk] on the keys
    Vec v;     // additive, concat: [Da]
    long parameter_count() const { return W.parameter_count() + U.parameter_count() + v.size(); }
};

struct ScoreWeightsGrad {
    LinearGrad dW, dU;
    Vec dv;
    void zero_like(const ScoreWeights& w);
};

// The gradients a score function sends back to its inputs.
struct ScoreInputGrad {
    Mat dQ;  // [Tq, Dq]
    Mat dK;  // [Tk, Dk] (all zero for location: its scores do not read the keys)
};

// Weights for score function f, initialized as PyTorch initializes nn.Linear (uniform in
// +-1/sqrt(in)); v uniform in [0, 1) as seed 001's torch.rand. Da is used by additive and concat,
// max_len (= Lmax) by location. Parameter-free functions get empty weights.
ScoreWeights score_weights_init(Rng& rng, ScoreFn f, int Dq, int Dk, int Da = 0, int max_len = 0);

// Each score function: Q[Tq, Dq], K[Tk, Dk] -> S[Tq, Tk]. Each backward takes dS[Tq, Tk], accumulates
// weight gradients into its grads and returns the gradients of Q and K; its products go through
// kernels (gemm_nn, gemm_tn, gemv_t, linear_backward) with the given Backend.

Mat score_dot_forward(const Mat& Q, const Mat& K, Backend backend);
ScoreInputGrad score_dot_backward(const Mat& Q, const Mat& K, const Mat& dS, Backend backend = Backend::Scalar);

// |q| and |k| are clamped below at kCosineEps so that a zero vector scores 0 instead of NaN.
constexpr float kCosineEps = 1e-8f;
Mat score_cosine_forward(const Mat& Q, const Mat& K, Backend backend);
ScoreInputGrad score_cosine_backward(const Mat& Q, const Mat& K, const Mat& dS, Backend backend = Backend::Scalar);

Mat score_general_forward(const Linear& W, const Mat& Q, const Mat& K, Backend backend);
ScoreInputGrad score_general_backward(const Linear& W, const Mat& Q, const Mat& K, const Mat& dS, LinearGrad& dW,
                                      Backend backend = Backend::Scalar);

// energies (optional): receives Tq matrices [Tk, Da], energies[i] = tanh(W q_i + U k_j) row j.
Mat score_additive_forward(const Linear& W, const Linear& U, const Vec& v, const Mat& Q, const Mat& K, Backend backend,
                           std::vector<Mat>* energies);
// energies: what the forward pass recorded (required: backward differentiates through tanh with them).
ScoreInputGrad score_additive_backward(const Linear& W, const Linear& U, const Vec& v, const Mat& Q, const Mat& K,
                                       const std::vector<Mat>& energies, const Mat& dS, LinearGrad& dW,
                                       LinearGrad& dU, Vec& dv, Backend backend = Backend::Scalar);

// Seed 001: energy = tanh(attn(cat(hidden, encoder_output))), score = v . energy.
Mat score_concat_forward(const Linear& attn, const Vec& v, const Mat& Q, const Mat& K, Backend backend,
                         std::vector<Mat>* energies);
ScoreInputGrad score_concat_backward(const Linear& attn, const Vec& v, const Mat& Q, const Mat& K,
                                     const std::vector<Mat>& energies, const Mat& dS, LinearGrad& dattn, Vec& dv,
                                     Backend backend = Backend::Scalar);

// Location-based: the scores depend on the query alone. W maps the query to Lmax position scores;
// the first Tk of them are the scores of key positions 0..Tk-1 (Tk <= Lmax; the rest are dropped, so
// the softmax of Stage 5 runs over the Tk positions that exist). Returns dQ; the keys get no gradient.
Mat score_location_forward(const Linear& W, const Mat& Q, int Tk, Backend backend);
Mat score_location_backward(const Linear& W, const Mat& Q, const Mat& dS, LinearGrad& dW,
                            Backend backend = Backend::Scalar);

// ---- the table: one row per score function, in the order of the enum. attention.cpp, the gallery,
// the parsers and the tests read it; a new score function is its functions above and one row.
struct ScoreFnInfo {
    ScoreFn id;
    const char* name;        // "scaled_dot": parsers, the trace's kind, the JSON API
    const char* formula;     // "q . k / sqrt(d)": the gallery's formula column
    const char* parameters;  // its learned weights, in words ("none", "W [Dq, Dk]", ...)
    const char* note;        // what sets it apart, in plain words (the gallery)
    bool scaled;             // Scaling::Auto divides its scores by sqrt(Dk) (scaled_dot only)
    bool records_energies;   // records tanh energies per query (the trace and backward need them)
    bool fused;              // the fused kernel (kernels::attention_head) computes it with soft weights
    bool in_gallery;         // shown among the gallery's score functions on the shared query and keys
    // weights for Q[., Dq] and K[., Dk] (Da: energy width; max_len: location's Lmax); empty when none
    ScoreWeights (*init)(Rng& rng, int Dq, int Dk, int Da, int max_len);
    // Q[Tq, Dq], K[Tk, Dk] -> S[Tq, Tk]; energies filled when records_energies and not nullptr
    Mat (*forward)(const ScoreWeights& w, const Mat& Q, const Mat& K, Backend backend, std::vector<Mat>* energies);
    ScoreInputGrad (*backward)(const ScoreWeights& w, const Mat& Q, const Mat& K, const std::vector<Mat>& energies,
                               const Mat& dS, ScoreWeightsGrad& grad, Backend backend);
};
const std::vector<ScoreFnInfo>& score_fns();
const ScoreFnInfo& score_fn_info(ScoreFn f);
const char* score_fn_name(ScoreFn f);  // score_fn_info(f).name
bool parse_score_fn(const char* name, ScoreFn* out);
// No weights of their own (dot, scaled_dot, cosine: multi-head attention uses only these).
bool score_fn_is_parameter_free(ScoreFn f);

// Dispatch on f through the table. energies is filled for additive and concat (pass nullptr to skip them).
Mat score_forward(ScoreFn f, const ScoreWeights& w, const Mat& Q, const Mat& K, Backend backend,
                  std::vector<Mat>* energies);
ScoreInputGrad score_backward(ScoreFn f, const ScoreWeights& w, const Mat& Q, const Mat& K,
                              const std::vector<Mat>& energies, const Mat& dS, ScoreWeightsGrad& grad,
                              Backend backend = Backend::Scalar);

}  // namespace attn
