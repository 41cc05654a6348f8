// views_layout.cpp: see views_layout.h.
#include "ui/views_layout.h"

#include "ui/backend_window.h"
#include "ui/gallery_panel.h"
#include "ui/heads_panel.h"
#include "ui/lab_panels.h"
#include "ui/seed001_panel.h"
#include "ui/sensor_panel.h"

#include "imgui.h"

#include <algorithm>

namespace attn::ui {

namespace {

Rect below(float top) {
    const ImVec2 size = ImGui::GetIO().DisplaySize;
    const float pad = 6.0f;
    return Rect{pad, top + pad, size.x - 2 * pad, size.y - top - 2 * pad};
}

}  // namespace

void draw_translate_view(views::Session& s, float top) {
    views::Lab& lab = s.lab;
    const ImVec2 size = ImGui::GetIO().DisplaySize;
    const float pad = 6.0f, h = size.y - top;
    if (size.x >= 900.0f) {
        const float lw = std::max(360.0f, size.x * 0.36f), rw = size.x - lw - 3 * pad;
        draw_translate_panel(lab, s.store, {pad, top + pad, lw, h * 0.5f - 1.5f * pad});
        draw_tweak_panel(lab, {pad, top + h * 0.5f + 0.5f * pad, lw, h * 0.5f - 1.5f * pad});
        draw_stage_panel(lab, {lw + 2 * pad, top + pad, rw, h * 0.64f - 1.5f * pad});
        draw_heatmap_panel(lab, {lw + 2 * pad, top + h * 0.64f + 0.5f * pad, rw, h * 0.36f - 1.5f * pad});
    } else {
        const float w = size.x - 2 * pad;
        draw_translate_panel(lab, s.store, {pad, top + pad, w, h * 0.3f});
        draw_stage_panel(lab, {pad, top + h * 0.3f + 2 * pad, w, h * 0.45f});
        draw_heatmap_panel(lab, {pad, top + h * 0.75f + 3 * pad, w, h * 0.25f - 4 * pad});
    }
}

void draw_heads_layout(views::Session& s, float top) {
    draw_heads_view(s.lab, s.store, s.views.heads, below(top));
}

void draw_gallery_layout(views::Session& s, float top) { draw_gallery_view(s.views.gallery, below(top)); }

void draw_sensor_layout(views::Session& s, float top) { draw_sensor_view(s.views.sensor, below(top)); }

void draw_seed001_layout(views::Session& s, float) { draw_seed001_panel(s.seed001.trace, s.seed001.stepper); }

void draw_backend_layout(views::Session& s, float top) {
    s.backend_asked = draw_backend_window(s.backend, s.gpu->info(), top);
}

}  // namespace attn::ui
