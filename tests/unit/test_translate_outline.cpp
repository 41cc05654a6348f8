// test_translate_outline.cpp: the one policy for options out of range (models/translate_outline.h),
// for every model of the models table without naming one: the same odd options give the same notes
// on every model (the policy's own words), runs rather than refuses, and the same notes and tokens on
// the scalar and SIMD paths. The WebGPU side: tests/e2e/webgpu.test.mjs.
#include "core/safetensors.h"
#include "models/model_zoo.h"
#include "models/translate_outline.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

namespace attn {
namespace {

std::vector<RunOptions> odd_options() {
    std::vector<RunOptions> all;
    RunOptions o;
    o.temperature = -1.0f;
    o.normalizer = Normalizer::TopK;
    o.top_k = 0;
    o.max_output_tokens = 0;
    o.nudge_position = 99;
    o.nudge_amount = 1.0f;
    all.push_back(o);
    o = RunOptions{};
    o.temperature = std::nanf("");
    o.max_output_tokens = 100000;
    o.nudge_position = 0;
    o.nudge_amount = std::nanf("");
    all.push_back(o);
    o = RunOptions{};
    o.temperature = 1e-9f;
    all.push_back(o);
    return all;
}

bool has(const std::vector<std::string>& notes, const std::string& n) {
    return std::find(notes.begin(), notes.end(), n) != notes.end();
}

// A model says how it was trained (TrainedNormalizer); a run with another normalizer, or another k, says so
// in the note, naming both; a run as trained says nothing.
TEST(TranslateOutline, TheNormalizerNoteNamesHowTheModelWasTrained) {
    EXPECT_EQ(normalizer_note(Normalizer::Soft, 2), "");
    EXPECT_EQ(normalizer_note(Normalizer::Sparsemax, 2),
              "sparsemax attention (" + std::string(normalizer_info(Normalizer::Sparsemax).summary) +
                  "): the model was trained with soft attention; sparsemax is shown untrained");
    const TrainedNormalizer sparse{Normalizer::Sparsemax, 2};
    EXPECT_EQ(normalizer_note(Normalizer::Sparsemax, 2, sparse), "");
    const Said soft = normalizer_said(Normalizer::Soft, 2, sparse);
    EXPECT_EQ(soft.id, "note.engine.normalizer_as_trained");
    EXPECT_NE(soft.text.find("soft attention ("), std::string::npos) << soft.text;
    EXPECT_NE(soft.text.find("the model was trained with sparsemax attention; soft is shown untrained"), std::string::npos)
        << soft.text;
    EXPECT_EQ(soft.args, (std::vector<std::string>{"@norm.soft.label", "@norm.soft.summary", "@norm.sparsemax.label", "soft"}));
    // top-k: the same normalizer with another k is another variant; the note gives both k
    const TrainedNormalizer top2{Normalizer::TopK, 2};
    EXPECT_EQ(normalizer_note(Normalizer::TopK, 2, top2), "");
    const Said top3 = normalizer_said(Normalizer::TopK, 3, top2);
    EXPECT_EQ(top3.id, "note.engine.normalizer_as_trained_k");
    EXPECT_NE(top3.text.find("top-k (k = 3) attention"), std::string::npos) << top3.text;
    EXPECT_NE(top3.text.find("trained with top-k (k = 2) attention"), std::string::npos) << top3.text;
    // resolve_run_options passes it on: one note, the same text
    RunOptions o;
    std::vector<std::string> notes;
    resolve_run_options(o, 3, notes, sparse);
    EXPECT_EQ(notes, std::vector<std::string>{soft.text});
    notes.clear();
    o.normalizer = Normalizer::Sparsemax;
    resolve_run_options(o, 3, notes, sparse);
    EXPECT_TRUE(notes.empty());
}

TEST(TranslateOutline, ThePolicyReplacesEveryOddOptionWithANote) {
    std::vector<std::string> notes;
    const RunOptions r = resolve_run_options(odd_options()[0], 3, notes);
    EXPECT_EQ(r.temperature, 1.0f);
    EXPECT_EQ(r.top_k, 1);
    EXPECT_EQ(r.max_output_tokens, 1);
    EXPECT_EQ(r.nudge_position, -1);
    EXPECT_EQ(notes.size(), 4u + 1u);  // four replacements and the top-k note
    const RunOptions r2 = resolve_run_options(odd_options()[1], 3, notes);
    EXPECT_EQ(r2.temperature, 1.0f);
    EXPECT_EQ(r2.max_output_tokens, kMaxOutputTokens);
    EXPECT_EQ(r2.nudge_position, -1);
    notes.clear();
    EXPECT_EQ(resolve_run_options(odd_options()[2], 3, notes).temperature, kMinTemperature);
    notes.clear();
    const RunOptions fine = resolve_run_options(RunOptions{}, 3, notes);
    EXPECT_TRUE(notes.empty());
    EXPECT_EQ(fine.temperature, 1.0f);
}

TEST(TranslateOutline, EveryModelRunsOddOptionsWithThePolicysNotesOnScalarAndSimd) {
    for (const ZooEntry& e : translation_models()) {
        SCOPED_TRACE(e.name);
        const std::unique_ptr<Translator> m =
            load_translator(safetensors_load(std::string(ATTN_ASSETS_DIR "/") + model_file(e)));
        for (const RunOptions& odd : odd_options()) {
            Translation t[2];
            for (int b = 0; b < 2; ++b) {
                RunOptions o = odd;
                o.backend = b ? Backend::Simd : Backend::Scalar;
                t[b] = m->translate(e.example, o);
            }
            EXPECT_FALSE(t[0].steps.empty()) << "an odd option refused the run";
            EXPECT_EQ(t[0].notes, t[1].notes);
            EXPECT_EQ(t[0].output_tokens, t[1].output_tokens);
            std::vector<std::string> policy;
            resolve_run_options(odd, static_cast<int>(t[0].source_ids.size()), policy);
            for (const std::string& n : policy) EXPECT_TRUE(has(t[0].notes, n)) << "missing the note: " << n;
        }
        // the outline's source: unknown words, the cut, an empty input
        Translation empty = m->translate("   ", RunOptions{});
        EXPECT_TRUE(empty.steps.empty());
        EXPECT_TRUE(has(empty.notes, "empty input: there is nothing to translate"));
        std::string longer;
        for (int i = 0; i < m->max_source_tokens() + 3; ++i) longer += std::string(e.example) + " ";
        const Translation cut = m->translate(longer, RunOptions{});
        EXPECT_TRUE(cut.truncated);
        EXPECT_EQ(static_cast<int>(cut.source_ids.size()), m->max_source_tokens());
    }
}

}  // namespace
}  // namespace attn
