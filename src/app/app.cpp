// app.cpp: see app.h.
#include "app/app.h"

#include "models/seed_examples.h"
#include "ui/seed001_panel.h"
#include "ui/widgets.h"

#include "imgui.h"

#include <nlohmann/json.hpp>

namespace attn::app {

void app_init(App& app) {
    app.seed001 = seed001_scaled_dot_example(Backend::Simd);
    app.seed001_stepper.set_stage_count(ui::kSeed001StageCount);
    app.seed001_stepper.seek(0);
}

void app_key(App& app, Key key, bool shift) {
    switch (key) {
        case Key::Space: app.seed001_stepper.toggle(); break;
        case Key::Left: app.seed001_stepper.step_back(); break;
        case Key::Right: app.seed001_stepper.step_forward(); break;
    }
}

void app_frame(App& app, double now) {
    const double dt = app.frame == 0 ? 0.0 : now - app.last_time;
    app.last_time = now;
    ++app.frame;
    ui::begin_frame_registry(static_cast<int>(app.frame));
    app.seed001_stepper.advance(dt);

    ui::draw_seed001_panel(app.seed001, app.seed001_stepper);
    ui::draw_backend_panel(app.backend, now);
}

std::string app_request(App& app, const std::string& method, const std::string& args_json) {
    using nlohmann::json;
    if (method == "ui.backend") return ui::backend_panel_request(app.backend, args_json);
    if (method == "ui.state") {
        json widgets = json::object();
        for (const auto& [id, r] : ui::widget_rects())
            widgets[id] = {{"x", r.x}, {"y", r.y}, {"w", r.w}, {"h", r.h}, {"frame", r.frame}};
        const int stage = app.seed001_stepper.stage();
        return json{{"frame", app.frame},
                    {"seed001", {{"stage", stage},
                                 {"stage_count", app.seed001_stepper.stage_count()},
                                 {"stage_name", stage_name(ui::kSeed001Stages[stage])},
                                 {"playing", app.seed001_stepper.playing()}}},
                    {"widgets", widgets}}
            .dump();
    }
    return json{{"error", "unknown method '" + method + "'"}}.dump();
}

}  // namespace attn::app
