// seed001_panel.h: the first window: seed 001's scaled dot-product attention step, drawn stage by
// stage from the engine's AttentionTrace (no math here but interpolation of the reveal).
// Test: tests/e2e/page.test.mjs clicks its buttons and reads attn.state().
#pragma once

#include "trace/stepper.h"
#include "trace/trace.h"

namespace attn::ui {

// The stages this example has (nothing is masked, so no Mask stage).
constexpr Stage kSeed001Stages[] = {Stage::QueryKeys, Stage::Scores, Stage::Scale, Stage::Softmax, Stage::Context};
constexpr int kSeed001StageCount = 5;

void draw_seed001_panel(const AttentionTrace& t, Stepper& stepper);

}  // namespace attn::ui
