// seed001_panel.h: the first window: seed 001's scaled dot-product attention step, drawn stage by
// stage from the engine's AttentionTrace (no math here but interpolation of the reveal).
// Test: tests/e2e/page.test.mjs clicks its buttons and reads attn.state().
#pragma once

#include "views/seed001_view.h"

namespace attn::ui {

using views::kSeed001StageCount;
using views::kSeed001Stages;

void draw_seed001_panel(const AttentionTrace& t, Stepper& stepper);

}  // namespace attn::ui
