// gallery_panel.h: the gallery view: each attention type of seed 001 as a small live example (its
// weights, what makes it that type, a paragraph in plain words) and the score functions side by side on
// one query and keys. It draws app::GalleryViewState's Gallery (the engine's traces); its knobs change
// the options and re-run the engine in the same frame. Test: tests/e2e/views.test.mjs.
#pragma once

#include "app/views.h"
#include "ui/lab_panels.h"

namespace attn::ui {

void draw_gallery_view(app::GalleryViewState& g, Rect where);

}  // namespace attn::ui
