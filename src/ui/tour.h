// tour.h: the first-run tour: six short cards, each pointing at a real panel or control (outlined
// on screen), with Next and Skip. It does not block the panels: a visitor can try what a card points
// at while it shows. Whether it starts, and remembering that it ended, is the page's business
// (web/page.js: localStorage, ?tour=0). Test: tests/e2e/page_habits.test.mjs.
#pragma once

namespace attn::ui {

enum class TourEvent { None, Finished, Skipped };

int tour_step_count();
const char* tour_step_target(int step);  // the widget id or "window:<window id>" the card points at

// Draws card `step` (advanced in place by Next); returns how the tour ended this frame, if it did.
// Call after every panel, so the target's rectangle is this frame's.
// still: no pulsing outline (prefers-reduced-motion).
TourEvent draw_tour(int& step, bool still = false);

}  // namespace attn::ui
