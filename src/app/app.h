// app.h: the running app: the views' state (views/session.h) plus the page's habits (page.h), and its
// frame function, shared by the native and the web main loops: apply what was asked, update every
// view that needs it (runs the engine, loads files), then draw (src/ui, through the views table).
// window.attn reaches it through the API table (api_table.h). Test: tests/e2e/views.test.mjs.
#pragma once

#include "app/page.h"
#include "views/session.h"

#include <string>

namespace attn::app {

struct App : views::Session {
    explicit App(std::string models_dir = "") : views::Session(std::move(models_dir)) {}
    Page page;  // frame times, tour, theme and exports (page.h)
    double last_time = 0.0;
};

// A key press (views::Key): Escape and Enter skip or advance the tour while it shows; every other key
// goes to the current view's row (its own keys, else the lab's stage steps).
using views::Key;
void app_key(App& app, Key key, bool shift);

// One frame (between ImGui::NewFrame and ImGui::Render): update, then draw. now: seconds, monotonic.
void app_frame(App& app, double now);

}  // namespace attn::app
