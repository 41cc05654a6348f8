// view_row.cpp: see view_row.h.
#include "ui/view_row.h"

#include "imgui.h"

namespace attn::ui {

Rect below_view_bar(float top) {
    const ImVec2 size = ImGui::GetIO().DisplaySize;
    const float pad = 6.0f;
    return Rect{pad, top + pad, size.x - 2 * pad, size.y - top - 2 * pad};
}

}  // namespace attn::ui
