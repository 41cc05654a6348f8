// loss.h: the output layer's loss, softmax + cross-entropy over logits with target ids (mean over the
// rows that count; an optional ignore index skips <PAD>), forward and backward; and the row-wise
// softmax / log_softmax that decoding uses. Not a general criterion library (no label smoothing,
// no class weights). Test: tests/unit/test_nn_loss.cpp (double recomputation, finite differences).
//
// Dimension legend
//   T   rows: one prediction per target position
//   V   vocabulary size (logits per row)
//
// Per counted row t (numbers as in the code):
//   step 1: m      = max_v logits[t,v]                          (so that no exp overflows)
//   step 2: lse    = m + log(sum_v exp(logits[t,v] - m))        (log-sum-exp)
//   step 3: nll[t] = lse - logits[t, target[t]]                 (= -log softmax(logits[t])[target[t]])
//   loss = sum_t nll[t] / counted;   dlogits[t,:] = (softmax(logits[t]) - onehot(target[t])) / counted
#pragma once

#include "core/tensor.h"
#include "kernels/kernels.h"

#include <optional>
#include <vector>

namespace attn {

// Everything the forward computed; the backward's cache.
struct CrossEntropy {
    float loss = 0.0f;           // mean of nll over counted rows; 0 when no row counts (never NaN)
    int counted = 0;             // rows whose target is not the ignore index
    Vec nll;                     // [T] -log p(target) per row; 0 for an ignored row
    Mat probs;                   // [T, V] softmax of each row (ignored rows too: they are still predictions)
    std::vector<int> targets;    // [T] as given
    std::vector<bool> ignored;   // [T] true where targets[t] == ignore_index
};

// logits[T, V], targets[T] -> loss. A target equal to ignore_index (e.g. the <PAD> id) is skipped;
// any other target outside [0, V) throws std::out_of_range naming it, its row and V. Throws
// NonFiniteError on a NaN or Inf logit and ShapeError when targets has not T entries.
CrossEntropy cross_entropy_forward(const Mat& logits, const std::vector<int>& targets,
                                   std::optional<int> ignore_index = std::nullopt);
// dlogits[T, V] = dloss * (probs - onehot(target)) / counted on counted rows, 0 on ignored rows.
Mat cross_entropy_backward(const CrossEntropy& ce, float dloss = 1.0f);

// Row-wise softmax(logits / temperature) through kernels::softmax_rows. A -inf logit (masked) gets
// probability 0; a row of only -inf becomes all 0. Throws NonFiniteError on NaN or +Inf and
// std::invalid_argument when temperature <= 0.
Mat softmax(const Mat& logits, float temperature = 1.0f, Backend backend = Backend::Scalar);
// Row-wise log(softmax(logits / temperature)) by log-sum-exp, exact where softmax underflows to 0:
// a very unlikely token gets a large negative number, not -inf. A -inf logit gives -inf; a row of
// only -inf stays all -inf. Same errors as softmax.
Mat log_softmax(const Mat& logits, float temperature = 1.0f);

}  // namespace attn
