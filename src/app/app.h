// app.h: the application's state (what is on screen) and its frame function, shared by the native
// and the web main loops. Owns the models (ModelStore) and the traces the engine computed; the
// panels in src/ui only draw them. window.attn reaches it through app_request.
#pragma once

#include "app/lab.h"
#include "app/lab_gpu.h"
#include "app/model_store.h"
#include "app/page.h"
#include "app/views.h"
#include "trace/stepper.h"
#include "trace/trace.h"
#include "ui/backend_panel.h"

#include <string>
#include <vector>

namespace attn::app {

struct App {
    explicit App(std::string models_dir = "") : store(std::move(models_dir)) {}
    ModelStore store;
    Lab lab;
    AttentionTrace seed001;  // the engine's trace of seed 001's example
    Stepper seed001_stepper;
    Views views;  // the heads, gallery and sensor views (app/views.h)
    std::vector<std::string> notices;  // shown once at the top (e.g. a broken URL hash fell back to defaults)
    ui::BackendPanel backend;  // the Backend window (Scalar / SIMD / WebGPU / Auto)
    LabGpu lab_gpu;            // the lab's numbers from the chosen backend (lab_gpu.h)
    Page page;                 // frame times, tour, theme and exports (page.h)
    long frame = 0;
    double last_time = 0.0;
};

// Keyboard shortcuts, delivered from key-down events (ImGui 1.86 polls key state once a frame and
// would miss a press and release that arrive in the same frame). Escape and Enter skip or advance
// the tour while it shows.
enum class Key { Space, Left, Right, Escape, Enter };
void app_key(App& app, Key key, bool shift);

void app_init(App& app);
// Draws one frame of UI (between ImGui::NewFrame and ImGui::Render). now: seconds, monotonic.
void app_frame(App& app, double now);
// The app half of window.attn ("ui.state", "ui.set_state", "ui.models", "ui.translate"). JSON out.
std::string app_request(App& app, const std::string& method, const std::string& args_json);

}  // namespace attn::app
