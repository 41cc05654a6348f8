// test_train_run.cpp: training in the page's terms (train/train_run.h): every task generates its pairs
// with a fixed held-out split; settings out of bounds are refused by name; a run lowers held-out loss;
// reversal reaches the anti-diagonal and copy the diagonal after a fixed number of steps from a fixed seed;
// the same seed gives the same curve; snapshots span the run and show the model's alignment at their
// step; a trained model written to a file loads back and translates the same; the sensor task trains
// seed 000's classifier, whose attention moves onto the event; and the scalar path's
// loss curve matches the one recorded natively (tests/unit/data/train_curve_reverse.txt), which is what
// makes the native and wasm runs of this test agree.
#include "models/seq2seq_lstm.h"
#include "models/transformer.h"
#include "train/train_run.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <fstream>
#include <set>
#include <string>
#include <vector>

namespace attn {
namespace {

TrainSettings reverse_settings() {
    TrainSettings s;
    s.task = "reverse";
    s.seed = 7;
    return s;
}

// Settings a run refuses, with these words in its message.
void refused(const TrainSettings& s, const std::string& words) {
    try {
        TrainRun run(s);
        ADD_FAILURE() << "accepted; expected: " << words;
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
    }
}

TEST(TrainRun, EveryTaskHasPairsAndAFixedHeldOutSplit) {
    ASSERT_EQ(train_tasks().size(), 6u);
    for (const TrainTaskRow& t : train_tasks()) {
        SCOPED_TRACE(t.id);
        if (t.kind == TrainKind::Classify) continue;  // series: TrainRun.TheSensorTaskTrainsSeed000sModelOnHeldOutSeries
        const TaskData a = make_task_data(t.id);
        EXPECT_GE(a.train.size(), 2u);
        EXPECT_GE(a.held_out.size(), 2u);
        if (std::string(t.id) == "toy") continue;  // two pairs: measured on what it learns
        std::set<std::string> train;
        for (const Pair& p : a.train) train.insert(p.source);
        for (const Pair& p : a.held_out) EXPECT_EQ(train.count(p.source), 0u) << p.source << " is in train too";
    }
    const TaskData rev = make_task_data("reverse"), again = make_task_data("reverse");
    ASSERT_EQ(rev.held_out.size(), 200u);
    for (size_t i = 0; i < rev.held_out.size(); ++i) EXPECT_EQ(rev.held_out[i].source, again.held_out[i].source);
    EXPECT_EQ(rev.held_out[0].target.size(), rev.held_out[0].source.size());
    EXPECT_EQ(std::string(rev.held_out[0].target.rbegin(), rev.held_out[0].target.rend()), rev.held_out[0].source);
    // The translation presets keep the pairs the page demonstrates.
    const TaskData es = make_task_data("en-es");
    EXPECT_EQ(es.train.size(), 1600u);
    bool house = false;
    for (const Pair& p : es.train) house |= p.source == "the red house" && p.target == "la casa roja";
    EXPECT_TRUE(house);
    EXPECT_THROW(make_task_data("sorting"), std::invalid_argument);
}

TEST(TrainRun, SettingsOutOfBoundsAreRefusedByName) {
    TrainSettings s = reverse_settings();
    s.task = "sorting";
    refused(s, "unknown task 'sorting' (tasks: toy, reverse, copy, en-es, hi-en, sensor)");
    s = reverse_settings();
    s.model = "gru";
    refused(s, "unknown model 'gru'");
    s = reverse_settings();
    s.hidden = 65;
    refused(s, "hidden must be from 2 to 64, not 65");
    s = reverse_settings();
    s.model = "bahdanau";
    s.layers = 2;
    refused(s, "layers must be from 1 to 1, not 2");
    s = reverse_settings();
    s.batch = 0;
    refused(s, "batch must be from 1 to 64, not 0");
    s = reverse_settings();
    s.lr = std::nanf("");
    refused(s, "learning rate must be from 0.0001 to 0.1");
    s = reverse_settings();
    s.probe = "a b c d e f g h a b";
    refused(s, "the probe sentence has 10 words; at most 8");
    s = reverse_settings();
    s.normalizer = Normalizer::TopK;
    s.top_k = 9;
    refused(s, "top_k must be from 1 to 8, not 9");
    s.normalizer = Normalizer::Sparsemax;  // k is read by top-k only
    TrainRun ok(s);
    s.top_k = 0;
    TrainRun still_ok(s);
    EXPECT_EQ(still_ok.seq2seq()->config().top_k, 2);  // the config's own, which a file would not write
}

TEST(TrainRun, SettingsComeFromThePagesJsonInTheProjectsWords) {
    const TrainSettings s = train_settings_from_json(
        R"({"task": "copy", "model": "bahdanau", "embed": 8, "hidden": 12, "layers": 1, "batch": 4, "lr": 0.02,
            "normalizer": "top_k", "top_k": 3, "seed": 18446744073709551615, "backend": "scalar", "probe": "a b"})");
    EXPECT_EQ(s.normalizer, Normalizer::TopK);
    EXPECT_EQ(s.top_k, 3);
    EXPECT_EQ(s.task, "copy");
    EXPECT_EQ(s.model, "bahdanau");
    EXPECT_EQ(s.hidden, 12);
    EXPECT_EQ(s.seed, 18446744073709551615ull);
    EXPECT_EQ(s.backend, Backend::Scalar);
    EXPECT_FLOAT_EQ(s.lr, 0.02f);
    const auto refused = [](const char* json, const std::string& words) {
        try {
            train_settings_from_json(json);
            ADD_FAILURE() << json << " accepted; expected: " << words;
        } catch (const std::invalid_argument& e) {
            EXPECT_EQ(e.what(), words) << json;
        }
    };
    refused("[1]", "training settings must be a JSON object");
    refused("{", "training settings must be a JSON object");
    refused(R"({"hidden": "32"})", "hidden must be an integer");
    refused(R"({"hidden": 3.5})", "hidden must be an integer");
    refused(R"({"task": null})", "task must be a string");
    refused(R"({"seed": -1})", "seed must be a whole number from 0 to 2^64 - 1");
    refused(R"({"backend": "webgpu"})", "backend must be \"simd\" or \"scalar\"");
    refused(R"({"normalizer": "softer"})", "normalizer must be one of the normalizers (soft, hard, top_k, sparsemax)");
    refused(R"({"speed": 2})", "unknown training setting 'speed' (settings: task, model, embed, hidden, layers, heads, batch, lr, "
                               "normalizer, top_k, seed, backend, probe)");
    // Huge numbers stay out of bounds (validate names them) instead of wrapping.
    TrainSettings big = train_settings_from_json(R"({"hidden": 99999999999, "lr": 1e300})");
    EXPECT_THROW(big.validate(), std::invalid_argument);
    big.hidden = 32;
    EXPECT_THROW(big.validate(), std::invalid_argument);  // the learning rate
}

TEST(TrainRun, TheStateCarriesOnlyWhatIsNewSinceAStep) {
    TrainSettings s = reverse_settings();
    s.hidden = 8;
    s.embed = 4;
    TrainRun run(s);
    for (int i = 0; i < 25; ++i) run.step();
    const std::string all = run.state_json(0), late = run.state_json(20);
    EXPECT_NE(all.find("\"step\":25"), std::string::npos);
    EXPECT_NE(all.find("\"losses_from\":1"), std::string::npos);
    EXPECT_NE(late.find("\"losses_from\":21"), std::string::npos);
    EXPECT_LT(late.size(), all.size());
    EXPECT_NE(all.find("\"pattern\":\"anti-diagonal\""), std::string::npos);
    EXPECT_NE(all.find("\"target_tokens\":[\"e\",\"d\",\"c\",\"b\",\"a\",\"<EOS>\"]"), std::string::npos);
    // Snapshots: those after the step travel, with the steps of every one kept.
    const nlohmann::json a = nlohmann::json::parse(all), l = nlohmann::json::parse(late);
    EXPECT_EQ(a["snapshots"].size(), run.snapshots().size());
    ASSERT_EQ(l["snapshots"].size(), 5u);  // steps 21 to 25: a snapshot every step so far
    EXPECT_EQ(l["snapshots"][0]["step"], 21);
    EXPECT_EQ(l["snapshot_steps"].size(), run.snapshots().size());
    EXPECT_EQ(l["snapshot_steps"].back(), 25);
}

TEST(TrainRun, ReversalLearnsTheAntiDiagonalAndHeldOutLossFalls) {
    TrainRun run(reverse_settings());
    EXPECT_EQ(run.probe_source(), "a b c d e");
    EXPECT_EQ(run.probe_target(), "e d c b a");
    const double mass0 = run.pattern_mass();
    EXPECT_LT(mass0, 0.5) << "random weights do not already reverse";
    for (int i = 0; i < 150; ++i) run.step();
    EXPECT_EQ(run.steps(), 150);
    // 1,800 training pairs: 112 batches of 16, then the epoch's last of 8, then 37 of the next epoch
    EXPECT_EQ(run.examples(), 149L * 16 + 8);
    ASSERT_EQ(run.evals().size(), 16u);  // step 0 and every 10 steps
    EXPECT_LT(run.evals().back().loss, 0.5 * run.evals().front().loss);
    EXPECT_GE(run.pattern_mass(), 0.8) << "anti-diagonal mass after 150 steps, from " << mass0;
    EXPECT_GT(run.evals().back().exact_match, 0.5);
}

TEST(TrainRun, CopyLearnsTheDiagonal) {
    TrainSettings s = reverse_settings();
    s.task = "copy";
    TrainRun run(s);
    EXPECT_EQ(run.probe_target(), "a b c d e");
    // Copy is learned before its alignment is sharp (an LSTM can carry a few symbols in its state): the
    // diagonal holds most, not all, of the attention (0.81 at step 250 natively).
    for (int i = 0; i < 250; ++i) run.step();
    EXPECT_GE(run.pattern_mass(), 0.7);
    EXPECT_GT(run.evals().back().exact_match, 0.9);
}

TEST(TrainRun, TheSameSeedGivesTheSameCurveAndAnotherSeedAnother) {
    TrainSettings s = reverse_settings();
    s.hidden = 8;
    s.embed = 4;
    TrainRun a(s), b(s);
    s.seed = 8;
    TrainRun c(s);
    for (int i = 0; i < 20; ++i) {
        a.step();
        b.step();
        c.step();
    }
    EXPECT_EQ(a.losses(), b.losses());
    EXPECT_NE(a.losses(), c.losses());
}

TEST(TrainRun, SnapshotsSpanTheRunAndShowTheModelAtTheirStep) {
    TrainSettings s = reverse_settings();
    s.hidden = 8;
    s.embed = 4;
    TrainRun run(s);
    ASSERT_EQ(run.snapshots().size(), 1u);
    EXPECT_EQ(run.snapshots()[0].step, 0);
    for (int i = 0; i < 300; ++i) {
        run.step();
        ASSERT_LT(static_cast<int>(run.snapshots().size()), TrainRun::kMaxSnapshots);
    }
    const std::vector<TrainSnapshot>& snaps = run.snapshots();
    EXPECT_EQ(snaps.front().step, 0);
    EXPECT_GE(snaps.back().step, 300 - 4);  // thinned twice: one every 4 steps
    for (size_t i = 1; i < snaps.size(); ++i) EXPECT_EQ(snaps[i].step - snaps[i - 1].step, snaps[1].step - snaps[0].step);
    // The last snapshot is the probe's alignment at its step; each row sums to 1.
    const TrainSnapshot& last = snaps.back();
    ASSERT_EQ(last.alignment.rows(), 6);  // five words and <EOS>
    ASSERT_EQ(last.alignment.cols(), 5);
    for (int r = 0; r < last.alignment.rows(); ++r) EXPECT_NEAR(last.alignment.row(r).sum(), 1.0f, 1e-5f);
    if (last.step == run.steps()) {
        for (int r = 0; r < last.alignment.rows(); ++r)
            for (int c = 0; c < last.alignment.cols(); ++c)
                EXPECT_EQ(last.alignment(r, c), run.probe().steps[static_cast<size_t>(r)].attention[0].weights(0, c));
    }
    EXPECT_GT(last.loss, 0.0);
}

// The probe can change during a run: each snapshot keeps the probe it is of, and its words, which the
// state's JSON carries (the page labels an old snapshot with its own words, not the probe's now).
TEST(TrainRun, EachSnapshotNamesTheProbeItIsOf) {
    TrainSettings s = reverse_settings();
    s.hidden = 8;
    s.embed = 4;
    TrainRun run(s);
    const std::string first = run.probe_source();
    for (int i = 0; i < 4; ++i) run.step();
    run.set_probe("c a b");
    for (int i = 0; i < 4; ++i) run.step();
    const std::vector<TrainSnapshot>& snaps = run.snapshots();
    ASSERT_EQ(snaps.size(), 9u);  // steps 0 to 8
    for (const TrainSnapshot& sn : snaps) {
        const bool before = sn.step <= 4;
        EXPECT_EQ(sn.probe, before ? first : "c a b") << "step " << sn.step;
        EXPECT_EQ(static_cast<int>(sn.source_tokens.size()), sn.alignment.cols());
        EXPECT_EQ(static_cast<int>(sn.target_tokens.size()), sn.alignment.rows());
        EXPECT_EQ(sn.target_tokens.back(), "<EOS>");
    }
    EXPECT_EQ(snaps.back().source_tokens, (std::vector<std::string>{"c", "a", "b"}));
    EXPECT_EQ(snaps.front().alignment.cols(), 5);  // the task's probe: five symbols
    const nlohmann::json j = nlohmann::json::parse(run.state_json(0));
    EXPECT_EQ(j["snapshots"][0]["probe"], first);
    EXPECT_EQ(j["snapshots"][0]["source_tokens"].size(), 5u);
    EXPECT_EQ(j["snapshots"][8]["probe"], "c a b");
    EXPECT_EQ(j["snapshots"][8]["target_tokens"].size(), 4u);  // three symbols reversed, then <EOS>
}

TEST(TrainRun, ATrainedModelIsAModelFileThatLoadsBack) {
    TrainSettings s;
    s.task = "toy";
    s.hidden = 4;
    s.embed = 4;
    s.batch = 2;
    s.lr = 0.05f;
    TrainRun run(s);
    for (int i = 0; i < 150; ++i) run.step();
    // A probe the task has no target for: the model's own greedy output, cut to the probe's bound.
    run.set_probe("hello");
    EXPECT_LE(std::count(run.probe_target().begin(), run.probe_target().end(), ' '), TrainBounds::kMaxProbeTokens - 1);
    run.set_probe("let's go");
    EXPECT_EQ(run.probe_target(), "vamos");
    const SafetensorsFile f = run.to_file("my-toy");
    EXPECT_EQ(f.metadata.at("name"), "my-toy");
    EXPECT_NE(f.metadata.at("training").find("\"task\":\"toy\""), std::string::npos) << f.metadata.at("training");
    EXPECT_NE(f.metadata.at("metrics").find("test_exact_match"), std::string::npos);
    const std::unique_ptr<Seq2SeqLstm> back = load_seq2seq_lstm_model(f);
    RunOptions o;
    EXPECT_EQ(back->translate("let's go", o).output_text, run.model().translate("let's go", o).output_text);
    EXPECT_EQ(back->translate("to go", o).output_text, "ir");
    EXPECT_EQ(back->translate("let's go", o).output_text, "vamos");
}

// The sensor task (seed 000's series, a classification) trains seed 000's model and only it: the tables
// pair tasks and models by kind, and the probe is a held-out series by its number.
TrainSettings sensor_settings() {
    TrainSettings s;
    s.task = "sensor";
    s.model = "sensor-lstm";
    s.hidden = 16;
    s.seed = 3;
    return s;
}

TEST(TrainRun, TheSensorTaskTrainsSeed000sModelOnHeldOutSeries) {
    const TaskData d = make_task_data("sensor");
    ASSERT_EQ(d.train_series.size(), static_cast<size_t>(TrainBounds::kSensorTrainSeries));
    ASSERT_EQ(d.held_out_series.size(), static_cast<size_t>(TrainBounds::kSensorHeldOutSeries));
    EXPECT_TRUE(d.train.empty());
    // the generator's ranges: held-out series are those the shipped model was measured on
    EXPECT_EQ(d.held_out_series[7].values, generate_sensor_sample(kSensorDataSeed, kSensorHeldOutFirst + 7).values);
    EXPECT_EQ(d.train_series[7].values, generate_sensor_sample(kSensorDataSeed, 7).values);
    TrainSettings s = sensor_settings();
    s.model = "lstm-dot";
    refused(s, "the sensor task classifies series: it trains sensor-lstm, not lstm-dot");
    s = reverse_settings();
    s.model = "sensor-lstm";
    refused(s, "the reverse task translates: it trains lstm-dot, lstm-cosine, lstm-scaled-dot, lstm-general, bahdanau, "
               "transformer, not sensor-lstm");
    s = sensor_settings();
    s.layers = 2;
    refused(s, "layers must be from 1 to 1, not 2");
    s = sensor_settings();
    s.normalizer = Normalizer::Sparsemax;
    refused(s, "the sensor model pools with a softmax over time (normalizer soft), not sparsemax");
    for (const char* probe : {"a b c", "200", "-1", "1e2", "0x3"}) {
        s = sensor_settings();
        s.probe = probe;
        refused(s, "the sensor's probe is a held-out series: a number from 0 to 199, not '" + std::string(probe) + "'");
    }
    s = sensor_settings();
    s.probe = " 12 ";
    TrainRun run(s);
    EXPECT_EQ(run.probe_series(), 12);
    EXPECT_EQ(run.probe_source(), "12");
    EXPECT_EQ(run.probe_target(), sensor_event_name(d.held_out_series[12].event));
    EXPECT_EQ(run.sensor()->config.hidden, 16);
    EXPECT_EQ(run.seq2seq(), nullptr);
    EXPECT_EQ(run.transformer(), nullptr);
    EXPECT_THROW(run.model(), std::logic_error);
    EXPECT_EQ(run.train_pairs(), TrainBounds::kSensorTrainSeries);
    EXPECT_EQ(run.held_out_pairs(), 100);
}

// Trained from random weights, it learns to name the event and its pooling's weights move onto the event
// (held-out, measured every 10 steps); the probe's alignment is the model's own run of the series at
// every snapshot; the state carries the series and its event; the file loads back as a sensor model that
// runs the series the same. The bars hold for every trajectory float rounding leads to: measured natively
// (g++ -O2, AVX2) over seeds 1, 2, 3, 5, 7, at 450 steps held-out accuracy 0.92 to 0.97 and attention near
// the event 0.68 to 0.73 (0.72 to 0.92 and 0.44 to 0.72 at 300: still on their way). One series' mass
// swings as the classifier settles (it read 0.13 after 300 steps in one build, 1.00 in another), so the
// probe is held to reaching the event in a snapshot on the way, as the page's timeline shows it.
TEST(TrainRun, TheSensorModelLearnsTheEventsAndItsAttentionFindsThem) {
    TrainSettings s = sensor_settings();
    s.hidden = 32;  // the page's defaults
    s.seed = 1;
    TrainRun run(s);
    const TrainEval first = run.evals().front();
    const double mass0 = run.pattern_mass();
    constexpr int kSteps = 480;  // a multiple of the evaluations (10) and of the snapshots (every 4 by then)
    for (int i = 0; i < kSteps; ++i) run.step();
    const TrainEval last = run.evals().back();
    double reached = 0.0;
    for (const TrainSnapshot& snap : run.snapshots())
        reached = std::max(reached, attention_mass_near_event(snap.alignment.data(), kSensorSteps, run.probe_sample()));
    std::printf("sensor: held-out loss %.3f -> %.3f, accuracy %.3f -> %.3f, near event %.3f -> %.3f, probe %.3f -> %.3f "
                "(at most %.3f on the way)\n",
                first.loss, last.loss, first.exact_match, last.exact_match, first.near_event, last.near_event, mass0,
                run.pattern_mass(), reached);
    EXPECT_EQ(last.step, kSteps);
    EXPECT_LT(last.loss, 0.5 * first.loss);
    EXPECT_GT(last.exact_match, 0.85);
    EXPECT_GT(last.near_event, 0.6);
    EXPECT_LT(first.near_event, 0.3);
    EXPECT_LT(mass0, 0.5);
    EXPECT_GE(reached, 0.8) << "the probe (series 2, a vibration burst) in the snapshots";
    // the alignment: the pooling's weights over the probe's 100 steps, the model's own run
    const SensorRun now = sensor_model_run(*run.sensor(), run.probe_sample().values, SensorRunOptions{s.backend});
    const TrainSnapshot& snap = run.snapshots().back();
    ASSERT_EQ(snap.step, kSteps);
    ASSERT_EQ(snap.alignment.rows(), 1);
    ASSERT_EQ(snap.alignment.cols(), kSensorSteps);
    EXPECT_EQ(snap.alignment, now.attention.weights);
    EXPECT_NEAR(snap.alignment.sum(), 1.0, 1e-5);
    const nlohmann::json j = nlohmann::json::parse(run.state_json(0));
    EXPECT_EQ(j["kind"], "classify");
    EXPECT_EQ(j["probe"]["series"].size(), static_cast<size_t>(kSensorSteps));
    EXPECT_EQ(j["probe"]["event"]["name"], run.probe_target());
    EXPECT_EQ(j["probe"]["output_text"], now.predicted_name);
    EXPECT_EQ(j["probe"]["pattern"], "event");
    EXPECT_TRUE(j["evals"].back().contains("accuracy"));
    EXPECT_TRUE(j["evals"].back().contains("attention_near_event"));
    EXPECT_FALSE(j.contains("grid"));
    const SensorModel back = sensor_model_from_file(run.to_file("my-sensor"));
    EXPECT_EQ(back.info.name, "my-sensor");
    EXPECT_NE(back.info.training_json.find("\"task\":\"sensor\""), std::string::npos) << back.info.training_json;
    EXPECT_NE(back.info.metrics_json.find("\"accuracy\""), std::string::npos) << back.info.metrics_json;
    const SensorRun again = sensor_model_run(back, run.probe_sample().values, SensorRunOptions{s.backend});
    EXPECT_EQ(again.attention.weights, now.attention.weights);
    EXPECT_EQ(again.probs, now.probs);
}

// Each row of the models table (each score the StatQuest model trains with, and Bahdanau's) trains; its
// file says which score, and loads back scoring the same way (the same alignment and output as the run's).
TEST(TrainRun, EachScoreOfTheModelsTableTrainsAndLoadsBack) {
    for (const TrainModelRow& row : train_models()) {
        if (row.arch != TrainArch::Seq2Seq) continue;  // the Transformer: its own test below
        const char* id = row.id;
        TrainSettings s;
        s.task = "toy";
        s.model = id;
        s.hidden = 8;
        s.embed = 4;
        s.batch = 2;
        s.lr = 0.05f;
        TrainRun run(s);
        EXPECT_EQ(run.seq2seq()->config().score(), row.score) << id;
        const double first = run.step();
        double last = first;
        for (int i = 0; i < 120; ++i) last = run.step();
        EXPECT_LT(last, 0.5 * first) << id;
        const std::unique_ptr<Seq2SeqLstm> back = load_seq2seq_lstm_model(run.to_file(std::string("my-") + id));
        EXPECT_EQ(back->config().score(), row.score) << id;
        RunOptions o;
        const Translation a = back->translate("let's go", o), b = run.model().translate("let's go", o);
        EXPECT_EQ(a.output_text, b.output_text) << id;
        ASSERT_EQ(a.steps.size(), b.steps.size());
        for (size_t t = 0; t < a.steps.size(); ++t) EXPECT_EQ(a.steps[t].attention[0].weights, b.steps[t].attention[0].weights);
    }
}

// The normalizer trains with the model (sparsemax: its exact zeros in the probe's alignment), goes into the
// file, and comes back with it: run as trained (the lab's tweak set to it), the loaded model gives the run's
// alignment without a note; run with soft, it says how it was trained.
TrainSettings transformer_settings() {
    TrainSettings s = reverse_settings();
    s.model = "transformer";
    s.heads = 2;
    s.lr = 0.003f;
    return s;
}

// The Transformer trains too: its settings are checked in its own terms, its probe carries every decoder
// layer's cross-attention heads (the snapshots too), each equal to the model's own teacher-forced run, the
// alignment is the last layer's heads averaged, and its file loads back as a Transformer that translates
// the same. (Learning reversal takes a few hundred steps: TrainRun.TransformerLearnsReversal.)
TEST(TrainRun, TheTransformerTrainsWithAGridOfHeadsAndLoadsBack) {
    TrainSettings bad = transformer_settings();
    bad.hidden = 30;
    bad.heads = 4;
    EXPECT_THROW(bad.validate(), std::invalid_argument);
    try { bad.validate(); } catch (const std::invalid_argument& e) {
        EXPECT_STREQ(e.what(), "the Transformer's hidden (its width) must be a multiple of heads: 30 is not a multiple of 4");
    }
    bad = transformer_settings();
    bad.normalizer = Normalizer::Sparsemax;
    try { bad.validate(); ADD_FAILURE(); } catch (const std::invalid_argument& e) {
        EXPECT_STREQ(e.what(), "the Transformer trains with softmax attention (normalizer soft), not sparsemax");
    }
    bad = transformer_settings();
    bad.heads = 5;
    EXPECT_THROW(bad.validate(), std::invalid_argument);
    EXPECT_FALSE(train_model_uses(*find_train_model("transformer"), "normalizer"));
    EXPECT_TRUE(train_model_uses(*find_train_model("transformer"), "heads"));
    EXPECT_FALSE(train_model_uses(*find_train_model("lstm-dot"), "heads"));

    TrainSettings s = transformer_settings();
    s.layers = 2;
    TrainRun run(s);
    ASSERT_NE(run.transformer(), nullptr);
    EXPECT_EQ(run.seq2seq(), nullptr);
    EXPECT_EQ(run.grid_layers(), 2);
    EXPECT_EQ(run.grid_heads(), 2);
    const double first = run.step();
    double last = first;
    for (int i = 0; i < 12; ++i) last = run.step();
    EXPECT_LT(last, first);
    const nlohmann::json j = nlohmann::json::parse(run.state_json(0));
    EXPECT_EQ(j["grid"]["layers"], 2);
    EXPECT_EQ(j["grid"]["heads"], 2);
    EXPECT_EQ(j["settings"]["heads"], 2);
    const nlohmann::json& heads = j["probe"]["heads"];
    ASSERT_EQ(heads.size(), 4u);
    // Each head's rows are the model's own: its teacher-forced run of the probe, traced.
    const Translation forced = run.model().force(run.probe_source(), run.probe_target(), RunOptions{});
    for (const DecodeStep& st : forced.steps)
        for (const AttentionTrace& a : st.attention) {
            if (a.form != "cross") continue;
            const size_t r = static_cast<size_t>(&st - forced.steps.data());
            for (int c = 0; c < a.weights.cols(); ++c)
                EXPECT_FLOAT_EQ(heads[a.layer * 2 + a.head][r][c].get<float>(), a.weights(a.weights.rows() - 1, c));
        }
    // The alignment is the last layer's heads averaged; rows sum to 1.
    const nlohmann::json& align = j["probe"]["alignment"];
    for (size_t r = 0; r < align.size(); ++r) {
        double sum = 0.0;
        for (size_t c = 0; c < align[r].size(); ++c) {
            EXPECT_NEAR(align[r][c].get<float>(), (heads[2][r][c].get<float>() + heads[3][r][c].get<float>()) / 2, 1e-6);
            sum += align[r][c].get<double>();
        }
        EXPECT_NEAR(sum, 1.0, 1e-5);
    }
    ASSERT_FALSE(j["snapshots"].empty());
    for (const nlohmann::json& snap : j["snapshots"]) EXPECT_EQ(snap["heads"].size(), 4u);
    // Its file is a Transformer's; loaded back, it translates as the run's model does, heads and all.
    const SafetensorsFile f = run.to_file("my-transformer");
    EXPECT_EQ(f.metadata.at("architecture"), "transformer");
    EXPECT_NE(f.metadata.at("training").find("\"model\":\"transformer\""), std::string::npos);
    const std::unique_ptr<Transformer> back = transformer_from_file(f);
    const Translation a = back->translate(run.probe_source(), RunOptions{}), b = run.model().translate(run.probe_source(), RunOptions{});
    EXPECT_EQ(a.output_text, b.output_text);
    ASSERT_EQ(a.steps.size(), b.steps.size());
    for (size_t t = 0; t < a.steps.size(); ++t)
        for (size_t k = 0; k < a.steps[t].attention.size(); ++k)
            EXPECT_EQ(a.steps[t].attention[k].weights, b.steps[t].attention[k].weights);
    // An LSTM run carries no grid.
    EXPECT_FALSE(nlohmann::json::parse(TrainRun(reverse_settings()).state_json(0))["probe"].contains("heads"));
}

// From random weights to the anti-diagonal: a fixed seed, a fixed number of steps (measured: the mass passes
// 0.8 at step 348 natively). Not under ASan (a few minutes there): the wasm unit tests run it.
TEST(TrainRun, TransformerLearnsReversal) {
    TrainRun run(transformer_settings());
    const double mass0 = run.pattern_mass(), loss0 = run.evals().front().loss;
    for (int i = 0; i < 450; ++i) run.step();
    EXPECT_GE(run.pattern_mass(), 0.8) << "anti-diagonal mass after 450 steps, from " << mass0;
    EXPECT_LT(run.evals().back().loss, loss0 / 3);
}

TEST(TrainRun, TheNormalizerTrainsGoesIntoTheFileAndComesBack) {
    TrainSettings s = reverse_settings();
    s.normalizer = Normalizer::Sparsemax;
    TrainRun run(s);
    for (int i = 0; i < 60; ++i) run.step();
    EXPECT_EQ(run.seq2seq()->config().normalizer, Normalizer::Sparsemax);
    const Mat& a = run.probe().steps.front().attention.front().weights;
    EXPECT_TRUE((a.array() == 0.0f).any()) << "sparsemax gives some words exactly 0:\n" << a;
    const SafetensorsFile f = run.to_file("my-sparse");
    EXPECT_NE(f.metadata.at("training").find("\"normalizer\":\"sparsemax\""), std::string::npos);
    const std::unique_ptr<Seq2SeqLstm> back = load_seq2seq_lstm_model(f);
    EXPECT_EQ(back->config().normalizer, Normalizer::Sparsemax);
    RunOptions o;
    o.normalizer = Normalizer::Sparsemax;
    const Translation x = back->translate(run.probe_source(), o), y = run.model().translate(run.probe_source(), o);
    EXPECT_TRUE(x.notes.empty());
    ASSERT_EQ(x.steps.size(), y.steps.size());
    for (size_t t = 0; t < x.steps.size(); ++t) EXPECT_EQ(x.steps[t].attention[0].weights, y.steps[t].attention[0].weights);
    const Translation soft = back->translate(run.probe_source(), RunOptions{});
    ASSERT_EQ(soft.said.size(), 1u);
    EXPECT_EQ(soft.said[0].id, "note.engine.normalizer_as_trained");
}

// The scalar path's first 40 losses, recorded natively: %.9g each, one per line. The wasm build of this
// test reads the same file (NODERAWFS). Tolerance 1e-5 relative: both builds run the same C++ without
// fused multiply-adds or fast-math, so the curves agree to the last few bits of a float; the margin
// covers a libm (expf, tanhf) that rounds an ulp differently.
TEST(TrainRun, TheScalarCurveIsTheRecordedOne) {
    TrainSettings s = reverse_settings();
    s.backend = Backend::Scalar;
    TrainRun run(s);
    for (int i = 0; i < 40; ++i) run.step();
    const std::string path = std::string(ATTN_ASSETS_DIR) + "/../tests/unit/data/train_curve_reverse.txt";
    if (std::getenv("ATTN_RECORD_CURVE")) {
        std::FILE* out = std::fopen(path.c_str(), "w");
        ASSERT_NE(out, nullptr);
        for (double l : run.losses()) std::fprintf(out, "%.9g\n", l);
        std::fclose(out);
    }
    std::ifstream in(path);
    ASSERT_TRUE(in) << path;
    std::vector<double> recorded;
    for (double x; in >> x;) recorded.push_back(x);
    ASSERT_EQ(recorded.size(), run.losses().size());
    double worst = 0.0;
    for (size_t i = 0; i < recorded.size(); ++i) {
        EXPECT_NEAR(run.losses()[i], recorded[i], 1e-5 * std::abs(recorded[i])) << "step " << i + 1;
        worst = std::max(worst, std::abs(run.losses()[i] - recorded[i]) / std::abs(recorded[i]));
    }
    std::printf("the scalar curve's largest relative difference from the recorded one: %.3g\n", worst);
}

}  // namespace
}  // namespace attn
