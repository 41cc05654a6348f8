// heads_panel.h: the multi-head explorer view: layers x heads grids of every attention block, the head
// under the magnifier (its stages for one query, every head's Q.K scores) and head ablation with the
// output beside the all-heads-on one. Draws a const Lab's run, returns clicks as lab intents; computes no
// attention; the .cpp holds the view's row. Test: tests/e2e/views.test.mjs.
#pragma once

#include "views/lab.h"
#include "views/model_store.h"
#include "views/view_states.h"
#include "ui/lab_panels.h"

namespace attn::ui {

void draw_heads_view(const views::Lab& lab, const views::ModelStore& store, const views::HeadsViewState& view, float top,
                     LabAsks& asked);

}  // namespace attn::ui
