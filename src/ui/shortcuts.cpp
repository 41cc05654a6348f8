// shortcuts.cpp: see shortcuts.h.
#include "ui/shortcuts.h"

#include "ui/mirror.h"
#include "ui/theme.h"
#include "ui/widgets.h"

#include "imgui.h"
#include "imgui_internal.h"  // BringWindowToDisplayFront: the card stays over the panels

#include <algorithm>
#include <iterator>
#include <string>

namespace attn::ui {

namespace {
const ShortcutRow kRows[] = {
    {"keys.tab", "keys.tab_does"},
    {"keys.space", "keys.space_does"},
    {"keys.arrows", "keys.arrows_does"},
    {"keys.shift_arrows", "keys.shift_arrows_does"},
    {"keys.pages", "keys.pages_does"},
    {"keys.escape", "keys.escape_does"},
    {"keys.help", "keys.help_does"},
};
}  // namespace

const ShortcutRow* shortcut_rows(int* count) {
    *count = static_cast<int>(std::size(kRows));
    return kRows;
}

bool draw_shortcuts() {
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    const float width = std::min(display.x - 20.0f, ImGui::GetFontSize() * 34.0f);
    ImGui::SetNextWindowPos(ImVec2(display.x * 0.5f, display.y * 0.5f), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSize(ImVec2(width, 0), ImGuiCond_Always);
    ImGui::Begin(label_id("keys.title", "shortcuts").c_str(), nullptr,
                 ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove |
                     ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_AlwaysAutoResize);
    ImGui::BringWindowToDisplayFront(ImGui::GetCurrentWindow());
    ImGui::PushTextWrapPos(0.0f);
    for (const ShortcutRow& r : kRows) {
        ImGui::TextColored(palette().accent, "%s", tr(r.keys_id));
        ImGui::TextUnformatted(tr(r.does_id));
        mirror_text_line(std::string("shortcuts/") + r.keys_id, std::string(tr(r.keys_id)) + ": " + tr(r.does_id));
    }
    ImGui::PopTextWrapPos();
    const bool close = ImGui::Button(label_id("keys.close", "close").c_str());
    mirror_button("shortcuts/close", tr("keys.close"), tr("keys.close"));
    ImGui::End();
    return !close;
}

}  // namespace attn::ui
