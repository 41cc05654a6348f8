// presenter_bar.h: presenter mode on screen: switching it on and off (high-contrast theme, sizes and type
// scaled by views::kPresentScale), and the bar that replaces the view bar while presenting: Exit, the
// lab's panel buttons, the lesson's Back / Next and its writing tools (Add this step, Copy lesson link,
// Save lesson), and the large caption. Not the state (views/presenter.h) nor the page's side (web/page.js).
// Test: tests/e2e/present.test.mjs.
#pragma once

#include "views/presenter.h"
#include "views/session.h"

namespace attn::ui {

// Turns presenter mode on or off: the theme (Contrast while on; the previous one back after) and the
// size of ImGui's widgets; the fonts follow ui_scale() in the shell's next frame. Posts the page action
// "present" ("on" / "off") so the page keeps ?present=1 in its address.
void set_presenting(views::Session& s, bool on);

// The bar at the top while presenting; returns its height and what was asked (applied after the frame).
float draw_presenter_bar(const views::Session& s, views::Intents& asked);

}  // namespace attn::ui
