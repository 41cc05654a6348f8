// presenter.cpp: see presenter.h.
#include "views/presenter.h"

#include "views/link.h"
#include "views/session.h"
#include "views/strings.h"

#include <algorithm>

namespace attn::views {

using nlohmann::json;

const std::vector<PresentPanelRow>& present_panels() {
    static const std::vector<PresentPanelRow> rows = {
        {"stages", "present.panel.stages"}, {"heatmap", "present.panel.heatmap"},
        {"sentence", "present.panel.sentence"}, {"tweaks", "present.panel.tweaks"},
    };
    return rows;
}

namespace {

// One line per stage for the caption: what the class sees happen, in a sentence (present.stage.N).
const char* stage_sentence(Stage s) {
    for (const StageRow& row : kStages)
        if (row.stage == s) return tr(std::string("present.stage.") + row.number);
    return "";
}

bool string_field(const json& j, const char* key, size_t max, std::string* out, std::string* error, const std::string& where) {
    if (!j.contains(key) || !j[key].is_string()) {
        *error = where + "'" + key + "' must be a string";
        return false;
    }
    *out = j[key].get<std::string>();
    if (out->size() > max) {
        *error = where + "'" + key + "' is longer than " + std::to_string(max) + " bytes";
        return false;
    }
    return true;
}

}  // namespace

bool lesson_from_json(const json& j, const std::vector<std::string>& view_ids, Lesson* out, std::string* error) {
    if (!j.is_object()) {
        *error = "a lesson must be a JSON object with \"title\" and \"steps\"";
        return false;
    }
    Lesson lesson;
    if (!string_field(j, "title", kLessonMaxCaption, &lesson.title, error, "")) return false;
    if (!j.contains("steps") || !j["steps"].is_array() || j["steps"].empty()) {
        *error = "'steps' must be a list of at least one step";
        return false;
    }
    if (j["steps"].size() > static_cast<size_t>(kLessonMaxSteps)) {
        *error = "a lesson has at most " + std::to_string(kLessonMaxSteps) + " steps (this one has " +
                 std::to_string(j["steps"].size()) + ")";
        return false;
    }
    for (size_t i = 0; i < j["steps"].size(); ++i) {
        const json& sj = j["steps"][i];
        const std::string where = "step " + std::to_string(i + 1) + ": ";
        if (!sj.is_object()) {
            *error = where + "must be an object with \"state\" and \"caption\"";
            return false;
        }
        LessonStep step;
        if (!string_field(sj, "state", kLessonMaxState, &step.state, error, where) ||
            !string_field(sj, "caption", kLessonMaxCaption, &step.caption, error, where))
            return false;
        if (!step.state.empty() && step.state[0] == '#') step.state.erase(0, 1);
        const LinkRead read = link_parse(step.state, view_ids);
        if (!read.problems.empty()) {
            *error = where + "its state cannot be shown (" + read.problems.front() + ")";
            return false;
        }
        std::vector<std::string> warnings;  // none: link_parse checked each part against the same tables
        lab_state_apply_json(step.shown, read.partial, &warnings, view_ids);
        lesson.steps.push_back(std::move(step));
    }
    *out = std::move(lesson);
    return true;
}

json lesson_to_json(const Lesson& lesson) {
    json steps = json::array();
    for (const LessonStep& s : lesson.steps) steps.push_back({{"state", s.state}, {"caption", s.caption}});
    return {{"title", lesson.title}, {"steps", steps}};
}

void lesson_go(Session& s, int i) {
    PresenterState& p = s.view<PresenterState>();
    if (!p.lesson_loaded()) return;
    p.lesson_step = std::clamp(i, 0, static_cast<int>(p.lesson.steps.size()) - 1);
    LabState next = p.lesson.steps[p.lesson_step].shown;
    next.lang = s.lab.state.lang;  // the language is the visitor's, as the theme: a lesson does not change it
    s.lab.replace_state(next);
}

bool lesson_add_step(Session& s, std::string caption) {
    PresenterState& p = s.view<PresenterState>();
    if (static_cast<int>(p.lesson.steps.size()) >= kLessonMaxSteps) {
        s.notices.push_back(trf("present.lesson_full", kLessonMaxSteps));
        return false;
    }
    if (caption.size() > kLessonMaxCaption) caption.resize(kLessonMaxCaption);
    if (!p.lesson_loaded()) p.lesson.title = tr("present.my_lesson");
    const int at = p.lesson_step < 0 ? static_cast<int>(p.lesson.steps.size()) : p.lesson_step + 1;
    LabState shown = s.lab.state;
    shown.lang = LabState{}.lang;  // not part of a step (lesson_go keeps the visitor's)
    p.lesson.steps.insert(p.lesson.steps.begin() + at, {link_print(shown, LabState{}), std::move(caption), shown});
    p.lesson_step = at;
    return true;
}

bool presenter_key(Session& s, Key k) {
    PresenterState& p = s.view<PresenterState>();
    if (!p.on || !p.lesson_loaded() || (k != Key::PageDown && k != Key::PageUp)) return false;
    lesson_go(s, p.lesson_step + (k == Key::PageDown ? 1 : -1));
    return true;
}

std::string presenter_caption(const Session& s) {
    const PresenterState& p = s.view<PresenterState>();
    if (p.lesson_loaded() && p.lesson_step >= 0) return p.lesson.steps[p.lesson_step].caption;
    const PlayItem* now = s.lab.current();
    if (!now || s.lab.result.steps.empty()) return "";
    return std::string(stage_text(now->stage)) + ": " + stage_sentence(now->stage);
}

std::string presenter_where(const Session& s) {
    const PresenterState& p = s.view<PresenterState>();
    const PlayItem* now = s.lab.current();
    std::string token;
    if (now && !s.lab.result.steps.empty())
        token = trf("present.where_token", now->step + 1, static_cast<int>(s.lab.result.steps.size()), stage_text(now->stage));
    if (!p.lesson_loaded() || p.lesson_step < 0) return token;
    const std::string lesson = trf("present.where_lesson", p.lesson.title.c_str(), p.lesson_step + 1,
                                   static_cast<int>(p.lesson.steps.size()));
    return token.empty() ? lesson : lesson + " (" + token + ")";
}

json presenter_json(const Session& s) {
    const PresenterState& p = s.view<PresenterState>();
    json out = {{"on", p.on}, {"panel", present_panels()[p.panel].id}, {"caption", presenter_caption(s)},
                {"where", presenter_where(s)}, {"pointer_hidden", p.on && p.idle_s >= kPointerIdleSeconds}};
    if (p.lesson_loaded())
        out["lesson"] = {{"title", p.lesson.title}, {"step", p.lesson_step}, {"count", p.lesson.steps.size()}};
    else
        out["lesson"] = nullptr;
    return out;
}

}  // namespace attn::views
