// test_views_narration.cpp: the live region's sentences (views/narration.h) on a shipped model: at every
// stage of every token they say where the playhead is and the trace's own numbers (two decimals, as the
// canvas prints them); brief says the headline only, off says nothing; Spanish reads in Spanish; the
// verbosity table parses its own names. Runs natively and under node (wasm).
#include "views/narration.h"
#include "views/lab_export.h"
#include "views/model_store.h"
#include "views/strings.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace attn::views {
namespace {

ModelStore& narration_store() {
    static ModelStore s(std::string(ATTN_ASSETS_DIR) + "/models");
    return s;
}

std::string two(float v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", v);
    return buf;
}

TEST(Narration, EveryStageSaysWhereAndTheTracesNumbers) {
    set_lang(Lang::En);
    Lab lab;
    lab.state.model = "statquest";
    lab.state.text = "the red house";
    lab.run_if_needed(narration_store().get("statquest"));
    ASSERT_TRUE(lab.error.empty()) << lab.error;
    ASSERT_FALSE(lab.result.steps.empty());
    for (int t = 0; t < static_cast<int>(lab.result.steps.size()); ++t) {
        const std::vector<Stage> stages = lab.stages_of(t);
        for (int k = 0; k < static_cast<int>(stages.size()); ++k) {
            lab.seek(t, k);
            const std::string full = lab_narration(lab, Verbosity::Full), brief = lab_narration(lab, Verbosity::Brief);
            const StageRow& row = kStages[static_cast<int>(stages[k])];
            const std::string where = "Token " + std::to_string(t + 1) + ", stage " + row.number + ", ";
            EXPECT_EQ(full.rfind(where, 0), 0u) << full;
            EXPECT_EQ(brief.rfind(where, 0), 0u) << brief;
            EXPECT_LE(brief.size(), full.size());
            const AttentionTrace* tr = lab.trace_at(t);
            ASSERT_NE(tr, nullptr);
            const Eigen::Index r = tr->weights.rows() - 1;
            if (stages[k] == Stage::Softmax) {
                for (Eigen::Index j = 0; j < tr->weights.cols(); ++j) {
                    const std::string pair = lab_key_label(lab, *tr, static_cast<int>(j)) + " " + two(tr->weights(r, j));
                    EXPECT_NE(full.find(pair), std::string::npos) << pair << " in " << full;
                }
                EXPECT_NE(brief.find("The model looks at "), std::string::npos) << brief;
            }
            if (stages[k] == Stage::Scores)
                for (Eigen::Index j = 0; j < tr->scores.cols(); ++j)
                    EXPECT_NE(full.find(two(tr->scores(r, j))), std::string::npos) << full;
            if (stages[k] == Stage::Output) {
                const DecodeStep& s = lab.result.steps[t];
                EXPECT_NE(full.find("chooses " + s.word + ", with probability " + two(s.prob)), std::string::npos) << full;
            }
        }
    }
    EXPECT_EQ(lab_narration(lab, Verbosity::Off), "");
}

TEST(Narration, SpeaksTheInterfacesLanguage) {
    Lab lab;
    lab.state.model = "statquest";
    lab.state.text = "let's go";
    lab.run_if_needed(narration_store().get("statquest"));
    lab.seek(0, 0);
    set_lang(Lang::Es);
    const std::string es = lab_narration(lab, Verbosity::Full);
    set_lang(Lang::En);
    EXPECT_EQ(es.rfind("Token 1, etapa 1, consulta y claves:", 0), 0u) << es;
}

TEST(Narration, NothingToSayBeforeARun) {
    Lab lab;
    EXPECT_EQ(lab_narration(lab, Verbosity::Full), "");
}

TEST(Narration, VerbosityTableParsesItsNames) {
    for (const VerbosityRow& r : verbosities()) {
        Verbosity v;
        ASSERT_TRUE(parse_verbosity(r.name, &v)) << r.name;
        EXPECT_EQ(v, r.verbosity);
        EXPECT_STREQ(verbosity_name(v), r.name);
        EXPECT_STRNE(tr(r.text_id), r.text_id) << "a string for " << r.text_id;
    }
    Verbosity v;
    EXPECT_FALSE(parse_verbosity("loud", &v));
}

}  // namespace
}  // namespace attn::views
