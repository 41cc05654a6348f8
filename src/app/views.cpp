// views.cpp: see views.h.
#include "app/views.h"

#include "app/api.h"
#include "app/app.h"
#include "app/heads_view.h"

#include <exception>

namespace attn::app {

using nlohmann::json;

void GalleryViewState::run_if_needed() {
    if (!dirty) return;
    dirty = false;
    ++runs;
    error.clear();
    try {
        gallery = attention_gallery(options);
    } catch (const std::exception& e) {
        gallery = Gallery{};
        error = e.what();
    }
}

bool views_request(App& app, const std::string& method, const json& args, json* out) {
    if (method == "ui.heads") {
        *out = heads_to_json(app.lab, app.views.heads.query_row);
        return true;
    }
    if (method == "ui.gallery") {
        GalleryViewState& g = app.views.gallery;
        g.run_if_needed();
        *out = g.error.empty() ? json::parse(api::gallery_json(g.gallery)) : json::object();
        (*out)["runs"] = g.runs;
        (*out)["error"] = g.error;
        return true;
    }
    if (method == "ui.set_gallery") {
        GalleryViewState& g = app.views.gallery;
        g.options = api::gallery_options_from_json(args.dump(), g.options);
        g.dirty = true;
        *out = json::object();
        return true;
    }
    return false;
}

}  // namespace attn::app
