// theme.cpp: see theme.h. Both themes start from ImGui's own (StyleColorsDark / StyleColorsLight)
// and change only what the lab needs: opaque panels, and accents that keep contrast on white.
#include "ui/theme.h"

#include <algorithm>
#include <iterator>

namespace attn::ui {

namespace {

Theme g_theme = Theme::Dark;

const Palette kDark = {
    ImVec4(0.10f, 0.11f, 0.13f, 1.0f),   // #1a1c21, as web/style.css
    ImVec4(1.00f, 0.72f, 0.30f, 1.0f),
    ImVec4(1.00f, 0.70f, 0.40f, 1.0f),
    ImVec4(1.00f, 0.45f, 0.35f, 1.0f),
    ImVec4(0.75f, 0.75f, 0.75f, 1.0f),
    ImVec4(0.45f, 0.45f, 0.45f, 1.0f),
    ImVec4(0.55f, 0.85f, 0.55f, 1.0f),
};
// Darker accents for a white background (each has a contrast ratio of at least 4.5 against the
// window background, WCAG AA for text).
const Palette kLight = {
    ImVec4(0.93f, 0.93f, 0.95f, 1.0f),   // #edeef2
    ImVec4(0.66f, 0.33f, 0.00f, 1.0f),
    ImVec4(0.62f, 0.30f, 0.00f, 1.0f),
    ImVec4(0.75f, 0.12f, 0.08f, 1.0f),
    ImVec4(0.25f, 0.25f, 0.25f, 1.0f),
    ImVec4(0.45f, 0.45f, 0.45f, 1.0f),
    ImVec4(0.08f, 0.45f, 0.12f, 1.0f),
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

void apply_theme(Theme t) {
    g_theme = t;
    g_palette = t == Theme::Light ? kLight : t == Theme::Contrast ? kContrast : kDark;
    ImGuiStyle& style = ImGui::GetStyle();
    if (t == Theme::Light) {
        ImGui::StyleColorsLight(&style);
        style.Colors[ImGuiCol_WindowBg] = ImVec4(0.98f, 0.98f, 0.99f, 1.0f);
        style.Colors[ImGuiCol_TextDisabled] = ImVec4(0.40f, 0.40f, 0.42f, 1.0f);  // ImGui's 0.60 is too faint on white
    } else {
        ImGui::StyleColorsDark(&style);
        style.Colors[ImGuiCol_WindowBg] = ImVec4(0.07f, 0.08f, 0.09f, 0.97f);
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
    }
}

void set_ui_scale(float scale) {
    ImGuiStyle& style = ImGui::GetStyle();
    ImGuiStyle fresh;  // ImGui's default sizes, our colors
    std::copy(std::begin(style.Colors), std::end(style.Colors), std::begin(fresh.Colors));
    fresh.ScaleAllSizes(scale);
    style = fresh;
    g_scale = scale;
}

float ui_scale() { return g_scale; }

Theme current_theme() { return g_theme; }

const Palette& palette() { return g_palette; }

}  // namespace attn::ui
