// gallery_panel.cpp: see gallery_panel.h.
#include "ui/gallery_panel.h"

#include "ui/mirror.h"

#include "ui/theme.h"
#include "ui/view_row.h"
#include "ui/view_widgets.h"
#include "ui/widgets.h"

#include "imgui.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <string>

namespace attn::ui {

namespace {

const ImVec4& kAccent = palette().accent;  // the theme's colors (theme.h)
const ImVec4& kHallmark = palette().good;

void cell_tooltip(const GalleryPanel& p, int r, int c) {
    const AttentionTrace& t = p.trace;
    const std::string& q = p.query_labels[r];
    const std::string& k = p.key_labels[c];
    ImGui::BeginTooltip();
    ImGui::Text(tr("gal.asks"), q.c_str(), k.c_str());
    ImGui::Text(tr("gal.weight"), t.weights(r, c));
    ImGui::Text(tr("gal.score"), t.scores(r, c), t.scaled(r, c),
                t.mask.size() && std::isinf(t.masked(r, c)) ? tr("gal.masked") : "");
    ImGui::EndTooltip();
}

float row_range(const Mat& m) {
    float r = 1e-6f;
    for (Eigen::Index i = 0; i < m.size(); ++i)
        if (std::isfinite(m.data()[i])) r = std::max(r, std::fabs(m.data()[i]));
    return r;
}

void draw_example(const GalleryExample& e, float width) {
    ImGui::PushID(e.id.c_str());
    ImGui::BeginGroup();
    const std::string title = views::said_text(e.title);
    ImGui::TextColored(kAccent, "%s", title.c_str());
    mirror_text_line("gallery/title/" + e.id, title);
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
    ImGui::TextWrapped("%s", views::said_text(e.explanation).c_str());
    mirror_text_line("gallery/explanation/" + e.id, views::said_text(e.explanation));
    for (size_t i = 0; i < e.panels.size(); ++i) {
        const GalleryPanel& p = e.panels[i];
        if (i) ImGui::SameLine(0, ImGui::GetFontSize() * 1.5f);
        ImGui::BeginGroup();
        ImGui::TextDisabled("%s", views::said_text(p.caption).c_str());
        const std::string id = "##" + std::to_string(i);
        const Mat& w = p.trace.weights;
        HeatmapOptions ho;
        ho.data_id = "data/gallery/" + e.id + "/" + std::to_string(i);
        ho.data_name = title + ": " + views::said_text(p.caption);
        const HeatmapHit hit = heatmap(id.c_str(), static_cast<int>(w.rows()), static_cast<int>(w.cols()),
                                       [&](int r, int c) { return w(r, c); }, &p.query_labels, &p.key_labels, ho);
        register_widget("gallery/heatmap/" + e.id + "/" + std::to_string(i));
        if (hit.row >= 0) cell_tooltip(p, hit.row, hit.col);
        ImGui::EndGroup();
    }
    ImGui::PushStyleColor(ImGuiCol_Text, kHallmark);
    std::string type = title;
    if (!type.empty()) type[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(type[0])));
    ImGui::TextWrapped(tr("gal.what_makes"), type.c_str(), views::said_text(e.hallmark).c_str());
    mirror_text_line("gallery/hallmark/" + e.id, views::trf("gal.what_makes", type.c_str(), views::said_text(e.hallmark).c_str()));
    ImGui::PopStyleColor();
    ImGui::PopTextWrapPos();
    ImGui::EndGroup();
    register_widget("gallery/type/" + e.id);
    ImGui::PopID();
}

void draw_scores(const Gallery& g) {
    const std::string asker = g.words[g.options.query_word];
    ImGui::TextColored(kAccent, tr("gal.score_fns"), asker.c_str());
    help_marker(tr("gal.score_fns_help"));
    const int T = static_cast<int>(g.words.size());
    if (!ImGui::BeginTable("scores", 3, ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingFixedFit)) return;
    ImGui::TableSetupColumn(tr("gal.col_function"), ImGuiTableColumnFlags_WidthFixed, ImGui::GetFontSize() * 17);
    ImGui::TableSetupColumn(tr("gal.col_scores"));
    ImGui::TableSetupColumn(tr("gal.col_weights"));
    ImGui::TableHeadersRow();
    const std::vector<std::string> score_rows = {tr("gal.row_score")}, scaled_rows = {tr("gal.row_score"), tr("gal.row_scaled")},
                                   weight_rows = {tr("gal.row_weight")};
    for (const GalleryScore& s : g.scores) {
        const AttentionTrace& t = s.trace;
        ImGui::PushID(s.fn.c_str());
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextColored(kAccent, "%s", s.fn.c_str());
        ImGui::SameLine();
        ImGui::TextUnformatted(s.formula.c_str());
        ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + ImGui::GetFontSize() * 16.5f);
        ImGui::TextDisabled("%s%s", views::tr_or("score." + s.fn + ".note", s.note.c_str()),
                            s.parameters ? trf("gal.learned", s.parameters).c_str() : "");
        ImGui::PopTextWrapPos();
        ImGui::TableNextColumn();
        const bool scaled = t.scale != 1.0f;
        HeatmapOptions so;
        so.scale = CellScale::Diverging;
        so.range = row_range(t.scores);
        const HeatmapHit sh = heatmap("##scores", scaled ? 2 : 1, T,
                                      [&](int r, int c) { return r == 0 ? t.scores(0, c) : t.scaled(0, c); },
                                      scaled ? &scaled_rows : &score_rows, &g.words, so);
        register_widget("gallery/scores/" + s.fn);
        if (sh.row >= 0)
            ImGui::SetTooltip("%s(q = '%s', k = '%s') = %.9g%s", s.fn.c_str(), asker.c_str(), g.words[sh.col].c_str(),
                              t.scores(0, sh.col),
                              scaled ? (", x " + std::to_string(t.scale) + " = " + std::to_string(t.scaled(0, sh.col))).c_str() : "");
        ImGui::TableNextColumn();
        const HeatmapHit wh = heatmap("##weights", 1, T, [&](int, int c) { return t.weights(0, c); }, &weight_rows, &g.words);
        register_widget("gallery/weights/" + s.fn);
        if (wh.row >= 0)
            ImGui::SetTooltip(tr("gal.weight_of"), g.words[wh.col].c_str(), t.weights(0, wh.col));
        ImGui::PopID();
    }
    ImGui::EndTable();
}

}  // namespace

std::optional<GalleryOptions> draw_gallery_view(const views::GalleryViewState& g, Rect where) {
    ImGui::SetNextWindowPos(ImVec2(where.x, where.y), ImGuiCond_Always);
    ImGui::SetNextWindowSize(ImVec2(where.w, where.h), ImGuiCond_Always);
    ImGui::Begin(label_id("win.gallery", "gallery").c_str(), nullptr, kPicturePanel);
    wrap_at_visible_edge();  // prose wraps at the visible edge, pictures scroll sideways

    // The knobs edit a copy, asked for when one changed; the next frame's update re-runs the engine.
    GalleryOptions o = g.options;
    bool changed = false;
    // The knobs flow and wrap on a narrow screen (200% zoom, a phone): each group starts a new line when
    // it would not fit.
    const ImGuiStyle& st = ImGui::GetStyle();
    data_button("gallery/data");
    same_line_if_fits(ImGui::CalcTextSize(tr("gal.word_asks")).x);
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(tr("gal.word_asks"));
    const std::vector<std::string>& words = gallery_sentence();
    for (int i = 0; i < static_cast<int>(words.size()); ++i) {
        same_line_if_fits(radio_width(words[i].c_str()) + (i + 1 == static_cast<int>(words.size()) ? help_marker_width() : 0.0f));
        ImGui::PushID(i);
        changed |= ImGui::RadioButton(words[i].c_str(), &o.query_word, i);
        mirror_radio("gallery/query/" + std::to_string(i), views::trf("gal.query_name", words[i].c_str()), "gallery-query", o.query_word == i);
        ImGui::PopID();
    }
    help_marker(tr("gal.word_asks_help"));
    const float temp_w = field_width(8, tr("gal.soft_temperature"));
    same_line_if_fits(labelled_width(temp_w, tr("gal.soft_temperature")), ImGui::GetFontSize() * 2);
    ImGui::SetNextItemWidth(temp_w);
    // Labels drawn apart, so that a slider's registered rectangle is its track alone (a test clicks its ends).
    changed |= ImGui::SliderFloat("##temperature", &o.temperature, 0.1f, 5.0f, "%.2f", ImGuiSliderFlags_Logarithmic);
    changed |= mirror_slider("gallery/temperature", tr("gal.soft_temperature"), &o.temperature, 0.1f, 5.0f, 0.05f, "%.2f");
    ImGui::SameLine(0, st.ItemInnerSpacing.x);
    ImGui::TextUnformatted(tr("gal.soft_temperature"));
    help_marker(tr("gal.temperature_help"));
    const float window_w = field_width(6, tr("gal.local_window"));
    same_line_if_fits(labelled_width(window_w, tr("gal.local_window")), ImGui::GetFontSize() * 2);
    ImGui::SetNextItemWidth(window_w);
    changed |= ImGui::SliderInt("##window", &o.window, 0, 5);
    changed |= mirror_slider_int("gallery/window", tr("gal.local_window"), &o.window, 0, 5);
    ImGui::SameLine(0, st.ItemInnerSpacing.x);
    ImGui::TextUnformatted(tr("gal.local_window"));
    help_marker(tr("gal.window_help"));
    char runs[96];
    std::snprintf(runs, sizeof runs, tr("gal.runs"), g.runs);
    same_line_if_fits(ImGui::CalcTextSize(runs).x, ImGui::GetFontSize() * 2);
    ImGui::TextDisabled("%s", runs);
    if (!g.error.empty()) ImGui::TextColored(palette().error, "%s", g.error.c_str());
    ImGui::TextDisabled("%s", tr("gal.sentence"));  // wraps (wrap_at_visible_edge): a narrow screen, a longer language
    ImGui::Separator();

    const Gallery& gal = g.gallery;
    if (!gal.types.empty()) {
        const int columns = where.w >= 1100.0f ? 2 : 1;
        // as wide as the panel shows (its texts wrap there; a pair of heatmaps wider than a phone scrolls)
        const float table_w = visible_width();
        if (ImGui::BeginTable("types", columns, ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_BordersInnerH |
                                                    ImGuiTableFlags_PadOuterX, ImVec2(table_w, 0))) {
            const float width = (table_w - ImGui::GetFontSize() * 2) / columns;
            for (const GalleryExample& e : gal.types) {
                ImGui::TableNextColumn();
                draw_example(e, width);
                ImGui::Spacing();
            }
            ImGui::EndTable();
        }
        ImGui::Separator();
        draw_scores(gal);
    }
    ImGui::End();
    if (!changed) return std::nullopt;
    return o;
}

namespace {

views::Intents draw_gallery_layout(const views::Session& s, float top) {
    std::vector<GalleryOptions> asked;
    // a narrow screen: room for the knobs and one example at a time (the panel scrolls; the page too)
    if (auto o = draw_gallery_view(s.view<views::GalleryViewState>(), view_area(top, 0.0f, 560.0f))) asked.push_back(*o);
    return bind_intents(std::move(asked), [](views::Session& s, const GalleryOptions& o) {
        views::gallery_apply(s.view<views::GalleryViewState>(), o);
    });
}

}  // namespace

const ViewRow& gallery_view_row() {
    static const ViewRow row{"gallery", "Gallery", views::gallery_update, draw_gallery_layout,
                             [](const views::Session& s) { return s.view<views::GalleryViewState>().runs; },
                             {{"ui.gallery", "gallery", views::gallery_answer},
                              {"ui.set_gallery", "setGallery", views::set_gallery_answer}}};
    return row;
}

}  // namespace attn::ui
