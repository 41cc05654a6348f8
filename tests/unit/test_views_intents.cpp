// test_views_intents.cpp: what the panels ask for, applied to the view states without ImGui or a browser:
// each lab intent's effect on a Session (the playhead, the tweaks and the re-run they cause, the head under
// the magnifier), the other views' intents, and Session's registry of view states. Runs natively and as wasm.
// Not the drawing (tests/e2e/redraw.test.mjs shows that frames without input ask for and run nothing).
#include "views/lab_intents.h"
#include "views/seed001_view.h"
#include "views/session.h"
#include "views/view_states.h"

#include <gtest/gtest.h>

#include <string>

namespace attn::views {
namespace {

std::string models_dir() { return std::string(ATTN_ASSETS_DIR) + "/models"; }

// A session whose lab has run `model` on `text` (the update phase, as the app's frame does it).
void run(Session& s, const std::string& model, const std::string& text) {
    s.lab.state.model = model;
    s.lab.state.text = text;
    s.lab.dirty = true;
    s.lab.run_if_needed(s.store.get(model));
    ASSERT_TRUE(s.lab.error.empty()) << s.lab.error;
    ASSERT_FALSE(s.lab.dirty);
}

void update(Session& s) { s.lab.run_if_needed(s.store.get(s.lab.state.model)); }

TEST(ViewsIntents, SessionKeepsOneStatePerViewType) {
    Session s;
    GalleryViewState& g = s.view<GalleryViewState>();
    EXPECT_EQ(g.options.backend, Backend::Simd);  // made by its own constructor, on first use
    g.runs = 7;
    const Session& cs = s;
    EXPECT_EQ(&cs.view<GalleryViewState>(), &g);  // the same object, through the const form too
    EXPECT_EQ(cs.view<GalleryViewState>().runs, 7);
    EXPECT_NE(static_cast<const void*>(&s.view<HeadsViewState>()), static_cast<const void*>(&g));
    Session other;
    EXPECT_EQ(other.view<GalleryViewState>().runs, 0);  // each session its own
}

TEST(ViewsIntents, PlaybackIntentsMoveThePlayheadAndRunNothing) {
    Session s(models_dir());
    run(s, "statquest", "let's go");
    const long runs = s.lab.runs;
    ASSERT_GT(s.lab.playlist.size(), 3u);

    apply_lab_intent(s, lab_ask::TogglePlay{});
    EXPECT_TRUE(s.lab.stepper.playing());
    apply_lab_intent(s, lab_ask::SeekStage{+1});  // pauses, then the next stage
    EXPECT_FALSE(s.lab.stepper.playing());
    EXPECT_EQ(s.lab.stepper.stage(), 1);
    EXPECT_EQ(s.lab.state.stage, 1);
    apply_lab_intent(s, lab_ask::SeekToken{+1});
    EXPECT_EQ(s.lab.state.step, 1);
    EXPECT_EQ(s.lab.state.stage, 0);
    apply_lab_intent(s, lab_ask::SeekStage{-1});  // back over the token boundary: the last stage of step 0
    EXPECT_EQ(s.lab.state.step, 0);
    EXPECT_EQ(s.lab.state.stage, static_cast<int>(s.lab.stages_of(0).size()) - 1);
    apply_lab_intent(s, lab_ask::Seek{99, 99});  // clamped to the last stage of the last step
    EXPECT_EQ(s.lab.current(), &s.lab.playlist.back());
    apply_lab_intent(s, lab_ask::SetSpeed{2.5f});
    EXPECT_FLOAT_EQ(s.lab.stepper.speed(), 2.5f);
    EXPECT_FALSE(s.lab.dirty);
    update(s);
    EXPECT_EQ(s.lab.runs, runs);  // nothing the engine reads changed
}

TEST(ViewsIntents, TextAndTweakIntentsReRunAtTheNextUpdate) {
    Session s(models_dir());
    run(s, "statquest", "let's go");
    apply_lab_intent(s, lab_ask::Seek{1, 2});
    const long runs = s.lab.runs;

    apply_lab_intent(s, lab_ask::SetText{"to go"});
    EXPECT_EQ(s.lab.state.text, "to go");
    EXPECT_EQ(s.lab.state.step, 0);  // the playhead back at the start
    EXPECT_TRUE(s.lab.dirty);
    EXPECT_EQ(s.lab.runs, runs);  // applying runs nothing ...
    update(s);
    EXPECT_EQ(s.lab.runs, runs + 1);  // ... the update does
    EXPECT_EQ(s.lab.result.source_tokens, (std::vector<std::string>{"to", "go"}));

    apply_lab_intent(s, lab_ask::CompleteWord{"let's"});  // replaces the last word being typed
    EXPECT_EQ(s.lab.state.text, "to let's ");

    RunOptions o = s.lab.state.options;
    o.temperature = 0.25f;
    apply_lab_intent(s, lab_ask::SetOptions{o});
    EXPECT_FLOAT_EQ(s.lab.state.options.temperature, 0.25f);
    update(s);
    EXPECT_EQ(s.lab.runs, runs + 2);  // the text and the tweak: one run
    ASSERT_FALSE(s.lab.result.steps.empty());
    EXPECT_FLOAT_EQ(s.lab.result.steps[0].attention.front().temperature, 0.25f);
}

TEST(ViewsIntents, ModelIntentsChangeTheModelAndRetryAFailedDownload) {
    Session s(models_dir());
    run(s, "transformer", "the cat is on the table");
    RunOptions o = s.lab.state.options;
    o.head_mask["dec.1.cross"] = {false, true, true, true};
    apply_lab_intent(s, lab_ask::SetOptions{o});
    update(s);
    EXPECT_FALSE(s.lab.unablated.steps.empty());  // the ablated run keeps the all-heads-on one beside it

    apply_lab_intent(s, lab_ask::SetModel{"statquest"});
    EXPECT_EQ(s.lab.state.model, "statquest");
    EXPECT_TRUE(s.lab.state.options.head_mask.empty());  // another model's heads
    EXPECT_TRUE(s.lab.dirty);

    s.store.fail("hindi", "the connection closed", true);
    s.lab.state.model = "hindi";
    s.lab.dirty = false;
    apply_lab_intent(s, lab_ask::RetryModel{});
    EXPECT_TRUE(s.lab.dirty);
    EXPECT_NE(s.store.status("hindi"), ModelStatus::Failed);  // the next update loads it again
    update(s);
    EXPECT_EQ(s.store.status("hindi"), ModelStatus::Ready);
}

TEST(ViewsIntents, HeadsIntentsChooseTheHeadAndItsQuery) {
    Session s(models_dir());
    run(s, "transformer", "the cat is on the table");
    const long runs = s.lab.runs;

    // An encoder head: its query is the Heads view's own row; a new head re-runs (its stages differ).
    apply_lab_intent(s, lab_ask::SelectHead{"enc.0.self", 2, 3});
    EXPECT_EQ(s.lab.state.block, "enc.0.self");
    EXPECT_EQ(s.lab.state.head, 2);
    EXPECT_EQ(s.view<HeadsViewState>().query_row, 3);
    EXPECT_TRUE(s.lab.dirty);
    update(s);
    EXPECT_EQ(s.lab.runs, runs + 1);
    apply_lab_intent(s, lab_ask::SetQueryRow{1});
    EXPECT_EQ(s.view<HeadsViewState>().query_row, 1);
    EXPECT_FALSE(s.lab.dirty);

    // The same head again, on a decoder block's row: the playhead moves, nothing re-runs.
    apply_lab_intent(s, lab_ask::SelectHead{"dec.1.cross", 0, -1});
    update(s);
    apply_lab_intent(s, lab_ask::SelectHead{"dec.1.cross", 0, 1});
    EXPECT_FALSE(s.lab.dirty);
    EXPECT_EQ(s.lab.state.step, 1);
    EXPECT_EQ(s.lab.state.stage, 0);

    apply_lab_intent(s, lab_ask::PlayStep{0});  // "play this head's stages" goes to the Translate view
    EXPECT_EQ(s.lab.state.view, "translate");
    EXPECT_EQ(s.lab.state.step, 0);
    EXPECT_TRUE(s.lab.stepper.playing());
}

TEST(ViewsIntents, OtherViewsIntents) {
    Session s;
    Seed001ViewState& seed = s.view<Seed001ViewState>();
    EXPECT_EQ(seed.runs, 1);  // the example ran once, when its state was made
    seed001_apply(seed, Seed001Ask::Next);
    seed001_apply(seed, Seed001Ask::Next);
    EXPECT_EQ(seed.stepper.stage(), 2);
    seed001_apply(seed, Seed001Ask::Back);
    EXPECT_EQ(seed.stepper.stage(), 1);
    seed001_apply(seed, Seed001Ask::TogglePlay);
    EXPECT_TRUE(seed.stepper.playing());
    seed001_apply(seed, Seed001Ask::Restart);
    EXPECT_FALSE(seed.stepper.playing());
    EXPECT_EQ(seed.stepper.stage(), 0);
    seed001_key(seed, Key::Right);  // its keys do what its buttons do
    EXPECT_EQ(seed.stepper.stage(), 1);
    seed001_key(seed, Key::Space);
    EXPECT_TRUE(seed.stepper.playing());
    seed001_key(seed, Key::Left);
    EXPECT_EQ(seed001_state_json(seed)["stage"], 0);
    EXPECT_EQ(seed001_state_json(seed)["stage_name"], stage_name(Stage::QueryKeys));
    EXPECT_EQ(seed.runs, 1);

    GalleryViewState& g = s.view<GalleryViewState>();
    g.dirty = false;
    GalleryOptions o = g.options;
    o.temperature = 50.0f;  // beyond the slider: clamped to its range
    o.window = -3;
    gallery_apply(g, o);
    EXPECT_TRUE(g.dirty);
    EXPECT_FLOAT_EQ(g.options.temperature, 5.0f);
    EXPECT_EQ(g.options.window, 0);

    SensorViewState& v = s.view<SensorViewState>();
    v.dirty = false;
    sensor_apply(v, SensorAsk{-1, std::nullopt});  // the left arrow on sample 0 wraps to the last
    EXPECT_EQ(v.sample, kSensorHeldOutCount - 1);
    EXPECT_TRUE(v.dirty);
    sensor_apply(v, SensorAsk{std::nullopt, SensorEvent::PressureSpike});
    EXPECT_EQ(v.find_next, SensorEvent::PressureSpike);  // the update finds it
}

}  // namespace
}  // namespace attn::views
