// view_table.h: the views table: one row per view (id, title, update, draw, run counter, window.attn
// answers). The view bar, the link parser's `v=` check, the API table (api_table.h), "ui.views" and
// the tests read it; a new view is its state (src/views), its panel (src/ui), a row here and its test.
// Not the views themselves. Test: tests/e2e/redraw.test.mjs (every row, from attn.views()).
#pragma once

#include "views/session.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace attn::app {

// A window.attn method a view answers: JSON args in, JSON out (throws std::invalid_argument on bad args).
struct ViewAnswer {
    const char* method;  // "ui.heads"
    const char* js;      // the page's wrapper in web/loader.js: "heads"
    nlohmann::json (*answer)(views::Session& s, const nlohmann::json& args);
};

struct ViewRow {
    const char* id;     // in links (v=), attn.setState({view}) and widget ids ("view/<id>")
    const char* title;  // the view bar's button
    // Before drawing, while the view is on screen: runs the engine and loads files when its inputs changed.
    // nullptr when the view's state is updated every frame anyway (the lab, the stepper, the backend).
    void (*update)(views::Session& s);
    // Draws below the view bar (at height top); clicks change plain state, they run nothing.
    void (*draw)(views::Session& s, float top);
    long (*runs)(const views::Session& s);  // how many times the engine ran for this view
    std::vector<ViewAnswer> answers;
};

const std::vector<ViewRow>& view_table();
const ViewRow& current_view(const views::Session& s);  // the row of s.lab.state.view (the first when unknown)
std::vector<std::string> view_ids();
nlohmann::json views_json(const views::Session& s);  // "ui.views": [{id, title, runs, methods}]

}  // namespace attn::app
