// sensor_panel.cpp: see sensor_panel.h. Three windows: the series with attention over time, the
// prediction and the parameter count, and the stages of the attention pooling.
#include "ui/sensor_panel.h"

#include "ui/mirror.h"

#include "ui/theme.h"
#include "ui/view_row.h"
#include "ui/view_widgets.h"
#include "ui/widgets.h"

#include "imgui.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace attn::ui {

namespace {

const ImVec4& kAccent = palette().accent;  // the theme's colors (theme.h)
const ImVec4& kWarn = palette().error;
const ImVec4& kGood = palette().good;
const ImU32 kChannelColors[] = {IM_COL32(120, 190, 255, 255), IM_COL32(255, 140, 120, 255), IM_COL32(140, 220, 140, 255),
                                IM_COL32(220, 170, 255, 255)};

void place(Rect r) {
    ImGui::SetNextWindowPos(ImVec2(r.x, r.y), ImGuiCond_Always);
    ImGui::SetNextWindowSize(ImVec2(r.w, r.h), ImGuiCond_Always);
}

// 4225 -> "4,225"
std::string with_commas(long n) {
    std::string s = std::to_string(n < 0 ? -n : n);
    for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<size_t>(i), ",");
    return n < 0 ? "-" + s : s;
}

// The series: one lane per channel, the attention weights behind them and in a lane of their own, the
// injected event's window marked across every lane. Hover: the step's values and weight.
void draw_series(const SensorModel& m, const SensorSampleRun& sr) {
    const SensorSample& s = sr.sample;
    const AttentionTrace& a = sr.run.attention;
    const int T = static_cast<int>(s.values.rows()), C = static_cast<int>(s.values.cols());
    const float wmax = std::max(1e-6f, a.weights.maxCoeff());
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float label_w = ImGui::GetFontSize() * 6.5f;
    const float att_h = std::max(50.0f, avail.y * 0.2f);
    // the time axis's numbers go on a line of their own below the picture (the Dummy at the end); the
    // whole fits the panel, or the panel's scrollbars would come and go at every other frame
    const float axis_h = ImGui::GetTextLineHeight() + ImGui::GetStyle().ItemSpacing.y;
    const float lane_h = std::max(44.0f, (avail.y - att_h - axis_h - 8.0f) / C);
    const ImVec2 o = ImGui::GetCursorScreenPos();
    const float plot_w = std::max(100.0f, avail.x - label_w - 4.0f);
    const float dx = plot_w / T;
    const float total_h = lane_h * C + att_h;
    ImGui::InvisibleButton("##series", ImVec2(label_w + plot_w, total_h));
    register_widget("sensor/plot");
    const bool hovered = ImGui::IsItemHovered();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float x0 = o.x + label_w;
    auto xs = [&](int t) { return x0 + (t + 0.5f) * dx; };

    // attention behind everything: one band per step, stronger where the weight is larger
    for (int t = 0; t < T; ++t) {
        const float w = a.weights(0, t) / wmax;
        dl->AddRectFilled(ImVec2(x0 + t * dx, o.y), ImVec2(x0 + (t + 1) * dx, o.y + lane_h * C),
                          IM_COL32(242, 140, 40, static_cast<int>(90 * w)));
    }
    // the injected event
    if (s.event_width > 0) {
        const float ex0 = x0 + s.event_start * dx, ex1 = x0 + (s.event_start + s.event_width) * dx;
        dl->AddRect(ImVec2(ex0, o.y), ImVec2(ex1, o.y + total_h), IM_COL32(255, 90, 90, 230), 0.0f, 0, 2.0f);
        const std::string tag = trf("sen.injected_tag", views::sensor_event_text(sensor_event_name(s.event)).c_str());
        dl->AddText(ImVec2(std::min(ex0 + 3, x0 + plot_w - ImGui::CalcTextSize(tag.c_str()).x), o.y + 1),
                    IM_COL32(255, 120, 120, 255), tag.c_str());
    }
    // the channels
    for (int c = 0; c < C; ++c) {
        const float top = o.y + c * lane_h;
        float lo = s.values(0, c), hi = lo;
        for (int t = 1; t < T; ++t) { lo = std::min(lo, s.values(t, c)); hi = std::max(hi, s.values(t, c)); }
        const float pad = std::max(1e-3f, (hi - lo) * 0.08f);
        lo -= pad;
        hi += pad;
        dl->AddLine(ImVec2(x0, top + lane_h - 1), ImVec2(x0 + plot_w, top + lane_h - 1), IM_COL32(90, 90, 90, 120));
        std::vector<ImVec2> pts(T);
        for (int t = 0; t < T; ++t) pts[t] = ImVec2(xs(t), top + 4 + (lane_h - 8) * (1.0f - (s.values(t, c) - lo) / (hi - lo)));
        dl->AddPolyline(pts.data(), T, kChannelColors[c % 4], 0, 1.5f);
        char buf[64];
        const std::string name = views::sensor_channel_text(c < static_cast<int>(m.channel_names.size()) ? m.channel_names[c]
                                                                                                    : sensor_channel_name(c));
        const std::string unit = c < static_cast<int>(m.channel_units.size()) ? m.channel_units[c] : sensor_channel_unit(c);
        dl->AddText(ImVec2(o.x, top + 2), kChannelColors[c % 4], name.c_str());
        std::snprintf(buf, sizeof buf, "%.1f-%.1f", lo + pad, hi - pad);
        dl->AddText(ImVec2(o.x, top + 2 + ImGui::GetTextLineHeight()), ImGui::GetColorU32(ImGuiCol_TextDisabled), buf);
        dl->AddText(ImVec2(o.x, top + 2 + 2 * ImGui::GetTextLineHeight()), ImGui::GetColorU32(ImGuiCol_TextDisabled), unit.c_str());
    }
    // the attention lane: bars of the weights
    const float atop = o.y + lane_h * C + 4;
    const float ah = att_h - 6;
    dl->AddText(ImVec2(o.x, atop), IM_COL32(242, 140, 40, 255), tr("sen.attention"));
    char mx[48];
    std::snprintf(mx, sizeof mx, tr("sen.max"), wmax);
    dl->AddText(ImVec2(o.x, atop + ImGui::GetTextLineHeight()), ImGui::GetColorU32(ImGuiCol_TextDisabled), mx);
    for (int t = 0; t < T; ++t) {
        const float h = ah * a.weights(0, t) / wmax;
        dl->AddRectFilled(ImVec2(x0 + t * dx + 0.5f, atop + ah - h), ImVec2(x0 + (t + 1) * dx - 0.5f, atop + ah),
                          weight_color(0.35f + 0.65f * a.weights(0, t) / wmax));
    }
    dl->AddLine(ImVec2(x0, atop + ah), ImVec2(x0 + plot_w, atop + ah), IM_COL32(120, 120, 120, 160));
    // time axis ticks every 10 steps
    for (int t = 0; t <= T; t += 10) {
        char tb[16];
        std::snprintf(tb, sizeof tb, "%d", t);
        dl->AddText(ImVec2(x0 + t * dx - 4, atop + ah + 1), ImGui::GetColorU32(ImGuiCol_TextDisabled), tb);
    }
    ImGui::Dummy(ImVec2(1, ImGui::GetTextLineHeight()));

    if (hovered) {
        const float mxp = ImGui::GetIO().MousePos.x;
        const int t = static_cast<int>(std::floor((mxp - x0) / dx));
        if (t >= 0 && t < T) {
            dl->AddLine(ImVec2(xs(t), o.y), ImVec2(xs(t), o.y + total_h), IM_COL32(255, 255, 255, 140));
            ImGui::BeginTooltip();
            ImGui::Text(tr("sen.step"), t, s.in_event(t) ? tr("sen.inside_event") : "");
            for (int c = 0; c < C; ++c)
                ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kChannelColors[c % 4]), "%-12s %.4f %s",
                                   views::sensor_channel_text(m.channel_names[c]).c_str(), s.values(t, c),
                                   m.channel_units[c].c_str());
            ImGui::Text(tr("sen.attention_weight"), a.weights(0, t));
            ImGui::Text(tr("sen.score"), a.scores(0, t));
            ImGui::EndTooltip();
        }
    }
}

void draw_prediction(const SensorModel& m, const SensorSampleRun& sr) {
    const SensorRun& r = sr.run;
    const SensorSample& s = sr.sample;
    const bool correct = r.predicted == static_cast<int>(s.event);
    if (m.info.name != views::kSensorModelName) {  // one the Train view trained, or a file of the visitor's
        const std::string which = views::trf("sen.model_other", m.info.name.c_str(), m.info.description.c_str());
        ImGui::PushTextWrapPos(0.0f);
        ImGui::TextColored(kAccent, "%s", which.c_str());
        ImGui::PopTextWrapPos();
        mirror_text_line("sensor/model", which);
    }
    ImGui::TextUnformatted(tr("sen.model_says"));
    const std::string predicted = views::sensor_event_text(r.predicted_name);
    const std::string probability = views::trf("sen.with_probability", r.probs[r.predicted]);
    same_line_if_fits(ImGui::CalcTextSize(predicted.c_str()).x);  // the sentence wraps on a narrow screen
    ImGui::TextColored(correct ? kGood : kWarn, "%s", predicted.c_str());
    same_line_if_fits(ImGui::CalcTextSize(probability.c_str()).x);
    ImGui::TextUnformatted(probability.c_str());
    mirror_text_line("sensor/prediction", std::string(tr("sen.model_says")) + " " + predicted + " " + probability);
    ImGui::TextDisabled(tr("sen.injected_verdict"), views::sensor_event_text(sensor_event_name(s.event)).c_str(),
                        tr(correct ? "sen.right" : "sen.wrong"));
    // the class names as the interface shows them (the model file's names are the events table's)
    std::vector<std::string> class_shown;
    for (const std::string& name : m.class_names) class_shown.push_back(views::sensor_event_text(name));
    float names_w = 0;
    for (const std::string& name : class_shown) names_w = std::max(names_w, ImGui::CalcTextSize(("-> " + name).c_str()).x);
    names_w += ImGui::GetFontSize();
    const float bar_w = ImGui::GetContentRegionAvail().x - names_w;
    for (int k = 0; k < static_cast<int>(r.probs.size()); ++k) {
        const bool chosen = k == r.predicted;
        ImGui::TextColored(chosen ? kAccent : ImGui::GetStyleColorVec4(ImGuiCol_Text), "%s %s", chosen ? "->" : "  ",
                           class_shown[k].c_str());
        ImGui::SameLine(names_w);
        char buf[24];
        std::snprintf(buf, sizeof buf, "%.4f", r.probs[k]);
        ImGui::ProgressBar(r.probs[k], ImVec2(std::max(60.0f, bar_w), 0), buf);
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip(tr("sen.class_tip"), class_shown[k].c_str(), r.probs[k], r.logits[k],
                              k == static_cast<int>(s.event) ? tr("sen.the_injected") : "");
    }
}

void draw_parameters(const SensorModel& m) {
    const SensorParameterCounts n = sensor_parameter_counts(m);
    const int H = m.config.hidden, C = m.config.channels, K = m.config.classes;
    ImGui::TextColored(kAccent, "%s", tr("sen.parameters"));
    help_marker(tr("sen.parameters_help"));
    if (!ImGui::BeginTable("params", 3, ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingFixedFit)) return;
    ImGui::TableSetupColumn(tr("sen.col_layer"));
    ImGui::TableSetupColumn(tr("sen.col_weights"));
    ImGui::TableSetupColumn(tr("sen.col_count"));
    ImGui::TableHeadersRow();
    auto row = [](const std::string& name, const std::string& shape, long count, bool strong) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        if (strong) ImGui::TextColored(kAccent, "%s", name.c_str());
        else ImGui::TextUnformatted(name.c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(shape.c_str());
        ImGui::TableNextColumn();
        if (strong) ImGui::TextColored(kAccent, "%s", with_commas(count).c_str());
        else ImGui::TextUnformatted(with_commas(count).c_str());
    };
    const Linear& proj = m.pool.proj;
    const Linear& score = m.pool.score;
    row(tr("sen.row_lstm"), std::to_string(4 * H) + " x (" + std::to_string(C) + " + " + std::to_string(H) + ") + 2 x " +
                              std::to_string(4 * H), n.lstm, false);
    row(tr("sen.row_first"),
        std::to_string(proj.W.rows()) + " x " + std::to_string(proj.W.cols()) + " + " + std::to_string(proj.b.size()),
        n.pool_proj, false);
    row(tr("sen.row_second"),
        std::to_string(score.W.cols()) + " x " + std::to_string(score.W.rows()) + " + " + std::to_string(score.b.size()),
        n.pool_score, false);
    row(tr("sen.row_total"), with_commas(n.pool_proj) + " + " + with_commas(n.pool_score), n.pool, true);
    row(tr("sen.row_classifier"), std::to_string(K) + " x " + std::to_string(H) + " + " + std::to_string(K), n.classifier, false);
    row(tr("sen.row_whole"), "", n.total, false);
    ImGui::EndTable();
    register_widget("sensor/parameters");
}

void draw_pooling(const SensorSampleRun& sr) {
    const AttentionTrace& a = sr.run.attention;
    const int T = static_cast<int>(a.keys.rows()), H = static_cast<int>(a.keys.cols());
    const float avail = ImGui::GetContentRegionAvail().x - ImGui::GetFontSize() * 5;
    HeatmapOptions big;
    big.numbers = false;
    big.col_labels = false;
    big.row_labels = false;
    big.scale = CellScale::Diverging;
    big.cell_w = std::max(1.0f, avail / T);
    big.cell_h = 1.5f;
    auto range_of = [](const Mat& m) {
        float r = 1e-6f;
        for (Eigen::Index i = 0; i < m.size(); ++i) r = std::max(r, std::fabs(m.data()[i]));
        return r;
    };
    ImGui::TextWrapped(tr("sen.s1"), T, H);
    help_marker(tr("sen.s1_help"));
    big.range = range_of(a.keys);
    // Each big table in a child window of its own: a window's draw list indexes its vertices with 16 bits
    // (the WebGL2 backend cannot offset them), and 6,400 cells take 25,600 vertices.
    const ImVec2 big_size(big.cell_w * T + 4, big.cell_h * H + 4);
    ImGui::BeginChild("##h_child", big_size, false, ImGuiWindowFlags_NoScrollbar);
    const HeatmapHit kh = heatmap("##h", H, T, [&](int d, int t) { return a.keys(t, d); }, nullptr, nullptr, big);
    if (kh.row >= 0) ImGui::SetTooltip(tr("sen.h_tip"), kh.col, kh.row, a.keys(kh.col, kh.row));
    ImGui::EndChild();
    if (!a.energies.empty()) {
        const Mat& e = a.energies.front();
        ImGui::TextWrapped("%s", tr("sen.s2"));
        big.range = 1.0f;
        ImGui::BeginChild("##e_child", big_size, false, ImGuiWindowFlags_NoScrollbar);
        const HeatmapHit eh = heatmap("##e", H, T, [&](int d, int t) { return e(t, d); }, nullptr, nullptr, big);
        if (eh.row >= 0) ImGui::SetTooltip(tr("sen.energy_tip"), eh.col, eh.row, e(eh.col, eh.row));
        ImGui::EndChild();
    }
    HeatmapOptions strip = big;
    strip.cell_h = ImGui::GetTextLineHeight();
    strip.range = range_of(a.scores);
    const HeatmapHit sh = heatmap("##s", 1, T, [&](int, int t) { return a.scores(0, t); }, nullptr, nullptr, strip);
    if (sh.col >= 0) ImGui::SetTooltip(tr("sen.score_tip"), sh.col, a.scores(0, sh.col));
    ImGui::TextWrapped(tr("sen.s5"), T, a.weights.sum());
    strip.scale = CellScale::Weight;
    const float wmax = std::max(1e-6f, a.weights.maxCoeff());
    const HeatmapHit wh = heatmap("##w", 1, T, [&](int, int t) { return a.weights(0, t) / wmax; }, nullptr, nullptr, strip);
    register_widget("sensor/weights");
    if (wh.col >= 0) ImGui::SetTooltip(tr("sen.weight_tip"), wh.col, a.weights(0, wh.col));
    std::vector<int> order(T);
    for (int t = 0; t < T; ++t) order[t] = t;
    std::partial_sort(order.begin(), order.begin() + std::min(3, T), order.end(),
                      [&](int x, int y) { return a.weights(0, x) > a.weights(0, y); });
    ImGui::TextDisabled(tr("sen.largest"), order[0], a.weights(0, order[0]),
                        order[1], a.weights(0, order[1]), order[2], a.weights(0, order[2]));
    if (sr.sample.event_width > 0)
        ImGui::TextDisabled(tr("sen.near_event"), kSensorAttentionMargin,
                            sr.attention_near_event);
    ImGui::TextWrapped(tr("sen.s6"), static_cast<int>(a.context.cols()));
    HeatmapOptions co = strip;
    co.scale = CellScale::Diverging;
    co.range = range_of(a.context);
    co.cell_w = std::max(2.0f, avail / static_cast<float>(a.context.cols()));
    const HeatmapHit ch = heatmap("##c", 1, static_cast<int>(a.context.cols()), [&](int, int d) { return a.context(0, d); },
                                  nullptr, nullptr, co);
    register_widget("sensor/context");
    if (ch.col >= 0) ImGui::SetTooltip(tr("sen.context_tip"), ch.col, a.context(0, ch.col));
}

}  // namespace

views::SensorAsk draw_sensor_view(const views::SensorViewState& v, Rect where) {
    views::SensorAsk asked;
    const SensorModel* m = v.store.ready();  // loaded (and run) by the update phase (views/view_states.h)
    const float pad = 6.0f;
    const bool wide = ImGui::GetIO().DisplaySize.x >= kWideScreen;
    const float lw = wide ? where.w * 0.6f : where.w;
    // wide: the series on the left, the prediction over the pooling on the right; narrow: the three stacked
    const Rect series_r{where.x, where.y, lw, wide ? where.h : where.h * 0.45f};
    const Rect pred_r = wide ? Rect{where.x + lw + pad, where.y, where.w - lw - pad, where.h * 0.46f - pad * 0.5f}
                             : Rect{where.x, where.y + where.h * 0.45f + pad, where.w, where.h * 0.3f - pad};
    const Rect pool_r = wide ? Rect{pred_r.x, where.y + where.h * 0.46f + pad * 0.5f, pred_r.w, where.h * 0.54f - pad * 0.5f}
                             : Rect{where.x, where.y + where.h * 0.75f + pad, where.w, where.h * 0.25f - pad};

    place(series_r);
    ImGui::Begin(label_id("win.sensor", "sensor").c_str(), nullptr, kPicturePanel);
    wrap_at_visible_edge();  // prose wraps at the visible edge, pictures scroll sideways
    if (!m) {
        if (v.store.status() == views::ModelStatus::Failed)
            ImGui::TextColored(kWarn, tr("sen.cannot_load"), v.store.error().c_str());
        else
            ImGui::TextColored(kAccent, "%s", tr("sen.loading"));
        ImGui::End();
        return asked;
    }
    // The sample picker.
    data_button("sensor/data");
    ImGui::SameLine();
    int sample = v.sample;
    if (ImGui::ArrowButton("##prev", ImGuiDir_Left)) sample = v.sample - 1;
    mirror_button("sensor/prev", tr("sen.prev_name"));
    ImGui::SameLine();
    if (ImGui::ArrowButton("##next", ImGuiDir_Right)) sample = v.sample + 1;
    mirror_button("sensor/next", tr("sen.next_name"));
    const float sample_w = std::min(ImGui::GetFontSize() * 10, ImGui::GetContentRegionAvail().x * 0.5f);
    same_line_if_fits(labelled_width(sample_w, tr("sen.sample")));
    ImGui::SetNextItemWidth(sample_w);
    ImGui::SliderInt(label_id("sen.sample").c_str(), &sample, 0, kSensorHeldOutCount - 1);
    mirror_slider_int("sensor/sample", tr("sen.sample"), &sample, 0, kSensorHeldOutCount - 1);
    help_marker(tr("sen.sample_help"));
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(tr("sen.next_with"));
    for (int k = 0; k < kSensorEventCount; ++k) {
        const char* name = sensor_event_name(static_cast<SensorEvent>(k));
        const std::string shown = views::sensor_event_text(name);
        same_line_if_fits(button_width(shown.c_str()));  // longer names (Spanish) wrap rather than overflow
        if (ImGui::SmallButton((shown + "##" + name).c_str())) asked.find_next = static_cast<SensorEvent>(k);
        mirror_button(std::string("sensor/find/") + name, views::trf("sen.find_name", shown.c_str()), shown.c_str());
    }
    // The next frame's update runs the new sample (this frame still shows the one below).
    if (sample != v.sample) asked.sample = sample;
    if (!v.error.empty()) ImGui::TextColored(kWarn, "%s", v.error.c_str());
    if (!v.has_run) {
        ImGui::End();
        return asked;
    }
    const SensorSample& s = v.run.sample;
    if (s.event_width > 0)
        ImGui::TextWrapped(tr("sen.injected_at"), views::sensor_event_text(sensor_event_name(s.event)).c_str(), s.event_start,
                    s.event_start + s.event_width - 1, views::sensor_channel_text(sensor_channel_name(s.event_channel)).c_str());
    else
        ImGui::TextUnformatted(tr("sen.injected_nothing"));
    const std::string pred = views::trf("sen.model_pred", views::sensor_event_text(v.run.run.predicted_name).c_str(), v.run.run.probs[v.run.run.predicted]);
    same_line_if_fits(ImGui::CalcTextSize(pred.c_str()).x);
    ImGui::TextDisabled("%s", pred.c_str());
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::TextWrapped("%s", tr("sen.legend"));
    ImGui::PopStyleColor();
    draw_series(*m, v.run);
    ImGui::End();

    place(pred_r);
    ImGui::Begin(label_id("win.sensor_prediction", "sensor-prediction").c_str(), nullptr, kPanel);
    draw_prediction(*m, v.run);
    ImGui::Separator();
    draw_parameters(*m);
    ImGui::End();

    place(pool_r);
    ImGui::Begin(label_id("win.sensor_pooling", "sensor-pooling").c_str(), nullptr, kPicturePanel);
    wrap_at_visible_edge();  // prose wraps at the visible edge, pictures scroll sideways
    draw_pooling(v.run);
    ImGui::End();
    return asked;
}

namespace {

// The least heights that show the panels whole (tests/e2e/reflow.test.mjs).
constexpr float kSensorWideMinH = 460.0f, kSensorNarrowMinH = 1200.0f;

views::Intents draw_sensor_layout(const views::Session& s, float top) {
    views::SensorAsk asked = draw_sensor_view(s.view<views::SensorViewState>(), view_area(top, kSensorWideMinH, kSensorNarrowMinH));
    if (!asked.sample && !asked.find_next) return {};
    return bind_intents(std::vector<views::SensorAsk>{asked}, [](views::Session& s, const views::SensorAsk& a) {
        views::sensor_apply(s.view<views::SensorViewState>(), a);
    });
}

}  // namespace

const ViewRow& sensor_view_row() {
    static const ViewRow row{"sensor", "Sensor", views::sensor_update, draw_sensor_layout,
                             [](const views::Session& s) { return s.view<views::SensorViewState>().runs; },
                             {{"ui.sensor", "sensor", views::sensor_answer},
                              {"ui.set_sensor", "setSensor", views::set_sensor_answer}}};
    return row;
}

}  // namespace attn::ui
