// lab.h: the translation lab's state (what is on screen: model, text, tweaks, playhead) and its run:
// any change marks the lab dirty, and the next frame re-runs the engine into a new Translation.
// Plain C++ (no ImGui): the panels in src/ui draw a Lab, window.attn reads and writes it as JSON.
// Test: tests/e2e/lab.test.mjs (through the page), tests/unit/test_views_lab.cpp.
#pragma once

#include "models/translator.h"
#include "trace/stepper.h"
#include "views/strings.h"
#include "views/keys.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <vector>

namespace attn::views {

// Everything a link reproduces (the URL hash holds it) and window.attn.state() reports.
struct LabState {
    std::string model = "statquest";
    std::string text = "let's go";
    RunOptions options;
    int step = 0;                      // decoder step (output token) on the playhead
    int stage = 0;                     // index into that step's stages (see Lab::stages_of)
    std::string view = "translate";    // a row of the views table (app/view_table.cpp)
    std::string block = "";            // multi-head models: the block whose head plays ("dec.1.cross"); "" = last cross
    int head = 0;                      // ... and which head
    // The Compare view's models, 2 or 3 names of the models table (views/compare_view.h).
    std::vector<std::string> compare = {"statquest", "bahdanau", "transformer"};
    // The interface's language, a code of views/strings.h's languages ("en", "es"); the page sets it to
    // the browser's at start, a link's lang= overrides it.
    std::string lang = "en";
};

// One playable moment: a decoder step and one of its stages.
struct PlayItem {
    int step = 0;
    Stage stage = Stage::QueryKeys;
};

class Lab {
public:
    LabState state;
    const Translator* model = nullptr;  // the model of the last run (owned by the ModelStore)
    Translation result;        // the current run
    Translation unablated;     // the same run with every head on, when some head is ablated (else empty)
    std::string error;         // why the last run failed ("" when it did not)
    std::vector<PlayItem> playlist;
    Stepper stepper;
    long runs = 0;             // how many times the engine ran (tests check a tweak re-runs)
    // Who computed the numbers on screen: "scalar", "simd" or "webgpu" (views/lab_gpu.cpp replaces the
    // CPU's numbers with the GPU's when WebGPU is chosen), and a line saying so for the page.
    std::string computed_by = "simd";
    std::string computed_note;  // in English, for attn.state() (= note_text(computed, Lang::En))
    Note computed;              // the same, drawn in the visitor's language
    bool dirty = true;

    // Re-runs the engine when dirty and a model is given, then re-builds the playlist and puts the
    // playhead back on state.step / state.stage (clamped).
    void run_if_needed(const Translator* model);
    // Moves the playhead: the stepper (animation) and state.step/stage stay in sync through these.
    void sync_from_stepper();
    void seek(int step, int stage_index);
    void seek_step(int delta);  // to the first stage of the previous / next token
    // The stage steps of the views that show the lab: Space plays or pauses; Left and Right (and a
    // clicker's PageUp and PageDown) step one stage (with Shift, one token), pausing first.
    void key(Key k, bool shift);
    void set_text(const std::string& text);
    void set_model(const std::string& name);
    // Puts `next` on screen, paused: the engine re-runs (on the next update) when the model, text, tweaks
    // or head changed, else the playhead moves to next.step / next.stage. Returns whether it re-runs.
    bool replace_state(const LabState& next);

    // The attention call whose stages play at decoder step `step` (nullptr when there is none).
    const AttentionTrace* trace_at(int step) const;
    // Words of the model's source vocabulary that complete the last word being typed (at most max),
    // shortest first; empty when nothing is being typed (the text ends with a space) or nothing fits.
    std::vector<std::string> suggestions(size_t max = 8) const;
    // Replaces the last (partial) word of the text with `word` and a space.
    void complete_word(const std::string& word);
    // The stages of a step, in order: 1 query/keys, 2 scores, 3 scale (when it scales),
    // 4 mask (when something is masked), 5 softmax, 6 context, 7 output.
    std::vector<Stage> stages_of(int step) const;
    const PlayItem* current() const;
};

nlohmann::json lab_state_to_json(const LabState& s);
// Applies the keys present in j onto s; a key of the wrong type or an unknown value is skipped with a
// message in *warnings (the rest still applies). view_ids: the views a state may name (the views table's
// ids, app/view_table.cpp); model_known: the models "compare" may name (by default the models table's;
// the page's store adds the model files the visitor gave it, ModelStore::known).
void lab_state_apply_json(LabState& s, const nlohmann::json& j, std::vector<std::string>* warnings,
                          const std::vector<std::string>& view_ids,
                          const std::function<bool(const std::string&)>& model_known = {});

// Rows of a matrix as nested arrays; -inf (a masked score) and other non-finite values as strings,
// which JSON lacks.
nlohmann::json matrix_json(const Mat& m);
nlohmann::json trace_to_json(const AttentionTrace& t);
nlohmann::json translation_to_json(const Translation& t, bool with_stage_values);

}  // namespace attn::views
