// page.cpp: see page.h.
#include "app/page.h"

#include "app/app.h"
#include "app/view_table.h"
#include "core/api_args.h"
#include "views/lab_export.h"
#include "views/narration.h"
#include "views/strings.h"
#include "ui/fonts.h"
#include "ui/mirror.h"
#include "ui/shortcuts.h"
#include "ui/page_actions.h"
#include "ui/presenter_bar.h"
#include "ui/theme.h"
#include "ui/tour.h"

#include "imgui.h"
#include "imgui_internal.h"  // the hovered window and its scroll, for a wheel turn no panel uses

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <malloc.h>
#include <unistd.h>
#include <vector>
#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#include <emscripten/heap.h>
#endif

namespace attn::app {

using nlohmann::json;
using views::PlayItem;

void FrameTimes::add(float ms) {
    ms_[next_] = ms;
    next_ = (next_ + 1) % kWindow;
    count_ = std::min(count_ + 1, kWindow);
}

float FrameTimes::percentile(float p) const {
    if (count_ == 0) return 0.0f;
    std::array<float, kWindow> sorted = ms_;  // a copy on the stack: reading the figures allocates nothing
    std::sort(sorted.begin(), sorted.begin() + count_);  // before kWindow frames, the first count_ slots are filled
    const int i = std::clamp(static_cast<int>(p * static_cast<float>(count_ - 1) + 0.5f), 0, count_ - 1);
    return sorted[i];
}

float FrameTimes::max() const {
    return count_ ? *std::max_element(ms_.begin(), ms_.begin() + count_) : 0.0f;
}

double page_now_ms() {
#ifdef __EMSCRIPTEN__
    return emscripten_get_now();
#else
    static const auto start = std::chrono::steady_clock::now();
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
#endif
}

void page_after_frame(App& app, float frame_ms, long runs_before) {
    Page& page = app.page;
    page.frames.add(frame_ms);
    const double now = page_now_ms();
    if (page.first_frame_ms < 0) page.first_frame_ms = now;
    if (app.lab.runs != runs_before) {
        page.run_frame = app.frame;
        page.run_frame_ms = frame_ms;
        if (page.first_run_ms < 0) page.first_run_ms = now;
    }
    page_note_asked(app);  // a change this frame the lab could not run yet (a model still loading)
}

void page_note_asked(App& app) {
    Page& page = app.page;
    if (app.lab.dirty && page.dirty_frame <= page.run_frame) page.dirty_frame = app.frame;
}

namespace {

#ifndef __EMSCRIPTEN__
void write_text_file(App& app, const std::string& path, const std::string& text) {
    FILE* f = std::fopen(path.c_str(), "wb");
    const bool wrote = f && std::fwrite(text.data(), 1, text.size(), f) == text.size();
    app.notices.push_back(views::trf(wrote ? "app.wrote" : "app.could_not_write", path.c_str()));
    if (f) std::fclose(f);
}
#endif

void end_tour(App& app, const char* how) {
    app.page.tour_active = false;
    ui::post_page_action("tour", how);
}

json tour_json(const Page& page) {
    return {{"active", page.tour_active}, {"step", page.tour_step}, {"count", ui::tour_step_count()},
            {"target", page.tour_active ? ui::tour_step_target(page.tour_step) : ""}};
}

// What the live region says now: the lab's playhead, in the Translate view.
std::string narration_now(App& app) {
    return app.lab.state.view == "translate" ? views::lab_narration(app.lab, app.view<views::AccessState>().verbosity) : "";
}

json heap_json() {
#ifdef __EMSCRIPTEN__
    const struct mallinfo mi = mallinfo();
    return {{"heap_size", emscripten_get_heap_size()},                             // the wasm memory
            {"sbrk_top", reinterpret_cast<uintptr_t>(sbrk(0))},                    // the allocator's high-water mark
            {"allocated", static_cast<size_t>(mi.uordblks)}, {"free_in_heap", static_cast<size_t>(mi.fordblks)}};
#else
    const struct mallinfo2 mi = mallinfo2();
    return {{"heap_size", mi.arena + mi.hblkhd}, {"sbrk_top", reinterpret_cast<uintptr_t>(sbrk(0))},
            {"allocated", mi.uordblks}, {"free_in_heap", mi.fordblks}};
#endif
}

}  // namespace

bool write_png(const std::string& path, int w, int h, const std::vector<unsigned char>& rgba) {
    const std::vector<unsigned char> png = views::png_encode(w, h, rgba);
    if (png.empty()) return false;
    FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) return false;
    const bool ok = std::fwrite(png.data(), 1, png.size(), f) == png.size();
    return std::fclose(f) == 0 && ok;
}

void page_start_tour(App& app) {
    app.page.tour_active = true;
    app.page.tour_step = 0;
}

bool page_tour_key(App& app, bool escape) {
    Page& page = app.page;
    if (!page.tour_active) return false;
    if (escape) end_tour(app, "skipped");
    else if (++page.tour_step >= ui::tour_step_count()) end_tour(app, "finished");
    return true;
}

namespace {

// A wheel turn that no panel scrolls (the pointer over no panel, or over one that shows all it has or is
// at its end that way) scrolls the page: SDL takes the wheel from the browser, and a tall page (200% zoom,
// a phone) must still scroll under the wheel. 100 CSS px a notch, as Chromium scrolls.
void pass_unused_wheel() {
    const ImGuiIO& io = ImGui::GetIO();
    if (io.MouseWheel == 0.0f || io.KeyCtrl) return;
    const ImGuiWindow* w = ImGui::GetCurrentContext()->HoveredWindow;
    const auto scrolls = [&](const ImGuiWindow* x) {
        if (x->ScrollMax.y <= 0.0f || (x->Flags & (ImGuiWindowFlags_NoScrollWithMouse | ImGuiWindowFlags_NoMouseInputs))) return false;
        return io.MouseWheel > 0.0f ? x->Scroll.y > 0.0f : x->Scroll.y < x->ScrollMax.y;
    };
    for (; w; w = (w->Flags & ImGuiWindowFlags_ChildWindow) ? w->ParentWindow : nullptr)
        if (scrolls(w)) return;
    char dy[32];
    std::snprintf(dy, sizeof dy, "%.0f", -io.MouseWheel * 100.0f);
    ui::post_page_action("scroll", dy);
}

}  // namespace

void page_frame(App& app) {
    pass_unused_wheel();
    if (app.page.shortcuts && !ui::draw_shortcuts()) app.page.shortcuts = false;
    if (app.page.tour_active) {
        const ui::TourEvent e = ui::draw_tour(app.page.tour_step, app.view<views::AccessState>().reduce_motion);
        if (e == ui::TourEvent::Finished) end_tour(app, "finished");
        if (e == ui::TourEvent::Skipped) end_tour(app, "skipped");
    }
    ui::draw_mirror_focus();
#ifdef __EMSCRIPTEN__
    // The accessibility mirror's elements follow the controls drawn (web/mirror.js), only when they changed.
    // (a fingerprint each frame; the JSON only when it changed)
    static uint64_t mirrored = 0;
    static std::string said;
    const double t0 = page_now_ms();
    std::string narration = narration_now(app);
    if (const uint64_t now = ui::mirror_hash(); now != mirrored || narration != said) {
        mirrored = now;
        said = std::move(narration);
        json mirror = ui::mirror_json();
        mirror["narration"] = said;
        EM_ASM({ if (Module.onMirror) Module.onMirror(UTF8ToString($0)); }, mirror.dump().c_str());
    }
    app.page.mirror_ms = static_cast<float>(page_now_ms() - t0);
    // The height the layout needs (ui::want_page_height): the page grows the canvas to it and scrolls.
    static float page_height = 0.0f;
    if (const float h = ui::wanted_page_height(); h != page_height) {
        page_height = h;
        EM_ASM({ if (Module.onPageHeight) Module.onPageHeight($0); }, h);
    }
#endif
    for (const ui::PageAction& a : ui::take_page_actions()) {
#ifdef __EMSCRIPTEN__
        EM_ASM({ if (Module.onPageAction) Module.onPageAction(UTF8ToString($0), UTF8ToString($1)); },
               a.kind.c_str(), a.detail.c_str());
#else
        if (a.kind == "export" && a.detail == "csv") write_text_file(app, "attn-trace.csv", lab_trace_csv(app.lab));
        if (a.kind == "export" && a.detail == "png") app.page.png_pending = true;  // main.cpp reads the pixels after drawing
        if (a.kind == "embed") app.notices.push_back(views::tr("app.embed_native"));
        if (a.kind == "lesson" && a.detail == "save")
            write_text_file(app, "attn-lesson.json", views::lesson_to_json(app.view<views::PresenterState>().lesson).dump(2) + "\n");
        if (a.kind == "lesson" && a.detail == "link") app.notices.push_back(views::tr("app.lesson_link_native"));
        if (a.kind == "train") app.notices.push_back(views::tr("app.train_native"));  // the Train view's buttons
#endif
    }
}

json perf_answer(App& app, const json& args) {
    Page& page = app.page;
    if (api_args::bool_arg(args, "reset", false)) page.frames.reset();
    const FrameTimes& f = page.frames;
    return {{"frame", app.frame}, {"runs", app.lab.runs}, {"draws", page.draws},
            {"frames", f.count()},
            {"frame_ms", {{"last", f.last()}, {"median", f.percentile(0.5f)}, {"p90", f.percentile(0.9f)}, {"max", f.max()}}},
            {"first_frame_ms", page.first_frame_ms}, {"first_run_ms", page.first_run_ms},
            {"dirty_frame", page.dirty_frame}, {"run_frame", page.run_frame}, {"run_frame_ms", page.run_frame_ms},
            {"heap", heap_json()}, {"mirror_ms", page.mirror_ms}};
}

json heatmap_answer(App& app, const json&) {
    json out = heatmap_to_json(lab_heatmap(app.lab));
    const PlayItem* now = app.lab.current();
    out["model"] = app.lab.state.model;
    out["text"] = app.lab.state.text;
    out["step"] = app.lab.state.step;
    out["stage_name"] = now ? stage_name(now->stage) : "";
    out["theme"] = ui::theme_name(ui::current_theme());
    return out;
}

json link_state_answer(App& app, const json&) { return lab_state_to_json(app.lab.state); }

json trace_csv_answer(App& app, const json&) {
    return {{"csv", lab_trace_csv(app.lab)}, {"step", app.lab.state.step}};
}

json theme_answer(App&, const json& args) {
    ui::Theme t;
    if (args.contains("theme")) {
        if (!args["theme"].is_string() || !ui::parse_theme(args["theme"].get<std::string>(), &t))
            throw std::invalid_argument("theme must be \"light\", \"dark\" or \"contrast\"");
        ui::apply_theme(t);
    }
    return {{"theme", ui::theme_name(ui::current_theme())}};
}

json tour_answer(App& app, const json& args) {
    const std::string action = api_args::string_arg(args, "action", "");
    if (action == "start") page_start_tour(app);
    else if (action == "next") page_tour_key(app, false);
    else if (action == "skip") page_tour_key(app, true);
    else if (!action.empty()) throw std::invalid_argument("action must be start, next or skip");
    return tour_json(app.page);
}

json embed_answer(App& app, const json& args) {
    if (args.contains("view")) {
        const std::vector<std::string> ids = view_ids();
        const json& v = args["view"];
        if (!v.is_string() || std::find(ids.begin(), ids.end(), v.get<std::string>()) == ids.end()) {
            std::string list;
            for (const std::string& id : ids) list += (list.empty() ? "" : ", ") + id;
            throw std::invalid_argument("view must be one of the views table's ids (" + list + ")");
        }
        app.lab.state.view = v.get<std::string>();
        app.page.embed = true;
        app.page.tour_active = false;
    }
    return {{"embed", app.page.embed}, {"view", app.lab.state.view}};
}

void page_present(App& app, bool on) {
    if (on) app.page.tour_active = false;
    ui::set_presenting(app, on);
}

json access_answer(App& app, const json& args) {
    views::AccessState& a = app.view<views::AccessState>();
    if (args.contains("verbosity")) {
        views::Verbosity v;
        if (!args["verbosity"].is_string() || !views::parse_verbosity(args["verbosity"].get<std::string>(), &v))
            throw std::invalid_argument("verbosity must be \"off\", \"brief\" or \"full\"");
        a.verbosity = v;
    }
    a.reduce_motion = api_args::bool_arg(args, "reduce_motion", a.reduce_motion);
    return {{"verbosity", views::verbosity_name(a.verbosity)}, {"reduce_motion", a.reduce_motion}, {"narration", narration_now(app)}};
}

json present_answer(App& app, const json& args) {
    views::PresenterState& p = app.view<views::PresenterState>();
    if (args.contains("panel")) {
        const json& v = args["panel"];
        const auto& rows = views::present_panels();
        int found = -1;
        for (size_t i = 0; i < rows.size(); ++i)
            if (v.is_string() && v.get<std::string>() == rows[i].id) found = static_cast<int>(i);
        if (found < 0) {
            std::string list;
            for (const auto& r : rows) list += (list.empty() ? "" : ", ") + std::string(r.id);
            throw std::invalid_argument("panel must be one of " + list);
        }
        p.panel = found;
    }
    if (args.contains("on")) page_present(app, api_args::bool_arg(args, "on", false));
    return views::presenter_json(app);
}

json lesson_answer(App& app, const json& args) {
    views::PresenterState& p = app.view<views::PresenterState>();
    if (args.contains("lesson")) {
        views::Lesson lesson;
        std::string error;
        if (!views::lesson_from_json(args["lesson"], view_ids(), &lesson, &error))
            throw std::invalid_argument("this lesson cannot be played: " + error);
        p.lesson = std::move(lesson);
        page_present(app, true);
        views::lesson_go(app, 0);
    }
    if (args.contains("step")) {
        const json& v = args["step"];
        if (!v.is_number_integer()) throw std::invalid_argument("step must be a whole number");
        if (!p.lesson_loaded()) throw std::invalid_argument("no lesson is loaded");
        views::lesson_go(app, v.get<int>());
    }
    if (args.contains("add")) {
        if (!args["add"].is_string()) throw std::invalid_argument("add must be a string (the step's caption)");
        views::lesson_add_step(app, args["add"].get<std::string>());
    }
    return {{"lesson", p.lesson_loaded() ? views::lesson_to_json(p.lesson) : json(nullptr)}, {"step", p.lesson_step}};
}

json page_answer(App& app, const json&) {
    const ui::FontReport& font = ui::font_report();
    const ImGuiIO& io = ImGui::GetIO();
    return {{"theme", ui::theme_name(ui::current_theme())},
            {"tour", tour_json(app.page)},
            {"display", {{"w", io.DisplaySize.x}, {"h", io.DisplaySize.y}, {"dpr", io.DisplayFramebufferScale.x}}},
            {"page_height", ui::wanted_page_height()},
            {"font", {{"name", font.name}, {"size_css", font.size_css}, {"dpr", font.dpr}, {"raster_px", font.raster_px},
                      {"global_scale", font.global_scale}, {"atlas_w", font.atlas_w}, {"atlas_h", font.atlas_h},
                      {"builds", font.builds}, {"line_height_css", ImGui::GetTextLineHeight()}}},
            {"gl_lost", app.page.gl_lost}, {"gl_restored", app.page.gl_restored}, {"embed", app.page.embed},
            {"ui_scale", ui::ui_scale()}};
}

}  // namespace attn::app
