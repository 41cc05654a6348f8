// views.h: the state of the lab's other views (the multi-head explorer, the gallery of attention types,
// seed 000's sensor model) and their window.attn answers. Plain C++ (no ImGui): the panels in src/ui draw
// it; every number they show comes from the engine through here. Test: tests/e2e/views.test.mjs.
#pragma once

#include "app/sensor_store.h"
#include "models/attention_gallery.h"
#include "models/sensor_model.h"

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

// Seed 000's sensor model on one held-out sample of the generator (samples it was not trained on).
struct SensorViewState {
    SensorViewState();         // opens on the first held-out pressure spike: a short event, easy to see
    SensorStore store;
    int sample = 0;            // held-out sample number, 0 .. kSensorHeldOutCount - 1
    SensorSampleRun run;       // the engine's run on it (valid when has_run)
    bool has_run = false;
    std::string error;         // why the last run failed ("" when it did not)
    long runs = 0;
    bool dirty = true;
    uint64_t index() const { return kSensorHeldOutFirst + static_cast<uint64_t>(sample); }
    void set_sample(int s);
    void run_if_needed(const SensorModel* model);
};
// The next held-out sample after `from` (wrapping around) whose recorded event is e; from if none is.
int next_sensor_sample(int from, SensorEvent e);

struct Views {
    Views() { gallery.options.backend = Backend::Simd; }  // as the translation lab runs
    HeadsViewState heads;
    GalleryViewState gallery;
    SensorViewState sensor;
};

// window.attn's questions about these views: "ui.heads", "ui.gallery", "ui.set_gallery", "ui.sensor",
// "ui.set_sensor".
// Returns false for any other method (app_request then goes on).
bool views_request(App& app, const std::string& method, const nlohmann::json& args, nlohmann::json* out);

}  // namespace attn::app
