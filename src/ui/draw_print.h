// draw_print.h: the fingerprint of what a frame would put on screen: ImGui's draw data (every vertex,
// index and command: clip rectangles, textures, offsets), the framebuffer's size, the clear colour
// and the font atlas's build. The page draws a frame only when its fingerprint differs from the last
// drawn one: a page nobody is using still runs its frames (input, the engine's updates, the mirror)
// but leaves WebGL idle. Measured in headless Chromium: an idle page kept a core busy, nearly all of
// it (8.9 of 10 CPU s) in the GPU process rasterizing frames identical to the last.
// Not the decision itself (app/main.cpp: a restored context draws at once; the native app, whose
// loop presents a back buffer every frame, draws every frame). Test:
// tests/e2e/redraw.test.mjs (an idle page draws nothing; input, animation and a theme change draw).
#pragma once

#include <cstdint>

struct ImDrawData;

namespace attn::ui {

// 64-bit; equal prints mean equal pixels (a collision would leave one frame stale, at odds of 2^-64).
uint64_t draw_print(const ImDrawData& data, int fb_w, int fb_h, const float clear_rgb[3]);

}  // namespace attn::ui
