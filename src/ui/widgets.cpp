// widgets.cpp: see widgets.h.
#include "ui/widgets.h"

#include "ui/mirror.h"
#include "ui/theme.h"

#include "imgui_internal.h"  // the current window's clip rectangle and content size, for the overflow measures

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cfloat>
#include <cstring>

namespace attn::ui {

namespace {
std::map<std::string, WidgetRect> g_rects;
std::map<std::string, std::vector<float>> g_shown;
float g_page_height = 0.0f;  // this frame's: the height its layout needs (want_page_height)
std::map<std::string, float> g_label_overflows;  // this frame's labels wider than their room (strips, bars)

void note_label_fit(const char* kind, const char* text, float room) {
    const float over = ImGui::CalcTextSize(text).x - room;
    if (over > 0.5f) g_label_overflows[std::string(kind) + " " + text] = over;
}
int g_frame = 0;
}  // namespace

ImU32 value_color(float v, float range, float alpha) {
    const float t = range > 0 ? std::clamp(v / range, -1.0f, 1.0f) : 0.0f;
    // white at 0, toward blue (negative) or orange (positive)
    const ImVec4 neg(0.23f, 0.45f, 0.85f, 1.0f), pos(0.95f, 0.55f, 0.15f, 1.0f), mid(0.92f, 0.92f, 0.92f, 1.0f);
    const ImVec4& end = t < 0 ? neg : pos;
    const float a = std::fabs(t);
    return ImGui::ColorConvertFloat4ToU32(ImVec4(mid.x + (end.x - mid.x) * a, mid.y + (end.y - mid.y) * a,
                                                 mid.z + (end.z - mid.z) * a, alpha));
}

std::string label_id(const char* text_id, const char* stable_id) {
    return std::string(tr(text_id)) + "###" + (stable_id ? stable_id : text_id);
}

void vector_strip(const char* label, const float* values, int n, float range, float reveal, float cell_width,
                  const char* text) {
    ImGui::PushID(label);
    const ImVec2 start = ImGui::GetCursorScreenPos();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float h = ImGui::GetTextLineHeight() + 6.0f;
    const int shown = static_cast<int>(std::ceil(std::clamp(reveal, 0.0f, 1.0f) * n));
    record_shown(label, values, shown);
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(text ? text : label);
    // the cells start at a fixed column: a longer label would run under them
    note_label_fit("strip", text ? text : label, ImGui::GetFontSize() * 8.0f - ImGui::GetStyle().ItemSpacing.x);
    ImGui::SameLine(ImGui::GetFontSize() * 8.0f);
    for (int i = 0; i < n; ++i) {
        if (i) ImGui::SameLine(0, 2);
        const ImVec2 p = ImGui::GetCursorScreenPos();
        ImGui::InvisibleButton("##cell", ImVec2(cell_width, h));
        const bool visible = i < shown;
        dl->AddRectFilled(p, ImVec2(p.x + cell_width, p.y + h),
                          visible ? value_color(values[i], range) : IM_COL32(60, 60, 60, 60), 3.0f);
        if (visible) {
            char buf[32];
            std::snprintf(buf, sizeof buf, "%.2f", values[i]);
            const ImVec2 ts = ImGui::CalcTextSize(buf);
            // Narrow cells (wide vectors) show color only; the exact value is on hover.
            if (ts.x <= cell_width - 4) dl->AddText(ImVec2(p.x + (cell_width - ts.x) * 0.5f, p.y + 3), ink_on(value_color(values[i], range)), buf);
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s[%d] = %.9g", text ? text : label, i, values[i]);
        }
    }
    // the stage's numbers as a one-row table (screen readers, the Data button: ui/mirror.h), whole while
    // the cells are still being revealed: an animation, not a change of the numbers
    // (no column words: the page numbers the columns)
    const std::string name = text ? text : label;
    const ImVec2 end = ImGui::GetItemRectMax();
    mirror_table("data/strip/" + std::string(label), name, {name}, {}, std::vector<float>(values, values + n),
                 Rect{start.x, start.y, end.x - start.x, end.y - start.y});
    ImGui::PopID();
}

void weight_bars(const char* label, const float* weights, int n, float reveal, const char* text) {
    const char* shown_as = text ? text : label;
    std::vector<float> drawn(weights, weights + n);
    for (float& w : drawn) w *= reveal;
    record_shown(label, drawn.data(), n);
    ImGui::PushID(label);
    const ImVec2 start = ImGui::GetCursorScreenPos();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float width = 220.0f, h = ImGui::GetTextLineHeight() + 4.0f;
    for (int i = 0; i < n; ++i) {
        const ImVec2 p = ImGui::GetCursorScreenPos();
        ImGui::PushID(i);
        ImGui::InvisibleButton("##bar", ImVec2(width, h));
        ImGui::PopID();
        const float w = std::clamp(weights[i] * reveal, 0.0f, 1.0f);
        dl->AddRectFilled(p, ImVec2(p.x + width, p.y + h), IM_COL32(80, 80, 80, 60), 2.0f);
        dl->AddRectFilled(p, ImVec2(p.x + width * w, p.y + h), IM_COL32(242, 140, 40, 255), 2.0f);
        char buf[48];
        std::snprintf(buf, sizeof buf, "%s[%d] %.4f", shown_as, i, weights[i] * reveal);
        // the text over the bar in the ink that reads on orange, over the track in the theme's text
        const float split = p.x + width * w;
        dl->PushClipRect(p, ImVec2(split, p.y + h), true);
        dl->AddText(ImVec2(p.x + 4, p.y + 2), ink_on(IM_COL32(242, 140, 40, 255)), buf);
        dl->PopClipRect();
        dl->PushClipRect(ImVec2(split, p.y), ImVec2(p.x + width, p.y + h), true);
        dl->AddText(ImVec2(p.x + 4, p.y + 2), ImGui::GetColorU32(ImGuiCol_Text), buf);
        dl->PopClipRect();
        if (i == 0) note_label_fit("bar", buf, width - 4);
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s[%d] = %.9g", shown_as, i, weights[i]);
    }
    std::vector<std::string> rows;
    for (int i = 0; i < n; ++i) rows.push_back(std::string(shown_as) + "[" + std::to_string(i) + "]");
    const ImVec2 end = ImGui::GetItemRectMax();
    mirror_table("data/bars/" + std::string(label), shown_as, rows, {tr("data.value")}, std::vector<float>(weights, weights + n),
                 Rect{start.x, start.y, width, end.y - start.y});
    ImGui::PopID();
}

void same_line_if_fits(float width, float spacing) {
    const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
    const float gap = spacing < 0.0f ? ImGui::GetStyle().ItemSpacing.x : spacing;
    if (ImGui::GetItemRectMax().x + gap + width <= right) ImGui::SameLine(0.0f, gap);
}

float button_width(const char* text) { return ImGui::CalcTextSize(text).x + 2 * ImGui::GetStyle().FramePadding.x; }

float radio_width(const char* label) {
    return ImGui::GetFrameHeight() + ImGui::GetStyle().ItemInnerSpacing.x + ImGui::CalcTextSize(label, nullptr, true).x;
}

float help_marker_width() { return ImGui::GetStyle().ItemSpacing.x + ImGui::CalcTextSize("(?)").x; }

float labelled_width(float field_w, const char* label, bool help) {
    return field_w + ImGui::GetStyle().ItemInnerSpacing.x + ImGui::CalcTextSize(label, nullptr, true).x +
           (help ? help_marker_width() : 0.0f);
}

float field_width(float ems, const char* label) {
    const float em = ImGui::GetFontSize();
    return std::max(em * 3, std::min(em * ems, ImGui::GetContentRegionAvail().x - labelled_width(0, label)));
}

int combo(const char* label, const std::string& mirror_id, const std::string& name, const std::vector<std::string>& options,
          int selected, const char* preview, const std::function<std::string(int)>& tip) {
    int picked = -1;
    if (ImGui::BeginCombo(label, preview)) {
        for (int i = 0; i < static_cast<int>(options.size()); ++i) {
            ImGui::PushID(i);
            if (ImGui::Selectable(options[i].c_str(), i == selected)) picked = i;
            if (tip && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tip(i).c_str());
            ImGui::PopID();
        }
        ImGui::EndCombo();
    }
    if (const int k = mirror_select(mirror_id, name, options, selected, preview); k >= 0) picked = k;
    return picked;
}

void help_marker(const char* text) {
    same_line_if_fits(ImGui::CalcTextSize("(?)").x);  // at a line's end on a narrow screen, on the next line
    ImGui::TextDisabled("(?)");
    const bool focused = mirror_help(text);  // a keyboard reaches it through the mirror
    if (focused && !ImGui::IsItemHovered()) {  // under the marker, not at the pointer
        ImGui::SetNextWindowPos(ImVec2(ImGui::GetItemRectMin().x, ImGui::GetItemRectMax().y + 4.0f));
    }
    if (ImGui::IsItemHovered() || focused) {
        ImGui::BeginTooltip();
        ImGui::PushTextWrapPos(ImGui::GetFontSize() * 35.0f);
        ImGui::TextUnformatted(text);
        register_text("help/tooltip", text);  // what it shows, where (tests/e2e/access.test.mjs)
        ImGui::PopTextWrapPos();
        ImGui::EndTooltip();
    }
}

void begin_frame_registry(int frame) {
    g_frame = frame;
    mirror_begin_frame();
    g_shown.clear();
    g_label_overflows.clear();
    g_page_height = 0.0f;
}

void want_page_height(float bottom) { g_page_height = std::max(g_page_height, std::ceil(bottom)); }

float wanted_page_height() { return g_page_height; }

namespace {
float visible_right() {
    const ImGuiWindow* w = ImGui::GetCurrentWindowRead();
    return std::min(w->WorkRect.Max.x, w->InnerRect.Max.x - w->WindowPadding.x);
}
}  // namespace

void wrap_at_visible_edge() {
    const ImGuiWindow* w = ImGui::GetCurrentWindowRead();
    ImGui::PushTextWrapPos(std::max(1.0f, visible_right() - w->Pos.x + w->Scroll.x));
}

float visible_width() { return std::max(1.0f, visible_right() - ImGui::GetCursorScreenPos().x); }

float fit_auto_window(float x, float wrap) {
    const float room = ImGui::GetIO().DisplaySize.x - 2 * x;  // the same margin on the right
    ImGui::SetNextWindowSizeConstraints(ImVec2(0, 0), ImVec2(std::max(room, 1.0f), FLT_MAX));
    return std::max(1.0f, std::min(wrap, room - 2 * ImGui::GetStyle().WindowPadding.x));
}

void want_window_bottom() { want_page_height(ImGui::GetWindowPos().y + ImGui::GetWindowSize().y + 6.0f); }

void record_shown(const std::string& label, const float* values, int n) { g_shown[label].assign(values, values + n); }

const std::map<std::string, std::vector<float>>& shown_values() { return g_shown; }

int registry_frame() { return g_frame; }

void register_widget(const std::string& id, const char* text) {
    const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
    float overflow = 0.0f;
    // Past the window's visible right edge (a window that scrolls sideways shows it by scrolling).
    const ImGuiWindow* w = ImGui::GetCurrentWindowRead();
    if (w && !(w->Flags & ImGuiWindowFlags_HorizontalScrollbar)) overflow = std::max(overflow, b.x - w->InnerClipRect.Max.x);
    // Its own text wider than the item (a combo's preview, a slider's value: ImGui clips them).
    if (text) overflow = std::max(overflow, ImGui::CalcTextSize(text, nullptr, true).x + 2 * ImGui::GetStyle().FramePadding.x - (b.x - a.x));
    std::string shown = text ? text : "";
    if (const size_t hash = shown.find("##"); hash != std::string::npos) shown.resize(hash);
    g_rects[id] = WidgetRect{a.x, a.y, b.x - a.x, b.y - a.y, g_frame, overflow > 0.5f ? overflow : 0.0f, std::move(shown)};
}

void register_rect(const std::string& id, Rect r) { g_rects[id] = WidgetRect{r.x, r.y, r.w, r.h, g_frame, 0.0f, ""}; }

void register_text(const std::string& id, const std::string& text) {
    register_widget(id);
    g_rects[id].text = text;
}

std::map<std::string, float> window_overflows() {
    std::map<std::string, float> out = g_label_overflows;
    const ImGuiContext* g = ImGui::GetCurrentContext();
    if (!g) return out;
    for (const ImGuiWindow* w : g->Windows) {
        if (!w->WasActive || w->Hidden || (w->Flags & (ImGuiWindowFlags_HorizontalScrollbar | ImGuiWindowFlags_Tooltip)))
            continue;
        // Past the screen's right edge (a window that grows to its content on a narrow screen), else its
        // content wider than its room (a window that grows to its content always has the room).
        float over = w->Pos.x + w->Size.x - g->IO.DisplaySize.x;
        if (!(w->Flags & ImGuiWindowFlags_AlwaysAutoResize))
            over = std::max(over, w->ContentSize.x - (w->InnerRect.GetWidth() - 2 * w->WindowPadding.x));
        if (over > 1.0f) {
            const char* id = std::strstr(w->Name, "###");
            out[id ? id + 3 : w->Name] = over;
        }
    }
    return out;
}

const std::map<std::string, WidgetRect>& widget_rects() { return g_rects; }

}  // namespace attn::ui
