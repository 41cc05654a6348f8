// trace.h: what one attention call computed, stage by stage, as plain data for the display.
// The engine fills it; the UI and window.attn only read it (they never recompute attention).
// Not ImGui-aware. Test: tests/unit/test_attention_trace.cpp and every attention test that asks
// for a trace.
#pragma once

#include "core/tensor.h"

#include <string>
#include <vector>

namespace attn {

// The numbered stages a learner steps through. The same numbers and words label the passes in the
// code ("// pass 5: softmax", "// pass 2-4: scores, scale, mask"; the softmax's own steps "// pass 5a:
// exp", 5b sum, 5c divide): tests/checks/pass_numbers.mjs reads kStages and kSoftmaxSteps below from
// this file and checks every "pass N" comment in kernels/, nn/, models/ and shaders/ against them.
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

// The stage table, in Stage order: what the code's "pass N: <label>" comments, the API, the trace
// exports and the UI call each stage.
struct StageRow {
    Stage stage;
    const char* number;  // "1" .. "7", what "pass N" says
    const char* label;   // what follows "pass N:" (lower case)
    const char* name;    // stage_name(): the API's, the URL's and the exports' word
    const char* title;   // stage_title(): the UI's heading
};
inline constexpr StageRow kStages[] = {
    {Stage::QueryKeys, "1", "query and keys", "query_keys", "1. Query and keys"},
    {Stage::Scores, "2", "scores", "scores", "2. Scores (query . key)"},
    {Stage::Scale, "3", "scale", "scale", "3. Scale by 1/sqrt(d)"},
    {Stage::Mask, "4", "mask", "mask", "4. Mask"},
    {Stage::Softmax, "5", "softmax", "softmax", "5. Softmax"},
    {Stage::Context, "6", "context", "context", "6. Context (weighted sum)"},
    {Stage::Output, "7", "output", "output", "7. Output"},
};
static_assert(sizeof kStages / sizeof kStages[0] == static_cast<int>(Stage::Count), "one row per stage");

// Stage 5's own steps, as the code numbers them: e^(x - max) (the row's largest first, so that no exp
// overflows), their sum, the division that makes the row sum to 1.
struct StageStep {
    const char* number;  // "5a", "5b", "5c"
    const char* label;   // what follows "pass 5a:"
};
inline constexpr StageStep kSoftmaxSteps[] = {
    {"5a", "exp"},
    {"5b", "sum"},
    {"5c", "divide"},
};

const char* stage_name(Stage s);   // kStages' name: "query_keys", "scores", ...
const char* stage_title(Stage s);  // kStages' title: "1. Query and keys", ...

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
