// test_attention_trace.cpp: what an attention call records (trace/trace.h) equals an independent
// recomputation of every stage in double; labels say which options produced it; recording changes
// nothing in the result.
#include "attention_reference.h"
#include "core/rng.h"
#include "nn/attention.h"
#include "trace/trace.h"

#include <gtest/gtest.h>

#include <vector>

#include <cmath>
#include <limits>
#include <set>
#include <string>

namespace attn {
namespace {

using testing::max_abs_diff;

// Every row of the score functions' table (nn/attention_scores.h): a new one is tested without an edit.
const std::vector<ScoreFn> kAllScoreFns = [] {
    std::vector<ScoreFn> all;
    for (const ScoreFnInfo& f : score_fns()) all.push_back(f.id);
    return all;
}();

AttentionOptions options_set(int which, ScoreFn f) {
    AttentionOptions o;
    o.score = f;
    if (which == 0) {  // soft, causal, a temperature
        o.mask = MaskKind::Causal;
        o.temperature = 0.6f;
        o.query_offset = 1;
    } else if (which == 1) {  // top-k in a local window, forced scaling
        o.normalizer = Normalizer::TopK;
        o.top_k = 2;
        o.mask = MaskKind::Window;
        o.window = 1;
        o.scaling = Scaling::On;
    } else {  // hard, global
        o.normalizer = Normalizer::Hard;
    }
    return o;
}

TEST(AttentionTrace, EveryStageEqualsAnIndependentRecomputation) {
    for (ScoreFn f : kAllScoreFns)
        for (int which = 0; which < 3; ++which) {
            const AttentionOptions o = options_set(which, f);
            SCOPED_TRACE(std::string(score_fn_name(f)) + " option set " + std::to_string(which));
            Rng rng(seed_from_name(score_fn_name(f)) + which);
            const int Tq = 3, Tk = 5, Dq = 4, Dk = score_fn_is_parameter_free(f) ? 4 : 6, Dv = 3;
            const ScoreWeights w = score_weights_init(rng, f, Dq, Dk, 5, 8);
            const Mat Q = rng.normal_mat(Tq, Dq), K = rng.normal_mat(Tk, Dk), V = rng.normal_mat(Tk, Dv);
            Trace trace;
            const Mat C = attention_forward(o, w, Q, K, V, nullptr, &trace, TraceTag{"cross", 3, 1});
            ASSERT_EQ(trace.calls.size(), 1u);
            const AttentionTrace& t = trace.calls[0];
            const testing::RefAttention r = testing::ref_attention(o, w, Q, K, V);

            // labels
            EXPECT_EQ(t.kind, score_fn_name(f));
            EXPECT_EQ(t.form, "cross");
            EXPECT_EQ(t.layer, 3);
            EXPECT_EQ(t.head, 1);
            EXPECT_EQ(t.normalizer, normalizer_name(o.normalizer));
            EXPECT_EQ(t.mask_kind, mask_kind_name(o.mask));
            EXPECT_EQ(t.top_k, o.normalizer == Normalizer::TopK ? o.top_k : 0);
            EXPECT_EQ(t.window, o.mask == MaskKind::Window ? o.window : 0);
            EXPECT_EQ(t.query_offset, o.query_offset);
            EXPECT_EQ(t.temperature, o.temperature);
            EXPECT_NEAR(t.scale, r.scale, 1e-7);
            EXPECT_FALSE(t.ablated);
            // 1. query and keys: the inputs as given
            EXPECT_EQ((t.query - Q).cwiseAbs().maxCoeff(), 0.0f);
            EXPECT_EQ((t.keys - K).cwiseAbs().maxCoeff(), 0.0f);
            EXPECT_EQ((t.values - V).cwiseAbs().maxCoeff(), 0.0f);
            // 2. scores, 3. scale (tolerance: float sums of <= 6 products of N(0,1) numbers)
            EXPECT_LT(max_abs_diff(t.scores, r.scores), 1e-5);
            EXPECT_LT(max_abs_diff(t.scaled, r.scaled), 2e-5);
            // 4. mask: 0 where visible, -inf elsewhere; masked = scaled + mask
            if (o.mask == MaskKind::None) {
                EXPECT_EQ(t.mask.size(), 0);
                EXPECT_EQ((t.masked - t.scaled).cwiseAbs().maxCoeff(), 0.0f);
            } else {
                ASSERT_EQ(t.mask.rows(), Tq);
                ASSERT_EQ(t.mask.cols(), Tk);
                for (int i = 0; i < Tq; ++i)
                    for (int j = 0; j < Tk; ++j) {
                        EXPECT_EQ(t.mask(i, j), r.keep[i][j] ? 0.0f : -std::numeric_limits<float>::infinity());
                        EXPECT_EQ(t.masked(i, j), r.keep[i][j] ? t.scaled(i, j) : t.mask(i, j));
                    }
            }
            // 5. softmax: the reference weights; rows sum to 1
            EXPECT_LT(max_abs_diff(t.weights, r.weights), 1e-5);
            for (int i = 0; i < Tq; ++i) EXPECT_NEAR(t.weights.row(i).sum(), 1.0f, 1e-6f) << "row " << i;
            // 6. context
            EXPECT_LT(max_abs_diff(t.context, r.context), 1e-5);
            EXPECT_EQ((t.context - C).cwiseAbs().maxCoeff(), 0.0f);
            // additive and concat record their energies
            if (f == ScoreFn::Additive || f == ScoreFn::Concat) {
                ASSERT_EQ(t.energies.size(), size_t(Tq));
                for (int i = 0; i < Tq; ++i) EXPECT_LT(max_abs_diff(t.energies[i], r.energies[i]), 1e-6);
            } else {
                EXPECT_TRUE(t.energies.empty());
            }
        }
}

TEST(AttentionTrace, RecordingChangesNothingAndAppendsInCallOrder) {
    Rng rng(81);
    const Mat Q = rng.normal_mat(2, 4), K = rng.normal_mat(6, 4), V = rng.normal_mat(6, 4);
    Trace trace;
    for (ScoreFn f : {ScoreFn::ScaledDot, ScoreFn::Cosine}) {
        AttentionOptions o;
        o.score = f;
        const Mat quiet = attention_forward(o, ScoreWeights{}, Q, K, V);
        const Mat traced = attention_forward(o, ScoreWeights{}, Q, K, V, nullptr, &trace, TraceTag{"self", 0, 0});
        // scaled_dot without a trace takes the fused kernel: same operations, same order
        EXPECT_LT((quiet - traced).cwiseAbs().maxCoeff(), 1e-6f) << score_fn_name(f);
    }
    ASSERT_EQ(trace.calls.size(), 2u);
    EXPECT_EQ(trace.calls[0].kind, "scaled_dot");
    EXPECT_EQ(trace.calls[1].kind, "cosine");
    EXPECT_EQ(trace.calls[1].form, "self");
    trace.clear();
    EXPECT_TRUE(trace.calls.empty());
}

TEST(AttentionTrace, StageNamesAreDistinctAndTitlesNumberedInOrder) {
    std::set<std::string> names;
    for (int s = 0; s < static_cast<int>(Stage::Count); ++s) {
        const Stage stage = static_cast<Stage>(s);
        names.insert(stage_name(stage));
        EXPECT_EQ(std::string(stage_title(stage)).rfind(std::to_string(s + 1) + ". ", 0), 0u) << stage_title(stage);
    }
    EXPECT_EQ(names.size(), static_cast<size_t>(Stage::Count));
    EXPECT_STREQ(stage_name(Stage::Softmax), "softmax");
    EXPECT_STREQ(stage_name(Stage::Context), "context");
}

// The table that the pass-comment check (tests/checks/pass_numbers.mjs) reads: rows in Stage order,
// numbered 1 to 7 as their titles are, and the softmax's steps 5a, 5b, 5c.
TEST(AttentionTrace, StageTableRowsAreInOrderAndNumberedAsTheirTitles) {
    for (int s = 0; s < static_cast<int>(Stage::Count); ++s) {
        const StageRow& r = kStages[s];
        EXPECT_EQ(static_cast<int>(r.stage), s);
        EXPECT_EQ(std::string(r.number), std::to_string(s + 1));
        EXPECT_EQ(std::string(r.title).rfind(std::string(r.number) + ". ", 0), 0u) << r.title;
        EXPECT_STREQ(stage_name(r.stage), r.name);
    }
    const char* steps[] = {"5a", "5b", "5c"};
    ASSERT_EQ(sizeof kSoftmaxSteps / sizeof kSoftmaxSteps[0], 3u);
    for (int i = 0; i < 3; ++i) EXPECT_STREQ(kSoftmaxSteps[i].number, steps[i]);
    EXPECT_STREQ(stage_name(Stage::Count), "unknown");
}

}  // namespace
}  // namespace attn
