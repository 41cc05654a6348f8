// heads_panel.cpp: see heads_panel.h. Three windows: the grid of every head (with the ablation
// checkboxes), the head under the magnifier, and what switching heads off did to the output.
#include "ui/heads_panel.h"

#include "ui/mirror.h"

#include "views/heads_view.h"
#include "views/session.h"
#include "ui/view_row.h"
#include "ui/theme.h"
#include "ui/view_widgets.h"
#include "ui/widgets.h"

#include "imgui.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace attn::ui {

namespace {

const ImVec4& kAccent = palette().accent;  // the theme's colors (theme.h)
const ImVec4& kWarn = palette().error;
const ImVec4& kGood = palette().good;

void place(Rect r) {
    ImGui::SetNextWindowPos(ImVec2(r.x, r.y), ImGuiCond_Always);
    ImGui::SetNextWindowSize(ImVec2(r.w, r.h), ImGuiCond_Always);
}

std::string block_title(const views::HeadBlock& b) {
    if (b.form == "self") return views::trf("heads.block_self", b.layer);
    if (b.form == "causal_self") return views::trf("heads.block_causal", b.layer);
    return views::trf("heads.block_cross", b.layer);
}

const char* block_help(const views::HeadBlock& b) {
    if (b.form == "self") return views::tr("heads.help_self");
    if (b.form == "causal_self") return views::tr("heads.help_causal");
    return views::tr("heads.help_cross");
}

float max_abs_row(const Mat& m, int row) {
    float r = 1e-6f;
    for (int j = 0; j < m.cols(); ++j)
        if (std::isfinite(m(row, j))) r = std::max(r, std::fabs(m(row, j)));
    return r;
}

// A query word clicked: an encoder block's query row, or a decoder block's step (the playhead moves).
void ask_query(const views::HeadBlock& b, int row, LabAsks& asked) {
    if (b.form == "self") asked.push_back(views::lab_ask::SetQueryRow{row});
    else asked.push_back(views::lab_ask::Seek{row, 0});
}

void draw_grid(const views::Lab& lab, const std::vector<views::HeadBlock>& blocks, const views::HeadBlock* sel,
               int sel_head, int sel_row, LabAsks& asked) {
    RunOptions o = lab.state.options;  // a copy the checkboxes edit; asked for as a whole when one changed
    bool mask_changed = false;
    // Every head of every block on one screen when it fits: the cell height shares the window's height.
    int total_rows = 0;
    for (const views::HeadBlock& b : blocks) total_rows += static_cast<int>(b.row_labels.size());
    const float overhead = blocks.size() * (2.0f * ImGui::GetFrameHeightWithSpacing() + ImGui::GetStyle().ItemSpacing.y * 2 + 2);
    // (on a narrow screen the panel scrolls instead: cells keep the height that shows their numbers)
    const float fit_h = ImGui::GetIO().DisplaySize.x < kWideScreen ? ImGui::GetTextLineHeight() + 4.0f
                                                                   : (ImGui::GetContentRegionAvail().y - overhead) / std::max(1, total_rows);
    for (const views::HeadBlock& b : blocks) {
        ImGui::PushID(b.name.c_str());
        ImGui::Separator();
        ImGui::TextColored(kAccent, "%s", block_title(b).c_str());
        const std::string name = "(" + b.name + ")";
        same_line_if_fits(ImGui::CalcTextSize(name.c_str()).x);  // on the next line rather than cut into letters
        ImGui::TextDisabled("%s", name.c_str());
        help_marker(block_help(b));
        same_line_if_fits(button_width(views::tr("heads.all_off")), ImGui::GetFontSize() * 1.5f);  // wraps on a narrow screen
        if (ImGui::SmallButton(label_id("heads.all_off").c_str())) { views::set_block_on(o, b.name, b.heads, false); mask_changed = true; }
        mirror_button("heads/all-off/" + b.name, views::trf("heads.all_off_name", b.name.c_str()), views::tr("heads.all_off"));
        same_line_if_fits(button_width(views::tr("heads.all_on")));
        if (ImGui::SmallButton(label_id("heads.all_on").c_str())) { views::set_block_on(o, b.name, b.heads, true); mask_changed = true; }
        mirror_button("heads/all-on/" + b.name, views::trf("heads.all_on_name", b.name.c_str()), views::tr("heads.all_on"));

        // The heads side by side, as many on a line as their checkboxes leave room for (all of them, but on
        // a narrow screen).
        const float spacing = ImGui::GetFontSize();
        const float avail = ImGui::GetContentRegionAvail().x;
        const float least = ImGui::GetFrameHeight() + ImGui::GetStyle().ItemInnerSpacing.x +
                            ImGui::CalcTextSize(views::trf("heads.head", b.heads - 1).c_str()).x;
        const int per_line = std::clamp(static_cast<int>((avail + spacing) / (least + spacing)), 1, std::max(1, b.heads));
        const float per_head = (avail - spacing * (per_line - 1)) / per_line;
        const int rows = static_cast<int>(b.row_labels.size()), cols = static_cast<int>(b.col_labels.size());
        HeatmapOptions ho;
        ho.row_labels = ho.col_labels = false;
        ho.cell_w = std::clamp((per_head - 2.0f) / std::max(1, cols), 4.0f, ImGui::GetFontSize() * 2.6f);
        ho.cell_h = std::clamp(std::min(ho.cell_w, fit_h), 3.0f, ImGui::GetTextLineHeight() + 4.0f);
        // The boxes show the run's mask, not the copy: a box that switches a block's last head back on
        // erases the block's entry from the copy, and a pointer into it would dangle for the heads after it.
        const auto in_run = lab.state.options.head_mask.find(b.name);
        const std::vector<bool>* mask = in_run != lab.state.options.head_mask.end() ? &in_run->second : nullptr;
        for (int h = 0; h < b.heads; ++h) {
            if (h % per_line) ImGui::SameLine(0, spacing);
            ImGui::PushID(h);
            ImGui::BeginGroup();
            bool on = !(mask && h < static_cast<int>(mask->size()) && !(*mask)[h]);
            const std::string label = views::trf("heads.head", h) + "###head" + std::to_string(h);
            if (ImGui::Checkbox(label.c_str(), &on)) {
                views::set_head_on(o, b.name, b.heads, h, on);
                mask_changed = true;
            }
            mirror_checkbox("heads/ablate/" + b.name + "/" + std::to_string(h), views::trf("heads.ablate_name", h, b.name.c_str()), on);
            if (ImGui::IsItemHovered()) ImGui::SetTooltip(views::tr("heads.untick_tip"), h, b.name.c_str());
            const bool is_sel = sel == &b && sel_head == h;
            ho.selected = is_sel;
            ho.dimmed = b.ablated[h];
            ho.highlight_row = is_sel ? sel_row : -1;
            ho.data_id = "data/heads/" + b.name + "/" + std::to_string(h);
            ho.data_name = views::trf("heads.head_of", h, b.name.c_str());
            ho.data_rows = &b.row_labels;
            ho.data_cols = &b.col_labels;
            const HeatmapHit hit = heatmap("##cell", rows, cols, [&](int r, int c) { return b.weight(h, r, c); },
                                           nullptr, nullptr, ho);
            mirror_toggle("heads/cell/" + b.name + "/" + std::to_string(h), views::trf("heads.magnify_name", h, b.name.c_str()), is_sel);
            if (hit.row >= 0)
                ImGui::SetTooltip(views::tr("heads.cell_tip"),
                                  b.name.c_str(), h, b.ablated[h] ? views::tr("heads.switched_off_mark") : "", b.row_labels[hit.row].c_str(),
                                  b.col_labels[hit.col].c_str(), b.weight(h, hit.row, hit.col));
            if (hit.clicked) asked.push_back(views::lab_ask::SelectHead{b.name, h, hit.row});
            ImGui::EndGroup();
            ImGui::PopID();
        }
        ImGui::PopID();
    }
    if (mask_changed) asked.push_back(views::lab_ask::SetOptions{o});  // the next update re-decodes with it
}

void draw_magnifier(const views::HeadBlock& b, int h, int r, LabAsks& asked) {
    ImGui::TextColored(kAccent, views::tr("heads.head_of"), h, b.name.c_str());
    same_line_if_fits(ImGui::CalcTextSize(block_title(b).c_str()).x);
    ImGui::TextDisabled("%s", block_title(b).c_str());
    if (b.ablated[h]) ImGui::TextColored(kWarn, "%s", views::tr("heads.switched_off"));
    if (b.form == "self") {
        ImGui::TextDisabled("%s", views::tr("heads.self_stages"));
    } else {
        // its long label where it fits, a short one on a narrow screen (its accessible name stays whole)
        const char* play = button_width(views::tr("heads.play")) <= visible_width() ? "heads.play" : "heads.play_short";
        if (ImGui::Button(label_id(play, "heads-play").c_str())) asked.push_back(views::lab_ask::PlayStep{r});
        mirror_button("heads/play", views::tr("heads.play"), views::tr(play));
        same_line_if_fits(ImGui::CalcTextSize(views::tr("heads.in_translate")).x);
        ImGui::TextDisabled("%s", views::tr("heads.in_translate"));
    }

    // The query token.
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(views::tr(b.form == "self" ? "heads.query_source" : "heads.query_decoder"));
    const float right = ImGui::GetWindowContentRegionMax().x + ImGui::GetWindowPos().x;
    for (int i = 0; i < static_cast<int>(b.row_labels.size()); ++i) {
        // on the same line while the button fits, else on the next
        const float need = ImGui::CalcTextSize(b.row_labels[i].c_str()).x + ImGui::GetStyle().FramePadding.x * 2 +
                           ImGui::GetStyle().ItemSpacing.x;
        if (ImGui::GetItemRectMax().x + need < right) ImGui::SameLine();
        ImGui::PushID(i);
        const bool cur = i == r;
        if (cur) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
        if (ImGui::SmallButton(b.row_labels[i].c_str())) ask_query(b, i, asked);
        if (cur) ImGui::PopStyleColor();
        mirror_toggle("heads/query/" + std::to_string(i), views::trf("heads.query_name", b.row_labels[i].c_str()), cur, b.row_labels[i].c_str());
        ImGui::PopID();
    }

    // The whole table of this head, labelled.
    const int rows = static_cast<int>(b.row_labels.size()), cols = static_cast<int>(b.col_labels.size());
    HeatmapOptions ho;
    ho.highlight_row = r;
    ho.dimmed = b.ablated[h];
    ho.data_id = "data/heads/selected";
    ho.data_name = views::trf("heads.head_of", h, b.name.c_str());
    const HeatmapHit hit = heatmap("##table", rows, cols, [&](int i, int j) { return b.weight(h, i, j); }, &b.row_labels,
                                   &b.col_labels, ho);
    register_widget("heads/selected/table");
    if (hit.row >= 0)
        ImGui::SetTooltip(views::tr("heads.table_tip"), b.row_labels[hit.row].c_str(),
                          b.col_labels[hit.col].c_str(), b.weight(h, hit.row, hit.col), b.row_labels[hit.row].c_str());
    if (hit.clicked && hit.row >= 0) ask_query(b, hit.row, asked);

    if (b.rows[h].empty()) return;
    const views::TraceRow& tr = b.at(h, std::min(r, static_cast<int>(b.rows[h].size()) - 1));
    if (!tr.trace) return;
    const AttentionTrace& t = *tr.trace;
    const int q = tr.row, Tk = static_cast<int>(t.keys.rows()), dh = static_cast<int>(t.keys.cols());
    std::vector<std::string> keys(b.col_labels.begin(), b.col_labels.begin() + std::min<int>(Tk, cols));
    while (static_cast<int>(keys.size()) < Tk) keys.push_back("#" + std::to_string(keys.size()));
    const float cell = dh > 12 ? 14.0f : 40.0f;
    ImGui::Separator();
    ImGui::Text(views::tr("heads.stages_for"), b.row_labels[r].c_str());
    float range = max_abs_row(t.query, q);
    for (int j = 0; j < Tk; ++j) range = std::max(range, max_abs_row(t.keys, j));
    ImGui::TextUnformatted(views::tr("heads.s1"));
    help_marker(views::tr("heads.s1_help"));
    const std::vector<std::string> query_row = {views::tr("heads.row_query")}, context_row = {views::tr("heads.row_context")};
    HeatmapOptions vo;
    vo.scale = CellScale::Diverging;
    vo.range = range;
    vo.cell_w = cell;
    vo.col_labels = false;
    const HeatmapHit qh = heatmap("##query", 1, dh, [&](int, int d) { return t.query(q, d); }, &query_row, nullptr, vo);
    if (qh.col >= 0) ImGui::SetTooltip(views::tr("heads.query_tip"), b.row_labels[r].c_str(), qh.col, t.query(q, qh.col));
    HeatmapOptions ko;
    ko.scale = CellScale::Diverging;
    ko.range = range;
    ko.numbers = dh <= 12;
    ko.cell_w = cell;
    ko.col_labels = false;
    const HeatmapHit kh = heatmap("##keys", Tk, dh, [&](int i, int d) { return t.keys(i, d); }, &keys, nullptr, ko);
    if (kh.row >= 0) ImGui::SetTooltip(views::tr("heads.key_tip"), keys[kh.row].c_str(), kh.col, t.keys(kh.row, kh.col));

    const std::vector<std::string> score_rows = {views::tr("heads.row_qk"), views::tr("heads.row_scaled")},
                                   mask_rows = {views::tr("heads.row_masked")}, w_rows = {views::tr("heads.row_weight")};
    HeatmapOptions so;
    so.scale = CellScale::Diverging;
    so.range = max_abs_row(t.scores, q);
    const HeatmapHit sh = heatmap("##scores", 2, Tk, [&](int i, int j) { return i == 0 ? t.scores(q, j) : t.scaled(q, j); },
                                  &score_rows, &keys, so);
    register_widget("heads/selected/scores");
    if (sh.row >= 0)
        ImGui::SetTooltip(views::tr("heads.score_tip"), b.row_labels[r].c_str(),
                          keys[sh.col].c_str(), t.scores(q, sh.col), t.scale, t.temperature, t.scaled(q, sh.col));
    if (t.mask.size()) {
        so.range = max_abs_row(t.scaled, q);
        heatmap("##masked", 1, Tk, [&](int, int j) { return t.masked(q, j); }, &mask_rows, nullptr, so);
    }
    const HeatmapHit wh = heatmap("##weights", 1, Tk, [&](int, int j) { return t.weights(q, j); }, &w_rows, nullptr);
    if (wh.row >= 0) ImGui::SetTooltip(views::tr("heads.weight_tip"), keys[wh.col].c_str(), t.weights(q, wh.col));
    float range_v = 1e-6f;
    for (int j = 0; j < Tk; ++j) range_v = std::max(range_v, max_abs_row(t.values, j));
    vo.range = range_v;
    const HeatmapHit ch = heatmap("##context", 1, static_cast<int>(t.context.cols()), [&](int, int d) { return t.context(q, d); },
                                  &context_row, nullptr, vo);
    if (ch.col >= 0) ImGui::SetTooltip(views::tr("heads.context_tip"), ch.col, ch.col, t.context(q, ch.col));

    // Every head of the block, on the same query.
    ImGui::Separator();
    ImGui::Text(views::tr("heads.every_head"), b.name.c_str(), b.row_labels[r].c_str());
    help_marker(views::tr("heads.every_head_help"));
    std::vector<const AttentionTrace*> by_head(b.heads, nullptr);
    std::vector<int> head_row(b.heads, 0);
    std::vector<std::string> head_labels;
    float srange = 1e-6f;
    for (int k = 0; k < b.heads; ++k) {
        head_labels.push_back(views::trf("heads.head", k));
        if (r < static_cast<int>(b.rows[k].size()) && b.rows[k][r].trace) {
            by_head[k] = b.rows[k][r].trace;
            head_row[k] = b.rows[k][r].row;
            srange = std::max(srange, max_abs_row(by_head[k]->scores, head_row[k]));
        }
    }
    auto at = [&](const Mat AttentionTrace::*field, int k, int j) {
        const AttentionTrace* p = by_head[k];
        return p && j < (p->*field).cols() ? (p->*field)(head_row[k], j) : std::nanf("");
    };
    HeatmapOptions bo;
    bo.scale = CellScale::Diverging;
    bo.range = srange;
    bo.highlight_row = h;
    const HeatmapHit bh = heatmap("##qk", b.heads, Tk, [&](int k, int j) { return at(&AttentionTrace::scores, k, j); },
                                  &head_labels, &keys, bo);
    register_widget("heads/qk-by-head");
    if (bh.row >= 0)
        ImGui::SetTooltip(views::tr("heads.by_head_score_tip"), bh.row, keys[bh.col].c_str(), at(&AttentionTrace::scores, bh.row, bh.col));
    ImGui::SameLine(0, ImGui::GetFontSize());
    HeatmapOptions wo;
    wo.highlight_row = h;
    const HeatmapHit bw = heatmap("##wk", b.heads, Tk, [&](int k, int j) { return at(&AttentionTrace::weights, k, j); },
                                  nullptr, &keys, wo);
    if (bw.row >= 0)
        ImGui::SetTooltip(views::tr("heads.by_head_weight_tip"), bw.row, keys[bw.col].c_str(), at(&AttentionTrace::weights, bw.row, bw.col));

}

void draw_output(const views::Lab& lab, LabAsks& asked) {
    const Translation& tr = lab.result;
    const Translation& orig = lab.unablated;
    const std::vector<std::string> off = views::ablated_heads(lab.state.options);
    if (off.empty()) {
        ImGui::TextUnformatted(views::tr("heads.all_on_now"));
        help_marker(views::tr("heads.all_on_help"));
    } else {
        std::string list;
        for (const std::string& s : off) list += (list.empty() ? "" : ", ") + s;
        ImGui::TextWrapped(views::tr("heads.off_list"), static_cast<int>(off.size()), list.c_str());
        if (ImGui::Button(label_id("heads.restore").c_str())) {
            RunOptions o = lab.state.options;
            o.head_mask.clear();
            asked.push_back(views::lab_ask::SetOptions{o});
        }
        mirror_button("heads/restore", views::tr("heads.restore"), views::tr("heads.restore"));
    }
    ImGui::Separator();
    if (orig.steps.empty()) {
        ImGui::Text(views::tr("heads.output"), tr.output_text.c_str());
        for (const DecodeStep& s : tr.steps) {
            ImGui::SameLine();
            ImGui::TextDisabled("%s %.2f", s.word.c_str(), s.prob);
        }
        return;
    }
    const bool same = orig.output_text == tr.output_text;
    ImGui::Text(views::tr("heads.with_all"), orig.output_text.c_str());
    ImGui::TextColored(same ? kGood : kWarn, views::tr("heads.with_ablation"), tr.output_text.c_str());
    ImGui::SameLine();
    ImGui::TextDisabled("%s", views::tr(same ? "heads.same" : "heads.changed"));
    if (ImGui::BeginTable("compare", 4, ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingFixedFit)) {
        ImGui::TableSetupColumn(views::tr("heads.col_step"));
        ImGui::TableSetupColumn(views::tr("heads.col_all_on"));
        ImGui::TableSetupColumn(views::tr("heads.col_ablated"));
        ImGui::TableSetupColumn(views::tr("heads.col_p_now"));
        ImGui::TableHeadersRow();
        const size_t n = std::max(orig.steps.size(), tr.steps.size());
        for (size_t i = 0; i < n; ++i) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::Text("%d", static_cast<int>(i) + 1);
            ImGui::TableNextColumn();
            if (i < orig.steps.size()) ImGui::Text("%s (%.4f)", orig.steps[i].word.c_str(), orig.steps[i].prob);
            ImGui::TableNextColumn();
            if (i < tr.steps.size()) {
                const bool differs = i >= orig.steps.size() || tr.steps[i].token != orig.steps[i].token;
                ImGui::TextColored(differs ? kWarn : ImGui::GetStyleColorVec4(ImGuiCol_Text), "%s (%.4f)",
                                   tr.steps[i].word.c_str(), tr.steps[i].prob);
            }
            ImGui::TableNextColumn();
            const float p = views::original_word_prob(tr, orig, static_cast<int>(i));
            if (std::isfinite(p)) {
                const float before = orig.steps[i].prob;
                ImGui::Text("%.4f (%+.4f)", p, p - before);
            }
        }
        ImGui::EndTable();
    }
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::TextWrapped("%s", views::tr("heads.last_column"));
    ImGui::PopStyleColor();
}

}  // namespace

void draw_heads_view(const views::Lab& lab, const views::ModelStore& store, const views::HeadsViewState& view, float top,
                     LabAsks& asked) {
    const Translator* model = store.ready(lab.state.model);
    std::vector<views::HeadBlock> blocks =
        views::head_blocks(lab.result, model ? &model->target_vocab() : nullptr, static_cast<int>(lab.result.steps.size()) - 1);

    // The least heights that show the panels whole (tests/e2e/reflow.test.mjs); a model without heads
    // has the grid's panel alone, on the whole screen.
    constexpr float kHeadsWideMinH = 460.0f, kHeadsNarrowMinH = 1100.0f;
    const Rect where = view_area(top, kHeadsWideMinH, blocks.empty() ? 0.0f : kHeadsNarrowMinH);
    const float pad = 6.0f;
    const bool wide = ImGui::GetIO().DisplaySize.x >= kWideScreen;
    const float gw = wide && !blocks.empty() ? where.w * 0.56f : where.w;
    const Rect grid_r{where.x, where.y, gw, wide || blocks.empty() ? where.h : where.h * 0.5f};
    const Rect mag_r = wide ? Rect{where.x + gw + pad, where.y, where.w - gw - pad, where.h * 0.62f - pad * 0.5f}
                            : Rect{where.x, where.y + where.h * 0.5f + pad, where.w, where.h * 0.3f};
    const Rect out_r = wide ? Rect{mag_r.x, where.y + where.h * 0.62f + pad * 0.5f, mag_r.w, where.h * 0.38f - pad * 0.5f}
                            : Rect{where.x, where.y + where.h * 0.8f + 2 * pad, where.w, where.h * 0.2f - 2 * pad};

    place(grid_r);
    ImGui::Begin(label_id("win.heads", "heads").c_str(), nullptr, kPicturePanel);
    wrap_at_visible_edge();  // prose wraps at the visible edge, pictures scroll sideways
    data_button("heads/data");
    ImGui::SameLine();
    const std::string description = store.description(lab.state.model);  // the models table's, or a visitor's file's
    ImGui::Text(views::tr("heads.model"), lab.state.model.c_str());
    if (!description.empty()) {  // beside the name, wrapped, while a column of some width is left; else below it
        same_line_if_fits(std::min(ImGui::CalcTextSize(description.c_str()).x, ImGui::GetFontSize() * 16));
        ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
        ImGui::TextWrapped("%s", description.c_str());
        ImGui::PopStyleColor();
        mirror_text_line("heads/model_description", description);
    }
    if (blocks.empty()) {
        const views::ModelStatus status = store.status(lab.state.model);
        if (status == views::ModelStatus::Loading) ImGui::TextColored(kAccent, views::tr("heads.loading"), lab.state.model.c_str());
        else if (status == views::ModelStatus::Failed) ImGui::TextColored(kWarn, views::tr("heads.cannot_load"), store.error(lab.state.model).c_str());
        else ImGui::TextWrapped("%s", views::tr("heads.no_heads"));
        if (find_translation_model("transformer") && lab.state.model != "transformer") {
            if (ImGui::Button(label_id("heads.use_transformer").c_str())) asked.push_back(views::lab_ask::SetModel{"transformer"});
            mirror_button("heads/use-transformer", views::tr("heads.use_transformer"), views::tr("heads.use_transformer"));
        }
        ImGui::End();
        return;
    }
    ImGui::Text(views::tr("heads.reads"), [&] {
        std::string s;
        for (const std::string& w : lab.result.source_tokens) s += (s.empty() ? "" : " ") + w;
        return s;
    }().c_str());
    ImGui::SameLine();
    ImGui::TextDisabled(views::tr("heads.writes"), lab.result.output_text.c_str());
    help_marker(views::tr("heads.grid_help"));

    const views::HeadBlock* sel = views::selected_block(blocks, lab.state);
    const int sel_head = sel ? views::selected_head(*sel, lab.state) : 0;
    const int sel_row = sel ? views::selected_row(*sel, lab.state, view.query_row) : 0;
    draw_grid(lab, blocks, sel, sel_head, sel_row, asked);
    ImGui::End();


    place(mag_r);
    ImGui::Begin(label_id("win.head_magnifier", "head").c_str(), nullptr, kPicturePanel);
    wrap_at_visible_edge();  // prose wraps at the visible edge, pictures scroll sideways
    data_button("heads/magnifier-data");
    if (sel) {
        const int h = views::selected_head(*sel, lab.state);
        draw_magnifier(*sel, h, views::selected_row(*sel, lab.state, view.query_row), asked);
    }
    ImGui::End();

    place(out_r);
    ImGui::Begin(label_id("win.heads_off", "heads-off").c_str(), nullptr, kPanel);
    draw_output(lab, asked);
    ImGui::End();
}

namespace {

views::Intents draw_heads_layout(const views::Session& s, float top) {
    LabAsks asked;
    draw_heads_view(s.lab, s.store, s.view<views::HeadsViewState>(), top, asked);
    return bind_intents(std::move(asked), views::apply_lab_intent);
}

}  // namespace

const ViewRow& heads_view_row() {
    static const ViewRow row{"heads", "Heads", views::heads_update, draw_heads_layout,
                             [](const views::Session& s) { return s.lab.runs; }, {{"ui.heads", "heads", views::heads_answer}}};
    return row;
}

}  // namespace attn::ui
