// tour.cpp: see tour.h. The cards name what a learner sees, in the words of the panels themselves.
#include "ui/tour.h"

#include "ui/mirror.h"
#include "ui/page_actions.h"
#include "ui/theme.h"
#include "ui/widgets.h"

#include "imgui.h"
#include "imgui_internal.h"  // FindWindowByName, BringWindowToDisplayFront: the card stays on top without taking focus

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>

namespace attn::ui {

namespace {

struct Card {
    const char* target;  // widget id, or "window:<window id>" (the part after "###" in its title)
    const char* title;   // ids of the strings table (views/strings.h)
    const char* text;
};

const Card kCards[] = {
    {"lab/text", "tour.1.title", "tour.1.text"},
    {"lab/play", "tour.2.title", "tour.2.text"},
    {"window:stages", "tour.3.title", "tour.3.text"},
    {"lab/heatmap", "tour.4.title", "tour.4.text"},
    {"tweak/temperature", "tour.5.title", "tour.5.text"},
    {"view/theme", "tour.6.title", "tour.6.text"},
};
constexpr int kCount = static_cast<int>(sizeof kCards / sizeof kCards[0]);

// The target's rectangle this frame, if it was drawn this frame.
bool target_rect(const char* target, ImVec2* a, ImVec2* b) {
    constexpr const char* kWindow = "window:";
    if (std::strncmp(target, kWindow, std::strlen(kWindow)) == 0) {
        ImGuiWindow* w = ImGui::FindWindowByName((std::string("###") + (target + std::strlen(kWindow))).c_str());
        if (!w || !w->WasActive) return false;
        *a = w->Pos;
        *b = ImVec2(w->Pos.x + w->Size.x, w->Pos.y + w->Size.y);
        return true;
    }
    const auto& rects = widget_rects();
    const auto it = rects.find(target);
    if (it == rects.end() || it->second.frame != registry_frame()) return false;
    *a = ImVec2(it->second.x, it->second.y);
    *b = ImVec2(it->second.x + it->second.w, it->second.y + it->second.h);
    return true;
}

}  // namespace

int tour_step_count() { return kCount; }
const char* tour_step_target(int step) { return step >= 0 && step < kCount ? kCards[step].target : ""; }

TourEvent draw_tour(int& step, bool still) {
    if (step < 0 || step >= kCount) return TourEvent::Finished;
    const Card& card = kCards[step];
    const Palette& pal = palette();
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    const float pad = 8.0f, width = std::min(ImGui::GetFontSize() * 24.0f, display.x - 2 * pad);

    // Where the card goes: beside the target when it fits (the target stays visible and usable),
    // else under or over it, else in the middle of the screen.
    ImVec2 a, b;
    const bool has_target = target_rect(card.target, &a, &b);
    const ImGuiWindow* last = ImGui::FindWindowByName("##tour");
    const float height = last && last->Size.y > 0 ? last->Size.y : ImGui::GetFontSize() * 8.0f;
    ImVec2 pos((display.x - width) * 0.5f, (display.y - height) * 0.5f);
    if (has_target) {
        const float clamp_x = std::max(pad, display.x - width - pad), clamp_y = std::max(pad, display.y - height - pad);
        const float top = std::clamp(a.y, pad, clamp_y), left = std::clamp(a.x, pad, clamp_x);
        if (b.x + 2 * pad + width <= display.x) pos = ImVec2(b.x + 2 * pad, top);
        else if (b.y + 2 * pad + height <= display.y) pos = ImVec2(left, b.y + 2 * pad);
        else if (a.x - 2 * pad - width >= 0) pos = ImVec2(a.x - 2 * pad - width, top);
        else if (a.y - 2 * pad - height >= 0) pos = ImVec2(left, a.y - 2 * pad - height);
        else pos = ImVec2(left, clamp_y);
        // The outline: drawn over every window, so the eye finds the target wherever it is.
        const float t = static_cast<float>(ImGui::GetTime());
        const float glow = still ? 1.0f : 0.6f + 0.4f * (0.5f + 0.5f * std::sin(t * 4.0f));
        ImVec4 c = pal.accent;
        c.w = glow;
        ImGui::GetForegroundDrawList()->AddRect(ImVec2(a.x - 4, a.y - 4), ImVec2(b.x + 4, b.y + 4),
                                                ImGui::ColorConvertFloat4ToU32(c), 5.0f, 0, 3.0f);
    }
    ImGui::SetNextWindowPos(pos, ImGuiCond_Always);
    ImGui::SetNextWindowSize(ImVec2(width, 0), ImGuiCond_Always);
    ImGui::Begin("##tour", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoFocusOnAppearing |
                     ImGuiWindowFlags_NoNav | ImGuiWindowFlags_AlwaysAutoResize);
    ImGui::BringWindowToDisplayFront(ImGui::GetCurrentWindow());
    // A new card (or a tour started afresh) on a page taller than the window (a phone, 200% zoom): the page
    // scrolls to show the card, with its target when both fit (web/page.js, "reveal"). Asked on the card's
    // first frames: its height is known once it has been drawn.
    static int revealed = -1, reveal_frames = 0;
    static int drawn_at = -2;
    if (ImGui::GetFrameCount() - drawn_at > 1) revealed = -1;
    drawn_at = ImGui::GetFrameCount();
    if (revealed != step) {
        revealed = step;
        reveal_frames = 3;
    }
    if (reveal_frames > 0) {
        --reveal_frames;
        const ImGuiWindow* w = ImGui::GetCurrentWindowRead();
        const float y0 = w->Pos.y, y1 = w->Pos.y + w->Size.y;
        char span[96];
        std::snprintf(span, sizeof span, "%.0f %.0f %.0f %.0f", y0, y1, has_target ? std::min(y0, a.y - 4) : y0,
                      has_target ? std::max(y1, b.y + 4) : y1);
        post_page_action("reveal", span);
    }
    ImGui::TextColored(pal.accent, tr("tour.heading"), step + 1, kCount, tr(card.title));
    mirror_name_window(trf("tour.heading", step + 1, kCount, tr(card.title)));
    mirror_text_line("tour/heading", trf("tour.heading", step + 1, kCount, tr(card.title)));
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextUnformatted(tr(card.text));
    mirror_text_line("tour/text", tr(card.text));
    ImGui::PopTextWrapPos();
    TourEvent event = TourEvent::None;
    if (ImGui::Button(label_id(step + 1 < kCount ? "tour.next" : "tour.done", "next").c_str())) {
        if (++step >= kCount) event = TourEvent::Finished;
    }
    mirror_button("tour/next", tr(step < kCount && step + 1 < kCount ? "tour.next" : "tour.done"),
                  tr(step < kCount && step + 1 < kCount ? "tour.next" : "tour.done"));
    ImGui::SameLine();
    if (ImGui::Button(label_id("tour.skip").c_str())) event = TourEvent::Skipped;
    mirror_button("tour/skip", tr("tour.skip"), tr("tour.skip"));
    help_marker(tr("tour.help"));
    ImGui::End();
    return event;
}

}  // namespace attn::ui
