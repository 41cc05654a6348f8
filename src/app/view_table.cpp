// view_table.cpp: see view_table.h. The rows, in the order of the view bar.
#include "app/view_table.h"

#include "ui/views_layout.h"
#include "views/view_states.h"

namespace attn::app {

using nlohmann::json;

const std::vector<ViewRow>& view_table() {
    static const std::vector<ViewRow> rows = {
        {"translate", "Translate, step by step", nullptr, ui::draw_translate_view,
         [](const views::Session& s) { return s.lab.runs; }, {}},
        {"heads", "Heads", views::heads_update, ui::draw_heads_layout,
         [](const views::Session& s) { return s.lab.runs; }, {{"ui.heads", "heads", views::heads_answer}}},
        {"gallery", "Gallery", views::gallery_update, ui::draw_gallery_layout,
         [](const views::Session& s) { return s.views.gallery.runs; },
         {{"ui.gallery", "gallery", views::gallery_answer}, {"ui.set_gallery", "setGallery", views::set_gallery_answer}}},
        {"sensor", "Sensor", views::sensor_update, ui::draw_sensor_layout,
         [](const views::Session& s) { return s.views.sensor.runs; },
         {{"ui.sensor", "sensor", views::sensor_answer}, {"ui.set_sensor", "setSensor", views::set_sensor_answer}}},
        {"seed001", "Seed 001: one attention step", nullptr, ui::draw_seed001_layout,
         [](const views::Session& s) { return s.seed001.runs; }, {}},
        {"backend", "Backend", nullptr, ui::draw_backend_layout,
         [](const views::Session& s) { return s.backend.runs; },
         {{"ui.backend", "backend", [](views::Session& s, const json& args) { return views::backend_request(s.backend, *s.gpu, args); }}}},
    };
    return rows;
}

const ViewRow& current_view(const views::Session& s) {
    for (const ViewRow& r : view_table())
        if (s.lab.state.view == r.id) return r;
    return view_table().front();
}

std::vector<std::string> view_ids() {
    std::vector<std::string> ids;
    for (const ViewRow& r : view_table()) ids.push_back(r.id);
    return ids;
}

json views_json(const views::Session& s) {
    json list = json::array();
    for (const ViewRow& r : view_table()) {
        json methods = json::array();
        for (const ViewAnswer& a : r.answers) methods.push_back(a.method);
        list.push_back({{"id", r.id}, {"title", r.title}, {"runs", r.runs(s)}, {"methods", methods}});
    }
    return list;
}

}  // namespace attn::app
