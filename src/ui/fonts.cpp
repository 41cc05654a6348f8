// fonts.cpp: see fonts.h.
#include "ui/fonts.h"

#include "backends/imgui_impl_opengl3.h"
#include "imgui.h"

#include <cmath>

namespace attn::ui {

namespace {

std::vector<unsigned char> g_ttf;
FontReport g_report;

// Latin-1 and Latin Extended-A (Spanish, romanized Hindi with diacritics), dashes, quotes and the
// ellipsis, arrows, and the few math signs the panels may print (sum, square root, approx).
const ImWchar kRanges[] = {0x0020, 0x00FF, 0x0100, 0x017F, 0x2010, 0x2027, 0x2190, 0x2193,
                           0x2211, 0x2211, 0x221A, 0x221A, 0x2248, 0x2248, 0};

}  // namespace

void set_font_data(std::vector<unsigned char> ttf, std::string name) {
    g_ttf = std::move(ttf);
    g_report.name = g_ttf.empty() ? "ImGui default (ProggyClean)" : std::move(name);
    g_report.dpr = 0;  // forces the next fonts_follow to rebuild
}

float font_size_for_width(float css_width) { return css_width < 600.0f ? 16.0f : 15.0f; }

bool fonts_follow(float dpr, float size_css) {
    if (!(dpr > 0.0f)) dpr = 1.0f;
    ImGuiIO& io = ImGui::GetIO();
    // The renderer uploads the first atlas itself (in its first NewFrame): free the CPU copy after.
    if (io.Fonts->TexID != 0 && (io.Fonts->TexPixelsAlpha8 || io.Fonts->TexPixelsRGBA32)) io.Fonts->ClearTexData();
    if (g_report.builds > 0 && dpr == g_report.dpr && size_css == g_report.size_css) return false;
    const bool uploaded = io.Fonts->TexID != 0;  // the renderer made its texture from an earlier atlas
    if (uploaded) ImGui_ImplOpenGL3_DestroyFontsTexture();
    io.Fonts->Clear();
    const float raster = std::round(size_css * dpr);
    if (!g_ttf.empty()) {
        ImFontConfig cfg;
        cfg.FontDataOwnedByAtlas = false;  // g_ttf keeps the bytes for the next rebuild
        // One texel per device pixel: no horizontal oversampling, advances snapped to whole pixels.
        cfg.OversampleH = 1;
        cfg.OversampleV = 1;
        cfg.PixelSnapH = true;
        io.Fonts->AddFontFromMemoryTTF(g_ttf.data(), static_cast<int>(g_ttf.size()), raster, &cfg, kRanges);
    } else {
        ImFontConfig cfg;
        cfg.SizePixels = raster;  // ProggyClean is a 13 px bitmap font: only crisp at whole multiples
        io.Fonts->AddFontDefault(&cfg);
    }
    io.Fonts->Build();
    io.FontGlobalScale = 1.0f / dpr;
    g_report.dpr = dpr;
    g_report.size_css = size_css;
    g_report.raster_px = raster;
    g_report.global_scale = io.FontGlobalScale;
    g_report.atlas_w = io.Fonts->TexWidth;
    g_report.atlas_h = io.Fonts->TexHeight;
    ++g_report.builds;
    if (uploaded) {
        ImGui_ImplOpenGL3_CreateFontsTexture();
        io.Fonts->ClearTexData();  // the GPU has the pixels; free the CPU copy (4 MB of RGBA at DPR 3)
    }
    return true;
}

const FontReport& font_report() { return g_report; }

}  // namespace attn::ui
