// trace.h: what one attention call computed, stage by stage, as plain data for the display.
// The engine fills it; the UI and window.attn only read it (they never recompute attention).
// Not ImGui-aware. Test: tests/unit/test_attention_trace.cpp and every attention test that asks
// for a trace.
#pragma once

#include "core/tensor.h"

#include <string>
#include <vector>

namespace attn {

// The numbered stages a learner steps through. The same words and numbers label the passes in
// kernels/ and nn/attention*.cpp ("// pass 5: softmax"; the softmax's own steps are 5a, 5b, 5c).
enum class Stage : int {
    QueryKeys = 0,  // 1. the query (decoder state) and the keys (encoder states)
    Scores,         // 2. query . key, or cosine, general q^T W k, additive v^T tanh(W s + U h), location
    Scale,          // 3. scaling by 1/sqrt(d) (and by 1/temperature)
    Mask,           // 4. masking (causal, local window)
    Softmax,        // 5. exponentials, their sum, the division: weights that sum to 1 (or hard, top-k)
    Context,        // 6. the weighted sum of the values
    Output,         // 7. the distribution over the target vocabulary and the chosen token
    Count
};
const char* stage_name(Stage s);   // "query_keys", "scores", ...
const char* stage_title(Stage s);  // "1. Query and keys", ...

// One attention call of one head (or, for seed 000's pooling, of one sequence of the batch).
// The names in kind, normalizer and mask_kind are those of nn/attention.h (score_fn_name, ...);
// they are strings so that this file depends on nothing but the tensor types.
struct AttentionTrace {
    std::string kind;     // score function: "dot", "scaled_dot", "cosine", "general", "additive", "concat", "location"
    std::string form;     // "cross", "self", "causal_self", "pool"
    std::string normalizer = "soft";  // Stage::Softmax: a name of the normalizers table (nn/normalizers.h)
    std::string mask_kind = "none";   // Stage::Mask: "none", "causal", "window", "causal_window"
    int layer = 0, head = 0;
    int item = 0;         // "pool": which sequence of the batch this is
    int top_k = 0;        // a normalizer that uses k (top_k): how many keys per query keep weight (0 otherwise)
    int window = 0;       // mask "window", "causal_window": keys farther than this are dropped
    int query_offset = 0; // position of query row 0 among the keys (for the causal and window masks)
    bool ablated = false; // multi-head: this head is switched off; its context does not reach the output
    float scale = 1.0f;   // 1/sqrt(Dk) when the call scales, else 1
    float temperature = 1.0f;  // Stage::Scale divides by it too: scaled = scores * scale / temperature
    Mat query;            // [Tq, Dq] ("pool": the learned score vector, [1, H])
    Mat keys;             // [Tk, Dk]
    Mat values;           // [Tk, Dv]
    Mat scores;           // [Tq, Tk] raw scores (Stage::Scores)
    Mat scaled;           // [Tq, Tk] after Stage::Scale
    Mat mask;             // [Tq, Tk] additive mask, 0 keep / -inf drop; empty when nothing is masked
    Mat masked;           // [Tq, Tk] after Stage::Mask: scaled + mask (= scaled when nothing is masked)
    Mat weights;          // [Tq, Tk] after Stage::Softmax (rows sum to 1, or 0 if fully masked)
    Mat context;          // [Tq, Dv] after Stage::Context
    std::vector<Mat> energies;  // additive, concat, pool: per query, [Tk, Da] = tanh(W s + U h)
};

// Everything one run recorded, in call order.
struct Trace {
    std::vector<AttentionTrace> calls;
    void clear() { calls.clear(); }
};

}  // namespace attn
