// widgets.h: small ImGui drawing helpers shared by the panels (vector strips, weight bars, colors),
// and the registry of widget rectangles that lets tests click a button as a person would.
// Not a place for math: widgets draw numbers they are given. Test: tests/e2e (through the page).
#pragma once

#include "imgui.h"
#include "views/strings.h"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace attn::ui {

// The interface's texts (views/strings.h): tr(id) in the visitor's language, trf(id, ...) formatted.
using views::tr;
using views::trf;
// A label that is also an ImGui id (window titles, buttons, combos): the text in the current language,
// the id after "###", so positions, focus and tests do not change when the language does.
std::string label_id(const char* text_id, const char* stable_id = nullptr);

// A place on screen, in pixels.
struct Rect { float x, y, w, h; };

// A fixed panel of a view's layout (its draw places it): the user neither moves, resizes nor folds it.
constexpr ImGuiWindowFlags kPanel = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse;
// A panel whose pictures (vector strips, heatmaps, charts: numbers laid out in two dimensions) may be wider
// than a narrow screen: it scrolls sideways there (WCAG 1.4.10 allows it for such content); its controls
// still wrap (same_line_if_fits), and text that does not fit is measured as in any panel.
constexpr ImGuiWindowFlags kPicturePanel = kPanel | ImGuiWindowFlags_HorizontalScrollbar;

// A diverging color for a value in [-range, range]: blue for negative, orange for positive.
ImU32 value_color(float v, float range, float alpha = 1.0f);

// A row of cells, one per value, colored by value, the number printed inside when it fits.
// Hovering a cell shows `label[i] = value` at full precision. reveal in 0..1 draws cells progressively.
// `label` is also the key under which shown_values() records the numbers; `text` (when given) is what
// the screen prints instead, e.g. the label in the visitor's language.
void vector_strip(const char* label, const float* values, int n, float range, float reveal = 1.0f,
                  float cell_width = 46.0f, const char* text = nullptr);

// Horizontal bars for weights in [0, 1] with their values; hover shows the exact value.
void weight_bars(const char* label, const float* weights, int n, float reveal = 1.0f, const char* text = nullptr);

// The (?) marker with a tooltip, as in imgui_demo.cpp.
void help_marker(const char* text);

// A combo box over `options`, drawn (ImGui::BeginCombo) and mirrored (mirror_select, under `mirror_id`
// and the accessible `name`): returns the index picked this frame by a click or through the mirror, else
// -1. `selected` may be -1 (none); `preview` is what the closed box shows; `tip`, when given, makes the
// tooltip of the option under the pointer (called only then, not every frame). Options may repeat (each
// has its own ImGui id).
int combo(const char* label, const std::string& mirror_id, const std::string& name, const std::vector<std::string>& options,
          int selected, const char* preview, const std::function<std::string(int)>& tip = nullptr);

// Flowing items that wrap: stays on the last item's line (ImGui::SameLine) when the next item, `width`
// pixels wide, still fits before the window's right edge, `spacing` pixels after it (the style's item
// spacing when negative); else the next item starts a new line.
void same_line_if_fits(float width, float spacing = -1.0f);
// The width of a button showing `text` (its text and the frame's padding), for same_line_if_fits.
float button_width(const char* text);
// The width of a radio button labelled `label` (its circle and its label, text after "##" hidden).
float radio_width(const char* label);
// The width of the (?) help marker that follows an item (help_marker), with the spacing before it.
float help_marker_width();
// The width of a field `field_w` pixels wide followed by its label and, with `help`, its (?) marker.
float labelled_width(float field_w, const char* label, bool help = true);
// A field's width: `ems` font sizes, less on a narrow screen so that its label and (?) still fit on its
// line, but never under 3 font sizes.
float field_width(float ems, const char* label);

// What the panels drew this frame, by label: every number a vector strip or a bar chart showed, so
// tests can check through window.attn that the screen equals the engine's trace.
const std::map<std::string, std::vector<float>>& shown_values();
void record_shown(const std::string& label, const float* values, int n);

// Records the last item's rectangle under `id`, so window.attn can report where it is on screen.
// It also measures whether the item's text fits: `text` (optional) is the text drawn inside the item
// (a combo's preview, a slider's value); overflow is how far, in pixels, that text is wider than the
// item, or the item runs past its window's visible edge (0 when it fits: tests/e2e/i18n.test.mjs).
void register_widget(const std::string& id, const char* text = nullptr);
// The same for a text the panel wraps to its room (a note, a gallery title): records what it reads, so
// tests see the language on screen; only its window's edge is measured (wrapping keeps its width in).
void register_text(const std::string& id, const std::string& text);
// The same for a region that is not one item (a row of cells): its rectangle in screen pixels.
void register_rect(const std::string& id, Rect r);
struct WidgetRect {
    float x, y, w, h;
    int frame;
    float overflow = 0.0f;
    std::string text;  // the text it was registered with, as shown (before any "##")
};
const std::map<std::string, WidgetRect>& widget_rects();
void begin_frame_registry(int frame);
int registry_frame();  // the frame begin_frame_registry last started (a rect from it was drawn this frame)

// The page's height the layout needs, in CSS px from the top: a view whose panels cannot fit the window's
// height (200% zoom, a phone held sideways) asks for more, and the page grows the canvas to it and scrolls
// (one direction only: WCAG 1.4.10). Each frame's wish starts at 0 (the window's height is enough).
void want_page_height(float bottom);
float wanted_page_height();

// In a panel that scrolls sideways (kPicturePanel) ImGui wraps text at the width of its widest picture;
// these wrap it at the panel's visible right edge instead, so that prose never needs sideways scrolling.
// wrap_at_visible_edge pushes the text wrap position (call it after Begin: ImGui clears it at Begin);
// visible_width is the room from the cursor to that edge (a table's outer width).
void wrap_at_visible_edge();
float visible_width();

// A window that grows to its content (ImGuiWindowFlags_AlwaysAutoResize) placed at x: call before its
// Begin; it is kept no wider than the screen leaves it (a phone, 200% zoom), and the answer is how wide
// its wrapped texts may be, at most `wrap` px. Call want_window_bottom() before its End: the page grows
// to hold it.
float fit_auto_window(float x, float wrap);
void want_window_bottom();

// Windows drawn last frame whose content is wider than the window (text cut at its right edge) or that
// run past the screen's right edge, by
// window id, with how many pixels do not fit (windows that scroll sideways are not listed); and this
// frame's strip and bar labels wider than their room ("strip <label>", "bar <label>").
std::map<std::string, float> window_overflows();

}  // namespace attn::ui
