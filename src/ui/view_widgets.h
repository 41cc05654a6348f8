// view_widgets.h: the table of numbers the heads, gallery and sensor views share: a heatmap of queries x
// keys with word labels, the exact value of the hovered cell for the caller's tooltip, and a click.
// It draws the numbers it is given (weights, scores); it computes none. Test: tests/e2e/views.test.mjs.
#pragma once

#include "imgui.h"

#include <functional>
#include <string>
#include <vector>

namespace attn::ui {

enum class CellScale {
    Weight,     // 0..1, transparent to orange (attention weights)
    Diverging,  // -range..range, blue - white - orange (scores)
};

struct HeatmapOptions {
    float cell_w = 0.0f;       // 0: fit the column labels (between 2 and 6 characters wide)
    float cell_h = 0.0f;       // 0: one text line
    bool numbers = true;       // print the value in each cell when it fits
    bool row_labels = true;    // draw the labels given (a nullptr list draws none anyway)
    bool col_labels = true;
    CellScale scale = CellScale::Weight;
    float range = 1.0f;        // the value drawn at full color (CellScale::Weight: 1, or a map's largest weight)
    int highlight_row = -1;    // outlined row (the query under the magnifier)
    bool selected = false;     // outlined whole table (the head under the magnifier)
    bool dimmed = false;       // drawn faded (a switched-off head)
    // Every heatmap is also a table for screen readers and the Data button (ui/mirror.h): its control id
    // ('' names it after ImGui's id), its name ('' for the id's text), and its row and column headers
    // when the picture draws none.
    std::string data_id;
    std::string data_name;
    const std::vector<std::string>* data_rows = nullptr;
    const std::vector<std::string>* data_cols = nullptr;
};

struct HeatmapHit {
    int row = -1, col = -1;    // the hovered cell, or -1
    bool clicked = false;      // the table was clicked (anywhere on it)
    bool hovered = false;
};

// A rows x cols table at the cursor, one item (an invisible button named id) so register_widget can
// follow it. value(r, c): NaN draws an empty cell (no such key), -inf a dash (masked).
HeatmapHit heatmap(const char* id, int rows, int cols, const std::function<float(int, int)>& value,
                   const std::vector<std::string>* row_labels, const std::vector<std::string>* col_labels,
                   const HeatmapOptions& o = {});

// The color of a weight in [0, 1] (orange, stronger with the weight).
ImU32 weight_color(float w, float alpha = 1.0f);

}  // namespace attn::ui
