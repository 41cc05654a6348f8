// gallery_panel.cpp: see gallery_panel.h.
#include "ui/gallery_panel.h"

#include "ui/theme.h"
#include "ui/view_row.h"
#include "ui/view_widgets.h"
#include "ui/widgets.h"

#include "imgui.h"

#include <algorithm>
#include <cctype>
#include <cmath>
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
    ImGui::Text("'%s' asks, '%s' answers", q.c_str(), k.c_str());
    ImGui::Text("weight = %.9g", t.weights(r, c));
    ImGui::Text("score = %.6g, scaled = %.6g%s", t.scores(r, c), t.scaled(r, c),
                t.mask.size() && std::isinf(t.masked(r, c)) ? ", masked (-inf)" : "");
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
    ImGui::TextColored(kAccent, "%s", e.title.c_str());
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
    ImGui::TextWrapped("%s", e.explanation.c_str());
    for (size_t i = 0; i < e.panels.size(); ++i) {
        const GalleryPanel& p = e.panels[i];
        if (i) ImGui::SameLine(0, ImGui::GetFontSize() * 1.5f);
        ImGui::BeginGroup();
        ImGui::TextDisabled("%s", p.caption.c_str());
        const std::string id = "##" + std::to_string(i);
        const Mat& w = p.trace.weights;
        const HeatmapHit hit = heatmap(id.c_str(), static_cast<int>(w.rows()), static_cast<int>(w.cols()),
                                       [&](int r, int c) { return w(r, c); }, &p.query_labels, &p.key_labels);
        register_widget("gallery/heatmap/" + e.id + "/" + std::to_string(i));
        if (hit.row >= 0) cell_tooltip(p, hit.row, hit.col);
        ImGui::EndGroup();
    }
    ImGui::PushStyleColor(ImGuiCol_Text, kHallmark);
    std::string type = e.title;
    if (!type.empty()) type[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(type[0])));
    ImGui::TextWrapped("what makes it %s: %s", type.c_str(), e.hallmark.c_str());
    ImGui::PopStyleColor();
    ImGui::PopTextWrapPos();
    ImGui::EndGroup();
    register_widget("gallery/type/" + e.id);
    ImGui::PopID();
}

void draw_scores(const Gallery& g) {
    const std::string asker = g.words[g.options.query_word];
    ImGui::TextColored(kAccent, "Score functions: one query ('%s'), the same keys, five ways to score them", asker.c_str());
    help_marker("Stage 2 of attention, the scores, is where the types differ most. Each row runs the same query and "
                "keys through one score function, then the same softmax. Only the scaled dot product divides by "
                "sqrt(d) in stage 3. Hover a cell for its exact value.");
    const int T = static_cast<int>(g.words.size());
    if (!ImGui::BeginTable("scores", 3, ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingFixedFit)) return;
    ImGui::TableSetupColumn("function", ImGuiTableColumnFlags_WidthFixed, ImGui::GetFontSize() * 17);
    ImGui::TableSetupColumn("scores (stage 2; scaled: stage 3)");
    ImGui::TableSetupColumn("weights (stage 5, softmax)");
    ImGui::TableHeadersRow();
    const std::vector<std::string> score_rows = {"score"}, scaled_rows = {"score", "scaled"}, weight_rows = {"weight"};
    for (const GalleryScore& s : g.scores) {
        const AttentionTrace& t = s.trace;
        ImGui::PushID(s.fn.c_str());
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextColored(kAccent, "%s", s.fn.c_str());
        ImGui::SameLine();
        ImGui::TextUnformatted(s.formula.c_str());
        ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + ImGui::GetFontSize() * 16.5f);
        ImGui::TextDisabled("%s%s", s.note.c_str(),
                            s.parameters ? (", " + std::to_string(s.parameters) + " learned numbers").c_str() : "");
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
            ImGui::SetTooltip("weight of '%s' = %.9g", g.words[wh.col].c_str(), t.weights(0, wh.col));
        ImGui::PopID();
    }
    ImGui::EndTable();
}

}  // namespace

std::optional<GalleryOptions> draw_gallery_view(const views::GalleryViewState& g, Rect where) {
    ImGui::SetNextWindowPos(ImVec2(where.x, where.y), ImGuiCond_Always);
    ImGui::SetNextWindowSize(ImVec2(where.w, where.h), ImGuiCond_Always);
    ImGui::Begin("Gallery: the types of attention, each computed live by the engine", nullptr,
                 ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse);

    // The knobs edit a copy, asked for when one changed; the next frame's update re-runs the engine.
    GalleryOptions o = g.options;
    bool changed = false;
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("the word that asks:");
    const std::vector<std::string>& words = gallery_sentence();
    for (int i = 0; i < static_cast<int>(words.size()); ++i) {
        ImGui::SameLine();
        ImGui::PushID(i);
        changed |= ImGui::RadioButton(words[i].c_str(), &o.query_word, i);
        register_widget("gallery/query/" + std::to_string(i));
        ImGui::PopID();
    }
    help_marker("The query of the soft, hard and location-based examples and of the score functions is this word's "
                "own vector, so content-based attention finds this word (and its twin, for 'the') first.");
    ImGui::SameLine(0, ImGui::GetFontSize() * 2);
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
    // Labels drawn apart, so that a slider's registered rectangle is its track alone (a test clicks its ends).
    changed |= ImGui::SliderFloat("##temperature", &o.temperature, 0.1f, 5.0f, "%.2f", ImGuiSliderFlags_Logarithmic);
    register_widget("gallery/temperature");
    ImGui::SameLine(0, ImGui::GetStyle().ItemInnerSpacing.x);
    ImGui::TextUnformatted("soft temperature");
    help_marker("Soft attention divides its scores by the temperature before the softmax: below 1 the weights "
                "sharpen toward hard attention, above 1 they flatten toward a plain average.");
    ImGui::SameLine(0, ImGui::GetFontSize() * 2);
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6);
    changed |= ImGui::SliderInt("##window", &o.window, 0, 5);
    register_widget("gallery/window");
    ImGui::SameLine(0, ImGui::GetStyle().ItemInnerSpacing.x);
    ImGui::TextUnformatted("local window");
    help_marker("Local attention: how many positions away a word may look. 0: only itself; 5: the whole sentence "
                "(the same as global).");
    ImGui::SameLine(0, ImGui::GetFontSize() * 2);
    ImGui::TextDisabled("engine runs: %ld", g.runs);
    if (!g.error.empty()) ImGui::TextColored(palette().error, "%s", g.error.c_str());
    ImGui::TextDisabled("Every example below reads the sentence \"the cat sat on the mat\" (word vectors drawn from a "
                        "fixed seed; nothing is trained). Hover any cell for its exact value.");
    ImGui::Separator();

    const Gallery& gal = g.gallery;
    if (!gal.types.empty()) {
        const int columns = where.w >= 1100.0f ? 2 : 1;
        if (ImGui::BeginTable("types", columns, ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_BordersInnerH |
                                                    ImGuiTableFlags_PadOuterX)) {
            const float width = (ImGui::GetContentRegionAvail().x - ImGui::GetFontSize() * 2) / columns;
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
    if (auto o = draw_gallery_view(s.view<views::GalleryViewState>(), below_view_bar(top))) asked.push_back(*o);
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
