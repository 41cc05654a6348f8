// api_table.cpp: see api_table.h. The app's own answers (what is on screen, the models, a translation
// as the page runs it) are written here; the others are named by their rows.
#include "app/api_table.h"

#include "app/api.h"
#include "app/app.h"
#include "app/page.h"
#include "app/view_table.h"
#include "core/api_args.h"
#include "core/safetensors.h"
#include "models/model_zoo.h"
#include "models/sensor_model.h"
#include "ui/mirror.h"
#include "ui/theme.h"
#include "ui/widgets.h"
#include "views/link.h"
#include "views/presenter.h"
#include "views/strings.h"
#include "views/view_states.h"

#ifdef __EMSCRIPTEN__
#include "gpu/gpu_api.h"
#endif

#include <stdexcept>

namespace attn::app {

using nlohmann::json;
using views::Lab;
using views::ModelStatus;

namespace {

json state_answer(App& app, const json&) {
    json widgets = json::object();
    for (const auto& [id, r] : ui::widget_rects()) {
        widgets[id] = {{"x", r.x}, {"y", r.y}, {"w", r.w}, {"h", r.h}, {"frame", r.frame}, {"overflow", r.overflow}};
        if (!r.text.empty()) widgets[id]["text"] = r.text;
    }
    Lab& lab = app.lab;
    const views::PlayItem* now = lab.current();
    json out = views::lab_state_to_json(lab.state);
    out["frame"] = app.frame;
    out["runs"] = lab.runs;
    out["playing"] = lab.stepper.playing();
    out["stage_name"] = now ? stage_name(now->stage) : "";
    out["playlist_length"] = lab.playlist.size();
    out["model_status"] = views::model_status_name(app.store.status(lab.state.model));
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
    out["lab_gpu"] = views::lab_gpu_json(app);
    json unknown = json::array();
    for (const UnknownWord& u : lab.result.unknown) unknown.push_back({{"position", u.position}, {"word", u.word}});
    out["unknown"] = unknown;
    out["notices"] = app.notices;
    json runs = json::object();
    for (const ViewRow& r : view_table()) {
        runs[r.id] = r.runs(app);
        if (r.state) out[r.id] = r.state(app);
    }
    out["view_runs"] = runs;
    out["present"] = views::presenter_json(app);
    out["widgets"] = widgets;
    out["window_overflows"] = ui::window_overflows();  // text cut at a window's edge (tests/e2e/i18n.test.mjs)
    json shown = json::object();
    for (const auto& [label, values] : ui::shown_values()) shown[label] = values;
    out["shown"] = shown;
    return out;
}

json set_state_answer(App& app, const json& args) {
    std::vector<std::string> warnings;
    views::LabState next = app.lab.state;
    views::lab_state_apply_json(next, args, &warnings, view_ids(), [&app](const std::string& m) { return app.store.known(m); });
    if (app.lab.replace_state(next)) app.page.dirty_frame = app.frame;  // asked between frames: the next frame runs it
    return {{"warnings", warnings}};
}

json notice_answer(App& app, const json& args) {
    app.notices.push_back(api_args::string_arg(args, "text", ""));
    return json::object();
}

// "ui.overflows": what attn.state() says about text that does not fit, alone (tests poll it every view):
// the frame, the view, each widget of this frame that overflows ({id, text, overflow} in px), the windows.
json overflows_answer(App& app, const json&) {
    json widgets = json::array();
    for (const auto& [id, r] : ui::widget_rects())
        if (r.frame == static_cast<int>(app.frame) && r.overflow > 0)
            widgets.push_back({{"id", id}, {"text", r.text}, {"overflow", r.overflow}});
    return {{"frame", app.frame}, {"view", app.lab.state.view}, {"lang", app.lab.state.lang},
            {"widgets", widgets}, {"windows", ui::window_overflows()}};
}

// "ui.mirror": the accessibility mirror's controls of the last frame (ui/mirror.h); "ui.mirror_act"
// {"id", "action": "press" | "set" | "focus" | "blur", "value"} is what the page's element did.
json mirror_answer(App&, const json&) { return ui::mirror_json(); }
json mirror_act_answer(App&, const json& args) {
    ui::mirror_act(api_args::string_arg(args, "id", ""), api_args::string_arg(args, "action", ""),
                   args.contains("value") ? args["value"] : json());
    return json::object();
}

// "ui.colors" {"theme": "light"}: every pair of colors the theme draws, text on what it is drawn on and a
// control's marks on their ground (ui/theme.h color_pairs), and the weight and value scales sampled at 11
// points (color_scales), as 0..255 RGB, for a test to measure.
json colors_answer(App&, const json& args) {
    ui::Theme t = ui::current_theme();
    const std::string name = api_args::string_arg(args, "theme", ui::theme_name(t));
    if (!ui::parse_theme(name, &t)) throw std::invalid_argument("theme must be \"light\", \"dark\" or \"contrast\"");
    const auto rgb = [](const ImVec4& c) { return json::array({c.x * 255.0f, c.y * 255.0f, c.z * 255.0f}); };
    json pairs = json::array();
    for (const ui::ColorPair& p : ui::color_pairs(t))
        pairs.push_back({{"what", p.what}, {"fg", rgb(p.fg)}, {"bg", rgb(p.bg)}, {"control", p.control}});
    const ui::ColorScales scales = ui::color_scales(t, 10);
    json weight = json::array(), diverging = json::array();
    for (const ImVec4& c : scales.weight) weight.push_back(rgb(c));
    for (const ImVec4& c : scales.diverging) diverging.push_back(rgb(c));
    return {{"theme", ui::theme_name(t)}, {"pairs", pairs}, {"scales", {{"weight", weight}, {"diverging", diverging}}}};
}

// "ui.key" {"key": "PageDown", "shift": false}: a shortcut pressed while the focus is on one of the
// mirror's elements (the canvas gets its own keys): the same as the key on the canvas.
json key_answer(App& app, const json& args) {
    static const std::pair<const char*, Key> keys[] = {{"Space", Key::Space}, {"ArrowLeft", Key::Left}, {"ArrowRight", Key::Right},
                                                       {"Escape", Key::Escape}, {"Enter", Key::Enter},
                                                       {"PageUp", Key::PageUp}, {"PageDown", Key::PageDown}, {"?", Key::Help}};
    const std::string name = api_args::string_arg(args, "key", "");
    for (const auto& [n, k] : keys)
        if (name == n) {
            app_key(app, k, api_args::bool_arg(args, "shift", false));
            return json::object();
        }
    throw std::invalid_argument("key must be one of Space, ArrowLeft, ArrowRight, Escape, Enter, PageUp, PageDown, ?");
}

// "ui.lang": the interface's language; "ui.set_lang" {"lang": "es"} changes it (views/strings.h's codes).
json lang_answer(App& app, const json&) {
    json codes = json::array();
    for (const views::LangRow& r : views::languages()) codes.push_back(r.code);
    return {{"lang", app.lab.state.lang}, {"languages", codes}};
}

json set_lang_answer(App& app, const json& args) {
    const std::string code = api_args::string_arg(args, "lang", "");
    views::Lang l = views::Lang::En;
    if (!views::parse_lang(code, &l)) throw std::invalid_argument("lang must be \"en\" or \"es\"");
    app.lab.state.lang = code;
    views::set_lang(l);
    return lang_answer(app, args);
}

json models_answer(App& app, const json&) {
    json list = json::array();
    for (const views::ModelRow& r : app.store.rows()) {
        json m = {{"name", r.name}, {"languages", r.languages}, {"example", r.example}, {"architecture", r.architecture},
                  {"file", r.file}, {"source", r.from_file ? "file" : "shipped"}, {"description", r.description},
                  {"status", views::model_status_name(app.store.status(r.name))}, {"error", app.store.error(r.name)}};
        if (const Translator* t = app.store.ready(r.name)) {
            m["parameter_count"] = t->info().parameter_count;
            m["metrics"] = json::parse(t->info().metrics_json, nullptr, false);
        }
        list.push_back(std::move(m));
    }
    return list;
}

json load_model_answer(App& app, const json& args) {  // starts loading; the page polls ui.models for the status
    const std::string name = api_args::string_arg(args, "model", "");
    if (app.store.retry(name)) app.lab.dirty = true;  // a download that failed is asked for again
    app.store.get(name);
    return {{"status", views::model_status_name(app.store.status(name))}};
}

json translate_answer(App& app, const json& args) {
    const std::string name = api_args::string_arg(args, "model", app.lab.state.model);
    const std::string text = api_args::string_arg(args, "text", "");
    const bool stages = api_args::bool_arg(args, "stages", true);
    const json options = api_args::object_arg(args, "options", json::object());  // a copy: the fallback is a temporary
    const Translator* model = app.store.get(name);
    if (!model) {
        const ModelStatus s = app.store.status(name);
        if (s == ModelStatus::Failed) throw std::runtime_error(app.store.error(name));
        return {{"pending", true}, {"status", views::model_status_name(s)}};
    }
    views::LabState st;
    std::vector<std::string> warnings;  // an option of the wrong type or an unknown value is refused
    views::lab_state_apply_json(st, json{{"options", options}}, &warnings, view_ids());
    if (!warnings.empty()) throw std::invalid_argument("options: " + warnings.front());
    const Translation t = model->translate(text, st.options);
    return views::translation_to_json(t, stages);
}

// The URL hash (views/link.h): {hash} -> {partial, params, problems}, and {state, defaults} (LabState
// JSON as ui.link_state answers; absent keys keep LabState's defaults) -> {hash}. Neither needs the
// page: attn_cli reads and writes links alike.
json link_parse_answer(ApiContext&, const json& args) {
    return views::link_read_to_json(views::link_parse(api_args::string_arg(args, "hash", ""), view_ids()));
}

json link_print_answer(ApiContext& ctx, const json& args) {
    views::LabState state, defaults;
    // The page's state may compare a model file the visitor gave it (a link read later cannot load it,
    // and says so); attn_cli knows the models table's only.
    std::function<bool(const std::string&)> known;
    if (ctx.app) known = [app = ctx.app](const std::string& m) { return app->store.known(m); };
    for (const auto& [key, s] : {std::pair<const char*, views::LabState*>{"state", &state}, {"defaults", &defaults}}) {
        std::vector<std::string> warnings;
        views::lab_state_apply_json(*s, api_args::object_arg(args, key, json::object()), &warnings, view_ids(), known);
        if (!warnings.empty()) throw std::invalid_argument(std::string(key) + ": " + warnings.front());
    }
    return {{"hash", views::link_print(state, defaults)}};
}

json methods_answer(ApiContext&, const json&) {
    json list = json::array();
    for (const ApiMethod& m : api_table()) list.push_back({{"name", m.name}, {"needs_app", m.needs_app}});
    return list;
}

using EngineAnswer = json (*)(const json&);
using AppAnswer = json (*)(App&, const json&);

ApiMethod engine(const char* name, EngineAnswer f) {
    return {name, [f](ApiContext&, const json& a) { return f(a); }, false};
}
ApiMethod on_app(const char* name, AppAnswer f) {
    return {name, [f](ApiContext& c, const json& a) { return f(*c.app, a); }, true};
}

std::vector<ApiMethod> build_table() {
    std::vector<ApiMethod> t = {
        // the engine (api.h): the page and attn_cli answer these alike
        engine("version", api::version),
        engine("seed001", api::seed001),
        engine("gallery", api::gallery),
        engine("tables", api::tables),
        engine("workload.run", api::workload_run),
        engine("workload.bench", api::workload_bench),
        engine("workload.inputs", api::workload_inputs),
        {"api.methods", methods_answer, false},
        {"link.parse", link_parse_answer, false},
        {"link.print", link_print_answer, false},
        // the app: what is on screen
        on_app("ui.state", state_answer),
        on_app("ui.set_state", set_state_answer),
        on_app("ui.notice", notice_answer),
        on_app("ui.lang", lang_answer),
        on_app("ui.overflows", overflows_answer),
        on_app("ui.mirror", mirror_answer),
        on_app("ui.mirror_act", mirror_act_answer),
        on_app("ui.key", key_answer),
        on_app("ui.colors", colors_answer),
        on_app("ui.set_lang", set_lang_answer),
        on_app("ui.models", models_answer),
        on_app("ui.load_model", load_model_answer),
        on_app("ui.translate", translate_answer),
        on_app("ui.views", [](App& app, const json&) { return views_json(app); }),
        // the page's habits (page.h)
        on_app("ui.page", page_answer),
        on_app("ui.perf", perf_answer),
        on_app("ui.heatmap", heatmap_answer),
        on_app("ui.trace_csv", trace_csv_answer),
        on_app("ui.theme", theme_answer),
        on_app("ui.tour", tour_answer),
        on_app("ui.embed", embed_answer),
        on_app("ui.present", present_answer),
        on_app("ui.access", access_answer),
        on_app("ui.lesson", lesson_answer),
        on_app("ui.link_state", link_state_answer),
    };
    // each view's answers, from the views table
    for (const ViewRow& row : view_table())
        for (const ViewAnswer& a : row.answers) {
            const auto f = a.answer;
            t.push_back({a.method, [f](ApiContext& c, const json& args) { return f(*c.app, args); }, true});
        }
#ifdef __EMSCRIPTEN__
    // the GPU (gpu/gpu_api.h), in the page only
    for (const auto& [name, f] : std::vector<std::pair<const char*, EngineAnswer>>{
             {"gpu.start", gpu::start_answer}, {"gpu.status", gpu::status_answer}, {"gpu.check", gpu::check_answer},
             {"gpu.compile", gpu::compile_answer}, {"gpu.roundtrip", gpu::roundtrip_answer},
             {"gpu.run", gpu::run_answer}, {"gpu.bench", gpu::bench_answer}})
        t.push_back(engine(name, f));
#endif
    return t;
}

}  // namespace

const std::vector<ApiMethod>& api_table() {
    static const std::vector<ApiMethod> table = build_table();
    return table;
}

std::string api_call(ApiContext& ctx, const std::string& method, const std::string& args_json) {
    try {
        const ApiMethod* m = nullptr;
        for (const ApiMethod& row : api_table())
            if (row.name == method) m = &row;
        if (!m) throw std::invalid_argument("unknown method '" + method + "'");
        if (m->needs_app && !ctx.app)
            throw std::invalid_argument("answered by the running page only (attn_cli answers the engine's methods)");
        const json args = api_args::parse_args(args_json);
        return api_args::dump_answer(m->handler(ctx, args));
    } catch (const std::exception& e) {
        return api_args::dump_answer(json{{"error", method + ": " + e.what()}});
    }
}

// Parsed once; seed 000's sensor classifier (the Train view's sensor task trains one) goes to the Sensor
// view, in the shipped one's place, and a file of any other architecture is a translator for the lab.
json load_model_file(App& app, const std::string& file_name, const uint8_t* data, size_t size) {
    std::string name;
    std::unique_ptr<SensorModel> sensor;
    try {
        const SafetensorsFile f = views::ModelStore::parse_file(file_name, data, size);
        const auto arch = f.metadata.find("architecture");
        if (arch != f.metadata.end() && arch->second == kSensorArchitecture)
            sensor = std::make_unique<SensorModel>(sensor_model_from_file(f));
        else
            name = app.store.add_parsed(file_name, f);
    } catch (const std::exception& e) {  // the loader's reason (FormatError); nothing was added or replaced
        app.notices.push_back(views::trf("lab.load_file_refused", e.what()));
        return {{"error", e.what()}};
    }
    if (sensor) {
        json answer = {{"model", sensor->info.name}, {"file", file_name}, {"architecture", sensor->info.architecture},
                       {"parameter_count", sensor->info.parameter_count}, {"view", "sensor"}};
        app.notices.push_back(views::trf("sen.load_file_done", file_name.c_str(), sensor->info.name.c_str()));
        app.view<views::SensorViewState>().use(std::move(sensor));
        return answer;
    }
    app.lab.set_model(name);
    app.notices.push_back(views::trf("lab.load_file_done", file_name.c_str(), name.c_str()));
    const ModelInfo& info = app.store.ready(name)->info();
    return {{"model", name}, {"file", file_name}, {"architecture", info.architecture}, {"parameter_count", info.parameter_count}};
}

json save_model_file(App& app, const std::string& name, std::vector<uint8_t>* bytes) {
    const Translator* model = app.store.ready(name);
    if (!model) return {{"error", "the model '" + name + "' is not loaded"}};
    try {
        *bytes = safetensors_serialize(translator_to_file(*model));
    } catch (const std::exception& e) {
        return {{"error", e.what()}};
    }
    return {{"model", name}, {"file", name + ".safetensors"}, {"size", bytes->size()}};
}

}  // namespace attn::app
