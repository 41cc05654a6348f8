// view_table.h: the views table: one row per view (id, title, update, draw, run counter, window.attn
// answers; the shape is ui/view_row.h, each row is defined beside its view's draw function). The view
// bar, the link parser's `v=` check, the API table (api_table.h), "ui.views" and the tests read it.
// Test: tests/e2e/redraw.test.mjs (every row, from attn.views()).
#pragma once

#include "ui/view_row.h"
#include "views/session.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace attn::app {

using ui::ViewAnswer;
using ui::ViewRow;

const std::vector<ViewRow>& view_table();
const ViewRow& current_view(const views::Session& s);  // the row of s.lab.state.view (the first when unknown)
std::vector<std::string> view_ids();
nlohmann::json views_json(const views::Session& s);  // "ui.views": [{id, title, runs, methods}]

}  // namespace attn::app
