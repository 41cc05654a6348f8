// seed001_panel.cpp: see seed001_panel.h.
#include "ui/seed001_panel.h"

#include "ui/theme.h"
#include "ui/widgets.h"

#include "imgui.h"

#include <cmath>
#include <cstdio>

namespace attn::ui {

void draw_seed001_panel(const AttentionTrace& t, Stepper& stepper) {
    ImGui::SetNextWindowPos(ImVec2(16, 56), ImGuiCond_FirstUseEver);
    ImGui::Begin("Scaled dot-product attention, step by step (seed 001)", nullptr, ImGuiWindowFlags_AlwaysAutoResize);
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 40.0f);
    ImGui::TextWrapped("One decoder step: the decoder hidden state (the query) is compared with each of the "
                       "4 encoder outputs (the keys, which are also the values); batch 1, hidden size 8, fixed seed.");
    ImGui::PopTextWrapPos();

    if (ImGui::Button("< Back")) stepper.step_back();
    register_widget("seed001/back");
    ImGui::SameLine();
    if (ImGui::Button(stepper.playing() ? "Pause" : "Play")) stepper.toggle();
    register_widget("seed001/play");
    ImGui::SameLine();
    if (ImGui::Button("Next stage >")) stepper.step_forward();
    register_widget("seed001/next");
    ImGui::SameLine();
    if (ImGui::Button("Restart")) { stepper.restart(); stepper.pause(); stepper.seek(0); }
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
}

}  // namespace attn::ui
