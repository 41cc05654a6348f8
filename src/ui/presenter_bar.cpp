// presenter_bar.cpp: see presenter_bar.h.
#include "ui/presenter_bar.h"

#include "ui/mirror.h"
#include "ui/page_actions.h"
#include "ui/theme.h"
#include "ui/widgets.h"

#include "imgui.h"
#include "imgui_internal.h"  // the last item's flags: a button drawn disabled

#include <cstring>
#include <cstdio>
#include <string>

namespace attn::ui {

using views::PresenterState;

namespace {

Theme g_theme_before = Theme::Dark;  // the theme to restore when presenting ends

// The caption the teacher types for "Add this step" (the popup's text field; UI state only).
char g_caption[views::kLessonMaxCaption + 1] = "";

// A button whose text is the table's `text_id` in the current language, declared as control `id`
// (pressed: a toggle button's state, -1 for a plain button).
bool button(const char* text_id, const std::string& id, int pressed = -1) {
    const bool clicked = ImGui::Button(label_id(text_id, id.c_str()).c_str());
    if (pressed >= 0) mirror_toggle(id, tr(text_id), pressed != 0, tr(text_id));
    else mirror_button(id, tr(text_id), tr(text_id), (GImGui->LastItemData.InFlags & ImGuiItemFlags_Disabled) != 0);
    return clicked;
}

}  // namespace

void set_presenting(views::Session& s, bool on) {
    PresenterState& p = s.view<PresenterState>();
    if (p.on == on) return;
    p.on = on;
    p.idle_s = 0.0;
    if (on) {
        g_theme_before = current_theme();
        apply_theme(Theme::Contrast);
    } else {
        apply_theme(g_theme_before);
    }
    set_ui_scale(on ? views::kPresentScale : 1.0f);
    post_page_action("present", on ? "on" : "off");
}

float draw_presenter_bar(const views::Session& s, views::Intents& asked) {
    const PresenterState& p = s.view<PresenterState>();
    const ImVec2 size = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowPos(ImVec2(0, 0), ImGuiCond_Always);
    ImGui::SetNextWindowSize(ImVec2(size.x, 0), ImGuiCond_Always);
    ImGui::Begin("##presenter", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings);
    mirror_name_window(tr("bar.present"));
    const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
    auto same_line_if_fits = [](const char* text_id) { ui::same_line_if_fits(button_width(tr(text_id))); };

    if (button("present.exit", "present/exit")) asked.push_back([](views::Session& t) { set_presenting(t, false); });
    // The lab's panels, one at a time (the other views show their own single layout).
    if (s.lab.state.view == "translate") {
        for (size_t i = 0; i < views::present_panels().size(); ++i) {
            const views::PresentPanelRow& row = views::present_panels()[i];
            same_line_if_fits(row.title);
            const bool active = p.panel == static_cast<int>(i);
            if (active) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
            if (button(row.title, std::string("present/panel/") + row.id, active ? 1 : 0))
                asked.push_back([i](views::Session& t) { t.view<PresenterState>().panel = static_cast<int>(i); });
            if (active) ImGui::PopStyleColor();
        }
    }
    // The lesson: Back and Next (PageUp and PageDown do the same), and writing one.
    if (p.lesson_loaded()) {
        same_line_if_fits("present.back");
        ImGui::BeginDisabled(p.lesson_step <= 0);
        if (button("present.back", "present/lesson/back"))
            asked.push_back([](views::Session& t) { views::lesson_go(t, t.view<PresenterState>().lesson_step - 1); });
        ImGui::EndDisabled();
        same_line_if_fits("present.next");
        ImGui::BeginDisabled(p.lesson_step + 1 >= static_cast<int>(p.lesson.steps.size()));
        if (button("present.next", "present/lesson/next"))
            asked.push_back([](views::Session& t) { views::lesson_go(t, t.view<PresenterState>().lesson_step + 1); });
        ImGui::EndDisabled();
    }
    same_line_if_fits("present.add");
    if (button("present.add", "present/lesson/add")) {
        g_caption[0] = '\0';
        ImGui::OpenPopup("add-step");
    }
    if (p.lesson_loaded()) {
        same_line_if_fits("present.copy_link");
        if (button("present.copy_link", "present/lesson/link")) post_page_action("lesson", "link");
        same_line_if_fits("present.save");
        if (button("present.save", "present/lesson/save")) post_page_action("lesson", "save");
    }
    if (ImGui::BeginPopup("add-step")) {
        ImGui::TextUnformatted(tr("present.caption_prompt"));
        if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 24);
        const bool entered = ImGui::InputText("##caption", g_caption, sizeof g_caption, ImGuiInputTextFlags_EnterReturnsTrue);
        if (std::string typed = g_caption; mirror_text("present/lesson/caption", tr("present.caption_prompt"), &typed))
            std::snprintf(g_caption, sizeof g_caption, "%s", typed.c_str());
        const bool add = button("present.add_confirm", "present/lesson/add-confirm") || entered;
        if (add) {
            asked.push_back([caption = std::string(g_caption)](views::Session& t) { views::lesson_add_step(t, caption); });
            ImGui::CloseCurrentPopup();
        }
        ImGui::SameLine();
        if (button("present.cancel", "present/lesson/add-cancel")) ImGui::CloseCurrentPopup();
        ImGui::EndPopup();
    }

    // The caption, large: what the class reads from the back of the room.
    const std::string caption = views::presenter_caption(s);
    ImGui::SetWindowFontScale(1.3f);
    ImGui::PushTextWrapPos(right);
    ImGui::TextUnformatted(caption.empty() ? " " : caption.c_str());
    ImGui::PopTextWrapPos();
    ImGui::SetWindowFontScale(1.0f);
    mirror_text_line("present/caption", caption);  // wrapped text: no overflow to measure
    const std::string where = views::presenter_where(s);
    ImGui::TextDisabled("%s", where.empty() ? " " : where.c_str());
    const float height = ImGui::GetWindowHeight();
    ImGui::End();
    return height;
}

}  // namespace attn::ui
