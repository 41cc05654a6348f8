// fonts.cpp: see fonts.h.
#include "ui/fonts.h"

#include "backends/imgui_impl_opengl3.h"
#include "imgui.h"

#ifdef __EMSCRIPTEN__
#include <GLES3/gl3.h>
#else
#include <SDL_opengl.h>
#endif

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace attn::ui {

namespace {

std::vector<unsigned char> g_ttf;
FontReport g_report;

// Latin-1 and Latin Extended-A (Spanish, romanized Hindi with diacritics), dashes, quotes and the
// ellipsis, arrows, and the few math signs the panels may print (sum, square root, approx).
const ImWchar kRanges[] = {0x0020, 0x00FF, 0x0100, 0x017F, 0x2010, 0x2027, 0x2190, 0x2193,
                           0x2211, 0x2211, 0x221A, 0x221A, 0x2248, 0x2248, 0};

// The texture of a rebuilt atlas (0 while the renderer's own, made from the first atlas, is in use).
GLuint g_texture = 0;

// Uploads a rebuilt atlas as the white RGBA texture the renderer's shader samples, a band of rows at a
// time. The renderer's own upload converts the whole atlas to RGBA first: 4 bytes a texel, 2 MB for a
// 512 x 1024 atlas at DPR 3, 4 MB for presenting's 1024 x 1024; such a buffer, allocated and freed at each change of the
// pixel ratio, left holes that the allocator's top grew past (tests/e2e/visitor.test.mjs). The largest
// buffer here is the atlas's own 8-bit coverage; the band is 64 KB.
void upload_atlas() {
    ImGuiIO& io = ImGui::GetIO();
    unsigned char* alpha = nullptr;
    int w = 0, h = 0;
    io.Fonts->GetTexDataAsAlpha8(&alpha, &w, &h);
    GLint last_texture = 0;
    glGetIntegerv(GL_TEXTURE_BINDING_2D, &last_texture);
    glGenTextures(1, &g_texture);
    glBindTexture(GL_TEXTURE_2D, g_texture);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
#ifdef GL_UNPACK_ROW_LENGTH
    glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
#endif
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, w, h, 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
    const int rows = std::max(1, (64 << 10) / (4 * std::max(w, 1)));
    std::vector<uint32_t> band(static_cast<size_t>(w) * static_cast<size_t>(rows));
    for (int y = 0; y < h; y += rows) {
        const int n = std::min(rows, h - y);
        const unsigned char* src = alpha + static_cast<size_t>(y) * static_cast<size_t>(w);
        for (size_t i = 0; i < static_cast<size_t>(w) * static_cast<size_t>(n); ++i) band[i] = IM_COL32(255, 255, 255, src[i]);
        glTexSubImage2D(GL_TEXTURE_2D, 0, 0, y, w, n, GL_RGBA, GL_UNSIGNED_BYTE, band.data());
    }
    glBindTexture(GL_TEXTURE_2D, static_cast<GLuint>(last_texture));
    io.Fonts->SetTexID(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(g_texture)));
}

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
    if (uploaded) {
        ImGui_ImplOpenGL3_DestroyFontsTexture();  // the renderer's (from the first atlas), if still in use
        if (g_texture) glDeleteTextures(1, &g_texture);
        g_texture = 0;
    }
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
        upload_atlas();
        io.Fonts->ClearTexData();  // the GPU has the pixels; free the CPU copy
    }
    return true;
}

void fonts_context_lost() {
    g_texture = 0;  // the name belonged to the lost context; the renderer uploads the atlas afresh
    ImGui::GetIO().Fonts->SetTexID(nullptr);
}

const FontReport& font_report() { return g_report; }

}  // namespace attn::ui
