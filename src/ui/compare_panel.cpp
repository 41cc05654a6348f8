// compare_panel.cpp: the Compare view's window: the lab's sentence, a shared playhead (Back, Next, a
// token slider), one column per model (its model choice, for a Transformer its layer and head or the
// mean, its output with the playhead's word marked, its alignment heatmap with the playhead's row
// outlined, the top words of its distribution there), and the differences at the playhead in words;
// and the view's row of the views table. Draws views/compare_view.h's state; computes nothing.
// Test: tests/e2e/compare.test.mjs (clicks and reads attn.state().shown), tests/e2e/redraw.test.mjs.
#include "ui/mirror.h"
#include "ui/theme.h"
#include "ui/view_row.h"
#include "ui/view_widgets.h"
#include "ui/widgets.h"
#include "views/compare_view.h"
#include "views/session.h"

#include "imgui.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

namespace attn::ui {

namespace {

using views::CompareAsk;
using views::CompareColumn;
using views::CompareViewState;

void draw_column(const std::vector<views::ModelRow>& choices, const CompareColumn& c, int i, int step,
                 std::vector<CompareAsk>& asked) {
    const std::string id = "compare/" + std::to_string(i);
    ImGui::PushID(i);
    ImGui::SetNextItemWidth(-1);
    {
        std::vector<std::string> names;
        int selected = -1;
        for (const views::ModelRow& r : choices) {  // the models table's rows, then the visitor's files
            if (c.model == r.name) selected = static_cast<int>(names.size());
            names.push_back(r.languages.empty() ? r.name : r.name + " (" + r.languages + ")");
        }
        if (const int k = combo("##model", id + "/model", views::trf("cmp.model_name", i + 1), names, selected, c.model.c_str()); k >= 0)
            asked.push_back({CompareAsk::SetModel, i, 0, choices[static_cast<size_t>(k)].name});
    }
    if (!c.status.empty()) {
        ImGui::TextDisabled("%s", c.status.c_str());
        ImGui::PopID();
        return;
    }
    if (c.layers > 0) {  // a Transformer: which layer's cross-attention, which head or the mean
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(tr("cmp.layer"));
        for (int l = 0; l < c.layers; ++l) {
            same_line_if_fits(radio_width(std::to_string(l).c_str()));  // wraps in a narrow column
            const bool on = c.layer == l || (c.layer < 0 && l == c.layers - 1);
            if (ImGui::RadioButton(std::to_string(l).c_str(), on)) asked.push_back({CompareAsk::SetLayer, i, l, ""});
            mirror_radio(id + "/layer/" + std::to_string(l), views::trf("cmp.layer_name", i + 1, l), id + "/layer", on);
        }
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(tr("cmp.head"));
        same_line_if_fits(radio_width(tr("cmp.mean")));
        if (ImGui::RadioButton(label_id("cmp.mean").c_str(), c.head < 0)) asked.push_back({CompareAsk::SetHead, i, -1, ""});
        mirror_radio(id + "/head/mean", views::trf("cmp.head_name", i + 1, tr("cmp.mean")), id + "/head", c.head < 0);
        for (int h = 0; h < c.heads; ++h) {
            same_line_if_fits(radio_width(std::to_string(h).c_str()));
            ImGui::PushID(h);
            if (ImGui::RadioButton(std::to_string(h).c_str(), c.head == h)) asked.push_back({CompareAsk::SetHead, i, h, ""});
            mirror_radio(id + "/head/" + std::to_string(h), views::trf("cmp.head_name", i + 1, std::to_string(h).c_str()), id + "/head", c.head == h);
            ImGui::PopID();
        }
    }
    // The output, the playhead's word marked.
    const std::vector<DecodeStep>& steps = c.result.steps;
    std::vector<std::string> words;
    for (size_t t = 0; t < steps.size(); ++t) {
        words.push_back(steps[t].word);
        if (t) same_line_if_fits(ImGui::CalcTextSize(("[" + steps[t].word + "]").c_str()).x, ImGui::CalcTextSize(" ").x);
        if (static_cast<int>(t) == step) ImGui::TextColored(palette().accent, "[%s]", steps[t].word.c_str());
        else ImGui::TextUnformatted(steps[t].word.c_str());
    }
    if (steps.empty()) ImGui::TextDisabled("%s", tr("cmp.no_output"));
    // The alignment: output tokens x source tokens.
    HeatmapOptions o;
    o.data_id = "data/" + id + "/alignment";
    o.data_name = c.model;
    o.highlight_row = step < static_cast<int>(steps.size()) ? step : -1;
    const Mat& a = c.alignment;
    heatmap((id + "/alignment").c_str(), static_cast<int>(a.rows()), static_cast<int>(a.cols()),
            [&](int r, int k) { return a(r, k); }, &words, &c.result.source_tokens, o);
    register_widget(id + "/alignment");
    record_shown(c.model + " alignment", a.data(), static_cast<int>(a.size()));
    // The distribution's top words at the playhead (found by the update).
    if (step < static_cast<int>(c.top.size())) {
        ImGui::TextDisabled(tr("cmp.top"), step);
        std::vector<float> p;
        for (const views::WordProb& w : c.top[step]) {
            p.push_back(w.p);
            ImGui::Text("%-12s %.3f", w.word.c_str(), w.p);
        }
        record_shown(c.model + " top", p.data(), static_cast<int>(p.size()));
    }
    ImGui::PopID();
}

std::vector<CompareAsk> draw_compare_panel(const views::Session& s, Rect where) {
    const CompareViewState& v = s.view<CompareViewState>();
    std::vector<CompareAsk> asked;
    ImGui::SetNextWindowPos(ImVec2(where.x, where.y), ImGuiCond_Always);
    ImGui::SetNextWindowSize(ImVec2(where.w, where.h), ImGuiCond_Always);
    ImGui::Begin(label_id("win.compare", "compare").c_str(), nullptr, kPanel);
    ImGui::TextWrapped(tr("cmp.intro"), s.lab.state.text.c_str());
    const int steps = views::compare_steps(v);
    data_button("compare/data");
    same_line_if_fits(button_width(tr("cmp.back")));  // the row wraps on a narrow screen
    if (ImGui::Button(label_id("cmp.back").c_str())) asked.push_back({CompareAsk::Step, 0, v.step - 1, ""});
    mirror_button("compare/back", tr("cmp.back_name"), tr("cmp.back"));
    same_line_if_fits(button_width(tr("cmp.next")));
    if (ImGui::Button(label_id("cmp.next").c_str())) asked.push_back({CompareAsk::Step, 0, v.step + 1, ""});
    mirror_button("compare/next", tr("cmp.next_name"), tr("cmp.next"));
    int step = v.step;
    const float step_w = std::min(ImGui::GetFontSize() * 10, ImGui::GetContentRegionAvail().x);
    same_line_if_fits(step_w);
    ImGui::SetNextItemWidth(step_w);
    bool moved = ImGui::SliderInt("##step", &step, 0, std::max(0, steps - 1), tr("cmp.token"));
    moved |= mirror_slider_int("compare/step", tr("cmp.step_name"), &step, 0, std::max(0, steps - 1), tr("cmp.token"));
    if (moved) asked.push_back({CompareAsk::Step, 0, step, ""});
    char runs[96];
    std::snprintf(runs, sizeof runs, tr("cmp.runs"), v.runs);
    same_line_if_fits(ImGui::CalcTextSize(runs).x, ImGui::GetFontSize() * 2);
    ImGui::TextDisabled("%s", runs);

    const views::CompareDiff d = views::compare_diff(v, v.step, views::current_lang());
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    if (d.notes.empty()) ImGui::TextWrapped(tr("cmp.agree"), v.step);
    ImGui::PopStyleColor();
    ImGui::PushStyleColor(ImGuiCol_Text, palette().warning);
    for (const std::string& n : d.notes) ImGui::TextWrapped(tr("cmp.differ"), v.step, n.c_str());
    ImGui::PopStyleColor();
    ImGui::Separator();

    // The models side by side on a wide screen; on a narrow one (a phone, 200% zoom) one under another.
    const int n = static_cast<int>(v.columns.size());
    const int across = ImGui::GetIO().DisplaySize.x >= kWideScreen ? n : 1;
    if (n > 0 && ImGui::BeginTable("columns", across, ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollX)) {
        const std::vector<views::ModelRow> choices = s.store.rows();  // once a frame, as the lab's picker
        for (int i = 0; i < n; ++i) {
            ImGui::TableNextColumn();
            draw_column(choices, v.columns[i], i, v.step, asked);
        }
        ImGui::EndTable();
    }
    ImGui::End();
    return asked;
}

// The least height of the narrow layout, the models one under another (tests/e2e/reflow.test.mjs).
constexpr float kCompareNarrowMinH = 1500.0f;

views::Intents draw_compare_view(const views::Session& s, float top) {
    return bind_intents(draw_compare_panel(s, view_area(top, 0.0f, kCompareNarrowMinH)),
                        [](views::Session& s, const CompareAsk& a) { views::compare_apply(s, a); });
}

}  // namespace

const ViewRow& compare_view_row() {
    static const ViewRow row{
        "compare", "Compare", views::compare_update, draw_compare_view,
        [](const views::Session& s) { return s.view<CompareViewState>().runs; },
        {{"ui.compare", "", views::compare_answer}, {"ui.set_compare", "", views::set_compare_answer}},
        [](views::Session& s, views::Key k, bool) { views::compare_key(s, k); }};
    return row;
}

}  // namespace attn::ui
