// theme.cpp: see theme.h. Both themes start from ImGui's own (StyleColorsDark / StyleColorsLight)
// and change only what the lab needs: opaque panels, and accents that keep contrast on white.
#include "ui/theme.h"

#include "ui/widgets.h"  // value_color: the diverging cells' colors

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <iterator>
#include <utility>

namespace attn::ui {

namespace {

Theme g_theme = Theme::Dark;

const Palette kDark = {
    ImVec4(0.10f, 0.11f, 0.13f, 1.0f),   // #1a1c21, as web/style.css
    ImVec4(1.00f, 0.72f, 0.30f, 1.0f),
    ImVec4(1.00f, 0.70f, 0.40f, 1.0f),
    ImVec4(1.00f, 0.45f, 0.35f, 1.0f),
    ImVec4(0.75f, 0.75f, 0.75f, 1.0f),
    ImVec4(0.58f, 0.58f, 0.58f, 1.0f),   // text still to come: 4.5:1 at least, like every text
    ImVec4(0.55f, 0.85f, 0.55f, 1.0f),
    ImVec4(1.00f, 0.80f, 0.20f, 1.0f),
};
// Darker accents for a white background (each has a contrast ratio of at least 4.5 against the
// window background, WCAG AA for text).
const Palette kLight = {
    ImVec4(0.93f, 0.93f, 0.95f, 1.0f),   // #edeef2
    ImVec4(0.66f, 0.33f, 0.00f, 1.0f),
    ImVec4(0.62f, 0.30f, 0.00f, 1.0f),
    ImVec4(0.75f, 0.12f, 0.08f, 1.0f),
    ImVec4(0.25f, 0.25f, 0.25f, 1.0f),
    ImVec4(0.40f, 0.40f, 0.40f, 1.0f),
    ImVec4(0.08f, 0.45f, 0.12f, 1.0f),
    ImVec4(0.08f, 0.31f, 0.78f, 1.0f),
};

// White on black (21:1), a yellow accent (19:1), every color at least 7:1 against black (WCAG AAA).
const Palette kContrast = {
    ImVec4(0.00f, 0.00f, 0.00f, 1.0f),
    ImVec4(1.00f, 0.86f, 0.00f, 1.0f),
    ImVec4(1.00f, 0.75f, 0.40f, 1.0f),
    ImVec4(1.00f, 0.55f, 0.55f, 1.0f),
    ImVec4(0.90f, 0.90f, 0.90f, 1.0f),
    ImVec4(0.62f, 0.62f, 0.62f, 1.0f),
    ImVec4(0.55f, 1.00f, 0.55f, 1.0f),
    ImVec4(0.30f, 0.85f, 1.00f, 1.0f),
};

float g_scale = 1.0f;

// The palette in use: apply_theme overwrites it, so a reference to one of its colors follows the theme.
Palette g_palette = kDark;

}  // namespace

const char* theme_name(Theme t) { return t == Theme::Light ? "light" : t == Theme::Contrast ? "contrast" : "dark"; }

bool parse_theme(const std::string& name, Theme* out) {
    if (name == "dark") *out = Theme::Dark;
    else if (name == "light") *out = Theme::Light;
    else if (name == "contrast") *out = Theme::Contrast;
    else return false;
    return true;
}

namespace {

const Palette& palette_of(Theme t) { return t == Theme::Light ? kLight : t == Theme::Contrast ? kContrast : kDark; }

// The theme's ImGui colors into `style` (no ImGui context needed): ImGui's own, then what WCAG AA asks
// (tests/e2e/access.test.mjs checks every pair of color_pairs()): text at least 4.5:1 on what it is
// drawn on, a control's boundary and its state marks (check, grab) at least 3:1.
void theme_style(Theme t, ImGuiStyle& style) {
    if (t == Theme::Light) {
        ImGui::StyleColorsLight(&style);
        style.Colors[ImGuiCol_WindowBg] = ImVec4(0.98f, 0.98f, 0.99f, 1.0f);
        style.Colors[ImGuiCol_TextDisabled] = ImVec4(0.40f, 0.40f, 0.42f, 1.0f);  // ImGui's 0.60 is too faint on white
        style.Colors[ImGuiCol_Border] = ImVec4(0.45f, 0.45f, 0.48f, 1.0f);        // a field's edge on white
        style.Colors[ImGuiCol_CheckMark] = ImVec4(0.10f, 0.40f, 0.80f, 1.0f);
        style.Colors[ImGuiCol_SliderGrab] = ImVec4(0.10f, 0.40f, 0.80f, 1.0f);
        style.Colors[ImGuiCol_SliderGrabActive] = ImVec4(0.05f, 0.30f, 0.65f, 1.0f);
    } else {
        ImGui::StyleColorsDark(&style);
        style.Colors[ImGuiCol_WindowBg] = ImVec4(0.07f, 0.08f, 0.09f, 0.97f);
        style.Colors[ImGuiCol_Border] = ImVec4(0.55f, 0.55f, 0.60f, 1.0f);        // a field's edge on near-black
        // ImGui's bright blues under white text are below 4.5:1: the same hues, darker
        for (ImGuiCol c : {ImGuiCol_ButtonHovered, ImGuiCol_HeaderHovered, ImGuiCol_TabHovered})
            style.Colors[c] = ImVec4(0.16f, 0.42f, 0.78f, 1.0f);
        for (ImGuiCol c : {ImGuiCol_ButtonActive, ImGuiCol_HeaderActive, ImGuiCol_TabActive})
            style.Colors[c] = ImVec4(0.06f, 0.35f, 0.75f, 1.0f);
        style.Colors[ImGuiCol_PlotHistogram] = ImVec4(0.55f, 0.38f, 0.00f, 1.0f);  // a progress bar under white text
    }
    if (t == Theme::Contrast) {
        const ImVec4 black(0, 0, 0, 1), white(1, 1, 1, 1), navy(0.0f, 0.16f, 0.45f, 1.0f), blue(0.0f, 0.28f, 0.70f, 1.0f);
        style.Colors[ImGuiCol_WindowBg] = black;
        style.Colors[ImGuiCol_PopupBg] = black;
        style.Colors[ImGuiCol_Text] = white;
        style.Colors[ImGuiCol_TextDisabled] = ImVec4(0.80f, 0.80f, 0.80f, 1.0f);
        style.Colors[ImGuiCol_Border] = white;
        for (ImGuiCol c : {ImGuiCol_FrameBg, ImGuiCol_Button, ImGuiCol_Header, ImGuiCol_TitleBg, ImGuiCol_Tab})
            style.Colors[c] = navy;
        for (ImGuiCol c : {ImGuiCol_FrameBgHovered, ImGuiCol_ButtonHovered, ImGuiCol_HeaderHovered, ImGuiCol_TabHovered,
                           ImGuiCol_FrameBgActive, ImGuiCol_ButtonActive, ImGuiCol_HeaderActive, ImGuiCol_TitleBgActive, ImGuiCol_TabActive})
            style.Colors[c] = blue;
        style.Colors[ImGuiCol_CheckMark] = style.Colors[ImGuiCol_SliderGrabActive] = ImVec4(1.0f, 0.86f, 0.0f, 1.0f);
        style.Colors[ImGuiCol_SliderGrab] = white;
        style.Colors[ImGuiCol_PlotHistogram] = navy;
    }
}

}  // namespace

void apply_theme(Theme t) {
    g_theme = t;
    g_palette = palette_of(t);
    ImGuiStyle& style = ImGui::GetStyle();
    theme_style(t, style);
    style.FrameBorderSize = 1.0f;  // fields, checkboxes and radios show their edge (3:1, WCAG 1.4.11)
}

namespace {

// A color drawn over another (alpha blending, as the renderer does), opaque.
ImVec4 over(ImVec4 fg, ImVec4 bg) {
    return ImVec4(fg.x * fg.w + bg.x * (1 - fg.w), fg.y * fg.w + bg.y * (1 - fg.w), fg.z * fg.w + bg.z * (1 - fg.w), 1.0f);
}

}  // namespace

std::vector<ColorPair> color_pairs(Theme t) {
    ImGuiStyle style;
    theme_style(t, style);
    const Palette& p = palette_of(t);
    const ImVec4* c = style.Colors;
    const ImVec4 window = over(c[ImGuiCol_WindowBg], p.clear);
    std::vector<ColorPair> out;
    auto text = [&](const char* what, ImVec4 fg, ImVec4 bg) { out.push_back({what, over(fg, bg), bg, false}); };
    auto mark = [&](const char* what, ImVec4 fg, ImVec4 bg) { out.push_back({what, over(fg, bg), bg, true}); };
    text("text on a panel", c[ImGuiCol_Text], window);
    text("dim text on a panel", c[ImGuiCol_TextDisabled], window);
    text("text on the page", c[ImGuiCol_Text], p.clear);
    for (const auto& [name, bg] : std::initializer_list<std::pair<const char*, ImGuiCol>>{
             {"button", ImGuiCol_Button}, {"hovered button", ImGuiCol_ButtonHovered}, {"pressed or current button", ImGuiCol_ButtonActive},
             {"field", ImGuiCol_FrameBg}, {"hovered field", ImGuiCol_FrameBgHovered}, {"active field", ImGuiCol_FrameBgActive},
             {"list item", ImGuiCol_Header}, {"hovered list item", ImGuiCol_HeaderHovered}, {"chosen list item", ImGuiCol_HeaderActive},
             {"panel title", ImGuiCol_TitleBgActive}, {"inactive panel title", ImGuiCol_TitleBg},
             {"progress bar", ImGuiCol_PlotHistogram}})
        text((std::string("text on a ") + name).c_str(), c[ImGuiCol_Text], over(c[bg], window));
    text("text in a popup", c[ImGuiCol_Text], over(c[ImGuiCol_PopupBg], window));
    text("accent text", p.accent, window);
    text("warning text", p.warning, window);
    text("error text", p.error, window);
    text("text of a stage shown", p.done, window);
    text("text of a stage to come", p.to_come, window);
    text("text of a right answer", p.good, window);
    // the numbers on heatmap cells: the ink heatmap_ink() picks on every weight's color
    for (int i = 0; i <= 20; ++i) {
        const float w = i / 20.0f;
        const ImVec4 cell = over(ImGui::ColorConvertU32ToFloat4(weight_cell_color(w)), window);
        out.push_back({"number on a weight cell of " + std::to_string(w).substr(0, 4), ImGui::ColorConvertU32ToFloat4(heatmap_ink(cell)), cell, false});
    }
    // ... and on a diverging cell (scores, vectors: blue - white - orange)
    for (int i = -10; i <= 10; ++i) {
        const ImVec4 cell = over(ImGui::ColorConvertU32ToFloat4(value_color(i / 10.0f, 1.0f)), window);
        out.push_back({"number on a value cell of " + std::to_string(i / 10.0f).substr(0, i < 0 ? 4 : 3), ImGui::ColorConvertU32ToFloat4(heatmap_ink(cell)), cell, false});
    }
    // a weight bar (stage 5): its text over the bar, and over the track beside it
    const ImVec4 bar = over(ImGui::ColorConvertU32ToFloat4(IM_COL32(242, 140, 40, 255)), window);
    out.push_back({"text over a weight bar", ImGui::ColorConvertU32ToFloat4(heatmap_ink(bar)), bar, false});
    text("text over a weight bar's track", c[ImGuiCol_Text], over(ImGui::ColorConvertU32ToFloat4(IM_COL32(80, 80, 80, 60)), window));
    const ImVec4 field = over(c[ImGuiCol_FrameBg], window);
    mark("edge of a field, checkbox or radio", c[ImGuiCol_Border], window);
    mark("check mark in its box", c[ImGuiCol_CheckMark], field);
    mark("slider grab on its track", c[ImGuiCol_SliderGrab], field);
    mark("focus ring on a panel", p.focus, window);
    mark("focus ring on a button", p.focus, over(c[ImGuiCol_Button], window));
    mark("focus ring on a field", p.focus, field);
    return out;
}

ColorScales color_scales(Theme t, int steps) {
    ImGuiStyle style;
    theme_style(t, style);
    const ImVec4 window = over(style.Colors[ImGuiCol_WindowBg], palette_of(t).clear);
    ColorScales out;
    for (int i = 0; i <= steps; ++i) {
        const float f = static_cast<float>(i) / static_cast<float>(steps);
        out.weight.push_back(over(ImGui::ColorConvertU32ToFloat4(weight_cell_color(f)), window));
        out.diverging.push_back(over(ImGui::ColorConvertU32ToFloat4(value_color(2.0f * f - 1.0f, 1.0f)), window));
    }
    return out;
}

ImU32 weight_cell_color(float w) { return IM_COL32(242, 140, 40, static_cast<int>(20 + 235 * std::clamp(w, 0.0f, 1.0f))); }

namespace {
float channel(float v) { return v <= 0.04045f ? v / 12.92f : std::pow((v + 0.055f) / 1.055f, 2.4f); }
float luminance(ImVec4 c) { return 0.2126f * channel(c.x) + 0.7152f * channel(c.y) + 0.0722f * channel(c.z); }
}  // namespace

ImU32 ink_on(ImU32 cell) {
    const ImVec4* c = ImGui::GetStyle().Colors;
    return heatmap_ink(over(ImGui::ColorConvertU32ToFloat4(cell), over(c[ImGuiCol_WindowBg], palette().clear)));
}

ImU32 heatmap_ink(ImVec4 cell) {
    // black or white, whichever has the more contrast: one of them always has at least 4.58:1
    const float l = luminance(cell);
    return (l + 0.05f) / 0.05f >= 1.05f / (l + 0.05f) ? IM_COL32(0, 0, 0, 255) : IM_COL32(255, 255, 255, 255);
}

void set_ui_scale(float scale) {
    ImGuiStyle& style = ImGui::GetStyle();
    ImGuiStyle fresh;  // ImGui's default sizes, our colors and edges
    std::copy(std::begin(style.Colors), std::end(style.Colors), std::begin(fresh.Colors));
    fresh.FrameBorderSize = style.FrameBorderSize;
    fresh.ScaleAllSizes(scale);
    style = fresh;
    g_scale = scale;
}

float ui_scale() { return g_scale; }

Theme current_theme() { return g_theme; }

const Palette& palette() { return g_palette; }

}  // namespace attn::ui
