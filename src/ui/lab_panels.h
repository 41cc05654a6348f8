// lab_panels.h: the translation lab's windows. They draw the Lab's Translation (the engine's trace)
// at the playhead and turn clicks into Lab changes; they never compute attention themselves.
// Test: tests/e2e/lab.test.mjs drives them through the page.
#pragma once

#include "views/lab.h"
#include "views/model_store.h"

namespace attn::ui {

struct Rect { float x, y, w, h; };

// Source text, model picker, playback controls, the output so far.
void draw_translate_panel(views::Lab& lab, views::ModelStore& store, Rect where);
// The current decoder step's current stage, animated by the stepper's progress.
void draw_stage_panel(const views::Lab& lab, Rect where);
// Output tokens x source tokens, growing with the steps decoded so far; hover shows the weight.
void draw_heatmap_panel(const views::Lab& lab, Rect where);
// Temperature, soft / hard / top-k, scaling, embedding nudge: each change re-runs the engine.
void draw_tweak_panel(views::Lab& lab, Rect where);

}  // namespace attn::ui
