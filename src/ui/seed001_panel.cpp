// seed001_panel.cpp: the Seed 001 view's window: seed 001's scaled dot-product attention step, drawn stage
// by stage from the engine's AttentionTrace (no math here but interpolation of the reveal), its buttons
// returned as intents; and the view's row of the views table. Its state is views/seed001_view.h.
// Test: tests/e2e/page.test.mjs clicks its buttons and reads attn.state(), tests/unit/test_views_intents.cpp.
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

std::vector<Seed001Ask> draw_seed001_panel(const AttentionTrace& t, const Stepper& stepper) {
    std::vector<Seed001Ask> asked;
    ImGui::SetNextWindowPos(ImVec2(16, 56), ImGuiCond_FirstUseEver);
    ImGui::Begin("Scaled dot-product attention, step by step (seed 001)", nullptr, ImGuiWindowFlags_AlwaysAutoResize);
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 40.0f);
    ImGui::TextWrapped("One decoder step: the decoder hidden state (the query) is compared with each of the "
                       "4 encoder outputs (the keys, which are also the values); batch 1, hidden size 8, fixed seed.");
    ImGui::PopTextWrapPos();

    if (ImGui::Button("< Back")) asked.push_back(Seed001Ask::Back);
    register_widget("seed001/back");
    ImGui::SameLine();
    if (ImGui::Button(stepper.playing() ? "Pause" : "Play")) asked.push_back(Seed001Ask::TogglePlay);
    register_widget("seed001/play");
    ImGui::SameLine();
    if (ImGui::Button("Next stage >")) asked.push_back(Seed001Ask::Next);
    register_widget("seed001/next");
    ImGui::SameLine();
    if (ImGui::Button("Restart")) asked.push_back(Seed001Ask::Restart);
    register_widget("seed001/restart");
    ImGui::SameLine();
    ImGui::Text("stage %d / %d", stepper.stage() + 1, kSeed001StageCount);
    ImGui::Separator();

    const int now = stepper.stage();
    const float reveal = stepper.progress();
    const int T = static_cast<int>(t.keys.rows()), D = static_cast<int>(t.keys.cols());
    auto section = [&](int index) {
        const Stage s = kSeed001Stages[index];
        const bool current = index == now;
        ImGui::PushStyleColor(ImGuiCol_Text, current ? palette().accent
                                                     : ImGui::GetStyleColorVec4(ImGuiCol_Text));
        ImGui::TextUnformatted(stage_title(s));
        ImGui::PopStyleColor();
        return current ? reveal : 1.0f;
    };

    // 1. query and keys
    float r = section(0);
    vector_strip("query", t.query.data(), D, 2.5f, r);
    for (int j = 0; j < T; ++j) {
        char name[16];
        std::snprintf(name, sizeof name, "key%d", j);
        vector_strip(name, t.keys.row(j).data(), D, 2.5f, r);
    }
    if (now >= 1) {  // 2. scores = query . key_j
        r = section(1);
        vector_strip("score", t.scores.data(), T, 4.0f, r, 70.0f);
        help_marker("score[j] = sum over d of query[d] * key_j[d]: how well key j matches the query.");
    }
    if (now >= 2) {  // 3. scaled by 1/sqrt(d)
        r = section(2);
        vector_strip("scaled", t.scaled.data(), T, 4.0f, r, 70.0f);
        ImGui::SameLine();
        ImGui::Text("x 1/sqrt(%d) = %.4f", D, t.scale);
        help_marker("Dividing by sqrt(d) keeps the scores' spread independent of the vector size, so the "
                    "softmax does not saturate into a one-hot choice as d grows.");
    }
    if (now >= 3) {  // 5. softmax
        r = section(3);
        weight_bars("weight", t.weights.data(), T, r);
        ImGui::Text("sum of weights = %.6f", t.weights.sum() * r);
    }
    if (now >= 4) {  // 6. context = sum_j weight_j * value_j
        r = section(4);
        vector_strip("context", t.context.data(), D, 2.5f, r);
        help_marker("context[d] = sum over j of weight[j] * value_j[d]: the encoder outputs mixed by attention.");
    }
    ImGui::End();
    return asked;
}

views::Intents draw_seed001_view(const views::Session& s, float) {
    const views::Seed001ViewState& v = s.view<views::Seed001ViewState>();
    return bind_intents(draw_seed001_panel(v.trace, v.stepper), [](views::Session& s, Seed001Ask a) {
        views::seed001_apply(s.view<views::Seed001ViewState>(), a);
    });
}

}  // namespace

const ViewRow& seed001_view_row() {
    using views::Seed001ViewState;
    static const ViewRow row{
        "seed001", "Seed 001: one attention step", nullptr, draw_seed001_view,
        [](const views::Session& s) { return s.view<Seed001ViewState>().runs; }, {},
        [](views::Session& s, views::Key k, bool) { views::seed001_key(s.view<Seed001ViewState>(), k); },
        [](views::Session& s, double dt) { s.view<Seed001ViewState>().stepper.advance(dt); },
        [](const views::Session& s) { return views::seed001_state_json(s.view<Seed001ViewState>()); }};
    return row;
}

}  // namespace attn::ui
