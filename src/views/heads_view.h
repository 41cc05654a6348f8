// heads_view.h: the multi-head explorer's reading of a Translation: every attention block of a
// transformer (encoder self-attention, masked decoder self-attention, cross-attention), layer by layer,
// each head as a table of weights (queries x keys) taken from the engine's traces, plus the head chosen
// for a closer look. Plain C++ (no ImGui): src/ui/heads_panel.cpp draws it and window.attn.heads()
// reports the same thing as JSON. It rearranges recorded numbers; it computes no attention.
// Test: tests/e2e/views.test.mjs.
#pragma once

#include "views/lab.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace attn::views {

// One recorded query row: the trace that holds it and which of its rows.
struct TraceRow {
    const AttentionTrace* trace = nullptr;
    int row = 0;
};

// One block ("enc.0.self", "dec.1.self", "dec.1.cross") and its heads.
struct HeadBlock {
    std::string name;
    std::string form;   // "self" (encoder), "causal_self" (decoder), "cross"
    int layer = 0;
    int heads = 0;
    std::vector<std::string> row_labels;  // the queries: source tokens, or what the decoder read at steps 0..step
    std::vector<std::string> col_labels;  // the keys: source tokens, or what the decoder read so far
    std::vector<std::vector<TraceRow>> rows;  // [heads][row_labels]; a decoder row may be missing (trace nullptr)
    std::vector<bool> ablated;                // [heads]: switched off in this run
    // The weight of query row r on key j for head h; NaN where the row has no such key (the future).
    float weight(int h, int r, int j) const;
    const TraceRow& at(int h, int r) const { return rows[h][r]; }
};

// The blocks of a run, encoder layers first, then per decoder layer its self- then cross-attention.
// Decoder rows are steps 0..step (the step's own recorded query row at each). Pointers into tr: valid
// while tr is. Empty when the run holds no multi-head trace (the seq2seq models).
std::vector<HeadBlock> head_blocks(const Translation& tr, const Vocab* target_vocab, int step);

// Whether a run is one the explorer can show: a transformer's (encoder heads recorded).
bool has_heads(const Translation& tr);

// The block and head under the magnifier: lab.state.block / head, or by default the last decoder
// layer's cross-attention, head 0 (as Lab::trace_at chooses). nullptr when there are no blocks.
const HeadBlock* selected_block(const std::vector<HeadBlock>& blocks, const LabState& s);
int selected_head(const HeadBlock& b, const LabState& s);
// The query row under the magnifier: the playhead's step for a decoder block; query_row (clamped)
// for an encoder block.
int selected_row(const HeadBlock& b, const LabState& s, int query_row);

// "dec.1.cross/2" for every switched-off head in the options.
std::vector<std::string> ablated_heads(const RunOptions& o);
// Switches head h of block on or off (a block whose heads are all on again leaves the mask).
void set_head_on(RunOptions& o, const std::string& block, int heads, int h, bool on);
void set_block_on(RunOptions& o, const std::string& block, int heads, bool on);

// The probability the ablated run gives, at `step`, to the word the original run chose there (NaN
// past either run's end). Beyond the first step where the outputs differ, the two runs read different
// prefixes: the comparison is then between two different contexts.
float original_word_prob(const Translation& ablated, const Translation& original, int step);

// window.attn.heads(): everything the view shows (see README.md).
nlohmann::json heads_to_json(const Lab& lab, int query_row);

}  // namespace attn::views
