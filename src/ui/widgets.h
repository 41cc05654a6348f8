// widgets.h: small ImGui drawing helpers shared by the panels (vector strips, weight bars, colors),
// and the registry of widget rectangles that lets tests click a button as a person would.
// Not a place for math: widgets draw numbers they are given. Test: tests/e2e (through the page).
#pragma once

#include "imgui.h"

#include <map>
#include <string>
#include <vector>

namespace attn::ui {

// A place on screen, in pixels.
struct Rect { float x, y, w, h; };

// A fixed panel of a view's layout (its draw places it): the user neither moves, resizes nor folds it.
constexpr ImGuiWindowFlags kPanel = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse;

// A diverging color for a value in [-range, range]: blue for negative, orange for positive.
ImU32 value_color(float v, float range, float alpha = 1.0f);

// A row of cells, one per value, colored by value, the number printed inside when it fits.
// Hovering a cell shows `label[i] = value` at full precision. reveal in 0..1 draws cells progressively.
void vector_strip(const char* label, const float* values, int n, float range, float reveal = 1.0f,
                  float cell_width = 46.0f);

// Horizontal bars for weights in [0, 1] with their values; hover shows the exact value.
void weight_bars(const char* label, const float* weights, int n, float reveal = 1.0f);

// The (?) marker with a tooltip, as in imgui_demo.cpp.
void help_marker(const char* text);

// What the panels drew this frame, by label: every number a vector strip or a bar chart showed, so
// tests can check through window.attn that the screen equals the engine's trace.
const std::map<std::string, std::vector<float>>& shown_values();
void record_shown(const std::string& label, const float* values, int n);

// Records the last item's rectangle under `id`, so window.attn can report where it is on screen.
void register_widget(const std::string& id);
struct WidgetRect { float x, y, w, h; int frame; };
const std::map<std::string, WidgetRect>& widget_rects();
void begin_frame_registry(int frame);
int registry_frame();  // the frame begin_frame_registry last started (a rect from it was drawn this frame)

}  // namespace attn::ui
