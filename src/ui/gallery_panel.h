// gallery_panel.h: the gallery view: each attention type of seed 001 as a small live example (its
// weights, what makes it that type, a paragraph in plain words) and the score functions side by side on
// one query and keys. It draws views::GalleryViewState's Gallery (the engine's traces); its knobs change
// the options; the next frame's update re-runs the engine. Test: tests/e2e/views.test.mjs.
#pragma once

#include "views/view_states.h"
#include "ui/lab_panels.h"

namespace attn::ui {

void draw_gallery_view(views::GalleryViewState& g, Rect where);

}  // namespace attn::ui
