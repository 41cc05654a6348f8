// test_views_train.cpp: the Train view's plain-C++ side (views/train_view.h): reports from the page merged
// into one record (increments, a new run, a late state of an old run, snapshots left out when unchanged),
// the timeline (keys, replay, a thinned snapshot list keeping the step shown), and the action each button
// asks of the page; the sensor's reports (a series and its event) and a task and model of one kind. Not the drawing (tests/e2e/train_view.test.mjs) and not the training.
#include "views/train_view.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace attn::views {
namespace {

using nlohmann::json;

json alignment(float x) { return json::array({json::array({x, 1 - x}), json::array({1 - x, x})}); }

// A worker's state: steps from..to (their losses), held-out evaluations at the multiples of 10 in between,
// snapshots at the given steps.
json state(int generation, int from, int to, std::vector<int> snaps, const char* task = "reverse") {
    json losses = json::array(), evals = json::array(), sn = json::array();
    for (int s = from; s <= to; ++s) losses.push_back(1.0 / s);
    for (int s = from - 1; s <= to; ++s)
        if (s % 10 == 0) evals.push_back({{"step", s}, {"loss", 2.0 / (s + 1)}, {"exact_match", s / 100.0}});
    for (int s : snaps) sn.push_back({{"step", s}, {"loss", 0.5}, {"alignment", alignment(s / 100.0f)}});
    return {{"generation", generation}, {"losses_from", from}, {"losses", losses}, {"evals", evals},
            {"settings", {{"task", task}, {"model", "lstm-dot"}, {"embed", 16}, {"hidden", 32}, {"layers", 1},
                          {"batch", 16}, {"lr", 0.0099999998f}, {"seed", 1}, {"backend", "simd"}}},
            {"step", to}, {"examples", to * 16}, {"examples_per_s", 100.0}, {"train_pairs", 1800}, {"held_out_pairs", 100},
            {"parameter_count", 1234},
            {"probe", {{"source", "a b"}, {"target", "b a"}, {"source_tokens", {"a", "b"}}, {"target_tokens", {"b", "<EOS>"}},
                       {"alignment", alignment(to / 100.0f)}, {"output_text", "b a"}, {"pattern", "anti-diagonal"},
                       {"pattern_mass", to / 100.0}}},
            {"snapshots", sn}};
}

TEST(TrainView, ReportsMergeIntoOneRecord) {
    TrainViewState v;
    train_view_report(v, {{"state", state(1, 1, 20, {0, 10, 20})}, {"status", "running"}});
    EXPECT_EQ(v.step, 20);
    EXPECT_EQ(v.losses.size(), 20u);
    EXPECT_EQ(v.evals.size(), 3u);  // steps 0, 10, 20
    EXPECT_EQ(v.status, "running");
    json next = state(1, 21, 30, {0, 10, 20, 30});
    train_view_report(v, {{"state", next}});
    EXPECT_EQ(v.losses.size(), 30u);
    EXPECT_FLOAT_EQ(v.losses[29], 1.0f / 30);
    ASSERT_EQ(v.evals.size(), 4u);
    EXPECT_EQ(v.evals.back().step, 30);
    EXPECT_EQ(v.snapshots.size(), 4u);
    // The same increment again (a state the page reported twice) changes nothing.
    train_view_report(v, {{"state", next}});
    EXPECT_EQ(v.losses.size(), 30u);
    EXPECT_EQ(v.evals.size(), 4u);
    // Snapshots left out: unchanged.
    json same = state(1, 31, 31, {});
    same.erase("snapshots");
    train_view_report(v, {{"state", same}});
    EXPECT_EQ(v.snapshots.size(), 4u);
    EXPECT_EQ(v.step, 31);
    // Only the new snapshots, with the steps of those kept: the run thinned 10 away and took 40.
    json inc = state(1, 32, 40, {40});
    inc["snapshot_steps"] = {0, 20, 30, 40};
    train_view_report(v, {{"state", inc}});
    ASSERT_EQ(v.snapshots.size(), 4u);
    EXPECT_EQ(v.snapshots[1].step, 20);
    EXPECT_EQ(v.snapshots[3].step, 40);
    EXPECT_FLOAT_EQ(v.snapshots[3].at(0, 0), 0.4f);
    // A late state of an older run is ignored; a new run starts a new record.
    train_view_report(v, {{"state", state(0, 1, 5, {0})}});
    EXPECT_EQ(v.step, 40);
    train_view_report(v, {{"state", state(2, 1, 3, {0, 1})}});
    EXPECT_EQ(v.losses.size(), 3u);
    EXPECT_EQ(v.generation, 2);
}

// Each snapshot names the probe it is of and carries that probe's words (the probe may change during a
// run); the probe now has its own. Words that do not fit the table are dropped, not shown beside it.
TEST(TrainView, SnapshotsKeepTheirProbesWords) {
    TrainViewState v;
    json s = state(1, 1, 20, {0, 10, 20});
    s["snapshots"][0]["probe"] = "x y";
    s["snapshots"][0]["source_tokens"] = {"x", "y"};
    s["snapshots"][0]["target_tokens"] = {"y", "<EOS>"};
    s["snapshots"][1]["probe"] = "x y z";
    s["snapshots"][1]["source_tokens"] = {"x", "y", "z"};  // three words for a 2 x 2 table
    s["snapshots"][1]["target_tokens"] = {"z", "<EOS>"};
    train_view_report(v, {{"state", s}});
    ASSERT_EQ(v.snapshots.size(), 3u);
    EXPECT_EQ(v.snapshots[0].probe, "x y");
    EXPECT_EQ(v.snapshots[0].col_words, (std::vector<std::string>{"x", "y"}));
    EXPECT_EQ(v.snapshots[0].row_words, (std::vector<std::string>{"y", "<EOS>"}));
    EXPECT_EQ(v.snapshots[1].probe, "x y z");
    EXPECT_TRUE(v.snapshots[1].col_words.empty());
    EXPECT_TRUE(v.snapshots[1].row_words.empty());
    EXPECT_EQ(v.snapshots[2].probe, "");  // a report without it
    EXPECT_EQ(v.probe.probe, "a b");      // the probe now: its source
    EXPECT_EQ(v.probe.col_words, (std::vector<std::string>{"a", "b"}));
    s["snapshots"][0]["probe"] = 7;
    EXPECT_THROW(train_view_report(v, {{"state", s}}), std::invalid_argument);
}

// The sensor task's reports: accuracy and attention near the event for exact match, a held-out series as
// the probe (its readings, event and the model's probabilities); a report whose sizes disagree changes nothing.
TEST(TrainView, TheSensorsReportsCarryASeriesAndItsEvent) {
    TrainViewState v;
    json s = state(1, 1, 10, {0, 10}, "sensor");
    s["kind"] = "classify";
    s["evals"] = json::array({{{"step", 0}, {"loss", 1.6}, {"accuracy", 0.2}, {"attention_near_event", 0.25}},
                              {{"step", 10}, {"loss", 1.1}, {"accuracy", 0.5}, {"attention_near_event", 0.4}}});
    json weights = json::array(), series = json::array(), steps = json::array();
    for (int t = 0; t < 3; ++t) {
        weights.push_back(t == 1 ? 0.8f : 0.1f);
        series.push_back({200.0f + t, 70.0f, 50.0f, 2.5f});
        steps.push_back(std::to_string(t));
    }
    s["probe"] = {{"source", "2"}, {"target", "vibration_burst"}, {"source_tokens", steps}, {"target_tokens", {"weights"}},
                  {"alignment", json::array({weights})}, {"series", series},
                  {"channels", {"pressure", "temperature", "flow", "vibration"}}, {"units", {"bar", "°C", "m³/h", "mm/s"}},
                  {"event", {{"name", "vibration_burst"}, {"start", 1}, {"width", 1}, {"channel", 3}, {"margin", 5}}},
                  {"classes", {"normal", "vibration_burst"}}, {"probs", {0.3, 0.7}}, {"output_text", "vibration_burst"},
                  {"pattern", "event"}, {"pattern_mass", 1.0}};
    s["snapshots"] = json::array({{{"step", 0}, {"loss", 0.0}, {"alignment", json::array({weights})}}});
    train_view_report(v, {{"state", s}});
    EXPECT_EQ(v.kind, "classify");
    ASSERT_EQ(v.evals.size(), 2u);
    EXPECT_DOUBLE_EQ(v.evals[1].exact_match, 0.5);
    EXPECT_DOUBLE_EQ(v.evals[1].near_event, 0.4);
    EXPECT_EQ(v.series.steps, 3);
    EXPECT_EQ(v.series.channels, 4);
    EXPECT_FLOAT_EQ(v.series.at(2, 0), 202.0f);
    EXPECT_EQ(v.series.event, "vibration_burst");
    EXPECT_TRUE(v.series.near_event(0));  // within the margin
    EXPECT_FLOAT_EQ(v.probe.at(0, 1), 0.8f);
    EXPECT_EQ(train_view_json(v)["kind"], "classify");
    json bad = s;
    bad["probe"]["probs"] = {0.3};
    bad["generation"] = 2;
    EXPECT_THROW(train_view_report(v, {{"state", bad}}), std::invalid_argument);
    EXPECT_EQ(v.generation, 1);
    EXPECT_EQ(v.series.probs.size(), 2u);
}

// A task trains the models of its kind: picking the sensor task picks its model, picking a translation
// task again a translation model; picking the sensor's model picks its task.
TEST(TrainView, ATaskAndItsModelAreOfOneKind) {
    TrainViewState v;
    train_view_report(v, {{"tables", {{"tasks", {{{"id", "reverse"}, {"kind", "translate"}}, {{"id", "sensor"}, {"kind", "classify"}, {"probe", "2"}}}},
                                      {"models", {{{"id", "lstm-dot"}, {"kind", "translate"}, {"layers", 2}},
                                                  {{"id", "sensor-lstm"}, {"kind", "classify"}, {"layers", 1}}}},
                                      {"bounds", {{"width", {2, 64}}, {"layers", {1, 2}}, {"batch", {1, 64}}, {"lr", {0.0001, 0.1}},
                                                  {"probe_series", 200}}}}}});
    EXPECT_EQ(v.limits.probe_series, 200);
    EXPECT_TRUE(v.classifies("sensor"));
    TrainForm f = v.form;
    f.task = "sensor";
    f.layers = 2;
    train_apply(v, {f, std::nullopt, std::nullopt});
    EXPECT_EQ(v.form.model, "sensor-lstm");
    EXPECT_EQ(v.form.layers, 1);
    f = v.form;
    f.task = "reverse";
    train_apply(v, {f, std::nullopt, std::nullopt});
    EXPECT_EQ(v.form.model, "lstm-dot");
    f = v.form;
    f.model = "sensor-lstm";
    f.probe = "a b";
    train_apply(v, {f, std::nullopt, std::nullopt});
    EXPECT_EQ(v.form.task, "sensor");
    EXPECT_EQ(v.form.probe, "");  // the sentence is not a series: the task's own probe
}

TEST(TrainView, TimelineKeysReplayAndThinning) {
    TrainViewState v;
    train_view_report(v, {{"state", state(1, 1, 40, {0, 10, 20, 30, 40})}});
    EXPECT_EQ(v.shown, -1);  // now
    train_key(v, Key::Left);
    EXPECT_EQ(v.shown, 4);
    train_key(v, Key::Left);
    EXPECT_EQ(v.shown, 3);
    EXPECT_EQ(v.shown_alignment().step, 30);
    train_key(v, Key::Right);
    train_key(v, Key::Right);
    EXPECT_EQ(v.shown, -1);
    // The run thins its snapshots (every other one kept): the step shown stays.
    train_apply(v, {std::nullopt, 2, std::nullopt});
    EXPECT_EQ(v.shown_alignment().step, 20);
    train_view_report(v, {{"state", state(1, 41, 50, {0, 20, 40})}});
    EXPECT_EQ(v.shown, 1);
    EXPECT_EQ(v.shown_alignment().step, 20);
    // Replay: 8 snapshots a second from the one shown, then now.
    train_apply(v, {std::nullopt, 0, true});
    EXPECT_TRUE(v.replaying);
    train_tick(v, 0.125);
    EXPECT_EQ(v.shown, 1);
    train_tick(v, 0.25);
    EXPECT_EQ(v.shown, -1);
    EXPECT_FALSE(v.replaying);
}

TEST(TrainView, ButtonsAskThePage) {
    TrainViewState v;
    EXPECT_EQ(json::parse(train_action(v, "train"))["do"], "start");
    EXPECT_EQ(json::parse(train_action(v, "step"))["paused"], true);
    train_view_report(v, {{"state", state(1, 1, 10, {0})}, {"status", "paused"}});
    v.form.lr = 0.01f;  // the record's 0.0099999998 is the same float
    EXPECT_TRUE(same_run_settings(v.form, v.run_settings));
    EXPECT_EQ(json::parse(train_action(v, "train"))["do"], "resume");
    EXPECT_EQ(json::parse(train_action(v, "step")), (json{{"do", "step"}, {"n", 1}}));
    // k is a setting of top-k only; the normalizer always is one
    v.form.top_k = 5;
    EXPECT_TRUE(same_run_settings(v.form, v.run_settings));
    v.form.normalizer = "top_k";
    EXPECT_FALSE(same_run_settings(v.form, v.run_settings));
    const json norm = json::parse(train_action(v, "train"));
    EXPECT_EQ(norm["settings"]["normalizer"], "top_k");
    EXPECT_EQ(norm["settings"]["top_k"], 5);
    v.form.normalizer = "soft";
    v.form.hidden = 48;  // another setting: Train starts anew
    const json start = json::parse(train_action(v, "train"));
    EXPECT_EQ(start["do"], "start");
    EXPECT_EQ(start["settings"]["hidden"], 48);
    const json seed = json::parse(train_action(v, "new-seed"));
    EXPECT_EQ(seed["settings"]["seed"], train_next_seed(v.form.seed));
    EXPECT_NE(train_next_seed(1), 1u);
    EXPECT_LT(train_next_seed(4000000000u), 2147483648u);
    EXPECT_THROW(train_action(v, "fly"), std::invalid_argument);
    // A new task starts from its own probe; Bahdanau's model has one layer (the models table says so).
    train_view_report(v, {{"tables", {{"tasks", {{{"id", "reverse"}}, {{"id", "hi-en"}}}},
                                      {"models", {{{"id", "lstm-dot"}, {"layers", 2}}, {{"id", "bahdanau"}, {"layers", 1}}}},
                                      {"bounds", {{"width", {2, 64}}, {"layers", {1, 2}}, {"batch", {1, 64}}, {"lr", {0.0001, 0.1}}}}}}});
    EXPECT_TRUE(v.has_tables);
    EXPECT_EQ(v.max_layers("lstm-dot"), 2);
    EXPECT_EQ(v.max_layers("bahdanau"), 1);
    v.form.probe = "a b";
    TrainForm f = v.form;
    f.task = "hi-en";
    f.model = "bahdanau";
    f.layers = 2;
    train_apply(v, {f, std::nullopt, std::nullopt});
    EXPECT_EQ(v.form.probe, "");
    EXPECT_EQ(v.form.layers, 1);
}

// The Transformer's run carries a grid of heads (decoder layers x heads), in the probe and in each
// snapshot: the view keeps them with their alignment, and the timeline shows the snapshot's own. Its
// form reads heads and no normalizer; its width stays a multiple of its heads.
TEST(TrainView, TheTransformersGridOfHeadsFollowsTheTimeline) {
    TrainViewState v;
    train_view_report(v, {{"tables", {{"tasks", {{{"id", "reverse"}}}},
                                      {"models", {{{"id", "lstm-dot"}, {"layers", 2}, {"uses", {"embed", "normalizer"}}},
                                                  {{"id", "transformer"}, {"layers", 2}, {"uses", {"heads"}}}}},
                                      {"bounds", {{"width", {2, 64}}, {"layers", {1, 2}}, {"batch", {1, 64}}, {"lr", {0.0001, 0.1}},
                                                  {"heads", {1, 4}}}}}}});
    EXPECT_TRUE(v.model_uses("transformer", "heads"));
    EXPECT_FALSE(v.model_uses("transformer", "normalizer"));
    EXPECT_TRUE(v.model_uses("lstm-dot", "normalizer"));
    EXPECT_EQ(v.limits.heads_max, 4);
    TrainForm f = v.form;
    f.model = "transformer";
    f.normalizer = "sparsemax";
    f.heads = 4;
    f.hidden = 30;
    train_apply(v, {f, std::nullopt, std::nullopt});
    EXPECT_EQ(v.form.normalizer, "soft");
    EXPECT_EQ(v.form.hidden, 28);
    EXPECT_EQ(json::parse(train_action(v, "train"))["settings"]["heads"], 4);

    json s = state(1, 1, 10, {0, 10});
    s["grid"] = {{"layers", 2}, {"heads", 2}};
    const auto heads = [](float x) { return json::array({alignment(x), alignment(x + 0.1f), alignment(x + 0.2f), alignment(x + 0.3f)}); };
    s["probe"]["heads"] = heads(0.5f);
    s["snapshots"][0]["heads"] = heads(0.0f);
    s["snapshots"][1]["heads"] = heads(0.1f);
    train_view_report(v, {{"state", s}});
    EXPECT_EQ(v.grid_layers, 2);
    EXPECT_EQ(v.grid_heads, 2);
    ASSERT_EQ(v.probe.heads.size(), 4u);
    EXPECT_FLOAT_EQ(v.probe.head_at(3, 0, 0), 0.8f);
    train_apply(v, {std::nullopt, 0, std::nullopt});
    EXPECT_FLOAT_EQ(v.shown_alignment().head_at(1, 0, 0), 0.1f);
    EXPECT_EQ(train_view_json(v)["shown"]["heads"].size(), 4u);
    EXPECT_EQ(train_view_json(v)["grid"]["heads"], 2);
    // An LSTM run's grid is null, as attn.train.state() has it: no grid.
    json lstm = state(2, 1, 3, {0});
    lstm["grid"] = nullptr;
    TrainViewState w;
    train_view_report(w, {{"state", lstm}});
    EXPECT_EQ(w.grid_layers, 0);
    EXPECT_TRUE(w.has_run);
    // A grid without its heads, or with a head of another shape, is refused and changes nothing.
    json missing = s;
    missing["snapshots"][1].erase("heads");
    EXPECT_THROW(train_view_report(v, {{"state", missing}}), std::invalid_argument);
    json ragged = s;
    ragged["probe"]["heads"][2] = json::array({json::array({1.0})});
    EXPECT_THROW(train_view_report(v, {{"state", ragged}}), std::invalid_argument);
    EXPECT_EQ(v.probe.heads.size(), 4u);
}

TEST(TrainView, MalformedReportsAreRefused) {
    TrainViewState v;
    EXPECT_THROW(train_view_report(v, json::array()), std::invalid_argument);
    EXPECT_THROW(train_view_report(v, {{"state", {{"generation", 1}}}}), std::invalid_argument);
    json ragged = state(1, 1, 2, {0});
    ragged["probe"]["alignment"] = json::array({json::array({1.0}), json::array({0.5, 0.5})});
    EXPECT_THROW(train_view_report(v, {{"state", ragged}}), std::invalid_argument);
}

}  // namespace
}  // namespace attn::views
