// lab_export.h: what the lab shows, as plain data to take away: the alignment heatmap at the
// playhead (the panel draws it, the page renders it to PNG), every stage value of the current
// decoder step as CSV, and the PNG file format the native app saves the drawn heatmap in. No ImGui,
// no drawing, no math beyond reading the engine's trace.
// Test: tests/e2e/page_habits.test.mjs (exports against attn.translate), tests/fuzz/fuzz_png_export.cpp.
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
// What key j of an attention call encodes: a source token for cross-attention (the encoder may also read
// a final <EOS>), the decoder's input at position j for the decoder's own self-attention.
std::string lab_key_label(const Lab& lab, const AttentionTrace& t, int j);
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

// A PNG file of w x h RGBA pixels (rgba: rows top to bottom, 4 bytes a pixel): 8 bits per channel, no
// interlace, filter type 0 on every row, the zlib stream made of stored deflate blocks (exact, simple,
// and small enough for a heatmap). Empty when w or h is not positive or rgba is not w * h * 4 bytes.
std::vector<unsigned char> png_encode(int w, int h, const std::vector<unsigned char>& rgba);

}  // namespace attn::views
