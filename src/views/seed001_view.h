// seed001_view.h: the Seed 001 view's state: the engine's trace of seed 001's scaled dot-product step
// (models/seed_examples.h) and the stepper that reveals it stage by stage. Plain C++: ui/seed001_panel.cpp
// draws it. Test: tests/e2e/page.test.mjs (clicks its buttons, reads attn.state().seed001).
#pragma once

#include "trace/stepper.h"
#include "trace/trace.h"

namespace attn::views {

// The stages this example has (nothing is masked, so no Mask stage).
constexpr Stage kSeed001Stages[] = {Stage::QueryKeys, Stage::Scores, Stage::Scale, Stage::Softmax, Stage::Context};
constexpr int kSeed001StageCount = 5;

struct Seed001ViewState {
    AttentionTrace trace;  // the engine's trace of seed 001's example (computed once, by seed001_init)
    Stepper stepper;
    long runs = 0;         // how many times the engine ran the example
};
void seed001_init(Seed001ViewState& v);

}  // namespace attn::views
