// views_layout.h: where the heads, gallery and sensor views go on screen, below the view bar. The app's
// frame calls it after the view bar; it draws the view named in lab.state.view when it is one of these.
// Test: tests/e2e/views.test.mjs.
#pragma once

namespace attn::app {
struct App;
}

namespace attn::ui {

// Returns true when it drew the current view (the frame is then complete).
bool draw_views(app::App& app, float top);

}  // namespace attn::ui
