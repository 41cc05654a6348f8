// test_views_compare.cpp: the Compare view's state without ImGui or a browser: each column is the
// engine's own translation of the lab's text (the same output and weights as Translator::translate),
// the update re-runs only what changed, a Transformer column shows a layer's head or their mean, the
// playhead steps every column together, differences are found, and the models come from the lab's
// state (links, setState). Runs natively and as wasm, on the shipped models.
#include "core/safetensors.h"
#include "models/model_zoo.h"
#include "views/compare_view.h"
#include "views/session.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace attn::views {
namespace {

std::string models_dir() { return std::string(ATTN_ASSETS_DIR) + "/models"; }

TEST(ViewsCompare, EachColumnIsTheEnginesTranslationOfTheLabsText) {
    Session s(models_dir());
    s.lab.state.text = "the red house";
    compare_update(s);
    const CompareViewState& v = s.view<CompareViewState>();
    ASSERT_EQ(v.columns.size(), 3u);
    EXPECT_EQ(v.runs, 3);
    for (const CompareColumn& c : v.columns) {
        ASSERT_TRUE(c.has_run) << c.model << ": " << c.status;
        const Translation want = s.store.get(c.model)->translate("the red house", RunOptions{});
        EXPECT_EQ(c.result.output_text, want.output_text) << c.model;
        ASSERT_EQ(c.alignment.rows(), static_cast<long>(want.steps.size())) << c.model;
        ASSERT_EQ(c.alignment.cols(), static_cast<long>(want.source_tokens.size())) << c.model;
        for (int r = 0; r < c.alignment.rows(); ++r) {
            EXPECT_NEAR(c.alignment.row(r).sum(), 1.0f, 1e-4f) << c.model << " row " << r;  // a mean of distributions
            if (want.steps[r].attention.size() == 1) {  // an RNN: its one call's weights, as recorded
                for (int k = 0; k < c.alignment.cols(); ++k)
                    EXPECT_EQ(c.alignment(r, k), want.steps[r].attention[0].weights(0, k));
            }
        }
    }
    compare_update(s);
    EXPECT_EQ(v.runs, 3);  // nothing changed: nothing runs
    s.lab.state.text = "the cat";
    compare_update(s);
    EXPECT_EQ(v.runs, 6);
}

TEST(ViewsCompare, ATransformerColumnShowsOneHeadOrTheMeanOfALayer) {
    Session s(models_dir());
    s.lab.state.compare = {"statquest", "transformer"};
    compare_update(s);
    CompareViewState& v = s.view<CompareViewState>();
    ASSERT_EQ(v.columns.size(), 2u);
    const CompareColumn& t = v.columns[1];
    ASSERT_TRUE(t.has_run) << t.status;
    ASSERT_GT(t.layers, 0);
    ASSERT_GT(t.heads, 1);
    const Mat mean = t.alignment;
    std::vector<Mat> heads;
    for (int h = 0; h < t.heads; ++h) {
        compare_apply(s, {CompareAsk::SetHead, 1, h, ""});
        heads.push_back(v.columns[1].alignment);
    }
    Mat sum = Mat::Zero(mean.rows(), mean.cols());
    for (const Mat& h : heads) sum += h;
    EXPECT_LT((sum / static_cast<float>(heads.size()) - mean).cwiseAbs().maxCoeff(), 1e-6f);
    // Head h is the recorded cross-attention of the last layer, head h, the step's own query row.
    const DecodeStep& step0 = v.columns[1].result.steps[0];
    for (const AttentionTrace& a : step0.attention)
        if (a.form == "cross" && a.layer == t.layers - 1 && a.head == t.heads - 1) {
            for (int k = 0; k < heads.back().cols(); ++k) EXPECT_EQ(heads.back()(0, k), a.weights(a.weights.rows() - 1, k));
        }
    const long runs = v.runs;
    compare_apply(s, {CompareAsk::SetLayer, 1, 0, ""});
    EXPECT_EQ(v.columns[1].layer, 0);
    EXPECT_EQ(v.runs, runs);  // choosing a layer or head rearranges recorded weights: no engine run
}

TEST(ViewsCompare, ThePlayheadStepsTogetherAndDifferencesAreNamed) {
    Session s(models_dir());
    s.lab.state.text = "let's go";
    s.lab.state.compare = {"statquest", "statquest-toy"};
    compare_update(s);
    CompareViewState& v = s.view<CompareViewState>();
    const int steps = compare_steps(v);
    ASSERT_GT(steps, 0);
    compare_key(s, Key::Right);
    EXPECT_EQ(v.step, std::min(1, steps - 1));
    compare_apply(s, {CompareAsk::Step, 0, 1000, ""});
    EXPECT_EQ(v.step, steps - 1);  // clamped to the longest output
    compare_key(s, Key::Left);
    compare_apply(s, {CompareAsk::Step, 0, -5, ""});
    EXPECT_EQ(v.step, 0);

    // Two columns of the same model agree everywhere; a different word is named.
    s.lab.state.compare = {"statquest", "statquest"};
    compare_update(s);
    EXPECT_TRUE(compare_diff(v, 0).notes.empty());
    v.columns[1].result.steps[0].word = "otra";
    const CompareDiff d = compare_diff(v, 0);
    ASSERT_EQ(d.notes.size(), 1u);
    EXPECT_NE(d.notes[0].find("says 'otra'"), std::string::npos) << d.notes[0];
}

TEST(ViewsCompare, ModelsComeFromTheLabStateAndBadOnesAreRefused) {
    LabState st;
    std::vector<std::string> warnings;
    lab_state_apply_json(st, {{"compare", {"hindi", "bahdanau"}}}, &warnings, {"compare"});
    EXPECT_TRUE(warnings.empty());
    EXPECT_EQ(st.compare, (std::vector<std::string>{"hindi", "bahdanau"}));
    lab_state_apply_json(st, {{"compare", {"hindi"}}}, &warnings, {"compare"});
    lab_state_apply_json(st, {{"compare", {"hindi", "nosuch"}}}, &warnings, {"compare"});
    ASSERT_EQ(warnings.size(), 2u);
    EXPECT_EQ(warnings[1], "compare: unknown model 'nosuch'");
    EXPECT_EQ(st.compare, (std::vector<std::string>{"hindi", "bahdanau"}));  // kept

    Session s(models_dir());
    compare_update(s);
    EXPECT_THROW(set_compare_answer(s, {{"step", "x"}}), std::invalid_argument);
    EXPECT_THROW(set_compare_answer(s, {{"head", 0}}), std::invalid_argument);
    EXPECT_THROW(set_compare_answer(s, {{"column", 9}, {"head", 0}}), std::invalid_argument);
    set_compare_answer(s, {{"column", 2}, {"head", 1}});
    EXPECT_EQ(s.view<CompareViewState>().columns[2].head, 1);
    const nlohmann::json a = compare_answer(s, nlohmann::json::object());
    EXPECT_EQ(a["columns"].size(), 3u);
    EXPECT_EQ(a["columns"][2]["head"], 1);
    EXPECT_EQ(a["columns"][0]["top"].size(), static_cast<size_t>(kCompareTopWords));
}

// A model file the visitor gave the page is a choice of every column, as in the lab's picker; a name that
// is neither a row of the models table nor a file is not taken.
TEST(ViewsCompare, AColumnMayShowAModelFileOfTheVisitors) {
    Session s(models_dir());
    const std::vector<uint8_t> bytes = safetensors_serialize(safetensors_load(models_dir() + "/hindi.safetensors"));
    const std::string name = s.store.add_file("My Hindi.safetensors", bytes.data(), bytes.size());
    s.lab.state.text = "mai ghar ja raha hoon";
    compare_update(s);
    const std::vector<ModelRow> choices = s.store.rows();  // what each column's picker lists
    ASSERT_FALSE(choices.empty());
    EXPECT_EQ(choices.back().name, name);  // after the models table's rows
    EXPECT_TRUE(choices.back().from_file);
    compare_apply(s, {CompareAsk::SetModel, 1, 0, name});
    EXPECT_EQ(s.lab.state.compare[1], name);
    compare_apply(s, {CompareAsk::SetModel, 1, 0, "nosuch"});
    EXPECT_EQ(s.lab.state.compare[1], name);
    // setState and the page's link printing read "compare" with the store's names; a link read alone
    // (or attn_cli) knows the models table's only.
    LabState st;
    std::vector<std::string> warnings;
    lab_state_apply_json(st, {{"compare", {"statquest", name}}}, &warnings, {"compare"});
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_EQ(warnings[0], "compare: unknown model '" + name + "'");
    lab_state_apply_json(st, {{"compare", {"statquest", name}}}, &warnings, {"compare"},
                         [&s](const std::string& m) { return s.store.known(m); });
    EXPECT_EQ(warnings.size(), 1u);
    EXPECT_EQ(st.compare, (std::vector<std::string>{"statquest", name}));
    compare_update(s);
    const CompareColumn& c = s.view<CompareViewState>().columns[1];
    ASSERT_TRUE(c.has_run) << c.status;
    EXPECT_EQ(c.result.output_text, s.store.get("hindi")->translate("mai ghar ja raha hoon", RunOptions{}).output_text);
}

}  // namespace
}  // namespace attn::views
