// views.h: the state of the lab's other views (the multi-head explorer, the gallery of attention types,
// seed 000's sensor model) and their window.attn answers. Plain C++ (no ImGui): the panels in src/ui draw
// it; every number they show comes from the engine through here. Test: tests/e2e/views.test.mjs.
#pragma once

#include "models/attention_gallery.h"

#include <nlohmann/json.hpp>

#include <string>

namespace attn::app {

struct App;

// The multi-head explorer: which source token asks, when an encoder head is under the magnifier (a
// decoder head's query is the playhead's step, Lab::state.step).
struct HeadsViewState {
    int query_row = 0;
};

// The gallery: its knobs and the examples the engine computed under them.
struct GalleryViewState {
    GalleryOptions options;
    Gallery gallery;
    std::string error;   // why the last run failed ("" when it did not)
    long runs = 0;       // how many times the engine ran the gallery
    bool dirty = true;
    void run_if_needed();
};

struct Views {
    Views() { gallery.options.backend = Backend::Simd; }  // as the translation lab runs
    HeadsViewState heads;
    GalleryViewState gallery;
};

// window.attn's questions about these views: "ui.heads", "ui.gallery", "ui.set_gallery".
// Returns false for any other method (app_request then goes on).
bool views_request(App& app, const std::string& method, const nlohmann::json& args, nlohmann::json* out);

}  // namespace attn::app
