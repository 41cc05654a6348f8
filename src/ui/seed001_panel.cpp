// seed001_panel.cpp: the Seed 001 view's window: seed 001's scaled dot-product attention step, drawn stage
// by stage from the engine's AttentionTrace (no math here but interpolation of the reveal), its buttons
// returned as intents; and the view's row of the views table. Its state is views/seed001_view.h.
// Test: tests/e2e/page.test.mjs clicks its buttons and reads attn.state(), tests/unit/test_views_intents.cpp.
#include "ui/mirror.h"
#include "views/narration.h"
#include "ui/theme.h"
#include "ui/view_row.h"
#include "ui/widgets.h"
#include "views/seed001_view.h"

#include "imgui.h"

#include <cmath>
#include <cstdio>
#include <vector>

namespace attn::ui {

namespace {

using views::kSeed001StageCount;
using views::kSeed001Stages;
using views::Seed001Ask;

std::vector<Seed001Ask> draw_seed001_panel(const AttentionTrace& t, const Stepper& stepper, float top) {
    std::vector<Seed001Ask> asked;
    // Below the view bar, whatever its height (it wraps on a narrow screen and grows with notices).
    ImGui::SetNextWindowPos(ImVec2(16, top + 6), ImGuiCond_Always);
    const float wrap = fit_auto_window(16, ImGui::GetFontSize() * 40.0f);
    ImGui::Begin(label_id("win.seed001", "seed001").c_str(), nullptr, ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoMove |
                                                                    ImGuiWindowFlags_HorizontalScrollbar);  // strips wider than a phone
    ImGui::PushTextWrapPos(wrap);  // every text of the window wraps there (a phone)
    ImGui::TextWrapped("%s", tr("seed.intro"));

    if (ImGui::Button(label_id("seed.back").c_str())) asked.push_back(Seed001Ask::Back);
    mirror_button("seed001/back", tr("seed.back_name"), tr("seed.back"));
    same_line_if_fits(button_width(tr(stepper.playing() ? "lab.pause" : "lab.play")));  // wraps on a narrow screen
    if (ImGui::Button(label_id(stepper.playing() ? "lab.pause" : "lab.play", "play").c_str())) asked.push_back(Seed001Ask::TogglePlay);
    mirror_button("seed001/play", tr(stepper.playing() ? "lab.pause" : "lab.play"), tr(stepper.playing() ? "lab.pause" : "lab.play"));
    same_line_if_fits(button_width(tr("seed.next")));
    if (ImGui::Button(label_id("seed.next").c_str())) asked.push_back(Seed001Ask::Next);
    mirror_button("seed001/next", tr("seed.next_name"), tr("seed.next"));
    same_line_if_fits(button_width(tr("seed.restart")));
    if (ImGui::Button(label_id("seed.restart").c_str())) asked.push_back(Seed001Ask::Restart);
    mirror_button("seed001/restart", tr("seed.restart"), tr("seed.restart"));
    char stage_of[64];
    std::snprintf(stage_of, sizeof stage_of, tr("seed.stage_of"), stepper.stage() + 1, kSeed001StageCount);
    same_line_if_fits(ImGui::CalcTextSize(stage_of).x);
    ImGui::TextUnformatted(stage_of);
    ImGui::Separator();

    const int now = stepper.stage();
    const float reveal = stepper.progress();
    const int T = static_cast<int>(t.keys.rows()), D = static_cast<int>(t.keys.cols());
    auto section = [&](int index) {
        const Stage s = kSeed001Stages[index];
        const bool current = index == now;
        ImGui::PushStyleColor(ImGuiCol_Text, current ? palette().accent
                                                     : ImGui::GetStyleColorVec4(ImGuiCol_Text));
        ImGui::TextUnformatted(views::stage_text(s));
        ImGui::PopStyleColor();
        return current ? reveal : 1.0f;
    };

    // 1. query and keys
    float r = section(0);
    vector_strip("query", t.query.data(), D, 2.5f, r, 46.0f, tr("seed.query"));
    for (int j = 0; j < T; ++j) {
        char name[16];
        std::snprintf(name, sizeof name, "key%d", j);
        vector_strip(name, t.keys.row(j).data(), D, 2.5f, r, 46.0f, trf("seed.key", j).c_str());
    }
    if (now >= 1) {  // 2. scores = query . key_j
        r = section(1);
        vector_strip("score", t.scores.data(), T, 4.0f, r, 70.0f, tr("seed.score"));
        help_marker(tr("seed.score_help"));
    }
    if (now >= 2) {  // 3. scaled by 1/sqrt(d)
        r = section(2);
        vector_strip("scaled", t.scaled.data(), T, 4.0f, r, 70.0f, tr("seed.scaled"));
        ImGui::SameLine();
        ImGui::Text("x 1/sqrt(%d) = %.4f", D, t.scale);
        help_marker(tr("seed.scale_help"));
    }
    if (now >= 3) {  // 5. softmax
        r = section(3);
        weight_bars("weight", t.weights.data(), T, r, tr("seed.weight"));
        ImGui::Text(tr("seed.weights_sum"), t.weights.sum() * r);
    }
    if (now >= 4) {  // 6. context = sum_j weight_j * value_j
        r = section(4);
        vector_strip("context", t.context.data(), D, 2.5f, r, 46.0f, tr("seed.context"));
        help_marker(tr("seed.context_help"));
    }
    ImGui::PopTextWrapPos();
    want_window_bottom();
    ImGui::End();
    return asked;
}

views::Intents draw_seed001_view(const views::Session& s, float top) {
    const views::Seed001ViewState& v = s.view<views::Seed001ViewState>();
    return bind_intents(draw_seed001_panel(v.trace, v.stepper, top), [](views::Session& s, Seed001Ask a) {
        views::seed001_apply(s.view<views::Seed001ViewState>(), a);
    });
}

}  // namespace

const ViewRow& seed001_view_row() {
    using views::Seed001ViewState;
    static const ViewRow row{
        "seed001", "Seed 001", nullptr, draw_seed001_view,
        [](const views::Session& s) { return s.view<Seed001ViewState>().runs; }, {},
        [](views::Session& s, views::Key k, bool) { views::seed001_key(s.view<Seed001ViewState>(), k); },
        [](views::Session& s, double dt) {
            Stepper& st = s.view<Seed001ViewState>().stepper;
            st.set_instant(s.view<views::AccessState>().reduce_motion);  // prefers-reduced-motion
            st.advance(dt);
        },
        [](const views::Session& s) { return views::seed001_state_json(s.view<Seed001ViewState>()); }};
    return row;
}

}  // namespace attn::ui
