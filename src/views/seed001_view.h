// seed001_view.h: the Seed 001 view, all of its plain-C++ side in one header: its state (the engine's
// trace of seed 001's scaled dot-product step, models/seed_examples.h, and the stepper that reveals it
// stage by stage), what its window may ask for, and how that is applied. ui/seed001_panel.cpp draws it
// and holds its row of the views table. Test: tests/unit/test_views_intents.cpp, tests/e2e/page.test.mjs.
#pragma once

#include "models/seed_examples.h"
#include "trace/stepper.h"
#include "trace/trace.h"
#include "views/keys.h"

#include <nlohmann/json.hpp>

namespace attn::views {

// The stages this example has (nothing is masked, so no Mask stage).
constexpr Stage kSeed001Stages[] = {Stage::QueryKeys, Stage::Scores, Stage::Scale, Stage::Softmax, Stage::Context};
constexpr int kSeed001StageCount = 5;

struct Seed001ViewState {
    // The example is tiny (4 keys of 8 numbers): the engine runs it once, when the state is made.
    Seed001ViewState() : trace(seed001_scaled_dot_example(Backend::Simd)), runs(1) {
        stepper.set_stage_count(kSeed001StageCount);
        stepper.seek(0);
    }
    AttentionTrace trace;  // the engine's trace of seed 001's example
    Stepper stepper;
    long runs = 0;         // how many times the engine ran the example
};

// What its buttons (and the keys Space, Left, Right) ask for.
enum class Seed001Ask { Back, TogglePlay, Next, Restart };

inline void seed001_apply(Seed001ViewState& v, Seed001Ask a) {
    Stepper& s = v.stepper;
    switch (a) {
        case Seed001Ask::Back: s.step_back(); break;
        case Seed001Ask::TogglePlay: s.toggle(); break;
        case Seed001Ask::Next: s.step_forward(); break;
        case Seed001Ask::Restart: s.restart(); s.pause(); s.seek(0); break;
    }
}

// Its keys: Space plays or pauses, Left and Right (PageUp, PageDown) step a stage (as its buttons).
inline void seed001_key(Seed001ViewState& v, Key pressed) {
    const Key k = clicker_as_arrow(pressed);
    if (k == Key::Space) seed001_apply(v, Seed001Ask::TogglePlay);
    if (k == Key::Left) seed001_apply(v, Seed001Ask::Back);
    if (k == Key::Right) seed001_apply(v, Seed001Ask::Next);
}

// Its part of attn.state(): where the stepper is.
inline nlohmann::json seed001_state_json(const Seed001ViewState& v) {
    const Stepper& s = v.stepper;
    return {{"stage", s.stage()}, {"stage_count", s.stage_count()},
            {"stage_name", stage_name(kSeed001Stages[s.stage()])}, {"playing", s.playing()}};
}

}  // namespace attn::views
