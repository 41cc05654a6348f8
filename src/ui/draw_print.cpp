// draw_print.cpp: see draw_print.h.
#include "ui/draw_print.h"

#include "ui/fonts.h"

#include "imgui.h"

#include <cstring>

namespace attn::ui {

namespace {

// Eight bytes at a time: h = f(h ^ word), f a multiply by an odd constant then an xor-shift (a step of
// MurmurHash3's finalizer). f is a bijection, so two inputs of the same length that differ in one word
// always end with different prints. A megabyte of vertices takes a fraction of a millisecond, against
// the frame's drawing it saves.
struct Print {
    uint64_t h = 0x9e3779b97f4a7c15ull;
    void word(uint64_t w) {
        h ^= w;
        h *= 0xff51afd7ed558ccdull;
        h ^= h >> 32;
    }
    void bytes(const void* p, size_t n) {
        const auto* b = static_cast<const unsigned char*>(p);
        uint64_t w = 0;
        for (; b && n >= 8; n -= 8, b += 8) {
            std::memcpy(&w, b, 8);
            word(w);
        }
        w = 0;
        if (n) std::memcpy(&w, b, n);  // (a null pointer, even for 0 bytes, is not memcpy's to take)
        word(w ^ (static_cast<uint64_t>(n) << 56));
    }
    void f(float x) {
        uint32_t u = 0;
        std::memcpy(&u, &x, 4);
        word(u);
    }
};

}  // namespace

uint64_t draw_print(const ImDrawData& data, int fb_w, int fb_h, const float clear_rgb[3]) {
    Print p;
    p.word(static_cast<uint64_t>(static_cast<uint32_t>(fb_w)) << 32 | static_cast<uint32_t>(fb_h));
    for (int i = 0; i < 3; ++i) p.f(clear_rgb[i]);
    // The atlas is rebuilt (a new pixel ratio, presenter mode) under a texture name GL may hand out again.
    p.word(static_cast<uint64_t>(font_report().builds));
    p.f(data.DisplayPos.x), p.f(data.DisplayPos.y), p.f(data.DisplaySize.x), p.f(data.DisplaySize.y);
    p.f(data.FramebufferScale.x), p.f(data.FramebufferScale.y);
    p.word(static_cast<uint64_t>(data.CmdListsCount));
    for (int l = 0; l < data.CmdListsCount; ++l) {
        const ImDrawList& list = *data.CmdLists[l];
        p.word(static_cast<uint64_t>(list.VtxBuffer.Size));
        p.bytes(list.VtxBuffer.Data, static_cast<size_t>(list.VtxBuffer.Size) * sizeof(ImDrawVert));
        p.word(static_cast<uint64_t>(list.IdxBuffer.Size));
        p.bytes(list.IdxBuffer.Data, static_cast<size_t>(list.IdxBuffer.Size) * sizeof(ImDrawIdx));
        p.word(static_cast<uint64_t>(list.CmdBuffer.Size));
        for (const ImDrawCmd& c : list.CmdBuffer) {  // field by field: the struct has padding
            p.f(c.ClipRect.x), p.f(c.ClipRect.y), p.f(c.ClipRect.z), p.f(c.ClipRect.w);
            p.word(reinterpret_cast<uintptr_t>(c.TextureId));
            p.word(static_cast<uint64_t>(c.VtxOffset) << 32 | c.IdxOffset);
            p.word(c.ElemCount);
            p.word(reinterpret_cast<uintptr_t>(c.UserCallback));
            p.word(reinterpret_cast<uintptr_t>(c.UserCallbackData));
        }
    }
    return p.h;
}

}  // namespace attn::ui
