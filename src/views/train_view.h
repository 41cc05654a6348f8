// train_view.h: the Train view's plain-C++ side: what the learner set (task, model, sizes, learning rate,
// batch, seed, probe sentence), the training engine's tables and the run as the page reports them, the
// timeline's place among the snapshots, and what the view's buttons ask the page to do. Training itself
// runs in a Web Worker (web/train_worker.js, src/train/train_run.h): web/train.js pushes its tables and
// every state it receives here (the "ui.train_update" method), so every number the view draws is the
// training engine's. Not the drawing (ui/train_panel.cpp) and not the training.
// Test: tests/unit/test_views_train.cpp, tests/e2e/train_view.test.mjs.
#pragma once

#include "views/keys.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace attn::views {

// A row of the training engine's tasks or models table (train_run.h), as the page reported it.
struct TrainTableRow {
    std::string id;           // "reverse", "lstm-dot"
    std::string description;  // English, from the engine's table (the view shows strings "train.task.<id>")
    std::string probe;        // tasks: the probe a run starts with (a sentence; the sensor's: a held-out series number)
    std::string pattern;      // tasks: "none", "diagonal", "anti-diagonal", "event"
    int max_layers = 0;       // models: the most layers it may have (Bahdanau's: 1)
    std::vector<std::string> uses;  // models: the settings it reads of embed, heads, normalizer
    std::string kind = "translate";  // "translate", or "classify" (the sensor): a task trains the models of its kind
};

// The bounds of the settings (TrainBounds), as the page reported them.
struct TrainLimits {
    int width_min = 2, width_max = 64;
    int layers_min = 1, layers_max = 2;
    int batch_min = 1, batch_max = 64;
    float lr_min = 1e-4f, lr_max = 0.1f;
    int top_k_min = 1, top_k_max = 8;
    int heads_min = 1, heads_max = 4;
    int probe_words = 8;
    int probe_series = 200;  // the sensor task's held-out series: its probe is one of them, 0 to probe_series - 1
};

// What the learner set: the settings of the next run (attn.train.start's options).
struct TrainForm {
    std::string task = "reverse";
    std::string model = "lstm-dot";
    int embed = 16, hidden = 32, layers = 1, batch = 16;
    int heads = 2;                    // the Transformer's heads per block (hidden is a multiple of it)
    float lr = 0.01f;
    std::string normalizer = "soft";  // a row of the lab's normalizers table (nn/normalizers.h)
    int top_k = 2;                    // read when the normalizer uses k
    uint32_t seed = 1;
    std::string backend = "simd";
    std::string probe;  // "" : the task's probe
};
nlohmann::json train_form_json(const TrainForm& f);  // {task, model, embed, ..., probe when set}
// The same run: every setting equal (the learning rate within float rounding; k only for a normalizer that
// uses it), the probe aside.
bool same_run_settings(const TrainForm& a, const TrainForm& b);

// One alignment of the probe: rows are output words (then <EOS>), columns input words.
struct TrainAlignment {
    int step = 0;
    double loss = 0.0;         // snapshots: mean training loss since the snapshot before
    int rows = 0, cols = 0;
    std::vector<float> cells;  // rows x cols, row by row
    // The Transformer: every decoder layer's cross-attention heads, layer by layer (layers x heads of
    // them, each rows x cols, row by row); cells is the last layer's heads averaged. Empty otherwise.
    std::vector<std::vector<float>> heads;
    // The probe it is of (the probe may change during a run; the sensor's: a series number) and, for a
    // translation task, its words: the columns (input) and the rows (output, then <EOS>).
    std::string probe;
    std::vector<std::string> col_words, row_words;
    float at(int r, int c) const { return cells[static_cast<size_t>(r * cols + c)]; }
    float head_at(int k, int r, int c) const { return heads[static_cast<size_t>(k)][static_cast<size_t>(r * cols + c)]; }
};

struct TrainEvalPoint {
    int step = 0;
    double loss = 0.0, exact_match = 0.0;  // the sensor: exact_match is the held-out accuracy
    double near_event = -1.0;              // the sensor: mean attention near the event (-1: a translation task)
};

// The sensor task's probe: a held-out series, its readings and event, and what the model makes of it now.
struct TrainSeries {
    int steps = 0, channels = 0;
    std::vector<float> values;  // steps x channels, step by step, in each channel's unit
    std::vector<std::string> channel_names, units, classes;
    std::string event;          // the event injected ("normal": none)
    int event_start = -1, event_width = 0, margin = 0;  // its window, and the steps either side attention counts
    std::vector<float> probs;   // the model's probability of each class, now
    float at(int t, int c) const { return values[static_cast<size_t>(t * channels + c)]; }
    bool near_event(int t) const { return event_width > 0 && t >= event_start - margin && t < event_start + event_width + margin; }
};

struct TrainViewState {
    // The tables: asked of the page once the view is first on screen (the worker starts then).
    bool tables_asked = false;
    bool has_tables = false;
    std::vector<TrainTableRow> tasks, models;
    TrainLimits limits;
    // The kind of a task or model of the tables ("translate" when unknown); the first model of a kind.
    std::string kind_of(const std::vector<TrainTableRow>& rows, const std::string& id) const {
        for (const TrainTableRow& r : rows)
            if (r.id == id) return r.kind;
        return "translate";
    }
    bool classifies(const std::string& task) const { return kind_of(tasks, task) == "classify"; }

    TrainForm form;

    // The run, as the page last reported it.
    std::string status = "idle";  // idle (no run), running, paused, failed
    std::string error;            // why the last request failed ("" when it did not)
    bool has_run = false;
    int generation = -1;          // the worker's run number: states of an older run are ignored
    TrainForm run_settings;
    int step = 0;
    long examples = 0;
    double examples_per_s = 0.0;
    int train_pairs = 0, held_out_pairs = 0;
    long parameter_count = 0;
    int grid_layers = 0, grid_heads = 0;  // the Transformer's grid: decoder layers x heads (0 x 0: none)
    std::vector<float> losses;           // every step's mean training loss, step 1 first
    std::vector<TrainEvalPoint> evals;   // held-out loss and exact match, step 0 first
    std::string kind = "translate";      // the run's task's kind: "classify" draws a series, not a sentence
    std::string probe_source, probe_target, probe_output, pattern;
    TrainSeries series;                  // the sensor's probe (kind "classify")
    std::vector<std::string> probe_cols;  // its input words (the sensor's: the hours); the alignment has its own words
    TrainAlignment probe;                // the probe's alignment now
    double pattern_mass = -1.0;          // -1: the task has no pattern
    std::vector<TrainAlignment> snapshots;
    long updates = 0;                    // reports of the training engine received: its tables, its states

    // The timeline: the snapshot shown, or -1 for the alignment now (it follows the training).
    int shown = -1;
    bool replaying = false;   // the timeline plays from the shown snapshot to now
    double replay_clock = 0.0;

    // The most layers the form's model may have (the models table's; the bounds' when the model is unknown).
    int max_layers(const std::string& model) const {
        for (const TrainTableRow& m : models)
            if (m.id == model && m.max_layers > 0) return std::min(m.max_layers, limits.layers_max);
        return limits.layers_max;
    }
    // Whether the form's model reads a setting of embed, heads, normalizer (the models table's; an unknown
    // model reads the LSTMs' embed and normalizer).
    bool model_uses(const std::string& model, const std::string& setting) const {
        for (const TrainTableRow& m : models)
            if (m.id == model) return std::find(m.uses.begin(), m.uses.end(), setting) != m.uses.end();
        return setting != "heads";
    }
    const TrainAlignment& shown_alignment() const {
        return shown >= 0 && shown < static_cast<int>(snapshots.size()) ? snapshots[static_cast<size_t>(shown)] : probe;
    }
};

// What the view's controls ask for: new settings, a place on the timeline, a replay. (Its buttons that
// ask the page to train are page actions: ui/train_panel.cpp.)
struct TrainAsk {
    std::optional<TrainForm> form;
    std::optional<int> shown;        // a snapshot index, or -1 for now
    std::optional<bool> replay;      // start (true) or stop (false) replaying the timeline
};
void train_apply(TrainViewState& v, const TrainAsk& a);
// Left and Right move the timeline a snapshot; Space starts or stops the replay.
void train_key(TrainViewState& v, Key k);
// The replay: 8 snapshots a second, then it stops on now.
void train_tick(TrainViewState& v, double dt);

// The page's report (the "ui.train_update" method): any of {"tables": attn.train.tables()}, {"status",
// "error"} and {"state": a worker's state, whose losses and evaluations are those since the last, its
// snapshots left out when they have not changed}. Throws std::invalid_argument for a malformed report, and
// then changes nothing.
void train_view_report(TrainViewState& v, const nlohmann::json& report);
// Its part of attn.state(): the form, the status, the counts and what the timeline shows.
nlohmann::json train_view_json(const TrainViewState& v);

// The seed "New seed" moves to (a fixed scramble of the last, below 2^31: the same sequence every visit).
uint32_t train_next_seed(uint32_t seed);

// What a button asks of the page, as Module.onPageAction("train", detail) carries it (JSON):
//   "train"    -> {"do": "resume"} when the run on screen has the form's settings, else {"do": "start",
//                 "settings": the form} (a new run from random weights)
//   "pause"    -> {"do": "pause"}
//   "step"     -> {"do": "step", "n": 1}, or a new run started paused and stepped once
//   "reset"    -> {"do": "reset"}: the run's settings from step 0, paused
//   "new-seed" -> {"do": "start", "settings": the form with train_next_seed's seed, "paused": true}
//   "probe"    -> {"do": "probe", "text": the form's probe}
//   "use", "download", "tables" -> {"do": what}
// Throws std::invalid_argument for another word.
std::string train_action(const TrainViewState& v, const std::string& what);

}  // namespace attn::views
