// test_views_presenter.cpp: lessons read, checked and played on a Session without ImGui or a browser:
// a lesson's JSON (and the project's words for each way it can be wrong), a step put on screen as its link
// would, a clicker's PageDown and PageUp, steps added from what is on screen, the caption, and the two
// lessons that ship (assets/lessons/, English and Spanish). Runs natively and as wasm. Not the drawing (tests/e2e/present.test.mjs).
#include "views/presenter.h"
#include "views/session.h"
#include "views/strings.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

namespace attn::views {
namespace {

using nlohmann::json;

// The views the lessons here name (the page checks against the whole views table).
const std::vector<std::string> kViews = {"translate", "compare", "heads", "scale"};

std::string models_dir() { return std::string(ATTN_ASSETS_DIR) + "/models"; }

json two_steps() {
    return json::parse(R"({"title": "t", "steps": [
        {"state": "at=0.2", "caption": "softmax"},
        {"state": "#m=bahdanau&t=the+red+house&at=1.0&norm=hard", "caption": "second"}]})");
}

std::string read_error(const json& j) {
    Lesson lesson;
    std::string error;
    EXPECT_FALSE(lesson_from_json(j, kViews, &lesson, &error));
    return error;
}

TEST(Lesson, ReadsStepsOverTheDefaults) {
    Lesson lesson;
    std::string error;
    ASSERT_TRUE(lesson_from_json(two_steps(), kViews, &lesson, &error)) << error;
    ASSERT_EQ(lesson.steps.size(), 2u);
    EXPECT_EQ(lesson.steps[0].shown.model, "statquest");  // what a link leaves out is the default
    EXPECT_EQ(lesson.steps[0].shown.stage, 2);
    EXPECT_EQ(lesson.steps[1].state, "m=bahdanau&t=the+red+house&at=1.0&norm=hard");  // '#' dropped
    EXPECT_EQ(lesson.steps[1].shown.model, "bahdanau");
    EXPECT_EQ(lesson.steps[1].shown.text, "the red house");
    EXPECT_EQ(lesson.steps[1].shown.step, 1);
    EXPECT_EQ(lesson_to_json(lesson)["steps"][1]["caption"], "second");
}

TEST(Lesson, RefusesWhatCannotBeShownSayingWhichStepAndWhy) {
    EXPECT_EQ(read_error(json::array()), "a lesson must be a JSON object with \"title\" and \"steps\"");
    EXPECT_EQ(read_error({{"steps", json::array()}}), "'title' must be a string");
    EXPECT_EQ(read_error({{"title", "t"}, {"steps", json::array()}}), "'steps' must be a list of at least one step");
    json j = two_steps();
    j["steps"][1]["state"] = "m=nosuchmodel";
    EXPECT_NE(read_error(j).find("step 2: its state cannot be shown"), std::string::npos) << read_error(j);
    j = two_steps();
    j["steps"][0].erase("caption");
    EXPECT_EQ(read_error(j), "step 1: 'caption' must be a string");
    j = two_steps();
    j["steps"][0]["state"] = "v=backend";  // a view these tests do not list
    EXPECT_NE(read_error(j).find("step 1:"), std::string::npos);
    j = two_steps();
    j["steps"][0]["caption"] = std::string(kLessonMaxCaption + 1, 'x');
    EXPECT_EQ(read_error(j), "step 1: 'caption' is longer than 600 bytes");
    j = two_steps();
    for (int i = 0; i < kLessonMaxSteps; ++i) j["steps"].push_back(j["steps"][0]);
    EXPECT_NE(read_error(j).find("at most 200 steps"), std::string::npos);
}

TEST(Lesson, StepsPlayWithTheClickerAndStayInBounds) {
    Session s(models_dir());
    PresenterState& p = s.view<PresenterState>();
    std::string error;
    ASSERT_TRUE(lesson_from_json(two_steps(), kViews, &p.lesson, &error)) << error;
    EXPECT_FALSE(presenter_key(s, Key::PageDown));  // not presenting: the key is the lab's
    p.on = true;
    lesson_go(s, 0);
    EXPECT_EQ(p.lesson_step, 0);
    EXPECT_EQ(presenter_caption(s), "softmax");
    EXPECT_EQ(presenter_where(s).rfind("t: step 1 of 2", 0), 0u) << presenter_where(s);
    EXPECT_TRUE(presenter_key(s, Key::PageDown));
    EXPECT_EQ(p.lesson_step, 1);
    EXPECT_EQ(s.lab.state.model, "bahdanau");
    EXPECT_EQ(s.lab.state.options.normalizer, Normalizer::Hard);
    EXPECT_TRUE(s.lab.dirty);  // the next update runs the new model on the new text
    EXPECT_TRUE(presenter_key(s, Key::PageDown));
    EXPECT_EQ(p.lesson_step, 1);  // the last step stays
    EXPECT_FALSE(presenter_key(s, Key::Right));  // arrows step stages, as in the lab
    s.lab.state.lang = "es";  // the visitor switches the language: the lesson keeps it
    EXPECT_TRUE(presenter_key(s, Key::PageUp));
    EXPECT_EQ(s.lab.state.lang, "es");
    EXPECT_EQ(s.lab.state.model, "statquest");
    EXPECT_EQ(s.lab.state.options.normalizer, Normalizer::Soft);  // the step's own state, not the last one's
}

TEST(Lesson, StepsAddedFromWhatIsOnScreenFollowTheOneShown) {
    Session s(models_dir());
    s.lab.state.text = "to go";
    s.lab.state.step = 1;
    s.lab.state.lang = "es";  // not written into the step
    ASSERT_TRUE(lesson_add_step(s, "first"));
    PresenterState& p = s.view<PresenterState>();
    EXPECT_EQ(p.lesson.title, "My lesson");
    EXPECT_EQ(p.lesson.steps[0].state, "t=to+go&at=1.0");
    s.lab.state.view = "scale";
    lesson_go(s, 0);
    ASSERT_TRUE(lesson_add_step(s, "second"));
    ASSERT_TRUE(lesson_add_step(s, "third"));
    lesson_go(s, 0);
    ASSERT_TRUE(lesson_add_step(s, "between"));
    std::vector<std::string> captions;
    for (const LessonStep& st : p.lesson.steps) captions.push_back(st.caption);
    EXPECT_EQ(captions, (std::vector<std::string>{"first", "between", "second", "third"}));
    // What it wrote reads back the same.
    Lesson again;
    std::string error;
    ASSERT_TRUE(lesson_from_json(lesson_to_json(p.lesson), kViews, &again, &error)) << error;
    EXPECT_EQ(lesson_to_json(again), lesson_to_json(p.lesson));
}

TEST(Lesson, CaptionSaysTheStageWithoutALesson) {
    Session s(models_dir());
    EXPECT_EQ(presenter_caption(s), "");  // nothing ran yet
    s.lab.run_if_needed(s.store.get(s.lab.state.model));
    s.lab.seek(0, 2);  // StatQuest's dot attention does not scale: stage index 2 is the softmax
    EXPECT_EQ(presenter_caption(s).rfind("5. Softmax: ", 0), 0u) << presenter_caption(s);
    EXPECT_EQ(presenter_where(s), "token 1 of 2, stage 5. Softmax");
    set_lang(Lang::Es);
    EXPECT_EQ(presenter_caption(s), std::string(stage_text(Stage::Softmax)) + ": " + tr("present.stage.5"));
    EXPECT_EQ(presenter_where(s).rfind("token 1 de 2, etapa ", 0), 0u) << presenter_where(s);
    set_lang(Lang::En);
}

Lesson read_shipped(const std::string& file) {
    std::ifstream in(std::string(ATTN_ASSETS_DIR) + "/lessons/" + file);
    EXPECT_TRUE(in) << file;
    std::stringstream text;
    text << in.rdbuf();
    Lesson lesson;
    std::string error;
    EXPECT_TRUE(lesson_from_json(json::parse(text.str()), kViews, &lesson, &error)) << file << ": " << error;
    return lesson;
}

TEST(Lesson, TheShippedLessonsReadAndTheirSpanishShowsTheSameStates) {
    for (const std::string name : {"lets-go", "rnn-to-transformer"}) {
        const Lesson en = read_shipped(name + ".json"), es = read_shipped(name + ".es.json");
        EXPECT_GE(en.steps.size(), 5u) << name;
        ASSERT_EQ(es.steps.size(), en.steps.size()) << name;
        for (size_t i = 0; i < en.steps.size(); ++i) {
            EXPECT_EQ(es.steps[i].state, en.steps[i].state) << name << " step " << i + 1;
            EXPECT_NE(es.steps[i].caption, en.steps[i].caption) << name << " step " << i + 1 << " is translated";
        }
    }
}

}  // namespace
}  // namespace attn::views
