// view_row.cpp: see view_row.h.
#include "ui/view_row.h"

#include "imgui.h"

#include <algorithm>

namespace attn::ui {

Rect below_view_bar(float top, float min_h) {
    const ImVec2 size = ImGui::GetIO().DisplaySize;
    const float pad = 6.0f;
    want_page_height(top + min_h + 2 * pad);
    return Rect{pad, top + pad, size.x - 2 * pad, std::max(size.y - top - 2 * pad, min_h)};
}

Rect view_area(float top, float wide_min_h, float narrow_min_h) {
    return below_view_bar(top, ImGui::GetIO().DisplaySize.x >= kWideScreen ? wide_min_h : narrow_min_h);
}

std::vector<Rect> stack_panels(float top, const std::vector<float>& min_heights) {
    if (min_heights.empty()) return {};
    const float pad = 6.0f;
    float need = pad * static_cast<float>(min_heights.size() - 1);
    for (float h : min_heights) need += h;
    const Rect all = below_view_bar(top, need);
    const float grow = (all.h - pad * static_cast<float>(min_heights.size() - 1)) / (need - pad * static_cast<float>(min_heights.size() - 1));
    std::vector<Rect> out;
    float y = all.y;
    for (float h : min_heights) {
        out.push_back(Rect{all.x, y, all.w, h * grow});
        y += h * grow + pad;
    }
    return out;
}

}  // namespace attn::ui
