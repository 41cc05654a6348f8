// train_panel.cpp: the Train view: pick a task and a model, press Train, and watch the model learn where
// to look. Three panels: the settings and the buttons; the loss curves (training loss of every step,
// held-out loss and exact match; the sensor's: accuracy and attention near the event); the probe sentence's
// alignment, now or at any stored snapshot on the timeline (the sensor's probe: a held-out series with the
// pooling's weight on each step, and those weights at every snapshot, one row each, against the event). It draws a const views::TrainViewState (the training worker's numbers, pushed by the page)
// and returns what its controls ask; its buttons that train ask the page (page actions "train"), which
// runs them in the worker (web/train.js). Also the view's row of the views table.
// Test: tests/e2e/train_view.test.mjs.
#include "ui/mirror.h"
#include "ui/page_actions.h"
#include "ui/theme.h"
#include "ui/view_row.h"
#include "ui/view_widgets.h"
#include "ui/widgets.h"
#include "views/strings.h"
#include "views/train_view.h"

#include "nn/normalizers.h"

#include "imgui.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <functional>
#include <string>
#include <vector>

namespace attn::ui {

namespace {

using views::TrainAlignment;
using views::TrainAsk;
using views::TrainForm;
using views::TrainViewState;

const ImVec4& kAccent = palette().accent;
const ImVec4& kWarn = palette().error;
const ImVec4& kGood = palette().good;
const ImU32 kTrainColor = IM_COL32(120, 170, 255, 255);
const ImU32 kHeldOutColor = IM_COL32(242, 140, 40, 255);
const ImU32 kMatchColor = IM_COL32(110, 200, 120, 255);
const ImU32 kNearColor = IM_COL32(200, 120, 230, 255);    // the sensor: attention near the event
const ImU32 kEventColor = IM_COL32(230, 80, 80, 50);      // the sensor: the event's window, shaded

void place(Rect r) {
    ImGui::SetNextWindowPos(ImVec2(r.x, r.y), ImGuiCond_Always);
    ImGui::SetNextWindowSize(ImVec2(r.w, r.h), ImGuiCond_Always);
}

// The name a table row shows: strings "train.<kind>.<id>" when the table has it, else the row's id.
std::string row_text(const char* kind, const std::string& id) {
    const std::string key = std::string("train.") + kind + "." + id;
    const char* t = tr(key.c_str());
    return key == t ? id : t;
}

void ask_page(const TrainViewState& v, const char* what) { post_page_action("train", views::train_action(v, what)); }

// A button, greyed out and unpressable when disabled, mirrored under id.
bool button(const char* text_id, const std::string& id, const char* name_id, bool disabled = false) {
    same_line_if_fits(button_width(tr(text_id)));
    ImGui::BeginDisabled(disabled);
    const bool pressed = ImGui::Button(label_id(text_id, id.c_str()).c_str());
    ImGui::EndDisabled();
    mirror_button(id, tr(name_id), tr(text_id), disabled);
    return pressed && !disabled;
}

TrainForm draw_run_status(const TrainViewState& v, const TrainForm& f);

// The sensor's probe: a held-out series by its number, shown as soon as it is picked (the run on screen
// must have the form's task: another task's run has no such series).
void draw_series_picker(const TrainViewState& v, TrainForm& f, const views::TrainTableRow* task) {
    const bool running_this = v.has_run && v.run_settings.task == f.task;
    const std::string probe = !f.probe.empty() ? f.probe : running_this ? v.probe_source : task ? task->probe : "0";
    int series = 0;
    try {
        series = std::clamp(std::stoi(probe), 0, v.limits.probe_series - 1);
    } catch (const std::exception&) {  // not a number: the task's own
    }
    const int before = series;
    ImGui::SetNextItemWidth(field_width(10.0f, tr("train.series")));
    ImGui::SliderInt(label_id("train.series", "probe-series").c_str(), &series, 0, v.limits.probe_series - 1);
    const bool released = ImGui::IsItemDeactivatedAfterEdit();  // a drag asks once, when it ends
    const bool keyed = mirror_slider_int("train/probe-series", tr("train.series_name"), &series, 0, v.limits.probe_series - 1);
    help_marker(trf("train.series_help", v.limits.probe_series).c_str());
    if (series != before || released) f.probe = std::to_string(series);
    if ((released || keyed) && running_this) {
        TrainViewState asked = v;  // the action carries the series picked this frame
        asked.form = f;
        ask_page(asked, "probe");
    }
}

// The settings and the buttons. Returns the form as edited (applied after the frame).
TrainForm draw_settings(const TrainViewState& v) {
    TrainForm f = v.form;
    const views::TrainLimits& lim = v.limits;
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextUnformatted(tr("train.intro"));
    ImGui::PopTextWrapPos();
    mirror_text_line("train/intro", tr("train.intro"));

    // A picker over a table's rows: the strings train.<kind>, train.<kind>_name and train.<kind>_help name
    // and explain it, label(id) and tip(id) each row. Returns the row it showed (-1: none).
    using RowText = std::function<std::string(const std::string&)>;
    const auto pick = [&](const std::string& kind, const std::vector<std::string>& ids, std::string* chosen,
                          const RowText& label, const RowText& tip, float width) {
        std::vector<std::string> names;
        int at = -1;
        for (size_t i = 0; i < ids.size(); ++i) {
            names.push_back(label(ids[i]));
            if (ids[i] == *chosen) at = static_cast<int>(i);
        }
        ImGui::SetNextItemWidth(width);
        const int p = combo(label_id(("train." + kind).c_str(), ("train-" + kind).c_str()).c_str(), "train/" + kind,
                            tr(("train." + kind + "_name").c_str()), names, at,
                            at >= 0 ? names[static_cast<size_t>(at)].c_str() : chosen->c_str(),
                            [&](int i) { return tip(ids[static_cast<size_t>(i)]); });
        if (p >= 0) *chosen = ids[static_cast<size_t>(p)];
        help_marker(tr(("train." + kind + "_help").c_str()));
        return at;
    };
    // The task and model pickers, over the training engine's tables (train.<kind>.<id> names a row,
    // train.<kind>_tip.<id> explains it), one width for both.
    const float field = field_width(16.0f, tr("train.task"));
    const auto table = [&](const char* kind, const std::vector<views::TrainTableRow>& rows, std::string* chosen) {
        std::vector<std::string> ids;
        for (const views::TrainTableRow& r : rows) ids.push_back(r.id);
        const std::string tips = std::string(kind) + "_tip";
        pick(kind, ids, chosen, [&](const std::string& id) { return row_text(kind, id); },
             [&](const std::string& id) { return row_text(tips.c_str(), id); }, field);
    };
    table("task", v.tasks, &f.task);
    table("model", v.models, &f.model);

    const auto int_slider = [&](const char* text_id, const char* id, int* value, int lo, int hi, const char* help) {
        ImGui::SetNextItemWidth(field_width(10.0f, tr(text_id)));
        ImGui::SliderInt(label_id(text_id, id).c_str(), value, lo, hi);
        mirror_slider_int(std::string("train/") + id, tr(text_id), value, lo, hi);
        help_marker(tr(help));
    };
    // The settings the model reads (the models table's "uses"): the Transformer's width is hidden, and it
    // has heads; the LSTMs have an embedding size and train with a normalizer.
    if (v.model_uses(f.model, "embed"))
        int_slider("train.embed", "embed", &f.embed, lim.width_min, lim.width_max, "train.embed_help");
    int_slider("train.hidden", "hidden", &f.hidden, lim.width_min, lim.width_max,
               v.model_uses(f.model, "heads") ? "train.width_help" : "train.hidden_help");
    if (v.model_uses(f.model, "heads"))
        int_slider("train.heads", "heads", &f.heads, lim.heads_min, lim.heads_max, "train.heads_help");
    const int layers_max = v.max_layers(f.model);
    int_slider("train.layers", "layers", &f.layers, lim.layers_min, layers_max, "train.layers_help");
    int_slider("train.batch", "batch", &f.batch, lim.batch_min, lim.batch_max, "train.batch_help");
    ImGui::SetNextItemWidth(field_width(10.0f, tr("train.lr")));
    ImGui::SliderFloat(label_id("train.lr", "lr").c_str(), &f.lr, lim.lr_min, lim.lr_max, "%.4f", ImGuiSliderFlags_Logarithmic);
    mirror_slider("train/lr", tr("train.lr"), &f.lr, lim.lr_min, lim.lr_max, 0.0001f, "%.4f");
    help_marker(tr("train.lr_help"));
    f.lr = std::clamp(f.lr, lim.lr_min, lim.lr_max);

    // Stage 5 as the model trains: a row of the lab's normalizers table (norm.<name>.label names it), and
    // k for the rows that use it.
    const std::vector<NormalizerInfo>& norms = normalizers();
    std::vector<std::string> norm_ids;
    for (const NormalizerInfo& n : norms) norm_ids.push_back(n.name);
    const auto norm_text = [](const char* part) {
        return [part](const std::string& id) { return std::string(tr(("norm." + id + part).c_str())); };
    };
    if (v.model_uses(f.model, "normalizer")) {
        const int norm_at = pick("normalizer", norm_ids, &f.normalizer, norm_text(".label"), norm_text(".summary"),
                                 field_width(16.0f, tr("train.normalizer")));
        if (norm_at >= 0 && norms[static_cast<size_t>(norm_at)].uses_k)
            int_slider("train.top_k", "top-k", &f.top_k, lim.top_k_min, lim.top_k_max, "train.top_k_help");
    }

    int backend = f.backend == "scalar" ? 1 : 0;
    ImGui::RadioButton(label_id("tweak.simd", "train-simd").c_str(), &backend, 0);
    mirror_radio("train/simd", tr("tweak.simd"), "train-backend", backend == 0);
    same_line_if_fits(radio_width(tr("tweak.scalar")));
    ImGui::RadioButton(label_id("tweak.scalar", "train-scalar").c_str(), &backend, 1);
    mirror_radio("train/scalar", tr("tweak.scalar"), "train-backend", backend == 1);
    f.backend = backend ? "scalar" : "simd";
    help_marker(tr("train.backend_help"));

    // The seed: typed, or moved on by New seed (any 32-bit number; the mirror's field takes digits only).
    ImGui::SetNextItemWidth(field_width(8.0f, tr("train.seed")));
    static_assert(sizeof(f.seed) == 4, "ImGuiDataType_U32");
    ImGui::InputScalar(label_id("train.seed", "seed").c_str(), ImGuiDataType_U32, &f.seed);
    std::string seed = std::to_string(f.seed);
    if (mirror_text("train/seed", tr("train.seed_name"), &seed) && !seed.empty() && seed.size() <= 10 &&
        seed.find_first_not_of("0123456789") == std::string::npos && std::stoull(seed) <= 0xFFFFFFFFull)
        f.seed = static_cast<uint32_t>(std::stoull(seed));
    help_marker(tr("train.seed_help"));

    // The buttons, from a line of their own: Train (or Resume) and Pause take one place, so the row does
    // not move.
    ImGui::Spacing();
    const bool running = v.status == "running";
    const bool same = v.has_run && views::same_run_settings(v.form, v.run_settings);
    if (running) {
        if (button("train.pause", "train/pause", "train.pause_name")) ask_page(v, "pause");
    } else {
        const char* go = same ? "train.resume" : "train.train";
        if (button(go, "train/train", same ? "train.resume_name" : "train.train_name", !v.has_tables)) ask_page(v, "train");
    }
    if (button("train.step", "train/step", "train.step_name", !v.has_tables)) ask_page(v, "step");
    if (button("train.reset", "train/reset", "train.reset_name", !v.has_run)) ask_page(v, "reset");
    if (button("train.new_seed", "train/new-seed", "train.new_seed_name", !v.has_tables)) {
        ask_page(v, "new-seed");
        f.seed = views::train_next_seed(f.seed);
    }
    if (button("train.use", "train/use", v.kind == "classify" ? "train.use_name_sensor" : "train.use_name", !v.has_run))
        ask_page(v, "use");
    if (button("train.download", "train/download", "train.download_name", !v.has_run)) ask_page(v, "download");
    if (v.has_run && !same) {
        ImGui::PushTextWrapPos(0.0f);
        ImGui::TextDisabled("%s", tr("train.settings_changed"));
        ImGui::PopTextWrapPos();
        mirror_text_line("train/settings-changed", tr("train.settings_changed"));
    }

    // The probe: the sentence whose alignment the view shows (the sensor's: a held-out series).
    ImGui::Separator();
    const views::TrainTableRow* task = nullptr;
    for (const views::TrainTableRow& r : v.tasks)
        if (r.id == f.task) task = &r;
    if (v.classifies(f.task)) {
        draw_series_picker(v, f, task);
        return draw_run_status(v, f);
    }
    static char buf[256];
    static std::string shown;
    static bool editing = false;  // the field has the keyboard: what is typed stays, even when emptied
    const std::string probe = !f.probe.empty() ? f.probe : v.has_run && same ? v.probe_source : task ? task->probe : "";
    if (shown != probe && !editing) {
        std::snprintf(buf, sizeof buf, "%s", probe.c_str());
        shown = probe;
    }
    ImGui::SetNextItemWidth(field_width(12.0f, tr("train.probe")));
    if (ImGui::InputText(label_id("train.probe", "probe").c_str(), buf, sizeof buf)) {
        f.probe = buf;
        shown = buf;
    }
    editing = ImGui::IsItemActive();
    std::string typed = probe;
    if (mirror_text("train/probe", tr("train.probe_name"), &typed)) f.probe = typed;
    help_marker(trf("train.probe_help", v.limits.probe_words).c_str());
    if (button("train.show_probe", "train/show-probe", "train.show_probe_name", !v.has_run || f.probe.empty())) {
        TrainViewState asked = v;  // the action carries the probe as typed this frame
        asked.form = f;
        ask_page(asked, "probe");
    }

    return draw_run_status(v, f);
}

// Where the run is (below the probe), then f as it was given.
TrainForm draw_run_status(const TrainViewState& v, const TrainForm& f) {
    ImGui::Separator();
    if (!v.has_tables) {
        ImGui::TextColored(kAccent, "%s", tr("train.starting"));
        mirror_text_line("train/status", tr("train.starting"));
    } else if (!v.has_run) {
        ImGui::TextDisabled("%s", tr("train.no_run"));
        mirror_text_line("train/status", tr("train.no_run"));
    } else {
        const char* said = tr(("train.status_" + v.status).c_str());
        const std::string status =
            v.status == "running" ? trf("train.status", said, v.step, v.examples, v.examples_per_s, v.parameter_count,
                                        v.train_pairs, v.held_out_pairs)
                                  : trf("train.status_still", said, v.step, v.examples, v.parameter_count, v.train_pairs,
                                        v.held_out_pairs);
        ImGui::PushTextWrapPos(0.0f);
        ImGui::TextUnformatted(status.c_str());
        ImGui::PopTextWrapPos();
        mirror_text_line("train/status", status);
    }
    if (!v.error.empty()) {
        ImGui::PushTextWrapPos(0.0f);
        ImGui::TextColored(kWarn, "%s", v.error.c_str());
        ImGui::PopTextWrapPos();
        mirror_text_line("train/error", v.error);
    }
    return f;
}

// The curves: training loss of every step (thin), held-out loss (orange) and exact match (green, 0 to 1
// on the right). The drawn line takes each pixel column's lowest and highest loss; hover gives the step's
// exact numbers.
void draw_curves(const TrainViewState& v) {
    const float line = ImGui::GetTextLineHeight();
    const bool sensor = v.kind == "classify";  // accuracy for exact match, and attention near the event
    const auto legend = [](ImU32 color, const char* id) {
        same_line_if_fits(ImGui::CalcTextSize(tr(id)).x);
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(color), "%s", tr(id));
    };
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kTrainColor), "%s", tr("train.legend_train"));
    legend(kHeldOutColor, "train.legend_held_out");
    legend(kMatchColor, sensor ? "train.legend_accuracy" : "train.legend_match");
    if (sensor) legend(kNearColor, "train.legend_near_event");
    help_marker(tr(sensor ? "train.curves_help_sensor" : "train.curves_help"));
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const ImVec2 size(std::max(120.0f, avail.x), std::max(80.0f, avail.y - line * 1.5f));
    const ImVec2 o = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton("##curve", size);
    register_widget("train/curve");
    const bool hovered = ImGui::IsItemHovered();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRect(o, ImVec2(o.x + size.x, o.y + size.y), IM_COL32(110, 110, 110, 160));
    const int n = static_cast<int>(v.losses.size());
    const int last = std::max(1, std::max(n, v.evals.empty() ? 0 : v.evals.back().step));
    float top = 1e-6f;
    for (float x : v.losses) top = std::max(top, x);
    for (const views::TrainEvalPoint& e : v.evals) top = std::max(top, static_cast<float>(e.loss));
    const float pad = 4.0f;
    const auto X = [&](double step) { return o.x + pad + static_cast<float>(step / last) * (size.x - 2 * pad); };
    const auto Y = [&](double loss) { return o.y + pad + (1.0f - static_cast<float>(loss / top)) * (size.y - 2 * pad); };
    char label[48];
    std::snprintf(label, sizeof label, "%.3g", top);
    dl->AddText(ImVec2(o.x + pad, o.y + pad), ImGui::GetColorU32(ImGuiCol_TextDisabled), label);
    if (n > 0) {  // step s is at x(s); one vertical stroke per pixel column from its lowest to its highest loss
        const int columns = std::max(1, static_cast<int>(size.x - 2 * pad));
        std::vector<ImVec2> pts;
        for (int c = 0, i = 0; c < columns && i < n; ++c) {
            const double until = static_cast<double>(c + 1) / columns * last;
            float lo = v.losses[static_cast<size_t>(i)], hi = lo, sum = 0;
            int k = 0;
            for (; i < n && i + 1 <= until; ++i, ++k) {
                const float x = v.losses[static_cast<size_t>(i)];
                lo = std::min(lo, x);
                hi = std::max(hi, x);
                sum += x;
            }
            if (k == 0) continue;
            const float xc = X(i);
            if (k > 1) dl->AddLine(ImVec2(xc, Y(lo)), ImVec2(xc, Y(hi)), (kTrainColor & 0x00FFFFFF) | 0x60000000u);
            pts.push_back(ImVec2(xc, Y(sum / k)));
        }
        if (pts.size() > 1) dl->AddPolyline(pts.data(), static_cast<int>(pts.size()), kTrainColor, 0, 1.5f);
    }
    std::vector<ImVec2> held, match, near;
    const auto unit = [&](double x) { return o.y + pad + (1.0f - static_cast<float>(x)) * (size.y - 2 * pad); };  // 0 to 1
    for (const views::TrainEvalPoint& e : v.evals) {
        held.push_back(ImVec2(X(e.step), Y(e.loss)));
        match.push_back(ImVec2(X(e.step), unit(e.exact_match)));
        if (e.near_event >= 0.0) near.push_back(ImVec2(X(e.step), unit(e.near_event)));
    }
    if (held.size() > 1) dl->AddPolyline(held.data(), static_cast<int>(held.size()), kHeldOutColor, 0, 2.0f);
    if (match.size() > 1) dl->AddPolyline(match.data(), static_cast<int>(match.size()), kMatchColor, 0, 2.0f);
    if (near.size() > 1) dl->AddPolyline(near.data(), static_cast<int>(near.size()), kNearColor, 0, 2.0f);
    for (const ImVec2& p : held) dl->AddCircleFilled(p, 2.5f, kHeldOutColor);
    std::snprintf(label, sizeof label, "%d", last);
    dl->AddText(ImVec2(o.x + size.x - pad - ImGui::CalcTextSize(label).x, o.y + size.y - pad - line), ImGui::GetColorU32(ImGuiCol_TextDisabled), label);

    if (hovered && (n > 0 || !v.evals.empty())) {
        const float mx = ImGui::GetIO().MousePos.x;
        const int s = std::clamp(static_cast<int>(std::lround((mx - o.x - pad) / (size.x - 2 * pad) * last)), 0, last);
        dl->AddLine(ImVec2(X(s), o.y), ImVec2(X(s), o.y + size.y), IM_COL32(255, 255, 255, 120));
        ImGui::BeginTooltip();
        if (s >= 1 && s <= n) ImGui::Text(tr("train.tip_step"), s, v.losses[static_cast<size_t>(s - 1)]);
        const views::TrainEvalPoint* near = nullptr;
        for (const views::TrainEvalPoint& e : v.evals)
            if (!near || std::abs(e.step - s) < std::abs(near->step - s)) near = &e;
        if (near && sensor) ImGui::Text(tr("train.tip_eval_sensor"), near->step, near->loss, near->exact_match, near->near_event);
        else if (near) ImGui::Text(tr("train.tip_eval"), near->step, near->loss, near->exact_match);
        ImGui::EndTooltip();
    }
    // For screen readers and the Data button: the held-out evaluations, a row each (at most 100, evenly
    // spaced, the last always).
    std::vector<std::string> rows;
    std::vector<float> cells;
    const int ne = static_cast<int>(v.evals.size());
    const int every = std::max(1, (ne + 99) / 100);
    for (int i = 0; i < ne; ++i) {
        if (i % every != 0 && i != ne - 1) continue;
        const views::TrainEvalPoint& e = v.evals[static_cast<size_t>(i)];
        rows.push_back(trf("train.row_step", e.step));
        cells.push_back(static_cast<float>(e.loss));
        cells.push_back(static_cast<float>(e.exact_match));
        if (sensor) cells.push_back(static_cast<float>(e.near_event));
    }
    std::vector<std::string> cols = {tr("train.col_loss"), tr(sensor ? "train.col_accuracy" : "train.col_match")};
    if (sensor) cols.push_back(tr("train.col_near_event"));
    mirror_table("train/held-out", tr(sensor ? "train.held_out_table_sensor" : "train.held_out_table"), rows, cols, cells,
                 Rect{o.x, o.y, size.x, size.y});
    std::string latest = tr("train.no_steps");
    if (n > 0 && ne && sensor) {
        const views::TrainEvalPoint& e = v.evals.back();
        latest = trf("train.latest_sensor", n, v.losses.back(), e.step, e.loss, e.exact_match, e.near_event);
    } else if (n > 0) {
        latest = ne ? trf("train.latest", n, v.losses.back(), v.evals.back().step, v.evals.back().loss, v.evals.back().exact_match)
                    : trf("train.latest_train", n, v.losses.back());
    }
    ImGui::TextDisabled("%s", latest.c_str());
    mirror_text_line("train/latest", latest);
}

// The Transformer: every decoder layer's cross-attention heads at the step the timeline shows, a small
// map each (a row of maps per layer, a map per head; the alignment above is the last row averaged). Hover
// gives a cell's exact weight; each map is a table for screen readers and the Data button.
void draw_head_grid(const TrainViewState& v, const TrainAlignment& a, const std::vector<std::string>& rows,
                    const std::vector<std::string>& cols) {
    const int layers = v.grid_layers, heads = v.grid_heads;
    if (layers <= 0 || heads <= 0 || static_cast<int>(a.heads.size()) != layers * heads || a.rows == 0 || a.cols == 0) return;
    ImGui::Spacing();
    ImGui::TextUnformatted(tr("train.grid"));
    help_marker(tr("train.grid_help"));
    const float font = ImGui::GetFontSize();
    const float gap = font;
    HeatmapOptions o;
    o.cell_w = std::clamp((ImGui::GetContentRegionAvail().x - gap * static_cast<float>(heads)) / static_cast<float>(heads * a.cols),
                          font * 0.9f, font * 2.2f);
    o.numbers = false;  // small cells: the exact weights are in the tooltip and the table
    o.row_labels = o.col_labels = false;
    o.data_rows = &rows;
    o.data_cols = &cols;
    for (int l = 0; l < layers; ++l)
        for (int h = 0; h < heads; ++h) {
            const int k = l * heads + h;
            if (h > 0) same_line_if_fits(o.cell_w * static_cast<float>(a.cols), gap);
            ImGui::BeginGroup();
            const std::string caption = trf("train.grid_head", l, h);
            ImGui::TextDisabled("%s", caption.c_str());
            o.data_id = "train/head/" + std::to_string(l) + "/" + std::to_string(h);
            o.data_name = trf("train.grid_head_name", l, h, a.step);
            const HeatmapHit hit = heatmap(("##head" + std::to_string(k)).c_str(), a.rows, a.cols,
                                           [&](int r, int c) { return a.head_at(k, r, c); }, nullptr, nullptr, o);
            if (hit.row >= 0)
                ImGui::SetTooltip(tr("train.grid_tip"), l, h, rows[static_cast<size_t>(hit.row)].c_str(),
                                  cols[static_cast<size_t>(hit.col)].c_str(), a.head_at(k, hit.row, hit.col), a.step);
            ImGui::EndGroup();
        }
}

// The timeline: one place per stored snapshot, then now; a replay from the one shown.
void draw_timeline(const TrainViewState& v, TrainAsk& asked) {
    const int ns = static_cast<int>(v.snapshots.size());
    if (ns > 0) {
        int at = v.shown < 0 ? ns : v.shown;
        ImGui::Spacing();  // the timeline's row starts below the table
        if (button(v.replaying ? "train.stop_replay" : "train.replay", "train/replay",
                   v.replaying ? "train.stop_replay_name" : "train.replay_name"))
            asked.replay = !v.replaying;
        const std::string step_text = at == ns ? trf("train.timeline_now", v.step)
                                               : trf("train.timeline_step", v.snapshots[static_cast<size_t>(at)].step);
        ImGui::SetNextItemWidth(std::max(ImGui::GetFontSize() * 6.0f, ImGui::GetContentRegionAvail().x -
                                                                       ImGui::CalcTextSize(tr("train.timeline")).x -
                                                                       help_marker_width() - ImGui::GetFontSize()));
        if (ImGui::SliderInt(label_id("train.timeline", "timeline").c_str(), &at, 0, ns, step_text.c_str()))
            asked.shown = at >= ns ? -1 : at;
        if (mirror_slider_int("train/timeline", tr("train.timeline_name"), &at, 0, ns, step_text.c_str()))
            asked.shown = at >= ns ? -1 : at;
        help_marker(tr("train.timeline_help"));
    }
}

// The sensor: the held-out series (its readings, a band per channel, the event's window shaded) with the
// pooling's weight on every step beneath, at the step the timeline shows; then those weights at every
// snapshot, a row each from step 0, where they gather on the event as the model learns. Hover gives the
// exact numbers; both are tables for screen readers and the Data button.
TrainAsk draw_series_alignment(const TrainViewState& v) {
    TrainAsk asked;
    const views::TrainSeries& t = v.series;
    const TrainAlignment& a = v.shown_alignment();
    if (!a.probe.empty() && a.probe != v.probe_source) {  // a snapshot of the series that was the probe before
        const std::string other = trf("train.snapshot_other_series", a.probe.c_str(), v.probe_source.c_str());
        ImGui::PushTextWrapPos(0.0f);
        ImGui::TextColored(kWarn, "%s", other.c_str());
        ImGui::PopTextWrapPos();
        mirror_text_line("train/other-probe", other);
        draw_timeline(v, asked);
        return asked;
    }
    if (t.steps <= 0 || a.rows != 1 || a.cols != t.steps) return asked;
    const std::string event = views::sensor_event_text(t.event);
    const std::string where = t.event_width > 0 ? trf("train.series_event", event.c_str(), t.event_start, t.event_start + t.event_width - 1)
                                                : std::string(tr("train.series_normal"));
    float p = 0.0f;
    for (size_t k = 0; k < t.classes.size(); ++k)
        if (t.classes[k] == v.probe_output) p = t.probs[k];
    const std::string says = trf("train.series_says", v.probe_source.c_str(), where.c_str(),
                                 views::sensor_event_text(v.probe_output).c_str(), p);
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextUnformatted(says.c_str());
    ImGui::PopTextWrapPos();
    mirror_text_line("train/probe-says", says);
    const std::string when = v.shown < 0 ? trf("train.shown_now", a.step) : trf("train.shown_snapshot", a.step, v.shown + 1,
                                                                                  static_cast<int>(v.snapshots.size()));
    ImGui::TextColored(kAccent, "%s", when.c_str());
    mirror_text_line("train/shown", when);
    if (v.shown < 0 && v.pattern_mass >= 0.0) {
        const std::string mass = trf("train.near_event_mass", t.margin, v.pattern_mass);
        same_line_if_fits(ImGui::CalcTextSize(mass.c_str()).x);
        ImGui::TextColored(v.pattern_mass >= 0.8 ? kGood : ImGui::GetStyleColorVec4(ImGuiCol_Text), "%s", mass.c_str());
        mirror_text_line("train/pattern-mass", mass);
    }
    data_button("train/data");

    // The picture: channel bands, then the weights; x is the series' step.
    const float line = ImGui::GetTextLineHeight();
    const float band = line * 1.9f, bars = line * 3.2f, label_w = line * 0.5f;
    const ImVec2 o = ImGui::GetCursorScreenPos();
    const ImVec2 size(std::max(200.0f, ImGui::GetContentRegionAvail().x - line * 0.5f), band * t.channels + bars + 4.0f);
    ImGui::InvisibleButton("##series", size);
    register_widget("train/series");
    const bool hovered = ImGui::IsItemHovered();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float dx = (size.x - label_w) / static_cast<float>(t.steps);
    const auto X = [&](float step) { return o.x + label_w + (step + 0.5f) * dx; };
    if (t.event_width > 0)
        dl->AddRectFilled(ImVec2(X(t.event_start - 0.5f), o.y), ImVec2(X(t.event_start + t.event_width - 0.5f), o.y + size.y), kEventColor);
    const ImU32 dim = ImGui::GetColorU32(ImGuiCol_TextDisabled), ink = ImGui::GetColorU32(ImGuiCol_Text);
    std::vector<std::string> channels;
    for (int c = 0; c < t.channels; ++c) {
        float lo = t.at(0, c), hi = lo;
        for (int s = 0; s < t.steps; ++s) lo = std::min(lo, t.at(s, c)), hi = std::max(hi, t.at(s, c));
        const float y0 = o.y + band * c;
        const auto Y = [&](float x) { return y0 + band - 3.0f - (hi > lo ? (x - lo) / (hi - lo) : 0.5f) * (band - 6.0f); };
        std::vector<ImVec2> pts;
        for (int s = 0; s < t.steps; ++s) pts.push_back(ImVec2(X(static_cast<float>(s)), Y(t.at(s, c))));
        dl->AddPolyline(pts.data(), static_cast<int>(pts.size()), ink, 0, 1.2f);
        channels.push_back(views::sensor_channel_text(t.channel_names[static_cast<size_t>(c)]) + " (" + t.units[static_cast<size_t>(c)] + ")");
        dl->AddText(ImVec2(o.x + label_w + 2.0f, y0), dim, channels.back().c_str());
        dl->AddLine(ImVec2(o.x + label_w, y0 + band), ImVec2(o.x + size.x, y0 + band), IM_COL32(110, 110, 110, 80));
    }
    float top = 1e-6f;
    for (int s = 0; s < t.steps; ++s) top = std::max(top, a.at(0, s));
    const float base = o.y + band * t.channels + bars;
    for (int s = 0; s < t.steps; ++s) {
        const float w = a.at(0, s);
        dl->AddRectFilled(ImVec2(X(s - 0.45f), base - (bars - line) * w / top), ImVec2(X(s + 0.45f), base), weight_color(std::max(0.25f, w / top)));
    }
    char label[48];
    std::snprintf(label, sizeof label, "%s %.3f", tr("train.series_weight_top"), top);
    dl->AddText(ImVec2(o.x + label_w + 2.0f, base - bars + 1.0f), dim, label);
    if (hovered) {
        const int s = std::clamp(static_cast<int>((ImGui::GetIO().MousePos.x - o.x - label_w) / dx), 0, t.steps - 1);
        dl->AddLine(ImVec2(X(static_cast<float>(s)), o.y), ImVec2(X(static_cast<float>(s)), o.y + size.y), IM_COL32(255, 255, 255, 120));
        ImGui::BeginTooltip();
        ImGui::Text(tr("train.series_tip"), s, a.at(0, s), a.step);
        for (int c = 0; c < t.channels; ++c) ImGui::Text("%s: %.3f", channels[static_cast<size_t>(c)].c_str(), t.at(s, c));
        if (t.near_event(s)) ImGui::TextDisabled("%s", tr("train.series_tip_near"));
        ImGui::EndTooltip();
    }
    std::vector<std::string> rows, cols = channels;
    cols.push_back(tr("train.col_weight"));
    std::vector<float> cells;
    for (int s = 0; s < t.steps; ++s) {
        rows.push_back(trf("train.row_series_step", s));
        for (int c = 0; c < t.channels; ++c) cells.push_back(t.at(s, c));
        cells.push_back(a.at(0, s));
    }
    mirror_table("train/series", trf("train.series_table", v.probe_source.c_str(), a.step), rows, cols, cells);

    draw_timeline(v, asked);

    // Every snapshot's weights, a row each from step 0 (the one shown outlined), the event's window marked.
    const int ns = static_cast<int>(v.snapshots.size());
    if (ns > 0) {
        ImGui::Spacing();
        ImGui::TextUnformatted(tr("train.over_time"));
        help_marker(tr("train.over_time_help"));
        // A row of another series (the probe changed since) is left blank: it is not this series' attention.
        std::vector<char> ours(static_cast<size_t>(ns));
        for (int r = 0; r < ns; ++r) {
            const TrainAlignment& sn = v.snapshots[static_cast<size_t>(r)];
            ours[static_cast<size_t>(r)] = sn.cols == t.steps && sn.rows == 1 && (sn.probe.empty() || sn.probe == v.probe_source);
        }
        const int others = static_cast<int>(std::count(ours.begin(), ours.end(), 0));
        if (others > 0) {
            const std::string blank = trf("train.over_time_other_series", others);
            ImGui::PushTextWrapPos(0.0f);
            ImGui::TextDisabled("%s", blank.c_str());
            ImGui::PopTextWrapPos();
            mirror_text_line("train/over-time-others", blank);
        }
        const auto cell = [&](int r, int c) {
            return ours[static_cast<size_t>(r)] ? v.snapshots[static_cast<size_t>(r)].at(0, c) : std::nanf("");
        };
        std::vector<std::string> snap_rows;
        for (const TrainAlignment& sn : v.snapshots) snap_rows.push_back(trf("train.row_step", sn.step));
        HeatmapOptions ho;
        ho.cell_w = (size.x - label_w) / static_cast<float>(t.steps);
        // the rows share what is left of the panel on screen (1 px each at least: then it scrolls)
        const float room = ImGui::GetWindowPos().y + ImGui::GetWindowHeight() - ImGui::GetCursorScreenPos().y -
                           ImGui::GetStyle().WindowPadding.y - line * 0.5f;
        ho.cell_h = std::clamp(room / static_cast<float>(ns), 1.0f, line * 0.8f);
        ho.numbers = ho.row_labels = ho.col_labels = false;
        ho.range = 1e-6f;  // full color at the map's largest weight: an hour's weight is a small share of 1
        for (int r = 0; r < ns; ++r)
            if (ours[static_cast<size_t>(r)])
                for (const float w : v.snapshots[static_cast<size_t>(r)].cells) ho.range = std::max(ho.range, w);
        ho.highlight_row = v.shown;
        ho.data_id = "train/over-time";
        ho.data_name = tr("train.over_time_name");
        ho.data_rows = &snap_rows;
        ho.data_cols = &v.probe_cols;
        ImGui::SetCursorScreenPos(ImVec2(o.x + label_w, ImGui::GetCursorScreenPos().y));
        const HeatmapHit hit = heatmap("##over-time", ns, t.steps, cell, nullptr, nullptr, ho);
        const ImVec2 lo = ImGui::GetItemRectMin(), hi = ImGui::GetItemRectMax();
        if (t.event_width > 0)
            for (const float edge : {static_cast<float>(t.event_start), static_cast<float>(t.event_start + t.event_width)})
                dl->AddLine(ImVec2(lo.x + 1.0f + edge * ho.cell_w, lo.y), ImVec2(lo.x + 1.0f + edge * ho.cell_w, hi.y), IM_COL32(230, 80, 80, 200));
        if (hit.row >= 0)
            ImGui::SetTooltip(tr("train.over_time_tip"), v.snapshots[static_cast<size_t>(hit.row)].step, hit.col, cell(hit.row, hit.col));
        if (hit.clicked && hit.row >= 0) asked.shown = hit.row;
    }
    return asked;
}

// The probe's alignment (now, or the snapshot on the timeline), then the timeline.
TrainAsk draw_alignment(const TrainViewState& v) {
    TrainAsk asked;
    if (!v.has_run) {
        ImGui::PushTextWrapPos(0.0f);
        ImGui::TextDisabled("%s", tr("train.alignment_empty"));
        ImGui::PopTextWrapPos();
        return asked;
    }
    if (v.kind == "classify") return draw_series_alignment(v);
    const std::string says = trf("train.probe_says", v.probe_source.c_str(), v.probe_target.c_str(), v.probe_output.c_str());
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextUnformatted(says.c_str());
    ImGui::PopTextWrapPos();
    mirror_text_line("train/probe-says", says);
    const TrainAlignment& a = v.shown_alignment();
    // The table's words are its own probe's (a snapshot taken before the probe changed is of the old one);
    // a report without them numbers them.
    const bool worded = !a.row_words.empty() && !a.col_words.empty();
    std::vector<std::string> rows, cols;
    for (int r = 0; r < a.rows; ++r) rows.push_back(worded ? a.row_words[static_cast<size_t>(r)] : std::to_string(r + 1));
    for (int c = 0; c < a.cols; ++c) cols.push_back(worded ? a.col_words[static_cast<size_t>(c)] : std::to_string(c + 1));
    const std::string when = v.shown < 0 ? trf("train.shown_now", a.step) : trf("train.shown_snapshot", a.step, v.shown + 1,
                                                                                  static_cast<int>(v.snapshots.size()));
    ImGui::TextColored(kAccent, "%s", when.c_str());
    mirror_text_line("train/shown", when);
    if (!a.probe.empty() && a.probe != v.probe_source) {  // the learner changed the probe after this snapshot
        const std::string other = trf("train.snapshot_other_probe", a.probe.c_str());
        ImGui::PushTextWrapPos(0.0f);
        ImGui::TextColored(kWarn, "%s", other.c_str());
        ImGui::PopTextWrapPos();
        mirror_text_line("train/other-probe", other);
    }
    if (v.pattern != "none" && v.shown < 0 && v.pattern_mass >= 0.0) {
        const std::string mass = trf("train.pattern_mass", tr(("train.pattern." + v.pattern).c_str()), v.pattern_mass);
        same_line_if_fits(ImGui::CalcTextSize(mass.c_str()).x);
        ImGui::TextColored(v.pattern_mass >= 0.8 ? kGood : ImGui::GetStyleColorVec4(ImGuiCol_Text), "%s", mass.c_str());
        mirror_text_line("train/pattern-mass", mass);
    }
    data_button("train/data");
    if (a.rows > 0 && a.cols > 0) {
        HeatmapOptions o;
        const float room = ImGui::GetContentRegionAvail().x - ImGui::GetFontSize() * 5.0f;
        o.cell_w = std::clamp(room / a.cols, ImGui::GetFontSize() * 2.2f, ImGui::GetFontSize() * 4.0f);
        o.data_id = "train/alignment";
        o.data_name = tr("train.alignment_name");
        const HeatmapHit hit = heatmap("##alignment", a.rows, a.cols, [&](int r, int c) { return a.at(r, c); }, &rows, &cols, o);
        if (hit.row >= 0)
            ImGui::SetTooltip(tr("train.cell_tip"), rows[static_cast<size_t>(hit.row)].c_str(),
                              cols[static_cast<size_t>(hit.col)].c_str(), a.at(hit.row, hit.col), a.step);
    }
    draw_timeline(v, asked);
    draw_head_grid(v, a, rows, cols);
    return asked;
}

// The least heights that show the panels whole (tests/e2e/reflow.test.mjs).
constexpr float kTrainWideMinH = 560.0f, kTrainNarrowMinH = 1500.0f;

views::Intents draw_train_layout(const views::Session& s, float top) {
    const TrainViewState& v = s.view<TrainViewState>();
    const Rect where = view_area(top, kTrainWideMinH, kTrainNarrowMinH);
    const float pad = 6.0f;
    const bool wide = ImGui::GetIO().DisplaySize.x >= kWideScreen;
    Rect set_r, curve_r, align_r;
    if (wide) {
        const float lw = std::min(where.w * 0.36f, 460.0f);
        set_r = {where.x, where.y, lw, where.h};
        const float rx = where.x + lw + pad, rw = where.w - lw - pad;
        const float split = v.kind == "classify" ? 0.32f : 0.42f;  // the sensor's series and its map need the room
        curve_r = {rx, where.y, rw, where.h * split - pad * 0.5f};
        align_r = {rx, where.y + where.h * split + pad * 0.5f, rw, where.h * (1.0f - split) - pad * 0.5f};
    } else {
        const std::vector<Rect> r = stack_panels(top, {620.0f, 300.0f, 420.0f});
        set_r = r[0];
        curve_r = r[1];
        align_r = r[2];
    }
    TrainAsk asked;
    place(set_r);
    ImGui::Begin(label_id("win.train", "train").c_str(), nullptr, kPanel);
    const TrainForm f = draw_settings(v);
    if (!views::same_run_settings(f, v.form) || f.probe != v.form.probe) asked.form = f;
    ImGui::End();

    place(curve_r);
    ImGui::Begin(label_id("win.train_curves", "train-curves").c_str(), nullptr, kPanel);
    draw_curves(v);
    ImGui::End();

    place(align_r);
    ImGui::Begin(label_id(v.kind == "classify" ? "win.train_series" : "win.train_alignment", "train-alignment").c_str(), nullptr,
                 kPicturePanel);
    wrap_at_visible_edge();
    const TrainAsk a = draw_alignment(v);
    asked.shown = a.shown;
    asked.replay = a.replay;
    ImGui::End();
    if (!asked.form && !asked.shown && !asked.replay) return {};
    return bind_intents(std::vector<TrainAsk>{asked},
                        [](views::Session& s, const TrainAsk& a) { views::train_apply(s.view<TrainViewState>(), a); });
}

// Before the first draw: the tables are asked of the page (it starts the training worker then).
void train_update(views::Session& s) {
    TrainViewState& v = s.view<TrainViewState>();
    if (v.tables_asked) return;
    v.tables_asked = true;
    post_page_action("train", views::train_action(v, "tables"));
}

nlohmann::json train_report_answer(views::Session& s, const nlohmann::json& args) {
    views::train_view_report(s.view<TrainViewState>(), args);
    return {{"ok", true}};
}

}  // namespace

const ViewRow& train_view_row() {
    static const ViewRow row{
        "train", "Train", train_update, draw_train_layout,
        [](const views::Session& s) { return s.view<TrainViewState>().updates; },
        {{"ui.train_update", "", train_report_answer}},
        [](views::Session& s, views::Key k, bool) { views::train_key(s.view<TrainViewState>(), k); },
        [](views::Session& s, double dt) { views::train_tick(s.view<TrainViewState>(), dt); },
        [](const views::Session& s) { return views::train_view_json(s.view<TrainViewState>()); }};
    return row;
}

}  // namespace attn::ui
