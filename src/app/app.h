// app.h: the application's state (what is on screen) and its frame function, shared by the native
// and the web main loops. Owns traces computed by the engine; panels only draw them.
#pragma once

#include "trace/stepper.h"
#include "trace/trace.h"
#include "ui/backend_panel.h"

#include <string>

namespace attn::app {

struct App {
    AttentionTrace seed001;  // the engine's trace of seed 001's example
    Stepper seed001_stepper;
    ui::BackendPanel backend;  // the Backend window (Scalar / SIMD / WebGPU / Auto)
    long frame = 0;
    double last_time = 0.0;
};

// Keyboard shortcuts, delivered from key-down events (ImGui 1.86 polls key state once a frame and
// would miss a press and release that arrive in the same frame).
enum class Key { Space, Left, Right };
void app_key(App& app, Key key, bool shift);

void app_init(App& app);
// Draws one frame of UI (between ImGui::NewFrame and ImGui::Render). now: seconds, monotonic.
void app_frame(App& app, double now);
// The UI half of window.attn: "ui.state" and friends. Returns JSON.
std::string app_request(App& app, const std::string& method, const std::string& args_json);

}  // namespace attn::app
