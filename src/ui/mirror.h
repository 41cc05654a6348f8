// mirror.h: the accessibility mirror's registry. The canvas is a picture; screen readers and the keyboard
// need real elements. Each frame the panels declare every control they draw, in the order they draw it:
// its role, its accessible name (in the visitor's language), its state or value, and its place. The page
// (web/mirror.js) keeps one real DOM element per control, in that order, over the canvas. What a person
// does to an element comes back here (mirror_act) and reaches the widget on the next frame as if the
// widget itself had been used: buttons, radios and checkboxes through ImGui's own remote activation
// (ImGui::ActivateItem, the code path of a click), values through the declaring call, which writes them
// where the widget would have. So the mirror asks for exactly the intents the canvas does.
// Not the drawing (the panels), not the page's elements (web/mirror.js). Test: tests/e2e/access.test.mjs.
#pragma once

#include "ui/widgets.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>

#include <string>
#include <vector>

namespace attn::ui {

// The kinds of controls, by their ARIA roles (the page makes the matching HTML element).
enum class Role {
    Button,    // <button>; `pressed` >= 0 makes it a toggle button (aria-pressed)
    Radio,     // <input type=radio>, one group per `group` name
    Checkbox,  // <input type=checkbox>
    Slider,    // <input type=range>: min, max, step, value and the value as the canvas prints it
    Select,    // <select>: options, selected (a combo on the canvas)
    Textbox,   // <input type=text>: its text
    Text,      // a paragraph the canvas wraps (a note, a status): read, not operated
    Table,     // <table>: a matrix the canvas draws, with row and column headers
};
const char* role_name(Role r);  // "button", "radio", ... (the page's and the tests' words)

// Controls: call right after the ImGui widget, as register_widget (widgets.h) is; each registers the
// widget's rectangle too. `name` is the accessible name; `shown` the text drawn inside the widget (for
// the overflow measure of widgets.h), when it differs from the name or is none.
// `disabled`: drawn greyed out (ImGui::BeginDisabled): the element says so and a press does nothing.
void mirror_button(const std::string& id, const std::string& name, const char* shown = nullptr, bool disabled = false);
void mirror_toggle(const std::string& id, const std::string& name, bool pressed, const char* shown = nullptr);
void mirror_radio(const std::string& id, const std::string& name, const std::string& group, bool checked,
                  const char* shown = nullptr, bool disabled = false);
void mirror_checkbox(const std::string& id, const std::string& name, bool checked, const char* shown = nullptr);
// Values: these also apply what the page set. They return true (and write *v / *text) when a person
// changed the value through the mirror since the last frame, as the ImGui widget returns true.
bool mirror_slider(const std::string& id, const std::string& name, float* v, float min, float max, float step,
                   const char* format, const char* shown = nullptr);
bool mirror_slider_int(const std::string& id, const std::string& name, int* v, int min, int max, const char* format = "%d");
bool mirror_text(const std::string& id, const std::string& name, std::string* text);
// A choice among options (the combo's items). Returns the index chosen through the mirror, else -1.
int mirror_select(const std::string& id, const std::string& name, const std::vector<std::string>& options,
                  int selected, const char* shown = nullptr);
// A matrix the canvas drew (the last item: its picture), as a table with row and column headers:
// `cells` is rows x cols, row by row; NaN is an empty cell, -inf a masked one. Screen readers find it
// right after the picture; the panel's Data button (data_button) also shows it on screen. Empty `cols`:
// numbered columns (1, 2, ...), as many as cells has per row.
// `where`: its place when the picture is not the last item (a row of cells).
void mirror_table(const std::string& id, const std::string& name, const std::vector<std::string>& rows,
                  const std::vector<std::string>& cols, const std::vector<float>& cells, std::optional<Rect> where = {});
// The panel's Data button (a toggle, drawn at the cursor): shows the tables of the current window on
// screen, as HTML tables over their pictures (for readers who zoom, copy or cannot tell colors apart).
void data_button(const std::string& id);

// The name of the current window's group of controls, for a window without a title (the view bar, the
// tour's card); a titled window's group is named by its title.
void mirror_name_window(const std::string& name);
// A help marker's (?) (the last item): a button for the keyboard and screen readers, named by its help text
// in a sentence; the canvas shows its tooltip while it has the focus as while it is hovered. Its id is
// help/<window>/<n>, the window's n-th marker this drawing (the same in every language). Returns whether
// its element has the focus.
bool mirror_help(const std::string& text);
// A text the canvas shows that is not a control (a note, a status line), also as register_text does.
void mirror_text_line(const std::string& id, const std::string& text);

// What the page did to an element (between frames): "press" (a button, radio or checkbox), "set" with a
// number (slider) or a string (textbox) or an index (select), "focus" and "blur" (the canvas draws the
// focus ring of the focused element's widget). Throws std::invalid_argument for an unknown id or action.
void mirror_act(const std::string& id, const std::string& action, const nlohmann::json& value);

// The controls of the last frame drawn, in order: [{id, role, name, group, rect:[x,y,w,h], ...state}];
// "unmirrored": the labels of interactive ImGui widgets drawn that no control declares (ImGui's item
// hooks see every button, radio, checkbox, slider, text field and selectable outside popups).
nlohmann::json mirror_json();
// A fingerprint of mirror_json(): the shell sends the list to the page only when it changed.
uint64_t mirror_hash();
// The focused element's widget: a ring around it (call after the panels, before rendering).
void draw_mirror_focus();
// Starts a frame's list (begin_frame_registry calls it; a frame drawn twice keeps the second list).
void mirror_begin_frame();

}  // namespace attn::ui
