// heads_panel.h: the multi-head explorer view: layers x heads grids of the transformer's encoder
// self-attention, masked decoder self-attention and cross-attention (each head a small heatmap of its
// weights), the head under the magnifier with its stages for one query token and every head's Q.K scores
// for that token, and head ablation (checkboxes -> RunOptions::head_mask -> the engine re-decodes in the
// next frame's update) with the output beside the all-heads-on output. Draws views::head_blocks of a const
// Lab's run and returns clicks as lab intents; computes no attention. heads_panel.cpp also holds the Heads
// view's row of the views table. Test: tests/e2e/views.test.mjs.
#pragma once

#include "views/lab.h"
#include "views/model_store.h"
#include "views/view_states.h"
#include "ui/lab_panels.h"

namespace attn::ui {

void draw_heads_view(const views::Lab& lab, const views::ModelStore& store, const views::HeadsViewState& view, Rect where,
                     LabAsks& asked);

}  // namespace attn::ui
