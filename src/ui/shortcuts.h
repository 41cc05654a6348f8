// shortcuts.h: the keyboard shortcuts dialog (the ? key, or the view bar's "?" button): every shortcut of
// the page in one card, in the interface's language, its lines also texts of the accessibility mirror;
// Escape or Close shuts it. Whether it shows is the shell's state (app/page.h). Not the keys themselves
// (app.cpp, web/mirror.js). Test: tests/e2e/access.test.mjs.
#pragma once

namespace attn::ui {

// One row per shortcut: the keys and what they do (strings-table ids).
struct ShortcutRow {
    const char* keys_id;
    const char* does_id;
};
const ShortcutRow* shortcut_rows(int* count);

// Draws the card over everything, centered; returns false when Close was pressed this frame.
bool draw_shortcuts();

}  // namespace attn::ui
