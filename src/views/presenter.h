// presenter.h: presenter mode and lessons, as plain C++. Presenter mode (?present=1, the view bar's
// "Present" button) is for a projector: the shell scales type and widgets by kPresentScale, switches to
// the high-contrast theme, and shows one panel of the lab at a time under a large caption of the current
// stage. A lesson is a teacher's list of steps, each a page state (a URL hash, views/link.h) and a caption,
// kept as a small JSON file or inside a link; the page plays it step by step in presenter mode. Not the
// drawing (ui/presenter_bar.cpp) nor the page's side (web/page.js reads ?present, ?lesson, files).
// Test: tests/unit/test_views_presenter.cpp, tests/e2e/present.test.mjs.
#pragma once

#include "views/keys.h"
#include "views/lab.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace attn::views {

struct Session;

// Type and widgets on a projector: at least 1.75x (issue 14); 1.8x keeps 15 px text at 27 px.
constexpr float kPresentScale = 1.8f;
// The pointer hides after this many seconds without moving, while presenting.
constexpr double kPointerIdleSeconds = 2.0;

// The lab's panels, one at a time while presenting, in the order Tab and the bar's buttons go.
struct PresentPanelRow {
    const char* id;     // "stages": in attn.present() and widget ids ("present/panel/<id>")
    const char* title;  // the bar's button: an id of the strings table ("present.panel.stages")
};
const std::vector<PresentPanelRow>& present_panels();

// Bounds a lesson file must keep (it may come from anywhere: a link, a dropped file).
constexpr int kLessonMaxSteps = 200;
constexpr size_t kLessonMaxCaption = 600;   // bytes
constexpr size_t kLessonMaxState = 2000;    // bytes of a step's hash

struct LessonStep {
    std::string state;    // the page state, as a URL hash without '#' ("m=bahdanau&t=the+red+house&s=2")
    std::string caption;  // what the teacher says about it, shown large above the panel
    LabState shown;       // that state read over the defaults, as opening its link shows it
};

struct Lesson {
    std::string title;
    std::vector<LessonStep> steps;
};

// Reads a lesson: {"title": "...", "steps": [{"state": "<hash>", "caption": "..."}, ...]}. Every step's
// state must read in full (link_parse: no part skipped) against view_ids. On a problem, returns false
// and says which step and why in *error, in the project's words.
bool lesson_from_json(const nlohmann::json& j, const std::vector<std::string>& view_ids, Lesson* out,
                      std::string* error);
nlohmann::json lesson_to_json(const Lesson& lesson);

struct PresenterState {
    bool on = false;
    int panel = 0;          // index into present_panels()
    Lesson lesson;          // empty: no lesson loaded
    int lesson_step = -1;   // the step shown (-1: none yet)
    double idle_s = 0.0;    // seconds since the pointer last moved (the shell counts)
    bool lesson_loaded() const { return !lesson.steps.empty(); }
};

// Shows lesson step i (clamped): its state replaces what is on screen (starting from the defaults, as a
// link does; the interface's language stays the visitor's) and the playhead pauses there. The lab re-runs on the next frame when its inputs changed.
void lesson_go(Session& s, int i);
// Adds what is on screen as a step after the one shown (a new lesson, "My lesson", when none is
// loaded) and shows it. False (and a notice) when the lesson is full.
bool lesson_add_step(Session& s, std::string caption);

// Presenter keys: with a lesson loaded, PageDown and PageUp (a clicker's next and back) go to the next
// and previous lesson step, and the arrows and Space step stages; without one, all of them step stages
// as in the lab (views/keys.h). Returns true when it used the key.
bool presenter_key(Session& s, Key k);

// The large caption above the panel: the lesson step's caption when a lesson plays, else the current
// stage and what it does ("5. Softmax: Softmax turns the scores into weights..."), in the interface's
// language (views/strings.h); "" when the lab has nothing to show yet.
std::string presenter_caption(const Session& s);
// The second line of the caption: where the lesson and the playhead are ("let's go: step 2 of 6 (token 1 of
// 2, stage 5. Softmax)"), "" before anything ran.
std::string presenter_where(const Session& s);

nlohmann::json presenter_json(const Session& s);

}  // namespace attn::views
