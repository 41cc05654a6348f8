// theme.h: light, dark and high-contrast themes: ImGui's style colors plus the few colors the panels
// choose themselves (accents, warnings, the clear color behind the windows), and the scale of ImGui's
// sizes (padding, spacing, rounding) for presenter mode. The page's own background follows through the
// "theme" page action (web/page.js). Not fonts (fonts.h).
// Test: tests/e2e/page_habits.test.mjs (toggle in the view bar; pixels of the background).
#pragma once

#include "imgui.h"

#include <string>
#include <vector>

namespace attn::ui {

// Contrast: white on black with a yellow accent, for a projector (presenter mode); the view bar's switch
// offers light and dark only.
enum class Theme { Dark, Light, Contrast };
const char* theme_name(Theme t);                   // "dark", "light", "contrast"
bool parse_theme(const std::string& name, Theme* out);

// The colors panels pick by meaning rather than by value, readable on either background.
struct Palette {
    ImVec4 clear;     // behind every window (and the page's background)
    ImVec4 accent;    // the current stage, the chosen word, highlights
    ImVec4 warning;   // notices, unknown words, loading
    ImVec4 error;     // a failure
    ImVec4 done;      // stages already shown
    ImVec4 to_come;   // stages still to come
    ImVec4 good;      // a right answer, an unchanged output
    ImVec4 focus;     // the ring around the widget whose element has the keyboard focus (3:1 on a panel)
};

void apply_theme(Theme t);   // sets ImGui's style colors; call between frames

// A color drawn on another, as the theme draws it (both opaque, blended as the renderer blends them):
// `control` pairs need 3:1 (a control's edge, its check mark), the others are text and need 4.5:1.
// Every pair the panels draw, for a test to measure (tests/e2e/access.test.mjs).
struct ColorPair {
    std::string what;
    ImVec4 fg, bg;
    bool control = false;
};
std::vector<ColorPair> color_pairs(Theme t);

// The two scales numbers are drawn in, sampled at `steps` + 1 even points and blended on the theme's panel
// as drawn: weights 0..1 (heatmaps) and values -1..1 (vectors, scores: blue - white - orange). A test
// checks they stay readable under the common color-vision deficiencies (tests/e2e/access.test.mjs).
struct ColorScales {
    std::vector<ImVec4> weight, diverging;
};
ColorScales color_scales(Theme t, int steps);

// A weight's cell in the heatmaps (0..1: transparent to orange), and the ink for a number printed on a
// cell of color `cell` (as blended on its panel): black or white, whichever contrasts more.
ImU32 weight_cell_color(float w);
ImU32 heatmap_ink(ImVec4 cell);
// The same for a cell drawn on the current theme's panel (the cell's alpha blended over it).
ImU32 ink_on(ImU32 cell);
Theme current_theme();
// The current theme's colors. The object stays the same and its colors change with the theme, so a
// panel may keep `const ImVec4& kAccent = palette().accent;`.
const Palette& palette();

// ImGui's sizes (padding, spacing, rounding, scrollbars) at `scale` times its defaults; the fonts follow
// ui_scale() in the shell (fonts_follow). 1 normally, views::kPresentScale while presenting.
void set_ui_scale(float scale);
float ui_scale();

}  // namespace attn::ui
