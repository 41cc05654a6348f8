// scaling_study.h: "why divide by sqrt(d)", computed rather than told. Random queries and keys of width
// d (every entry N(0, 1)) are scored by a dot product with and without Stage 3's 1/sqrt(d), then
// normalized by the softmax. Unscaled, the scores spread as sqrt(d): as d grows the softmax saturates
// onto one key (entropy -> 0, largest weight -> 1) and the gradient that reaches the other keys through
// it vanishes, so they stop learning. Scaled, the scores keep a spread of about 1 at every width and
// none of that happens. Every number comes from the engine: attention_forward (scaled_dot with Scaling
// On and Off, traced) and the softmax's backward (normalize_backward). Not the view (views/scale_view.h)
// nor its drawing (ui/scale_panel.cpp).
// Test: tests/unit/test_models_scaling_study.cpp, tests/e2e/scale.test.mjs.
//
// Dimension legend
//   d   key width, 1 .. kScalingMaxDim        N   queries (kScalingQueries)        T   keys (kScalingKeys)
//
// Inputs at width d: Q [N, d] and K [T, d] from Rng(seed_from_name("scaling/<d>")), normal, Q first;
// V = K. One attention call per side ("scaled", "unscaled") over all N queries. Per query row and side:
//   pass 2-3: scores, scale   s = q K^T, times 1/sqrt(d) when scaled (the trace's `scaled`)
//   pass 5: softmax           w = softmax(s)
//   entropy   H = -sum_j w_j ln w_j   (nats; ln T = 2.08 when the weights are uniform, 0 on one key)
//   largest   w_m = max_j w_j (key m)
//   to others the softmax's backward of a gradient of 1 on w_m: ds_j = w_j (delta_jm - w_m), and
//             g = sum_{j != m} |ds_j|  (= w_m (1 - w_m)): how much the keys that lost still learn
// The means over the N queries are a ScalingPoint; the sweep holds one per power of two.
#pragma once

#include "kernels/kernels.h"
#include "trace/trace.h"

#include <vector>

namespace attn {

constexpr int kScalingQueries = 64;   // N
constexpr int kScalingKeys = 8;       // T
constexpr int kScalingMaxDim = 1024;  // the widest d (the slider's end)

// One side (with or without 1/sqrt(d)) at one width: means over the N queries.
struct ScalingSide {
    double score_std = 0.0;   // standard deviation of the scores that reach the softmax, over all N x T
    double entropy = 0.0;     // mean H (nats)
    double max_weight = 0.0;  // mean w_m
    double to_others = 0.0;   // mean g: gradient reaching the keys that did not win
    AttentionTrace trace;     // the call itself (query 0's row is the one the page draws)
};

struct ScalingPoint {
    int d = 0;
    ScalingSide scaled, unscaled;
};

// The study at width d (1 .. kScalingMaxDim, else std::invalid_argument).
ScalingPoint scaling_point(int d, Backend backend = Backend::Scalar);

// The widths of the plot: 1, 2, 4, ..., kScalingMaxDim.
std::vector<int> scaling_sweep_dims();

}  // namespace attn
