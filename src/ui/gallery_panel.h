// gallery_panel.h: the gallery view: each attention type of seed 001 as a small live example (its
// weights, what makes it that type, a paragraph in plain words) and the score functions side by side on
// one query and keys. It draws a const views::GalleryViewState's Gallery (the engine's traces) and returns
// the options its knobs ask for; the next frame's update re-runs the engine. gallery_panel.cpp also holds
// the Gallery view's row of the views table. Test: tests/e2e/views.test.mjs.
#pragma once

#include "views/view_states.h"
#include "ui/widgets.h"

#include <optional>

namespace attn::ui {

// The options asked for, when a knob changed.
std::optional<GalleryOptions> draw_gallery_view(const views::GalleryViewState& g, Rect where);

}  // namespace attn::ui
