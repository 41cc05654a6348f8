// page.h: the habits of the page around the lab: how fast frames are (attn.perf), the theme, the
// first-run tour, and the actions panels ask of the page (exports). The main loop reports each
// frame here; window.attn reads it through the answers below. Not the lab (lab.h) nor the panels (src/ui).
// Test: tests/e2e/page_habits.test.mjs and tests/e2e/perf.test.mjs.
#pragma once

#include <nlohmann/json.hpp>

#include <array>
#include <string>
#include <vector>

namespace attn::app {

struct App;

// CPU time of the last kWindow frames (milliseconds spent in the frame function: events, UI, engine
// runs, draw calls; not the wait for the next display refresh).
class FrameTimes {
public:
    static constexpr int kWindow = 240;
    void add(float ms);
    void reset() { count_ = 0; next_ = 0; }
    int count() const { return count_; }
    float last() const { return count_ ? ms_[(next_ + kWindow - 1) % kWindow] : 0.0f; }
    float percentile(float p) const;  // p in [0, 1]; 0 when empty
    float max() const;

private:
    std::array<float, kWindow> ms_{};
    int count_ = 0, next_ = 0;
};

struct Page {
    FrameTimes frames;
    double first_frame_ms = -1;   // page clock (performance.now() on the web) at the end of frame 1
    double first_run_ms = -1;     // ... at the end of the first frame that drew an engine run
    long dirty_frame = -1;        // the frame whose input (a click, a setState) asked for a re-run
    long run_frame = -1;          // the frame that re-ran the engine and drew the result
    float run_frame_ms = 0;       // CPU time of that frame, the engine's run included
    bool tour_active = false;
    int tour_step = 0;
    bool png_pending = false;     // native: save the heatmap's pixels once this frame is drawn (main.cpp)
    int gl_restored = 0;          // web: times a lost WebGL context came back (main.cpp remade ImGui's GL objects)
    bool gl_lost = false;         // web: the WebGL context is lost now (frames run, nothing is drawn)
    bool shortcuts = false;       // the keyboard shortcuts dialog shows (the ? key, the view bar's ? button)
    bool embed = false;           // ?embed=<view>: one view, no view bar, no tour (a frame in a slide or a course page)
    float mirror_ms = 0;          // web: the last frame's time in the accessibility mirror's narration, check and send
    long draws = 0;               // frames drawn; on the web, a frame equal to the last drawn is not (ui/draw_print.h)
};

// Milliseconds on the page's clock: performance.now() on the web (0 = navigation start), a steady
// clock natively.
double page_now_ms();

// Called by the main loop after a frame was drawn: frame_ms of CPU time, runs_before = lab.runs
// before the frame.
void page_after_frame(App& app, float frame_ms, long runs_before);
// Records this frame as the one that asked for a re-run, when the lab waits for one (the frame a
// click or a setState changed it; the first such frame until the run comes).
void page_note_asked(App& app);

// Draws the page's overlay (the tour card) and carries out what the panels asked this frame: on the
// web the page's JavaScript does (Module.onPageAction), natively files are written in the working
// directory. Call after app_frame, before ImGui::Render.
void page_frame(App& app);

// Writes a PNG file of w x h RGBA pixels, rows top to bottom (views::png_encode). Native export; the
// page renders its PNG in JavaScript.
bool write_png(const std::string& path, int w, int h, const std::vector<unsigned char>& rgba);

// window.attn's answers about the page (rows of app/api_table.cpp): "ui.page", "ui.perf", "ui.heatmap",
// "ui.trace_csv", "ui.theme", "ui.tour", "ui.link_state" (the LabState alone: page.js polls it to keep
// the URL hash current). Throw std::invalid_argument on bad arguments.
nlohmann::json page_answer(App& app, const nlohmann::json& args);
nlohmann::json perf_answer(App& app, const nlohmann::json& args);
nlohmann::json heatmap_answer(App& app, const nlohmann::json& args);
nlohmann::json trace_csv_answer(App& app, const nlohmann::json& args);
nlohmann::json theme_answer(App& app, const nlohmann::json& args);
nlohmann::json tour_answer(App& app, const nlohmann::json& args);
// "ui.embed": {"view": id} shows that view alone (no view bar, no tour) for the rest of the visit; {} reads.
nlohmann::json embed_answer(App& app, const nlohmann::json& args);
nlohmann::json link_state_answer(App& app, const nlohmann::json& args);
// "ui.present": {"on": bool, "panel": id of views::present_panels()} sets what is given; answers
// views::presenter_json (on, panel, caption, where, pointer_hidden, lesson).
nlohmann::json present_answer(App& app, const nlohmann::json& args);
// "ui.access": {"verbosity": "off" | "brief" | "full", "reduce_motion": bool} sets what is given (the page
// sends the browser's prefers-reduced-motion); answers both and the narration of the lab's playhead.
nlohmann::json access_answer(App& app, const nlohmann::json& args);
// "ui.lesson": {"lesson": {title, steps}} loads a lesson (refused with the step and the reason when it
// cannot be shown), starts presenter mode and shows its first step; {"step": i} shows step i;
// {"add": caption} adds what is on screen as a step; answers {lesson (null when none), step}.
nlohmann::json lesson_answer(App& app, const nlohmann::json& args);

// Escape skips the tour, Enter goes on; false when the tour is not showing (the key is the lab's).
bool page_tour_key(App& app, bool escape);

// Presenter mode on or off (ui/presenter_bar.h); turning it on ends the tour.
void page_present(App& app, bool on);

// Starts the tour (the page decides whether to: localStorage, ?tour=0).
void page_start_tour(App& app);

}  // namespace attn::app
