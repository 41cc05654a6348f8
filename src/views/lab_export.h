// lab_export.h: what the lab shows, as plain data to take away: the alignment heatmap at the
// playhead (the panel draws it, the page renders it to PNG) and every stage value of the current
// decoder step as CSV. No ImGui, no drawing, no math beyond reading the engine's trace.
// Test: tests/e2e/page_habits.test.mjs (export tests compare with attn.translate's stages).
#pragma once

#include "views/lab.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace attn::views {

// Output words (rows) x input words (columns), the rows decoded up to the playhead. A cell is
// known once its step has passed the softmax stage; the current step's word is "?" until its
// output stage. weights[i][j] is the engine's weight (nullopt while unknown).
struct Heatmap {
    std::vector<std::string> row_labels;  // [rows] output words ("?" not yet chosen)
    std::vector<std::string> col_labels;  // [cols] input tokens the keys encode (and <EOS>)
    std::vector<std::vector<std::optional<float>>> weights;  // [rows][cols]
    std::string caption;                  // which attention: "dot attention, cross" / "layer 1, head 2 ..."
};
Heatmap lab_heatmap(const Lab& lab);
nlohmann::json heatmap_to_json(const Heatmap& h);

// Every value the current step recorded, one per line, RFC 4180 quoting:
//   stage,tensor,row,column,row_label,column_label,value
// stage is stage_name(); tensor names the trace field (query, keys, energies, scores, scaled, mask,
// masked, weights, values, context) or logits / probs for the output; row and column index that
// tensor as the engine stored it (of the query side's rows, only this step's query row; energies:
// this query's [keys, units]); labels name what a row or column stands for (a word, "d3").
// Non-finite values are written inf, -inf, nan. Empty (headers only) when nothing ran.
std::string lab_trace_csv(const Lab& lab);

}  // namespace attn::views
