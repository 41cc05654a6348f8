// test_views_lab.cpp: the view-state layer (src/views) without a browser: the lab's playlist and
// playhead, its state as JSON (what a link and attn.setState carry) parsed and printed back over odd
// inputs, tweaks and the notes they bring, head ablation state, the exports (heatmap data, CSV), and the
// model files a visitor gives the page (the store's add_file).
// Runs natively and under node (wasm), on the shipped models in assets/models.
#include "views/heads_view.h"
#include "views/lab.h"
#include "views/lab_export.h"
#include "views/model_store.h"
#include "core/format_error.h"
#include "core/safetensors.h"
#include "models/model_zoo.h"
#include "nn/normalizers.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

namespace attn::views {
namespace {

using nlohmann::json;

const std::vector<std::string> kIds = {"translate", "heads", "gallery"};

ModelStore& store() {
    static ModelStore s(std::string(ATTN_ASSETS_DIR) + "/models");
    return s;
}

Lab run_lab(const std::string& model, const std::string& text, const RunOptions& o = RunOptions{}) {
    Lab lab;
    lab.state.model = model;
    lab.state.text = text;
    lab.state.options = o;
    const Translator* m = store().get(model);
    EXPECT_NE(m, nullptr) << store().error(model);
    lab.run_if_needed(m);
    return lab;
}

bool has_note(const Translation& t, const std::string& part) {
    for (const std::string& n : t.notes)
        if (n.find(part) != std::string::npos) return true;
    return false;
}

TEST(ViewsLab, PlaylistHoldsEveryStageOfEveryStepInOrder) {
    Lab lab = run_lab("statquest", "let's go");
    ASSERT_TRUE(lab.error.empty()) << lab.error;
    ASSERT_FALSE(lab.result.steps.empty());
    EXPECT_EQ(lab.runs, 1);
    size_t i = 0;
    for (int t = 0; t < static_cast<int>(lab.result.steps.size()); ++t) {
        const std::vector<Stage> st = lab.stages_of(t);
        ASSERT_GE(st.size(), 5u);
        EXPECT_EQ(st.front(), Stage::QueryKeys);  // stage 1
        EXPECT_EQ(st.back(), Stage::Output);      // stage 7
        for (size_t k = 1; k < st.size(); ++k) EXPECT_LT(static_cast<int>(st[k - 1]), static_cast<int>(st[k]));
        for (Stage s : st) {
            ASSERT_LT(i, lab.playlist.size());
            EXPECT_EQ(lab.playlist[i].step, t);
            EXPECT_EQ(lab.playlist[i].stage, s);
            ++i;
        }
    }
    EXPECT_EQ(i, lab.playlist.size());
    EXPECT_EQ(lab.stepper.stage_count(), static_cast<int>(lab.playlist.size()));
    // a second call with nothing changed runs nothing
    lab.run_if_needed(store().get("statquest"));
    EXPECT_EQ(lab.runs, 1);
}

TEST(ViewsLab, SeekClampsAndKeepsStateAndStepperTogether) {
    Lab lab = run_lab("statquest", "let's go");
    const int last = lab.playlist.back().step;
    lab.seek(1000, 1000);  // past the end: the last stage of the last step
    EXPECT_EQ(lab.state.step, last);
    EXPECT_EQ(lab.state.stage, static_cast<int>(lab.stages_of(last).size()) - 1);
    EXPECT_EQ(lab.current(), &lab.playlist.back());
    lab.seek(-5, -5);
    EXPECT_EQ(lab.state.step, 0);
    EXPECT_EQ(lab.state.stage, 0);
    EXPECT_EQ(lab.stepper.stage(), 0);
    lab.seek_step(+1);
    EXPECT_EQ(lab.state.step, std::min(1, last));
    EXPECT_EQ(lab.state.stage, 0);
    lab.stepper.step_forward();
    lab.sync_from_stepper();
    EXPECT_EQ(lab.current()->step, lab.state.step);
    EXPECT_EQ(lab.current()->stage, lab.stages_of(lab.state.step)[lab.state.stage]);
}

TEST(ViewsLab, KeysStepStagesAndTokens) {
    Lab lab = run_lab("statquest", "let's go");
    ASSERT_GE(lab.result.steps.size(), 2u);
    lab.seek(0, 0);
    lab.key(Key::Space, false);
    EXPECT_TRUE(lab.stepper.playing());
    lab.key(Key::Right, false);  // pauses, then one stage on
    EXPECT_FALSE(lab.stepper.playing());
    EXPECT_EQ(lab.state.step, 0);
    EXPECT_EQ(lab.state.stage, 1);
    lab.key(Key::Right, true);   // Shift: the first stage of the next token
    EXPECT_EQ(lab.state.step, 1);
    EXPECT_EQ(lab.state.stage, 0);
    lab.key(Key::Left, false);   // back across the token boundary: the last stage of token 0
    EXPECT_EQ(lab.state.step, 0);
    EXPECT_EQ(lab.state.stage, static_cast<int>(lab.stages_of(0).size()) - 1);
    lab.key(Key::Left, true);
    EXPECT_EQ(lab.state.step, 0);
    EXPECT_EQ(lab.state.stage, 0);
    lab.key(Key::PageDown, false);  // a clicker: as Right
    EXPECT_EQ(lab.state.stage, 1);
    lab.key(Key::PageUp, false);
    EXPECT_EQ(lab.state.stage, 0);
    lab.key(Key::Enter, false);  // not the lab's: nothing moves
    EXPECT_EQ(lab.state.stage, 0);
    EXPECT_EQ(lab.runs, 1);      // keys move the playhead and never re-run
}

TEST(ViewsLab, ANewTextOrModelMarksTheLabDirtyAndReRuns) {
    Lab lab = run_lab("statquest", "let's go");
    lab.set_text("let's go");
    EXPECT_FALSE(lab.dirty);  // the same text: nothing to do
    lab.set_text("to go");
    EXPECT_TRUE(lab.dirty);
    lab.run_if_needed(store().get("statquest"));
    EXPECT_EQ(lab.runs, 2);
    EXPECT_EQ(lab.result.source_tokens, (std::vector<std::string>{"to", "go"}));
    lab.state.block = "dec.1.cross";
    lab.state.options.head_mask["dec.1.cross"] = {false, true, true, true};
    lab.set_model("transformer");
    EXPECT_TRUE(lab.dirty);
    EXPECT_TRUE(lab.state.block.empty());  // a new model forgets the old one's head choice and mask
    EXPECT_TRUE(lab.state.options.head_mask.empty());
}

// LabState -> JSON -> LabState gives the same state, for odd but valid values.
TEST(ViewsLab, StateJsonRoundTripsOddValues) {
    const std::vector<std::string> texts = {"", " ", "let's go", "caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x98\x80", "a&b=c#d%20+",
                                            std::string(300, 'x'), "\"quoted\" \\ back"};
    for (const std::string& text : texts) {
        LabState s;
        s.model = "transformer";
        s.text = text;
        s.step = 7;
        s.stage = 3;
        s.view = "heads";
        s.block = "dec.1.cross";
        s.head = 2;
        s.options.temperature = 0.30000001f;
        s.options.normalizer = Normalizer::TopK;
        s.options.top_k = 3;
        s.options.nudge_position = 1;
        s.options.nudge_amount = -2.5e-3f;
        s.options.head_mask["dec.1.cross"] = {true, false, true, true};
        s.options.backend = Backend::Scalar;
        const json j = lab_state_to_json(s);
        LabState back;
        std::vector<std::string> warnings;
        lab_state_apply_json(back, json::parse(j.dump()), &warnings, kIds);  // through text, as a link does
        EXPECT_TRUE(warnings.empty()) << warnings.front();
        EXPECT_EQ(lab_state_to_json(back), j) << text;
        EXPECT_EQ(back.text, text);
        EXPECT_EQ(back.options.temperature, s.options.temperature);
        EXPECT_EQ(back.options.head_mask, s.options.head_mask);
    }
}

// Bad parts are skipped with a warning naming them; the rest of the state still applies.
TEST(ViewsLab, StateJsonSkipsBadPartsByName) {
    struct Case {
        json in;
        std::string warning;
    };
    const std::vector<Case> cases = {
        {json::array(), "state must be an object"},
        {{{"text", 42}}, "ignored 'text': wrong type"},
        {{{"step", "two"}}, "ignored 'step': wrong type"},
        {{{"step", true}}, "ignored 'step': wrong type"},
        // checked before converting: 3e24 into an int is undefined behaviour (found by fuzz_lab_state)
        {{{"step", 3.3e24}}, "ignored 'step': out of range"},
        {{{"stage", 4294967296LL}}, "ignored 'stage': out of range"},
        {{{"head", 1.5}}, "ignored 'head': not a whole number"},
        {{{"options", {{"temperature", 1e300}}}}, "temperature must be in [0.01, 100]"},
        {{{"options", {{"nudge_amount", 1e300}}}}, "ignored 'nudge_amount': out of range"},
        {{{"view", "nowhere"}}, "unknown view 'nowhere'"},
        {{{"view", "sensor"}}, "unknown view 'sensor'"},  // not in this test's views table
        {{{"options", 3}}, "options must be an object"},
        {{{"options", {{"normalizer", "sideways"}}}}, "unknown normalizer 'sideways' (one of " + normalizer_names() + ")"},
        {{{"options", {{"scaling", "maybe"}}}}, "unknown scaling 'maybe'"},
        {{{"options", {{"backend", "quantum"}}}}, "unknown backend 'quantum'"},
        {{{"options", {{"temperature", 0.0}}}}, "temperature must be in [0.01, 100]"},
        {{{"options", {{"temperature", 1e9}}}}, "temperature must be in [0.01, 100]"},
        {{{"options", {{"head_mask", {{"dec.1.cross", "on"}}}}}}, "ignored head_mask 'dec.1.cross'"},
    };
    for (const Case& c : cases) {
        LabState s;
        s.text = "kept";
        const json before = lab_state_to_json(s);
        std::vector<std::string> warnings;
        json in = c.in;
        if (in.is_object()) in["model"] = "bahdanau";  // a good key beside the bad one still applies
        lab_state_apply_json(s, in, &warnings, kIds);
        ASSERT_EQ(warnings.size(), 1u) << in.dump();
        EXPECT_EQ(warnings[0], c.warning) << in.dump();
        EXPECT_EQ(s.text, "kept");
        if (in.is_object()) EXPECT_EQ(s.model, "bahdanau");
        json after = lab_state_to_json(s);
        after["model"] = before["model"];
        EXPECT_EQ(after, before) << in.dump();
    }
    // a NaN-free nudge: a non-finite amount is not taken, and top_k below 1 becomes 1
    LabState s;
    lab_state_apply_json(s, {{"options", {{"top_k", -4}}}}, nullptr, kIds);
    EXPECT_EQ(s.options.top_k, 1);
}

TEST(ViewsLab, TweaksReRunTheEngineAndBringTheirNotes) {
    Lab lab = run_lab("statquest", "let's go");
    const Translation soft = lab.result;
    EXPECT_FALSE(has_note(soft, "hard attention"));
    lab.state.options.normalizer = Normalizer::Hard;
    lab.dirty = true;
    lab.run_if_needed(store().get("statquest"));
    EXPECT_EQ(lab.runs, 2);
    EXPECT_TRUE(has_note(lab.result, "hard attention")) << json(lab.result.notes).dump();
    // every decoder step's weights are one-hot under hard attention
    for (const DecodeStep& st : lab.result.steps) {
        ASSERT_FALSE(st.attention.empty());
        const Mat& w = st.attention.front().weights;
        int ones = 0;
        for (Eigen::Index k = 0; k < w.size(); ++k) ones += w.data()[k] == 1.0f;
        EXPECT_EQ(ones, 1);
    }
    lab.state.options.normalizer = Normalizer::Soft;
    lab.state.options.nudge_position = 99;
    lab.state.options.nudge_amount = 1.0f;
    lab.dirty = true;
    lab.run_if_needed(store().get("statquest"));
    EXPECT_TRUE(has_note(lab.result, "nudge position 99 is past the source")) << json(lab.result.notes).dump();
    EXPECT_EQ(lab.result.output_text, soft.output_text);  // nothing nudged: the same translation
}

TEST(ViewsLab, HeadAblationStateAndItsRun) {
    RunOptions o;
    set_head_on(o, "dec.1.cross", 4, 2, false);
    ASSERT_EQ(o.head_mask.at("dec.1.cross"), (std::vector<bool>{true, true, false, true}));
    EXPECT_EQ(ablated_heads(o), std::vector<std::string>{"dec.1.cross/2"});
    set_block_on(o, "enc.0.self", 4, false);
    EXPECT_EQ(ablated_heads(o).size(), 5u);
    set_block_on(o, "enc.0.self", 4, true);  // all on again: the block leaves the mask
    EXPECT_EQ(o.head_mask.count("enc.0.self"), 0u);
    set_head_on(o, "dec.1.cross", 4, 2, true);
    EXPECT_TRUE(o.head_mask.empty());

    set_head_on(o, "dec.1.cross", 4, 0, false);
    Lab lab = run_lab("transformer", "the cat is on the table", o);
    ASSERT_TRUE(lab.error.empty()) << lab.error;
    EXPECT_FALSE(lab.unablated.steps.empty());  // the all-heads-on run, to compare with
    const std::vector<HeadBlock> blocks = head_blocks(lab.result, &store().get("transformer")->target_vocab(), 0);
    bool seen = false;
    for (const HeadBlock& b : blocks) {
        if (b.name != "dec.1.cross") continue;
        seen = true;
        ASSERT_EQ(b.ablated.size(), 4u);
        EXPECT_TRUE(b.ablated[0]);
        EXPECT_FALSE(b.ablated[1]);
        // a switched-off head still records the weights it computed (its output is what is dropped)
        float sum = 0;
        for (int j = 0; j < static_cast<int>(b.col_labels.size()); ++j) sum += b.weight(0, 0, j);
        EXPECT_NEAR(sum, 1.0f, 1e-5f);
    }
    EXPECT_TRUE(seen);
    const json h = heads_to_json(lab, 0);
    EXPECT_EQ(h["ablated"], json::array({"dec.1.cross/0"}));
    EXPECT_FALSE(h["original"].is_null());
}

TEST(ViewsLab, HeatmapFollowsThePlayhead) {
    Lab lab = run_lab("statquest", "let's go");
    lab.seek(0, 0);  // stage 1 of step 0: no weights known yet
    Heatmap h = lab_heatmap(lab);
    ASSERT_EQ(static_cast<Eigen::Index>(h.col_labels.size()), lab.result.steps[0].attention.front().weights.cols());
    ASSERT_EQ(h.row_labels.size(), 1u);
    EXPECT_EQ(h.row_labels[0], "?");
    for (const auto& w : h.weights[0]) EXPECT_FALSE(w.has_value());
    lab.seek(0, 1000);  // the output stage of step 0: its word and weights are known
    h = lab_heatmap(lab);
    EXPECT_EQ(h.row_labels[0], lab.result.steps[0].word);
    const Mat& w = lab.result.steps[0].attention.front().weights;
    float sum = 0;
    for (size_t j = 0; j < h.col_labels.size(); ++j) {
        ASSERT_TRUE(h.weights[0][j].has_value());
        EXPECT_EQ(*h.weights[0][j], w(0, static_cast<Eigen::Index>(j)));
        sum += *h.weights[0][j];
    }
    EXPECT_NEAR(sum, 1.0f, 1e-5f);
    const json j = heatmap_to_json(h);
    EXPECT_EQ(j["weights"].size(), h.weights.size());
    EXPECT_TRUE(j["weights"][0][0].is_number());
}

TEST(ViewsLab, CsvHoldsEveryValueOfTheStep) {
    Lab empty;
    std::string csv = lab_trace_csv(empty);
    EXPECT_EQ(csv, "stage,tensor,row,column,row_label,column_label,value\n");  // headers only: nothing ran
    Lab lab = run_lab("statquest", "let's go");
    lab.seek(0, 0);
    csv = lab_trace_csv(lab);
    std::istringstream in(csv);
    std::string line;
    std::getline(in, line);
    EXPECT_EQ(line, "stage,tensor,row,column,row_label,column_label,value");
    const AttentionTrace& t = lab.result.steps[0].attention.front();
    int weights = 0, logits = 0;
    while (std::getline(in, line)) {
        if (line.rfind("softmax,weights,", 0) == 0) {
            const std::string value = line.substr(line.find_last_of(',') + 1);
            EXPECT_EQ(std::stof(value), t.weights(0, weights)) << line;
            ++weights;
        }
        if (line.rfind("output,logits,", 0) == 0) ++logits;
    }
    EXPECT_EQ(weights, t.weights.cols());
    EXPECT_EQ(logits, static_cast<int>(lab.result.steps[0].logits.size()));
}


// A model file of the visitor's (ModelStore::add_file): loaded under its stem (with "-file" and a number
// when a model has that name), listed after the models table, and a bad file refused by name with
// nothing changed.
TEST(ViewsModelStore, AddFileLoadsRefusesAndNames) {
    ModelStore s(std::string(ATTN_ASSETS_DIR) + "/models");
    const std::vector<uint8_t> bytes = safetensors_serialize(safetensors_load(std::string(ATTN_ASSETS_DIR) + "/models/statquest-toy.safetensors"));
    const size_t shipped = s.rows().size();
    EXPECT_EQ(s.add_file("My Toy!.safetensors", bytes.data(), bytes.size()), "my-toy");
    EXPECT_EQ(s.add_file("statquest-toy.safetensors", bytes.data(), bytes.size()), "statquest-toy-file");
    EXPECT_EQ(s.add_file("statquest-toy.safetensors", bytes.data(), bytes.size()), "statquest-toy-file-2");
    EXPECT_EQ(s.add_file(".safetensors", bytes.data(), bytes.size()), "model");
    const std::vector<ModelRow> rows = s.rows();
    ASSERT_EQ(rows.size(), shipped + 4);
    const ModelRow& r = rows[shipped + 1];
    EXPECT_TRUE(r.from_file);
    EXPECT_EQ(r.file, "statquest-toy.safetensors");
    EXPECT_EQ(r.architecture, "seq2seq_lstm");
    ASSERT_NE(s.ready("statquest-toy-file"), nullptr);
    EXPECT_EQ(s.get("statquest-toy-file")->translate("let's go", RunOptions{}).output_text, "vamos");
    EXPECT_TRUE(s.known("statquest-toy-file-2"));
    EXPECT_EQ(s.description("statquest-toy-file"), r.description);  // without building rows()
    EXPECT_EQ(s.description("statquest"), s.rows()[0].description);
    EXPECT_EQ(s.description("nosuchmodel"), "");

    const auto refused = [&](const std::string& name, const std::vector<uint8_t>& b, const std::string& why) {
        try {
            s.add_file(name, b.data(), b.size());
            ADD_FAILURE() << name << " was loaded";
        } catch (const FormatError& e) {
            EXPECT_NE(std::string(e.what()).find(name), std::string::npos) << e.what();
            EXPECT_NE(std::string(e.what()).find(why), std::string::npos) << e.what();
        }
    };
    refused("cut.safetensors", std::vector<uint8_t>(bytes.begin(), bytes.end() - 9), "cut.safetensors");
    refused("notes.safetensors", std::vector<uint8_t>{'h', 'i', '\n'}, "notes.safetensors");
    SafetensorsFile sensor = safetensors_load(std::string(ATTN_ASSETS_DIR) + "/models/sensor.safetensors");
    sensor.source = "sensor.safetensors";
    refused("sensor.safetensors", safetensors_serialize(sensor), "sensor_lstm_pool");
    try {  // over the limit: refused by its size alone (the bytes are not read)
        s.add_file("huge.safetensors", nullptr, kMaxModelFileBytes + 1);
        ADD_FAILURE() << "an oversized file was loaded";
    } catch (const FormatError& e) {
        EXPECT_STREQ(e.what(), "huge.safetensors is larger than 64 MB, the most the page loads of a model file");
    }
    EXPECT_EQ(s.rows().size(), shipped + 4);  // nothing was added
}

// A loaded model written back (translator_to_file, what "Download model" saves): every shipped model's
// file, tensor for tensor and bit for bit, with the same metadata.
TEST(ViewsModelStore, EveryModelWritesBackItsFile) {
    for (const ZooEntry& e : translation_models()) {
        const SafetensorsFile shipped = safetensors_load(std::string(ATTN_ASSETS_DIR) + "/models/" + e.name + ".safetensors");
        const std::vector<uint8_t> bytes = safetensors_serialize(translator_to_file(*load_translator(shipped)));
        const SafetensorsFile back = safetensors_parse(bytes.data(), bytes.size(), "back.safetensors");
        EXPECT_EQ(back.metadata, shipped.metadata) << e.name;
        ASSERT_EQ(back.tensors.size(), shipped.tensors.size()) << e.name;
        for (const StoredTensor& t : shipped.tensors) {
            const StoredTensor* u = back.find(t.name);
            ASSERT_NE(u, nullptr) << e.name << " " << t.name;
            EXPECT_TRUE(u->dtype == t.dtype && u->shape == t.shape && u->bytes == t.bytes) << e.name << " " << t.name;
        }
    }
}

}  // namespace
}  // namespace attn::views
