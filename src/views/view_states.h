// view_states.h: the state of the heads, gallery and sensor views (each in Session's registry), their
// update steps (run the engine, load the sensor model), window.attn answers and what their windows may
// ask for. Plain C++ (no ImGui): src/ui draws it; every number shown comes from the engine through here.
// Test: tests/e2e/views.test.mjs, tests/unit/test_views_intents.cpp.
#pragma once

#include "views/sensor_store.h"
#include "models/attention_gallery.h"
#include "models/sensor_model.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace attn::views {

struct Session;

// The multi-head explorer: which source token asks, when an encoder head is under the magnifier (a
// decoder head's query is the playhead's step, Lab::state.step).
struct HeadsViewState {
    int query_row = 0;
};

// The gallery: its knobs and the examples the engine computed under them.
struct GalleryViewState {
    GalleryViewState() { options.backend = Backend::Simd; }  // as the translation lab runs
    GalleryOptions options;
    Gallery gallery;
    std::string error;   // why the last run failed ("" when it did not)
    long runs = 0;       // how many times the engine ran the gallery
    bool dirty = true;
    void run_if_needed();
};
// The gallery as the "gallery" method and attn.gallery() give it.
nlohmann::json gallery_to_json(const Gallery& g);
// The keys query_word, temperature, window, backend of args applied onto o (the others are kept); throws
// std::invalid_argument naming a key of the wrong type or value.
GalleryOptions gallery_options_from_json(const nlohmann::json& args, const GalleryOptions& o);

// Seed 000's sensor model on one held-out sample of the generator (samples it was not trained on).
struct SensorViewState {
    SensorViewState();         // opens on the first held-out pressure spike: a short event, easy to see
    SensorStore store;
    int sample = 0;            // held-out sample number, 0 .. kSensorHeldOutCount - 1
    std::optional<SensorEvent> find_next;  // asked: go to the next sample with this event (at the update)
    SensorSampleRun run;       // the engine's run on it (valid when has_run)
    bool has_run = false;
    std::string error;         // why the last run failed ("" when it did not)
    long runs = 0;
    bool dirty = true;
    uint64_t index() const { return kSensorHeldOutFirst + static_cast<uint64_t>(sample); }
    void set_sample(int s);
    void run_if_needed(const SensorModel* model);
    void use(std::unique_ptr<SensorModel> model) {  // SensorStore::use, and the sample run again with it
        store.use(std::move(model));
        dirty = true;
    }
};
// The next held-out sample after `from` (wrapping around) whose recorded event is e; from if none is.
int next_sensor_sample(int from, SensorEvent e);

// What the windows may ask for (applied after the frame's draw; the next update runs the engine).
void gallery_apply(GalleryViewState& g, const GalleryOptions& asked);  // the knobs' new options
struct SensorAsk {
    std::optional<int> sample;                // this held-out sample (wrapped into range)
    std::optional<SensorEvent> find_next;     // the next sample with this event (found by the update)
};
void sensor_apply(SensorViewState& v, const SensorAsk& asked);

// Update steps, run in the frame's update phase before anything is drawn (and by the API answers below,
// so that an answer is never stale): the engine runs only when the view's inputs changed.
void heads_update(Session& s);    // the lab's run, which the heads view reads
void gallery_update(Session& s);
void sensor_update(Session& s);   // loads the sensor model on first use, then runs it on the sample

// window.attn's answers about these views.
nlohmann::json heads_answer(Session& s, const nlohmann::json& args);        // "ui.heads"
nlohmann::json gallery_answer(Session& s, const nlohmann::json& args);      // "ui.gallery"
nlohmann::json set_gallery_answer(Session& s, const nlohmann::json& args);  // "ui.set_gallery"
nlohmann::json sensor_answer(Session& s, const nlohmann::json& args);       // "ui.sensor" ({"stages": true})
nlohmann::json set_sensor_answer(Session& s, const nlohmann::json& args);   // "ui.set_sensor" ({"sample": n})

}  // namespace attn::views
