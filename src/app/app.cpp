// app.cpp: see app.h.
#include "app/app.h"

#include "models/seed_examples.h"
#include "ui/lab_panels.h"
#include "ui/page_actions.h"
#include "ui/seed001_panel.h"
#include "ui/theme.h"
#include "ui/views_layout.h"
#include "ui/widgets.h"

#include "imgui.h"
#include "core/api_args.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace attn::app {

using nlohmann::json;

namespace {

const char* const kViews[][2] = {{"translate", "Translate, step by step"},
                                 {"heads", "Heads"},
                                 {"gallery", "Gallery"},
                                 {"sensor", "Sensor"},
                                 {"seed001", "Seed 001: one attention step"},
                                 {"backend", "Backend"}};

bool on_seed001(const App& app) { return app.lab.state.view == "seed001"; }

}  // namespace

void app_init(App& app) {
    app.seed001 = seed001_scaled_dot_example(Backend::Simd);
    app.seed001_stepper.set_stage_count(ui::kSeed001StageCount);
    app.seed001_stepper.seek(0);
}

void app_key(App& app, Key key, bool shift) {
    if (key == Key::Escape || key == Key::Enter) {
        page_tour_key(app, key == Key::Escape);
        return;
    }
    if (on_seed001(app)) {
        Stepper& s = app.seed001_stepper;
        switch (key) {
            case Key::Space: s.toggle(); break;
            case Key::Left: s.step_back(); break;
            case Key::Right: s.step_forward(); break;
            default: break;
        }
        return;
    }
    Lab& lab = app.lab;
    switch (key) {
        case Key::Space: lab.stepper.toggle(); break;
        case Key::Left:
            lab.stepper.pause();
            if (shift) lab.seek_step(-1);
            else { lab.stepper.step_back(); lab.sync_from_stepper(); }
            break;
        case Key::Right:
            lab.stepper.pause();
            if (shift) lab.seek_step(+1);
            else { lab.stepper.step_forward(); lab.sync_from_stepper(); }
            break;
        default: break;
    }
}

void app_frame(App& app, double now) {
    const double dt = app.frame == 0 ? 0.0 : now - app.last_time;
    app.last_time = now;
    ++app.frame;
    ui::begin_frame_registry(static_cast<int>(app.frame));

    // A tweak, a new text or a new model re-runs the engine here, before anything is drawn, so the
    // panels of this very frame show the new run.
    Lab& lab = app.lab;
    lab_gpu_before_run(app);
    lab.run_if_needed(app.store.get(lab.state.model));
    lab_gpu_after_run(app);
    if (lab.stepper.advance(dt)) lab.sync_from_stepper();
    app.seed001_stepper.advance(dt);

    const ImVec2 size = ImGui::GetIO().DisplaySize;
    // The view bar.
    ImGui::SetNextWindowPos(ImVec2(0, 0), ImGuiCond_Always);
    ImGui::SetNextWindowSize(ImVec2(size.x, 0), ImGuiCond_Always);
    ImGui::Begin("##views", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings);
    ImGui::TextUnformatted("attention, step by step");
    // On a narrow screen (a phone) the buttons wrap onto more lines instead of running off the edge.
    const float bar_right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
    auto same_line_if_fits = [&](const char* label) {
        const ImGuiStyle& st = ImGui::GetStyle();
        const float w = ImGui::CalcTextSize(label).x + 2 * st.FramePadding.x;
        if (ImGui::GetItemRectMax().x + st.ItemSpacing.x + w <= bar_right) ImGui::SameLine();
    };
    for (const auto& v : kViews) {
        same_line_if_fits(v[1]);
        const bool active = lab.state.view == v[0];
        if (active) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
        if (ImGui::Button(v[1])) lab.state.view = v[0];
        if (active) ImGui::PopStyleColor();
        ui::register_widget(std::string("view/") + v[0]);
    }
    // The theme switch, at the right end of the bar; the page's JavaScript remembers the choice.
    const bool light = ui::current_theme() == ui::Theme::Light;
    const char* other = light ? "Dark theme" : "Light theme";
    const float theme_w = ImGui::CalcTextSize(other).x + 2 * ImGui::GetStyle().FramePadding.x;
    if (ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x + theme_w <= bar_right)
        ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - theme_w);
    if (ImGui::Button(other)) {
        ui::apply_theme(light ? ui::Theme::Dark : ui::Theme::Light);
        ui::post_page_action("theme", ui::theme_name(ui::current_theme()));
    }
    ui::register_widget("view/theme");
    for (size_t i = 0; i < app.notices.size(); ++i) {
        ImGui::PushID(static_cast<int>(i));
        if (ImGui::SmallButton("x")) {
            app.notices.erase(app.notices.begin() + static_cast<long>(i));
            ImGui::PopID();
            break;
        }
        ui::register_widget("notice/" + std::to_string(i) + "/dismiss");
        ImGui::SameLine();
        ImGui::TextColored(ui::palette().warning, "%s", app.notices[i].c_str());
        ImGui::PopID();
    }
    const float top = ImGui::GetWindowHeight();
    ImGui::End();
    ui::backend_panel_tick(app.backend, now);
    if (app.lab.state.view == "backend") {
        ui::draw_backend_panel(app.backend, top);
        return;
    }

    if (on_seed001(app)) {
        ui::draw_seed001_panel(app.seed001, app.seed001_stepper);
        return;
    }
    // Heads, gallery, sensor (src/ui/views_layout.cpp): each fills the screen.
    if (ui::draw_views(app, top)) return;
    // Two columns on a wide screen, one column on a narrow one (phones): the same panels.
    const float pad = 6.0f, h = size.y - top;
    if (size.x >= 900.0f) {
        const float lw = std::max(360.0f, size.x * 0.36f), rw = size.x - lw - 3 * pad;
        ui::draw_translate_panel(lab, app.store, {pad, top + pad, lw, h * 0.5f - 1.5f * pad});
        ui::draw_tweak_panel(lab, {pad, top + h * 0.5f + 0.5f * pad, lw, h * 0.5f - 1.5f * pad});
        ui::draw_stage_panel(lab, {lw + 2 * pad, top + pad, rw, h * 0.64f - 1.5f * pad});
        ui::draw_heatmap_panel(lab, {lw + 2 * pad, top + h * 0.64f + 0.5f * pad, rw, h * 0.36f - 1.5f * pad});
    } else {
        const float w = size.x - 2 * pad;
        ui::draw_translate_panel(lab, app.store, {pad, top + pad, w, h * 0.3f});
        ui::draw_stage_panel(lab, {pad, top + h * 0.3f + 2 * pad, w, h * 0.45f});
        ui::draw_heatmap_panel(lab, {pad, top + h * 0.75f + 3 * pad, w, h * 0.25f - 4 * pad});
    }
}

std::string app_request(App& app, const std::string& method, const std::string& args_json) {
    try {
        if (method == "ui.backend") return ui::backend_panel_request(app.backend, args_json);
        if (auto page = page_request(app, method, args_json)) return *page;
        const json args = api_args::parse_args(args_json);
        Lab& lab = app.lab;
        json answer;
        if (views_request(app, method, args, &answer)) return answer.dump();  // ui.heads, ui.gallery, ...
        if (method == "ui.state") {
            json widgets = json::object();
            for (const auto& [id, r] : ui::widget_rects())
                widgets[id] = {{"x", r.x}, {"y", r.y}, {"w", r.w}, {"h", r.h}, {"frame", r.frame}};
            const PlayItem* now = lab.current();
            const int stage = app.seed001_stepper.stage();
            json out = lab_state_to_json(lab.state);
            out["frame"] = app.frame;
            out["runs"] = lab.runs;
            out["playing"] = lab.stepper.playing();
            out["stage_name"] = now ? stage_name(now->stage) : "";
            out["playlist_length"] = lab.playlist.size();
            out["model_status"] = model_status_name(app.store.status(lab.state.model));
            out["model_error"] = app.store.error(lab.state.model);
            const auto [loaded, total] = app.store.progress(lab.state.model);
            out["model_progress"] = {{"loaded", loaded}, {"total", total}};
            out["model_retryable"] = app.store.retryable(lab.state.model);
            out["error"] = lab.error;
            out["output_text"] = lab.result.output_text;
            out["source_tokens"] = lab.result.source_tokens;
            out["suggestions"] = lab.suggestions();
            out["truncated"] = lab.result.truncated;
            out["notes"] = lab.result.notes;
            out["computed_by"] = lab.computed_by;
            out["computed_note"] = lab.computed_note;
            out["lab_gpu"] = lab_gpu_json(app);
            json unknown = json::array();
            for (const UnknownWord& u : lab.result.unknown) unknown.push_back({{"position", u.position}, {"word", u.word}});
            out["unknown"] = unknown;
            out["notices"] = app.notices;
            out["seed001"] = {{"stage", stage}, {"stage_count", app.seed001_stepper.stage_count()},
                              {"stage_name", stage_name(ui::kSeed001Stages[stage])}, {"playing", app.seed001_stepper.playing()}};
            out["widgets"] = widgets;
            json shown = json::object();
            for (const auto& [label, values] : ui::shown_values()) shown[label] = values;
            out["shown"] = shown;
            return out.dump();
        }
        if (method == "ui.set_state") {
            std::vector<std::string> warnings;
            LabState next = lab.state;
            lab_state_apply_json(next, args, &warnings);
            const bool rerun = next.model != lab.state.model || next.text != lab.state.text ||
                               lab_state_to_json(next)["options"] != lab_state_to_json(lab.state)["options"] ||
                               next.block != lab.state.block || next.head != lab.state.head;
            lab.state = next;
            if (rerun) {
                lab.dirty = true;
                app.page.dirty_frame = app.frame;  // asked between frames: the next frame runs it
            } else if (!lab.dirty) {
                lab.seek(lab.state.step, lab.state.stage);
            }  // else the run to come (its model may still be loading) seeks to state.step / state.stage
            lab.stepper.pause();
            return json{{"warnings", warnings}}.dump();
        }
        if (method == "ui.notice") {
            app.notices.push_back(api_args::string_arg(args, "text", ""));
            return json::object().dump();
        }
        if (method == "ui.models") {
            json list = json::array();
            for (const ZooEntry& e : translation_models()) {
                json m = {{"name", e.name}, {"languages", e.languages}, {"description", e.description},
                          {"status", model_status_name(app.store.status(e.name))}, {"error", app.store.error(e.name)}};
                if (app.store.status(e.name) == ModelStatus::Ready) {
                    const ModelInfo& info = app.store.get(e.name)->info();
                    m["architecture"] = info.architecture;
                    m["parameter_count"] = info.parameter_count;
                    m["metrics"] = json::parse(info.metrics_json, nullptr, false);
                }
                list.push_back(std::move(m));
            }
            return list.dump();
        }
        if (method == "ui.load_model") {  // starts loading; the page polls ui.models for the status
            const std::string name = api_args::string_arg(args, "model", "");
            if (app.store.retry(name)) lab.dirty = true;  // a download that failed is asked for again
            app.store.get(name);
            return json{{"status", model_status_name(app.store.status(name))}}.dump();
        }
        if (method == "ui.translate") {
            const std::string name = api_args::string_arg(args, "model", lab.state.model);
            const std::string text = api_args::string_arg(args, "text", "");
            const bool stages = api_args::bool_arg(args, "stages", true);
            const json& options = api_args::object_arg(args, "options", json::object());
            const Translator* model = app.store.get(name);
            if (!model) {
                const ModelStatus s = app.store.status(name);
                if (s == ModelStatus::Failed) throw std::runtime_error(app.store.error(name));
                return json{{"pending", true}, {"status", model_status_name(s)}}.dump();
            }
            LabState st;
            std::vector<std::string> warnings;  // an option of the wrong type or an unknown value is refused
            lab_state_apply_json(st, json{{"options", options}}, &warnings);
            if (!warnings.empty()) throw std::invalid_argument("options: " + warnings.front());
            const Translation t = model->translate(text, st.options);
            return translation_to_json(t, stages).dump();
        }
        return api_args::dump_answer(json{{"error", "unknown method '" + method + "'"}});
    } catch (const std::exception& e) {
        return api_args::dump_answer(json{{"error", method + ": " + e.what()}});
    }
}

}  // namespace attn::app
