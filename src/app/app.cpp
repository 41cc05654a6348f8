// app.cpp: see app.h. The frame: every view that needs it is updated (the engine runs and files load
// here, before anything is drawn), then the view bar and the current view (a row of the views table) are
// drawn, and what its windows asked for is applied; when something was, the frame is drawn again.
#include "app/app.h"

#include "app/view_table.h"
#include "ui/mirror.h"
#include "ui/page_actions.h"
#include "ui/presenter_bar.h"
#include "ui/theme.h"
#include "ui/widgets.h"
#include "views/narration.h"

#include "imgui.h"
#include "imgui_internal.h"  // ClosePopupToLevel: Escape closes an open list

namespace attn::app {

namespace {

// The view bar: a button per row of the views table, the theme switch, the notices. Returns its height.
float draw_view_bar(App& app) {
    const ImVec2 size = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowPos(ImVec2(0, 0), ImGuiCond_Always);
    ImGui::SetNextWindowSize(ImVec2(size.x, 0), ImGuiCond_Always);
    ImGui::Begin("##views", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings);
    ui::mirror_name_window(views::tr("bar.views"));
    ImGui::TextUnformatted(views::tr("bar.title"));
    // On a narrow screen (a phone) the buttons wrap onto more lines instead of running off the edge.
    const float bar_right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
    auto same_line_if_fits = [](const char* label) { ui::same_line_if_fits(ui::button_width(label)); };
    for (const ViewRow& v : view_table()) {
        const std::string title_id = std::string("view.") + v.id;
        const char* title = views::tr(title_id);
        same_line_if_fits(title);
        const bool active = app.lab.state.view == v.id;
        if (active) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
        if (ImGui::Button(ui::label_id(title_id.c_str()).c_str())) app.lab.state.view = v.id;
        if (active) ImGui::PopStyleColor();
        ui::mirror_toggle(std::string("view/") + v.id, title, active, title);
    }
    // Present, Copy embed code, the language and the theme switches, at the right end of the bar; the
    // page's JavaScript makes the embed code (it knows the page's address) and remembers the theme.
    const bool light = ui::current_theme() == ui::Theme::Light;
    const char* other = views::tr(light ? "bar.to_dark" : "bar.to_light");
    const char* embed = views::tr("bar.embed");
    const char* present = views::tr("bar.present");
    const char* lang = views::tr("bar.lang");  // the other language's name, in that language
    const ImGuiStyle& st = ImGui::GetStyle();
    const float present_w = ui::button_width(present);
    const float embed_w = ui::button_width(embed);
    const float theme_w = ui::button_width(other);
    const float lang_w = ui::button_width(lang);
    const float right_w = present_w + st.ItemSpacing.x + embed_w + st.ItemSpacing.x + theme_w + st.ItemSpacing.x + lang_w +
                          st.ItemSpacing.x + ui::button_width("?");
    if (ImGui::GetItemRectMax().x + st.ItemSpacing.x + right_w <= bar_right)
        ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - right_w);
    if (ImGui::Button(ui::label_id("bar.present", "present").c_str())) page_present(app, true);  // app state, at once
    ui::mirror_button("view/present", present, present);
    same_line_if_fits(embed);
    if (ImGui::Button(ui::label_id("bar.embed", "embed").c_str())) ui::post_page_action("embed", app.lab.state.view);
    ui::mirror_button("view/embed", embed, embed);
    // The language switch: the link keeps it (lang=), the page follows (<html lang>, its own texts).
    same_line_if_fits(lang);
    if (ImGui::Button(ui::label_id("bar.lang", "lang").c_str()))
        app.lab.state.lang = app.lab.state.lang == "es" ? "en" : "es";
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", views::tr("bar.lang_tip"));
    ui::mirror_button("view/lang", views::tr("bar.lang_tip"), lang);
    same_line_if_fits(other);
    if (ImGui::Button(ui::label_id(light ? "bar.to_dark" : "bar.to_light", "theme").c_str())) {
        ui::apply_theme(light ? ui::Theme::Dark : ui::Theme::Light);
        ui::post_page_action("theme", ui::theme_name(ui::current_theme()));
    }
    ui::mirror_button("view/theme", other, other);
    // the keyboard shortcuts, at the right end
    same_line_if_fits("?");
    if (ImGui::Button("?###shortcuts")) app.page.shortcuts = !app.page.shortcuts;
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", views::tr("keys.title"));
    ui::mirror_toggle("view/shortcuts", views::tr("keys.title"), app.page.shortcuts, "?");
    for (size_t i = 0; i < app.notices.size(); ++i) {
        ImGui::PushID(static_cast<int>(i));
        if (ImGui::SmallButton("x")) {
            app.notices.erase(app.notices.begin() + static_cast<long>(i));
            ImGui::PopID();
            break;
        }
        ui::mirror_button("notice/" + std::to_string(i) + "/dismiss", views::trf("bar.dismiss", app.notices[i].c_str()), "x");
        ImGui::SameLine();
        ImGui::TextColored(ui::palette().warning, "%s", app.notices[i].c_str());
        ImGui::PopID();
    }
    const float top = ImGui::GetWindowHeight();
    ImGui::End();
    return top;
}

}  // namespace

void app_key(App& app, Key key, bool shift) {
    if (key == Key::Help) {
        app.page.shortcuts = !app.page.shortcuts;
        return;
    }
    if (key == Key::Escape) {  // Escape leaves any popup first: the shortcuts, a list or a field's popup
        if (app.page.shortcuts) {
            app.page.shortcuts = false;
            return;
        }
        if (ImGui::GetCurrentContext() && ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId)) {
            ImGui::ClosePopupToLevel(0, true);
            return;
        }
    }
    if (key == Key::Escape || key == Key::Enter) {
        if (page_tour_key(app, key == Key::Escape)) return;
        if (key == Key::Escape) ui::set_presenting(app, false);  // Escape leaves presenter mode
        return;
    }
    if (views::presenter_key(app, key)) return;  // a lesson's PageDown / PageUp
    const ViewRow& view = current_view(app);
    if (view.key) view.key(app, key, shift);
    else app.lab.key(key, shift);
}

namespace {

// The bar at the top: the view bar, or presenter mode's (its intents join the view's); none when embedded.
float draw_top_bar(App& app, views::Intents& asked) {
    if (app.page.embed) return 0.0f;
    if (app.view<views::PresenterState>().on) return ui::draw_presenter_bar(app, asked);
    return draw_view_bar(app);
}

// While presenting, the pointer hides once it has not moved for views::kPointerIdleSeconds.
void follow_pointer(App& app, double dt) {
    views::PresenterState& p = app.view<views::PresenterState>();
    const ImGuiIO& io = ImGui::GetIO();
    const bool moved = io.MouseDelta.x != 0.0f || io.MouseDelta.y != 0.0f || ImGui::IsAnyMouseDown();
    p.idle_s = moved || !p.on ? 0.0 : p.idle_s + dt;
}

void hide_idle_pointer(const App& app) {
    const views::PresenterState& p = app.view<views::PresenterState>();
    if (p.on && p.idle_s >= views::kPointerIdleSeconds) ImGui::SetMouseCursor(ImGuiMouseCursor_None);
}

// The lab's run (on the chosen backend) when its inputs changed, then the current view's own update.
const ViewRow& run_lab_and_view(App& app) {
    views::lab_gpu_before_run(app);
    app.lab.run_if_needed(app.store.get(app.lab.state.model));
    views::lab_gpu_after_run(app);
    const ViewRow& view = current_view(app);
    if (view.update) view.update(app);
    return view;
}

}  // namespace

void app_frame(App& app, double now) {
    const double dt = app.frame == 0 ? 0.0 : now - app.last_time;
    app.last_time = now;
    ++app.frame;
    ui::begin_frame_registry(static_cast<int>(app.frame));
    views::Lang lang = views::Lang::En;  // every text of this frame in the link's language
    if (views::parse_lang(app.lab.state.lang, &lang)) views::set_lang(lang);

    // 1. Update, before anything is drawn: a tweak, a new text or a new model re-runs the engine here,
    // so the panels of this very frame show the new run. The lab (read by several views), the
    // steppers and the backend follow every frame; the current view's own update runs after them.
    app.lab.stepper.set_instant(app.view<views::AccessState>().reduce_motion);  // prefers-reduced-motion
    if (app.lab.stepper.advance(dt)) app.lab.sync_from_stepper();
    if (const ViewRow& shown = current_view(app); shown.tick) shown.tick(app, dt);
    follow_pointer(app, dt);
    views::backend_update(app.backend, *app.gpu, now);
    const ViewRow& view = run_lab_and_view(app);

    // 2. Draw (from const state), then 3. apply what the windows asked for.
    const std::string shown_view = app.lab.state.view;
    const bool presenting = app.view<views::PresenterState>().on;
    // the view bar's buttons (app state, not a view's) switch the view at once
    views::Intents asked;
    const float top = draw_top_bar(app, asked);
    for (views::Intent& i : view.draw(app, top)) asked.push_back(std::move(i));
    hide_idle_pointer(app);
    for (const views::Intent& apply : asked) apply(app);
    page_note_asked(app);  // a click's re-run is asked, run and drawn in this frame (attn.perf())
    if (asked.empty() && app.lab.state.view == shown_view && app.view<views::PresenterState>().on == presenting) return;

    // 4. Something was asked for: this frame is drawn again at once from the new state (its first
    // drawing is dropped, never shown), so neither the screen nor what attn.state() reports as shown
    // lags a frame behind a click. Only frames with input pay this; ImGui saw the click in the first
    // drawing, so the second asks for nothing new (whatever it asks waits for the next frame).
    ImGui::EndFrame();
    ImGui::NewFrame();
    ui::begin_frame_registry(static_cast<int>(app.frame));
    const ViewRow& now_view = run_lab_and_view(app);
    views::Intents again;
    const float top_again = draw_top_bar(app, again);
    for (views::Intent& i : now_view.draw(app, top_again)) again.push_back(std::move(i));
    hide_idle_pointer(app);
    for (const views::Intent& apply : again) apply(app);
}

}  // namespace attn::app
