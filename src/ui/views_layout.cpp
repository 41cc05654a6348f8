// views_layout.cpp: see views_layout.h.
#include "ui/views_layout.h"

#include "app/app.h"
#include "ui/gallery_panel.h"
#include "ui/heads_panel.h"
#include "ui/sensor_panel.h"

#include "imgui.h"

namespace attn::ui {

bool draw_views(app::App& app, float top) {
    const std::string& view = app.lab.state.view;
    const ImVec2 size = ImGui::GetIO().DisplaySize;
    const float pad = 6.0f;
    const Rect where{pad, top + pad, size.x - 2 * pad, size.y - top - 2 * pad};
    if (view == "heads") {
        draw_heads_view(app.lab, app.store, app.views.heads, where);
        return true;
    }
    if (view == "gallery") {
        draw_gallery_view(app.views.gallery, where);
        return true;
    }
    if (view == "sensor") {
        draw_sensor_view(app.views.sensor, app.store.dir(), where);
        return true;
    }
    return false;
}

}  // namespace attn::ui
