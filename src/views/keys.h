// keys.h: the keyboard shortcuts a view can be sent, delivered from key-down events (ImGui 1.86 polls
// key state once a frame and would miss a press and release that arrive in the same frame). The shell
// handles Escape and Enter (the tour); the current view's row (ui/view_row.h) the others, and
// lab_key (lab.h) when the row has no keys of its own. Not the key bindings of the browser (web/page.js).
// Test: tests/e2e/page.test.mjs (the keyboard case), tests/unit/test_views_intents.cpp.
#pragma once

namespace attn::views {

// Help: the ? key (the shortcuts dialog).
enum class Key { Space, Left, Right, Escape, Enter, PageUp, PageDown, Help };

// PageUp and PageDown (what presentation clickers send) step as Left and Right do.
inline Key clicker_as_arrow(Key k) { return k == Key::PageUp ? Key::Left : k == Key::PageDown ? Key::Right : k; }

}  // namespace attn::views
