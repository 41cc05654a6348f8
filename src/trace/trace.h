// trace.h: what one attention call computed, stage by stage, as plain data for the display.
// The engine fills it; the UI and window.attn only read it (they never recompute attention).
// Not ImGui-aware. Test: tests/unit/test_trace.cpp and every attention test that asks for a trace.
#pragma once

#include "core/tensor.h"

#include <string>
#include <vector>

namespace attn {

// The numbered stages a learner steps through. The same words label the passes in kernels and nn.
enum class Stage : int {
    QueryKeys = 0,  // 1. the query (decoder state) and the keys (encoder states)
    Scores,         // 2. query . key (or the additive score v^T tanh(W s + U h))
    Scale,          // 3. scaling by 1/sqrt(d) (and by 1/temperature)
    Mask,           // 4. masking (causal, padding, local window)
    Softmax,        // 5. exponentials, their sum, the division: weights that sum to 1
    Context,        // 6. the weighted sum of the values
    Output,         // 7. the distribution over the target vocabulary and the chosen token
    Count
};
const char* stage_name(Stage s);   // "query_keys", "scores", ...
const char* stage_title(Stage s);  // "1. Query and keys", ...

// One attention call of one head.
struct AttentionTrace {
    std::string kind;     // score function: "dot", "scaled_dot", "cosine", "general", "additive", ...
    std::string form;     // "cross", "self", "causal_self", "pool", ...
    int layer = 0, head = 0;
    float scale = 1.0f;   // the factor applied in Stage::Scale (1 when the model does not scale)
    Mat query;            // [Tq, Dk]
    Mat keys;             // [Tk, Dk]
    Mat values;           // [Tk, Dv]
    Mat scores;           // [Tq, Tk] raw scores (Stage::Scores)
    Mat scaled;           // [Tq, Tk] after Stage::Scale
    Mat mask;             // [Tq, Tk] additive mask, 0 keep / -inf drop; empty when nothing is masked
    Mat weights;          // [Tq, Tk] after Stage::Softmax (rows sum to 1, or 0 if fully masked)
    Mat context;          // [Tq, Dv] after Stage::Context
    std::vector<Mat> energies;  // additive attention: per query, [Tk, Da] = tanh(W s + U h)
};

// Everything one run recorded, in call order.
struct Trace {
    std::vector<AttentionTrace> calls;
    void clear() { calls.clear(); }
};

}  // namespace attn
