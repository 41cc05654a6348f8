// scale_panel.cpp: the "Why we scale" view's window: a slider for the key width d, query 0's scores
// and softmax weights with and without 1/sqrt(d) side by side, and four charts of the engine's sweep
// over d (the scores' spread, the weights' entropy, the largest weight, the gradient that still reaches
// the other keys), both curves on each, the chosen d marked; and the view's row of the views table.
// Draws what views/scale_view.h holds (the engine's numbers, models/scaling_study.h); computes nothing.
// Test: tests/e2e/scale.test.mjs (drags the slider, reads attn.state().shown), tests/e2e/redraw.test.mjs.
#include "ui/mirror.h"
#include "ui/theme.h"
#include "ui/view_row.h"
#include "ui/widgets.h"
#include "views/scale_view.h"

#include "imgui.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace attn::ui {

namespace {

using views::ScaleViewState;

// The colors of the two curves (orange and blue, apart under the common color-vision deficiencies),
// kept apart by shape too: unscaled is dashed with square markers.
ImU32 unscaled_color() { return ImGui::GetColorU32(palette().warning); }
ImU32 scaled_color() { return ImGui::GetColorU32(ImGuiCol_ButtonActive); }

// One side's column: query 0's scores (what reaches the softmax) and weights, and its means.
void draw_side(const char* title, const char* key, const ScalingSide& side) {
    ImGui::TextUnformatted(tr(title));
    const int T = static_cast<int>(side.trace.weights.cols());
    const std::string scores = std::string(key) + " scores", weights = std::string(key) + " weights";
    const float range = std::max(1.0f, side.trace.scaled.row(0).cwiseAbs().maxCoeff());
    // recorded under the English keys (tests read them); drawn in the visitor's language
    vector_strip(scores.c_str(), side.trace.scaled.data(), T, range, 1.0f, 52.0f, tr(std::string("scale.") + key + "_scores"));
    weight_bars(weights.c_str(), side.trace.weights.data(), T, 1.0f, tr(std::string("scale.") + key + "_weights"));
    ImGui::Text(tr("scale.factor"), side.trace.scale, side.trace.scale == 1.0f ? tr("scale.none") : "1/sqrt(d)");
    ImGui::Text(tr("scale.std"), side.score_std);
    ImGui::Text(tr("scale.entropy"), side.entropy, std::log(static_cast<double>(T)));
    ImGui::Text(tr("scale.largest"), side.max_weight);
    ImGui::Text(tr("scale.gradient"), side.to_others);
    const float means[] = {static_cast<float>(side.score_std), static_cast<float>(side.entropy),
                           static_cast<float>(side.max_weight), static_cast<float>(side.to_others)};
    record_shown(std::string(key) + " means", means, 4);
}

// A chart of one measure over log2(d): both curves, the chosen d as a vertical line; hover a point for
// its value. values_*: one per sweep point.
void draw_chart(const char* title, const char* id, const std::vector<float>& unscaled, const std::vector<float>& scaled,
                const std::vector<int>& dims, int chosen_d, float y_max, float width) {
    ImGui::TextUnformatted(tr(title));
    const float height = ImGui::GetFontSize() * 7.0f;
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton(id, ImVec2(width, height));
    register_widget(std::string("scale/chart/") + id);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImU32 axis = ImGui::GetColorU32(ImGuiCol_TextDisabled);
    dl->AddRect(p0, ImVec2(p0.x + width, p0.y + height), axis);
    const int n = static_cast<int>(dims.size());
    const float pad = ImGui::GetFontSize() * 0.5f;
    const auto x_of = [&](double d) {
        return p0.x + pad + static_cast<float>(std::log2(d) / std::log2(dims.back())) * (width - 2 * pad);
    };
    const auto y_of = [&](float v) { return p0.y + height - pad - std::clamp(v / y_max, 0.0f, 1.0f) * (height - 2 * pad); };
    const float cx = x_of(chosen_d);
    dl->AddLine(ImVec2(cx, p0.y), ImVec2(cx, p0.y + height), axis);
    const auto curve = [&](const std::vector<float>& v, ImU32 color, bool squares) {
        for (int i = 0; i < n; ++i) {
            const ImVec2 at(x_of(dims[i]), y_of(v[i]));
            if (i > 0) {
                const ImVec2 from(x_of(dims[i - 1]), y_of(v[i - 1]));
                if (!squares) {
                    dl->AddLine(from, at, color, 2.0f);
                } else {  // dashed: every other quarter of the segment
                    for (int k = 0; k < 4; k += 2) {
                        const float a = k / 4.0f, b = (k + 1) / 4.0f;
                        dl->AddLine(ImVec2(from.x + (at.x - from.x) * a, from.y + (at.y - from.y) * a),
                                    ImVec2(from.x + (at.x - from.x) * b, from.y + (at.y - from.y) * b), color, 2.0f);
                    }
                }
            }
            const float r = 3.0f;
            if (squares) dl->AddRectFilled(ImVec2(at.x - r, at.y - r), ImVec2(at.x + r, at.y + r), color);
            else dl->AddCircleFilled(at, r, color);
        }
    };
    curve(unscaled, unscaled_color(), true);
    curve(scaled, scaled_color(), false);
    // The axes' ends: the top of the y range, and d at both ends of x.
    char top[32];
    std::snprintf(top, sizeof top, "%.3g", y_max);
    dl->AddText(ImVec2(p0.x + 3, p0.y + 1), axis, top);
    const std::string right = "d = " + std::to_string(dims.back());
    dl->AddText(ImVec2(p0.x + 3, p0.y + height - ImGui::GetFontSize() - 1), axis, "d = 1");
    dl->AddText(ImVec2(p0.x + width - ImGui::CalcTextSize(right.c_str()).x - 3, p0.y + height - ImGui::GetFontSize() - 1),
                axis, right.c_str());
    if (ImGui::IsItemHovered()) {
        const float mx = ImGui::GetIO().MousePos.x;
        int best = 0;
        for (int i = 1; i < n; ++i)
            if (std::abs(x_of(dims[i]) - mx) < std::abs(x_of(dims[best]) - mx)) best = i;
        ImGui::SetTooltip(tr("scale.tip"), dims[best], unscaled[best], scaled[best]);
    }
    record_shown(std::string("sweep ") + id + " unscaled", unscaled.data(), n);
    record_shown(std::string("sweep ") + id + " scaled", scaled.data(), n);
}

std::vector<int> draw_scale_panel(const ScaleViewState& v, Rect where) {
    std::vector<int> asked;
    ImGui::SetNextWindowPos(ImVec2(where.x, where.y), ImGuiCond_Always);
    ImGui::SetNextWindowSize(ImVec2(where.w, where.h), ImGuiCond_Always);
    ImGui::Begin(label_id("win.scale", "scale").c_str(), nullptr, kPicturePanel);
    wrap_at_visible_edge();  // prose wraps at the visible edge, pictures scroll sideways
    ImGui::TextWrapped(tr("scale.intro"), kScalingQueries, kScalingKeys);

    int d = v.d;
    if (ImGui::Button("d / 2")) asked.push_back(std::max(1, v.d / 2));
    mirror_button("scale/half", tr("scale.half_name"), "d / 2");
    const float slider_w = std::min(ImGui::GetFontSize() * 16, ImGui::GetContentRegionAvail().x);
    same_line_if_fits(slider_w);  // a narrow screen: the slider and buttons wrap
    ImGui::SetNextItemWidth(slider_w);
    bool moved = ImGui::SliderInt("##d", &d, 1, kScalingMaxDim, "d = %d", ImGuiSliderFlags_Logarithmic);
    moved |= mirror_slider_int("scale/d", tr("scale.d_name"), &d, 1, kScalingMaxDim, "d = %d");
    if (moved) asked.push_back(d);
    same_line_if_fits(button_width("d x 2"));
    if (ImGui::Button("d x 2")) asked.push_back(std::min(kScalingMaxDim, v.d * 2));
    mirror_button("scale/double", tr("scale.double_name"), "d x 2");
    char runs[96];
    std::snprintf(runs, sizeof runs, tr("scale.runs"), v.runs);
    same_line_if_fits(ImGui::CalcTextSize(runs).x, ImGui::GetFontSize() * 2);
    ImGui::TextDisabled("%s", runs);
    ImGui::Separator();

    if (v.point.d == 0 || v.sweep.empty()) {  // not yet updated (the update runs before the first draw)
        ImGui::End();
        return asked;
    }
    ImGui::TextDisabled(tr("scale.query0"), kScalingKeys);
    if (ImGui::BeginTable("sides", 2, ImGuiTableFlags_BordersInnerV)) {
        ImGui::TableNextColumn();
        draw_side("scale.without", "unscaled", v.point.unscaled);
        ImGui::TableNextColumn();
        draw_side("scale.with", "scaled", v.point.scaled);
        ImGui::EndTable();
    }
    ImGui::Separator();

    // The sweep: means over the queries at d = 1, 2, 4, ..., 1024 (x: log2 d).
    std::vector<int> dims;
    std::vector<float> std_u, std_s, ent_u, ent_s, max_u, max_s, grad_u, grad_s;
    float std_top = 1.0f, grad_top = 0.01f;
    for (const ScalingPoint& p : v.sweep) {
        dims.push_back(p.d);
        std_u.push_back(static_cast<float>(p.unscaled.score_std));
        std_s.push_back(static_cast<float>(p.scaled.score_std));
        ent_u.push_back(static_cast<float>(p.unscaled.entropy));
        ent_s.push_back(static_cast<float>(p.scaled.entropy));
        max_u.push_back(static_cast<float>(p.unscaled.max_weight));
        max_s.push_back(static_cast<float>(p.scaled.max_weight));
        grad_u.push_back(static_cast<float>(p.unscaled.to_others));
        grad_s.push_back(static_cast<float>(p.scaled.to_others));
        std_top = std::max({std_top, std_u.back(), std_s.back()});
        grad_top = std::max({grad_top, grad_u.back(), grad_s.back()});
    }
    ImGui::TextUnformatted(tr("scale.as_d_grows"));
    ImGui::SameLine();
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(unscaled_color()), "%s", tr("scale.legend_without"));
    ImGui::SameLine();
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(scaled_color()), "%s", tr("scale.legend_with"));
    const int columns = ImGui::GetIO().DisplaySize.x >= kWideScreen ? 2 : 1;
    if (ImGui::BeginTable("charts", columns)) {
        const float width = ImGui::GetContentRegionAvail().x / columns - ImGui::GetFontSize();
        const float uniform = static_cast<float>(std::log(static_cast<double>(kScalingKeys)));
        ImGui::TableNextColumn();
        draw_chart("scale.chart_std", "std", std_u, std_s, dims, v.d, std_top, width);
        ImGui::TableNextColumn();
        draw_chart("scale.chart_entropy", "entropy", ent_u, ent_s, dims, v.d, uniform, width);
        ImGui::TableNextColumn();
        draw_chart("scale.chart_largest", "max_weight", max_u, max_s, dims, v.d, 1.0f, width);
        ImGui::TableNextColumn();
        draw_chart("scale.chart_gradient", "to_others", grad_u, grad_s, dims, v.d, grad_top, width);
        ImGui::EndTable();
    }
    ImGui::End();
    return asked;
}

views::Intents draw_scale_view(const views::Session& s, float top) {
    return bind_intents(draw_scale_panel(s.view<ScaleViewState>(), below_view_bar(top)),
                        [](views::Session& s, int d) { views::scale_apply(s.view<ScaleViewState>(), d); });
}

}  // namespace

const ViewRow& scale_view_row() {
    static const ViewRow row{"scale", "Why we scale", views::scale_update, draw_scale_view,
                             [](const views::Session& s) { return s.view<ScaleViewState>().runs; },
                             {{"ui.scale", "", views::scale_answer}, {"ui.set_scale", "", views::set_scale_answer}}};
    return row;
}

}  // namespace attn::ui
