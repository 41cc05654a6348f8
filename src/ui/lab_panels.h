// lab_panels.h: the translation lab's windows. They draw a const Lab's Translation (the engine's trace)
// at the playhead and return what was clicked as intents (views/lab_intents.h); they never compute
// attention and change nothing themselves. lab_panels.cpp also holds the Translate view's row.
// Test: tests/e2e/lab.test.mjs drives them through the page, tests/unit/test_views_intents.cpp.
#pragma once

#include "ui/widgets.h"
#include "views/lab.h"
#include "views/lab_intents.h"
#include "views/model_store.h"

#include <vector>

namespace attn::ui {

using LabAsks = std::vector<views::LabIntent>;

// Source text, model picker, playback controls, the output so far.
// verbosity: how much the live region says (the narration control shows it).
void draw_translate_panel(const views::Lab& lab, const views::ModelStore& store, views::Verbosity verbosity, Rect where,
                          LabAsks& asked);
// The current decoder step's current stage, animated by the stepper's progress.
void draw_stage_panel(const views::Lab& lab, Rect where);
// Output tokens x source tokens, growing with the steps decoded so far; hover shows the weight.
void draw_heatmap_panel(const views::Lab& lab, Rect where);
// Temperature, soft / hard / top-k, scaling, embedding nudge: each change asks for a re-run.
void draw_tweak_panel(const views::Lab& lab, Rect where, LabAsks& asked);

}  // namespace attn::ui
