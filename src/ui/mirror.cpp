// mirror.cpp: see mirror.h. ImGui's item hooks (IMGUI_ENABLE_TEST_ENGINE, defined for the imgui target in
// src/app/app.cmake) are defined at the end: they list the interactive widgets each drawing made, so the
// mirror can say which ones no panel declared.
#include "ui/mirror.h"

#include "ui/theme.h"
#include "ui/widgets.h"

#include "imgui.h"
#include "imgui_internal.h"  // ActivateItem, the current window, the item hooks

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <cstdint>
#include <stdexcept>
#include <tuple>
#include <type_traits>

namespace attn::ui {

namespace {

// A control as plain data: filling it costs no allocation beyond its strings, and its hash (mirror_hash)
// tells the page's side whether anything changed; JSON is made only then.
struct Control {
    std::string id;
    Role role = Role::Button;
    std::string name;
    std::string group;       // the window (ImGui's unique name): the page groups controls by it
    std::string group_name;  // ... and names the group so
    ImGuiID imgui_id = 0;    // for ImGui::ActivateItem
    float rect[4] = {0, 0, 0, 0};
    int pressed = -1, checked = -1;  // a toggle button's and a radio's or checkbox's state; -1: none
    bool disabled = false;
    std::string radio_group;
    double value = 0, min = 0, max = 0, step = 0;  // a slider
    std::string text;        // a slider's value as the canvas prints it; a text field's text
    std::vector<std::string> options;  // a select's
    int selected = -1;
    std::vector<std::string> rows, cols;  // a table's headers (cols empty: numbered from 1 when sent)
    size_t ncols = 0;
    std::vector<float> cells;             // rows x ncols
    bool shown = false;                   // a table on screen (its panel's Data button)
};

std::vector<Control> g_controls;                  // this drawing's, in order
std::map<std::string, nlohmann::json> g_pending;  // values set through the page, waiting for their widget
std::string g_focus;                              // the focused element's id ('' when none)
std::vector<std::pair<ImGuiID, std::string>> g_items;  // the ImGui hooks' interactive widgets of this drawing

std::map<std::string, std::string> g_window_names;  // names given to untitled windows this drawing, by window
std::set<std::string> g_data_shown;                 // windows whose tables are on screen (their Data button)
std::map<std::string, int> g_help_count;            // help markers declared this drawing, by window

// The current window: its unique name (ImGui's) and the name its group shows: the title as drawn (the
// text before "##"), else the name mirror_name_window gave it, else the page's title.
std::pair<std::string, std::string> current_group() {
    const ImGuiWindow* w = ImGui::GetCurrentWindowRead();
    if (!w) return {"", ""};
    w = w->RootWindow;  // a child window (a table that scrolls) belongs to its panel
    std::string title = w->Name;
    if (const size_t hash = title.find("##"); hash != std::string::npos) title.resize(hash);
    if (title.empty()) {
        const auto it = g_window_names.find(w->Name);
        title = it != g_window_names.end() ? it->second : tr("bar.title");
    }
    return {w->Name, title};
}

// A new control of this drawing, its rectangle the one just registered under `id`.
Control& add(const std::string& id, Role role, const std::string& name, ImGuiID imgui_id) {
    Control c;
    c.id = id;
    c.role = role;
    c.name = name;
    std::tie(c.group, c.group_name) = current_group();
    c.imgui_id = imgui_id;
    if (const auto r = widget_rects().find(id); r != widget_rects().end()) {
        c.rect[0] = std::round(r->second.x);
        c.rect[1] = std::round(r->second.y);
        c.rect[2] = std::round(r->second.w);
        c.rect[3] = std::round(r->second.h);
    }
    g_controls.push_back(std::move(c));
    return g_controls.back();
}

Control& declare(const std::string& id, Role role, const std::string& name, const char* shown) {
    register_widget(id, shown);
    // The focused control, scrolled out of its panel's view: the panel scrolls to it (the page then follows
    // its element: web/mirror.js), as a panel does for ImGui's own keyboard navigation.
    if (id == g_focus) {
        ImGuiWindow* w = ImGui::GetCurrentWindow();
        const ImRect item(ImGui::GetItemRectMin(), ImGui::GetItemRectMax());
        if (!w->InnerClipRect.Contains(item)) ImGui::ScrollToRect(w, item, ImGuiScrollFlags_KeepVisibleEdgeX | ImGuiScrollFlags_KeepVisibleEdgeY);
    }
    return add(id, role, name, ImGui::GetItemID());
}

std::optional<nlohmann::json> take_pending(const std::string& id) {
    const auto it = g_pending.find(id);
    if (it == g_pending.end()) return std::nullopt;
    nlohmann::json v = std::move(it->second);
    g_pending.erase(it);
    return v;
}

// FNV-1a, 64 bits: the mirror's fingerprint.
struct Fnv {
    uint64_t h = 1469598103934665603ull;
    void bytes(const void* p, size_t n) {
        const unsigned char* b = static_cast<const unsigned char*>(p);
        for (size_t i = 0; i < n; ++i) h = (h ^ b[i]) * 1099511628211ull;
    }
    void str(const std::string& s) { bytes(s.data(), s.size()); bytes("\0", 1); }
    template <class T> void pod(const T& v) { bytes(&v, sizeof v); }
};

}  // namespace

const char* role_name(Role r) {
    switch (r) {
        case Role::Button: return "button";
        case Role::Radio: return "radio";
        case Role::Checkbox: return "checkbox";
        case Role::Slider: return "slider";
        case Role::Select: return "select";
        case Role::Textbox: return "textbox";
        case Role::Text: return "text";
        case Role::Table: return "table";
    }
    return "button";
}

void mirror_begin_frame() {
    if (ImGuiContext* g = ImGui::GetCurrentContext()) g->TestEngineHookItems = true;
    g_controls.clear();
    g_items.clear();
    g_window_names.clear();
    g_help_count.clear();
}

void mirror_button(const std::string& id, const std::string& name, const char* shown, bool disabled) {
    declare(id, Role::Button, name, shown).disabled = disabled;
}

void mirror_toggle(const std::string& id, const std::string& name, bool pressed, const char* shown) {
    declare(id, Role::Button, name, shown).pressed = pressed ? 1 : 0;
}

void mirror_radio(const std::string& id, const std::string& name, const std::string& group, bool checked, const char* shown,
                  bool disabled) {
    Control& c = declare(id, Role::Radio, name, shown);
    c.checked = checked ? 1 : 0;
    c.radio_group = group;
    c.disabled = disabled;
}

void mirror_checkbox(const std::string& id, const std::string& name, bool checked, const char* shown) {
    declare(id, Role::Checkbox, name, shown).checked = checked ? 1 : 0;
}

namespace {
// A slider's declaration: applies what the page set (clamped), records the value and its text.
template <class T>
bool slider(const std::string& id, const std::string& name, T* v, T min, T max, T step, const char* format, const char* shown) {
    bool changed = false;
    if (const std::optional<nlohmann::json> set = take_pending(id); set && set->is_number()) {
        const double want = std::clamp(set->get<double>(), static_cast<double>(min), static_cast<double>(max));
        const T next = std::is_integral_v<T> ? static_cast<T>(std::lround(want)) : static_cast<T>(want);
        changed = next != *v;
        *v = next;
    }
    char text[64];
    std::snprintf(text, sizeof text, format, *v);
    Control& c = declare(id, Role::Slider, name, shown);
    c.value = static_cast<double>(*v);
    c.min = static_cast<double>(min);
    c.max = static_cast<double>(max);
    c.step = static_cast<double>(step);
    c.text = text;
    return changed;
}
}  // namespace

bool mirror_slider(const std::string& id, const std::string& name, float* v, float min, float max, float step,
                   const char* format, const char* shown) {
    return slider(id, name, v, min, max, step, format, shown);
}

bool mirror_slider_int(const std::string& id, const std::string& name, int* v, int min, int max, const char* format) {
    return slider(id, name, v, min, max, 1, format, nullptr);
}

bool mirror_text(const std::string& id, const std::string& name, std::string* text) {
    bool changed = false;
    if (const std::optional<nlohmann::json> set = take_pending(id); set && set->is_string()) {
        changed = set->get<std::string>() != *text;
        *text = set->get<std::string>();
    }
    declare(id, Role::Textbox, name, nullptr).text = *text;
    return changed;
}

int mirror_select(const std::string& id, const std::string& name, const std::vector<std::string>& options,
                  int selected, const char* shown) {
    int chosen = -1;
    if (const std::optional<nlohmann::json> set = take_pending(id); set && set->is_number_integer()) {
        const int64_t i = set->get<int64_t>();  // compared before narrowing: 2^32 + 1 is not option 1
        if (i >= 0 && i < static_cast<int64_t>(options.size()) && i != selected) chosen = selected = static_cast<int>(i);
    }
    Control& c = declare(id, Role::Select, name, shown);
    c.options = options;
    c.selected = selected;
    return chosen;
}

bool mirror_help(const std::string& text) {
    const ImGuiWindow* w = ImGui::GetCurrentWindowRead();
    std::string window = w ? w->Name : "";
    if (const size_t hash = window.find("###"); hash != std::string::npos) window = window.substr(hash + 3);
    const std::string id = "help/" + window + "/" + std::to_string(g_help_count[window]++);
    // one space between words, as screen readers say it (a help text may break its lines or align its
    // sentences with two spaces)
    std::string name;
    for (const char ch : views::trf("help.name", text.c_str())) {
        const bool space = ch == ' ' || ch == '\n' || ch == '\t';
        if (!space) name += ch;
        else if (!name.empty() && name.back() != ' ') name += ' ';
    }
    while (!name.empty() && name.back() == ' ') name.pop_back();
    declare(id, Role::Button, name, nullptr);
    return g_focus == id;
}

void mirror_text_line(const std::string& id, const std::string& text) {
    register_text(id, text);
    add(id, Role::Text, text, 0);
}

void mirror_table(const std::string& id, const std::string& name, const std::vector<std::string>& rows,
                  const std::vector<std::string>& cols, const std::vector<float>& cells, std::optional<Rect> where) {
    // its place only: the picture's own widget measures whether it fits
    if (where) register_rect(id, *where);
    else register_rect(id, Rect{ImGui::GetItemRectMin().x, ImGui::GetItemRectMin().y, ImGui::GetItemRectSize().x, ImGui::GetItemRectSize().y});
    Control& c = add(id, Role::Table, name, 0);
    c.rows = rows;
    c.cols = cols;
    c.cells = cells;
    c.ncols = !cols.empty() ? cols.size() : rows.empty() ? 0 : cells.size() / rows.size();  // no words: numbered
    c.cells.resize(rows.size() * c.ncols, std::nanf(""));
    c.shown = g_data_shown.count(c.group) > 0;
}

void data_button(const std::string& id) {
    const ImGuiWindow* w = ImGui::GetCurrentWindowRead();
    const std::string window = w ? w->RootWindow->Name : "";
    const bool shown = g_data_shown.count(window) > 0;
    if (ImGui::SmallButton((std::string(tr(shown ? "data.hide" : "data.show")) + "###" + id).c_str())) {
        if (shown) g_data_shown.erase(window);
        else g_data_shown.insert(window);
    }
    mirror_toggle(id, tr("data.name"), shown, tr(shown ? "data.hide" : "data.show"));
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr("data.tip"));
}

void mirror_name_window(const std::string& name) {
    if (const ImGuiWindow* w = ImGui::GetCurrentWindowRead()) g_window_names[w->RootWindow->Name] = name;
}

void mirror_act(const std::string& id, const std::string& action, const nlohmann::json& value) {
    if (action == "focus") { g_focus = id; return; }
    if (action == "blur") { if (g_focus == id) g_focus.clear(); return; }
    const auto it = std::find_if(g_controls.begin(), g_controls.end(), [&](const Control& c) { return c.id == id; });
    if (it == g_controls.end()) throw std::invalid_argument("no control '" + id + "' on screen");
    if (action == "press") {
        if (it->role != Role::Button && it->role != Role::Radio && it->role != Role::Checkbox)
            throw std::invalid_argument("'" + id + "' is a " + role_name(it->role) + ", not a button");
        ImGui::ActivateItem(it->imgui_id);  // the next frame's widget reports a press, as after a click
        return;
    }
    if (action == "set") {
        const bool fits = (it->role == Role::Slider && value.is_number()) || (it->role == Role::Textbox && value.is_string()) ||
                          (it->role == Role::Select && value.is_number_integer());
        if (!fits) throw std::invalid_argument("'" + id + "' (a " + role_name(it->role) + ") cannot be set to " + value.dump());
        g_pending[id] = value;
        return;
    }
    throw std::invalid_argument("action must be \"press\", \"set\", \"focus\" or \"blur\"");
}

uint64_t mirror_hash() {
    Fnv f;
    for (const Control& c : g_controls) {
        f.str(c.id);
        f.pod(c.role);
        f.str(c.name);
        f.str(c.group);
        f.str(c.group_name);
        f.bytes(c.rect, sizeof c.rect);
        f.pod(c.pressed);
        f.pod(c.checked);
        f.pod(c.disabled);
        f.str(c.radio_group);
        f.pod(c.value);
        f.pod(c.min);
        f.pod(c.max);
        f.pod(c.step);
        f.str(c.text);
        for (const std::string& o : c.options) f.str(o);
        f.pod(c.selected);
        for (const std::string& r : c.rows) f.str(r);
        for (const std::string& k : c.cols) f.str(k);
        if (!c.cells.empty()) f.bytes(c.cells.data(), c.cells.size() * sizeof(float));
        f.pod(c.shown);
    }
    f.str(g_focus);
    for (const auto& item : g_items) f.pod(item.first);
    return f.h;
}

nlohmann::json mirror_json() {
    using nlohmann::json;
    json controls = json::array();
    std::set<ImGuiID> declared;
    for (const Control& c : g_controls) {
        declared.insert(c.imgui_id);
        json j = {{"id", c.id}, {"role", role_name(c.role)}, {"name", c.name}, {"group", c.group}, {"group_name", c.group_name},
                  {"rect", {c.rect[0], c.rect[1], c.rect[2], c.rect[3]}}};
        if (c.pressed >= 0) j["pressed"] = c.pressed == 1;
        if (c.checked >= 0) j["checked"] = c.checked == 1;
        if (c.disabled) j["disabled"] = true;
        if (c.role == Role::Radio) j["radio_group"] = c.radio_group;
        if (c.role == Role::Slider) {
            j["value"] = c.value;
            j["min"] = c.min;
            j["max"] = c.max;
            j["step"] = c.step;
            j["value_text"] = c.text;
        }
        if (c.role == Role::Textbox) j["text"] = c.text;
        if (c.role == Role::Select) {
            j["options"] = c.options;
            j["selected"] = c.selected;
        }
        if (c.role == Role::Table) {
            json values = json::array();
            for (size_t r = 0; r < c.rows.size(); ++r) {
                json row = json::array();
                for (size_t k = 0; k < c.ncols; ++k) {
                    const float v = c.cells[r * c.ncols + k];
                    row.push_back(std::isnan(v) ? json(nullptr) : std::isinf(v) ? json(v < 0 ? "-inf" : "inf") : json(v));
                }
                values.push_back(std::move(row));
            }
            j["rows"] = c.rows;
            json cols = json::array();
            for (size_t k = 0; k < c.ncols; ++k) cols.push_back(c.cols.empty() ? std::to_string(k + 1) : c.cols[k]);
            j["cols"] = std::move(cols);
            j["cells"] = std::move(values);
            j["shown"] = c.shown;
        }
        controls.push_back(std::move(j));
    }
    json unmirrored = json::array();
    for (const auto& [id, label] : g_items)
        if (!declared.count(id)) unmirrored.push_back(label);
    return {{"controls", controls}, {"unmirrored", unmirrored}, {"drawn", g_items.size()}, {"focus", g_focus}};
}

void draw_mirror_focus() {
    if (g_focus.empty()) return;
    const auto& rects = widget_rects();
    const auto it = rects.find(g_focus);
    if (it == rects.end() || it->second.frame != registry_frame()) return;
    const WidgetRect& r = it->second;
    // The theme's focus color (3:1 at least on a panel, a button or a field: theme.h), 3 px, just outside
    // the widget (WCAG 2.4.7).
    ImDrawList* dl = ImGui::GetForegroundDrawList();
    dl->AddRect(ImVec2(r.x - 4, r.y - 4), ImVec2(r.x + r.w + 4, r.y + r.h + 4), ImGui::ColorConvertFloat4ToU32(palette().focus), 4.0f, 0, 3.0f);
}

}  // namespace attn::ui

// ---- ImGui's item hooks ---------------------------------------------------------------------------------
// ItemInfo is called by every interactive widget ImGui draws (buttons, radios, checkboxes, sliders, drags,
// text fields, selectables, tree nodes, tabs) with its id and label: the mirror's measure of completeness.
// Widgets inside popups (a combo's open list) are left out: the mirror offers the combo as a <select>.

void ImGuiTestEngineHook_ItemAdd(ImGuiContext*, const ImRect&, ImGuiID) {}

void ImGuiTestEngineHook_ItemInfo(ImGuiContext* ctx, ImGuiID id, const char* label, ImGuiItemStatusFlags) {
    const ImGuiWindow* w = ctx->CurrentWindow;
    if (!w || (w->Flags & (ImGuiWindowFlags_Popup | ImGuiWindowFlags_Tooltip))) return;
    std::string shown = label ? label : "";
    if (const size_t hash = shown.find("###"); hash != std::string::npos) shown = shown.substr(hash + 3);
    attn::ui::g_items.emplace_back(id, std::string(w->Name) + "/" + shown);
}

void ImGuiTestEngineHook_Log(ImGuiContext*, const char*, ...) {}

const char* ImGuiTestEngine_FindItemDebugLabel(ImGuiContext*, ImGuiID) { return nullptr; }
