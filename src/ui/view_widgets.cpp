// view_widgets.cpp: see view_widgets.h.
#include "ui/view_widgets.h"

#include "ui/mirror.h"
#include "ui/theme.h"
#include "ui/widgets.h"

#include "imgui_internal.h"  // GetItemID: a table named after its heatmap's id

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace attn::ui {

ImU32 weight_color(float w, float alpha) {
    ImVec4 c = ImGui::ColorConvertU32ToFloat4(weight_cell_color(w));  // the lab's heatmap color (theme.h)
    c.w *= std::clamp(alpha, 0.0f, 1.0f);
    return ImGui::ColorConvertFloat4ToU32(c);
}

HeatmapHit heatmap(const char* id, int rows, int cols, const std::function<float(int, int)>& value,
                   const std::vector<std::string>* row_labels, const std::vector<std::string>* col_labels,
                   const HeatmapOptions& o) {
    HeatmapHit hit;
    const float ch = ImGui::GetTextLineHeight();
    const float char_w = ImGui::CalcTextSize("0").x;
    const bool draw_rows = o.row_labels && row_labels && !row_labels->empty();
    const bool draw_cols = o.col_labels && col_labels && !col_labels->empty();
    float label_w = 0.0f, widest_col = 0.0f;
    if (draw_rows)
        for (const std::string& s : *row_labels) label_w = std::max(label_w, ImGui::CalcTextSize(s.c_str()).x + 6.0f);
    if (draw_cols)
        for (const std::string& s : *col_labels) widest_col = std::max(widest_col, ImGui::CalcTextSize(s.c_str()).x + 4.0f);
    const float narrowest = char_w * (o.scale == CellScale::Diverging ? 5.5f : 4.5f);  // "0.27", "-2.33"
    const float cw = o.cell_w > 0 ? o.cell_w : std::clamp(widest_col, narrowest, char_w * 7.0f);
    const float cellh = o.cell_h > 0 ? o.cell_h : ch + 4.0f;
    const float header = draw_cols ? ch + 2.0f : 0.0f;
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const ImVec2 size(label_w + cols * cw + 2.0f, header + rows * cellh + 2.0f);
    const bool pressed = ImGui::InvisibleButton(id, ImVec2(std::max(size.x, 1.0f), std::max(size.y, 1.0f)));
    // a click as the mouse goes down; or pressed without the mouse (the accessibility mirror, ui/mirror.h)
    hit.clicked = ImGui::IsItemClicked() || (pressed && !ImGui::IsMouseReleased(ImGuiMouseButton_Left));
    hit.hovered = ImGui::IsItemHovered();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
    const ImU32 dim_text = ImGui::GetColorU32(ImGuiCol_TextDisabled);
    const float fade = o.dimmed ? 0.35f : 1.0f;
    const ImVec2 cells(origin.x + label_w, origin.y + header);
    // The gap between cells: 2 px, less for tiny cells (a 100-step series), none below 4 px.
    const float gx = cw >= 10 ? 2.0f : (cw >= 4 ? 1.0f : 0.0f), gy = cellh >= 10 ? 2.0f : (cellh >= 4 ? 1.0f : 0.0f);

    if (draw_cols) {
        for (int c = 0; c < cols && c < static_cast<int>(col_labels->size()); ++c) {
            const ImVec2 a(cells.x + c * cw, origin.y);
            dl->PushClipRect(a, ImVec2(a.x + cw - 1, a.y + header), true);
            dl->AddText(ImVec2(a.x + 2, a.y), o.dimmed ? dim_text : text, (*col_labels)[c].c_str());
            dl->PopClipRect();
        }
    }
    for (int r = 0; r < rows; ++r) {
        const float y = cells.y + r * cellh;
        if (draw_rows && r < static_cast<int>(row_labels->size()))
            dl->AddText(ImVec2(origin.x, y + (cellh - ch) * 0.5f), o.dimmed ? dim_text : text, (*row_labels)[r].c_str());
        int best = -1;  // the row's largest weight, marked when its cell is too small for its number
        bool best_numbered = false;
        for (int c = 0; c < cols && o.scale == CellScale::Weight; ++c) {
            const float v = value(r, c);
            if (!std::isnan(v) && !std::isinf(v) && (best < 0 || v > value(r, best))) best = c;
        }
        for (int c = 0; c < cols; ++c) {
            const float v = value(r, c);
            const ImVec2 a(cells.x + c * cw, y), b(a.x + cw - gx, y + cellh - gy);
            if (std::isnan(v)) continue;  // no such key for this query
            if (std::isinf(v) && v < 0) {
                dl->AddRectFilled(a, b, IM_COL32(90, 90, 90, static_cast<int>(70 * fade)), 2.0f);
                const float tw = ImGui::CalcTextSize("-inf").x;
                if (tw <= cw - 3) dl->AddText(ImVec2(a.x + (cw - 2 - tw) * 0.5f, a.y + (cellh - 2 - ch) * 0.5f), dim_text, "-inf");
                continue;
            }
            const ImU32 fill = o.scale == CellScale::Weight ? weight_color(v / o.range, fade) : value_color(v, o.range, fade);
            dl->AddRectFilled(a, b, fill, gx >= 2 ? 2.0f : 0.0f);
            if (o.numbers) {
                char buf[16];
                std::snprintf(buf, sizeof buf, std::fabs(v) >= 10.0f ? "%.1f" : "%.2f", v);
                const ImVec2 ts = ImGui::CalcTextSize(buf);
                // black or white, whichever reads on this cell over the panel (4.5:1 at least, dimmed too)
                const ImU32 ink = ink_on(fill);
                if (ts.x <= cw - 3) dl->AddText(ImVec2(a.x + (cw - 2 - ts.x) * 0.5f, a.y + (cellh - 2 - ch) * 0.5f), ink, buf);
                if (c == best) best_numbered = ts.x <= cw - 3;
            }
        }
        // Without color: a dot on the row's largest weight where no number says it (tiny cells)
        if (best >= 0 && !best_numbered && cw >= 3 && cellh >= 3) {
            const ImVec2 a(cells.x + best * cw, y);
            const float radius = std::max(1.0f, std::min(cw - gx, cellh - gy) * 0.22f);
            dl->AddCircleFilled(ImVec2(a.x + (cw - gx) * 0.5f, a.y + (cellh - gy) * 0.5f), radius,
                                ink_on(weight_color(value(r, best), fade)));
        }
        if (r == o.highlight_row)
            dl->AddRect(ImVec2(cells.x - 1, y - 1), ImVec2(cells.x + cols * cw - 1, y + cellh - 1),
                        IM_COL32(120, 200, 255, 255), 2.0f, 0, 1.5f);
    }
    if (o.selected)
        dl->AddRect(ImVec2(origin.x - 2, origin.y - 2), ImVec2(origin.x + size.x + 1, origin.y + size.y + 1),
                    IM_COL32(255, 200, 80, 255), 3.0f, 0, 2.0f);
    if (hit.hovered) {
        const ImVec2 m = ImGui::GetIO().MousePos;
        const int c = static_cast<int>(std::floor((m.x - cells.x) / cw));
        const int r = static_cast<int>(std::floor((m.y - cells.y) / cellh));
        if (c >= 0 && c < cols && r >= 0 && r < rows && !std::isnan(value(r, c))) {
            hit.row = r;
            hit.col = c;
            const ImVec2 a(cells.x + c * cw, cells.y + r * cellh);
            dl->AddRect(a, ImVec2(a.x + cw - 2, a.y + cellh - 2), IM_COL32(255, 255, 255, 200), 2.0f);
        }
    }
    {  // every matrix drawn is also a table (screen readers, the Data button: ui/mirror.h)
        const std::vector<std::string>* rl = o.data_rows ? o.data_rows : row_labels;
        const std::vector<std::string>* cl = o.data_cols ? o.data_cols : col_labels;
        std::vector<std::string> rn, cn;
        for (int r = 0; r < rows; ++r) rn.push_back(rl && r < static_cast<int>(rl->size()) ? (*rl)[r] : std::to_string(r));
        for (int c = 0; c < cols; ++c) cn.push_back(cl && c < static_cast<int>(cl->size()) ? (*cl)[c] : std::to_string(c));
        std::vector<float> cells;
        cells.reserve(static_cast<size_t>(rows) * cols);
        for (int r = 0; r < rows; ++r)
            for (int c = 0; c < cols; ++c) cells.push_back(value(r, c));
        std::string name = o.data_name;
        if (name.empty()) name = std::string(id).substr(std::string(id).rfind('#') == std::string::npos ? 0 : std::string(id).rfind('#') + 1);
        mirror_table(o.data_id.empty() ? "data/" + std::to_string(ImGui::GetItemID()) : o.data_id, name, rn, cn, cells);
    }
    return hit;
}

}  // namespace attn::ui
