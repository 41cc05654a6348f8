// fonts.h: the UI font, crisp at any device pixel ratio. A real TTF (DejaVu Sans, from Debian's
// fonts-dejavu-core) is rasterized at size x DPR and drawn at io.FontGlobalScale = 1 / DPR, so one
// texel lands on one device pixel; the atlas is rebuilt when the DPR or the size changes.
// Not the theme (theme.h). Test: tests/e2e/page_habits.test.mjs (atlas size at DPR 1, 2, and after a change),
// tests/e2e/faults.test.mjs (a rebuilt atlas's upload draws the renderer's pixels, and survives a lost context).
#pragma once

#include <string>
#include <vector>

namespace attn::ui {

// The TTF's bytes (kept: every rebuild reads them) and a name for reports. Empty bytes: ImGui's
// built-in bitmap font, scaled (blurry above DPR 1; only when the TTF could not be read).
void set_font_data(std::vector<unsigned char> ttf, std::string name);

// The font size in CSS pixels for a screen `css_width` wide: 15 px, 16 px on phones, where a
// finger needs larger targets and the eye is closer to small text.
float font_size_for_width(float css_width);

// Makes the atlas match (dpr, size); returns true when it was rebuilt. Call before ImGui::NewFrame.
// The renderer uploads the first atlas itself (in its first NewFrame); a rebuilt one is uploaded here,
// without an RGBA copy of the whole atlas.
bool fonts_follow(float dpr, float size_css);

// After a lost WebGL context comes back, before the renderer is made again: forgets the texture (its
// name belonged to the lost context), so the renderer's next NewFrame uploads the atlas afresh.
void fonts_context_lost();

struct FontReport {
    std::string name;         // "DejaVuSans.ttf" or "ImGui default (ProggyClean)"
    float size_css = 0;       // requested size in CSS pixels
    float dpr = 0;            // device pixel ratio the atlas was built for
    float raster_px = 0;      // size the glyphs were rasterized at (size_css x dpr)
    float global_scale = 1;   // io.FontGlobalScale (1 / dpr)
    int atlas_w = 0, atlas_h = 0;
    int builds = 0;           // how many times the atlas was built
};
const FontReport& font_report();

}  // namespace attn::ui
