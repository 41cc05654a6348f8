// view_table.cpp: see view_table.h. The registration of every view: its row's name below and its place in
// the list, which is the view bar's order. A row is defined in the view's own src/ui/<name>_panel.cpp.
#include "app/view_table.h"

namespace attn::ui {
const ViewRow& translate_view_row();  // lab_panels.cpp
const ViewRow& heads_view_row();      // heads_panel.cpp
const ViewRow& gallery_view_row();    // gallery_panel.cpp
const ViewRow& sensor_view_row();     // sensor_panel.cpp
const ViewRow& seed001_view_row();    // seed001_panel.cpp
const ViewRow& scale_view_row();      // scale_panel.cpp
const ViewRow& compare_view_row();    // compare_panel.cpp
const ViewRow& train_view_row();      // train_panel.cpp
const ViewRow& backend_view_row();    // backend_window.cpp
}  // namespace attn::ui

namespace attn::app {

using nlohmann::json;

const std::vector<ViewRow>& view_table() {
    static const std::vector<ViewRow> rows = {
        ui::translate_view_row(), ui::compare_view_row(), ui::heads_view_row(),   ui::gallery_view_row(),
        ui::sensor_view_row(),    ui::seed001_view_row(), ui::scale_view_row(),   ui::train_view_row(),
        ui::backend_view_row(),
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
