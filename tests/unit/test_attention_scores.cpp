// test_attention_scores.cpp: every score function against its double-precision definition, its
// defining properties, and its backward pass by central finite differences.
#include "attention_reference.h"
#include "core/rng.h"
#include "gradcheck_attention.h"
#include "nn/attention_scores.h"

#include <gtest/gtest.h>

#include <vector>

#include <cmath>

namespace attn {
namespace {

using testing::expect_grad;
using testing::max_abs_diff;
using testing::ref_scores;
using testing::weighted_sum;

// Every row of the score functions' table (nn/attention_scores.h): a new one is tested without an edit.
const std::vector<ScoreFn> kAllScoreFns = [] {
    std::vector<ScoreFn> all;
    for (const ScoreFnInfo& f : score_fns()) all.push_back(f.id);
    return all;
}();

// Odd sizes (ggml's habit) with Dq != Dk wherever the score function allows it.
struct Case {
    int Tq = 3, Tk = 5, Dq = 4, Dk = 4, Da = 6, Lmax = 7;
};
Case case_for(ScoreFn f) {
    Case c;
    if (!score_fn_is_parameter_free(f)) c.Dk = 3;
    return c;
}

TEST(AttentionScores, ForwardMatchesDoubleDefinition) {
    for (ScoreFn f : kAllScoreFns) {
        SCOPED_TRACE(score_fn_name(f));
        const Case c = case_for(f);
        Rng rng(seed_from_name(score_fn_name(f)));
        const ScoreWeights w = score_weights_init(rng, f, c.Dq, c.Dk, c.Da, c.Lmax);
        const Mat Q = rng.normal_mat(c.Tq, c.Dq), K = rng.normal_mat(c.Tk, c.Dk);
        std::vector<Mat> energies;
        const Mat S = score_forward(f, w, Q, K, Backend::Scalar, &energies);
        std::vector<MatD> ref_energies;
        const MatD ref = ref_scores(f, w, Q, K, &ref_energies);
        // float dot products of length <= 7 over N(0,1) data: rounding near 1e-6; 1e-5 leaves room
        EXPECT_LT(max_abs_diff(S, ref), 1e-5);
        if (f == ScoreFn::Additive || f == ScoreFn::Concat) {
            ASSERT_EQ(energies.size(), size_t(c.Tq));
            for (int i = 0; i < c.Tq; ++i) EXPECT_LT(max_abs_diff(energies[i], ref_energies[i]), 1e-6);
        } else {
            EXPECT_TRUE(energies.empty());
        }
    }
}

TEST(AttentionScores, ParameterCountsFollowTheShapes) {
    Rng rng(11);
    EXPECT_EQ(score_weights_init(rng, ScoreFn::Dot, 4, 4).parameter_count(), 0);
    EXPECT_EQ(score_weights_init(rng, ScoreFn::General, 4, 3).parameter_count(), 4 * 3);
    EXPECT_EQ(score_weights_init(rng, ScoreFn::Additive, 4, 3, 6).parameter_count(), 6 * 4 + (6 * 3 + 6) + 6);
    // seed 001: nn.Linear(hidden_dim * 2, hidden_dim) and v = torch.rand(hidden_dim), hidden 8
    const ScoreWeights concat = score_weights_init(rng, ScoreFn::Concat, 8, 8, 8);
    EXPECT_EQ(concat.W.W.rows(), 8);
    EXPECT_EQ(concat.W.W.cols(), 16);
    EXPECT_EQ(concat.parameter_count(), 16 * 8 + 8 + 8);
    EXPECT_GE(concat.v.minCoeff(), 0.0f);  // torch.rand: uniform in [0, 1)
    EXPECT_LT(concat.v.maxCoeff(), 1.0f);
    EXPECT_EQ(score_weights_init(rng, ScoreFn::Location, 4, 4, 0, 9).parameter_count(), 9 * 4 + 9);
}

TEST(AttentionScores, CosineIsBoundedScaleInvariantAndZeroForAZeroVector) {
    Rng rng(12);
    Mat Q = rng.normal_mat(3, 5), K = rng.normal_mat(4, 5);
    const Mat S = score_cosine_forward(Q, K, Backend::Scalar);
    EXPECT_LE(S.cwiseAbs().maxCoeff(), 1.0f + 1e-6f);
    // scaling a query by 3 and a key by 0.5 leaves its cosine unchanged
    Mat Q2 = Q, K2 = K;
    Q2.row(1) *= 3.0f;
    K2.row(2) *= 0.5f;
    EXPECT_LT((score_cosine_forward(Q2, K2, Backend::Scalar) - S).cwiseAbs().maxCoeff(), 1e-6f);
    // a query equal to a key scores exactly its maximum, 1
    Q.row(0) = K.row(3);
    EXPECT_NEAR(score_cosine_forward(Q, K, Backend::Scalar)(0, 3), 1.0f, 1e-6f);
    // a zero query scores 0 everywhere (the norms are clamped), and its gradient is finite
    Q.row(2).setZero();
    const Mat Sz = score_cosine_forward(Q, K, Backend::Scalar);
    EXPECT_TRUE(Sz.allFinite());
    EXPECT_EQ(Sz.row(2).cwiseAbs().maxCoeff(), 0.0f);
    EXPECT_TRUE(score_cosine_backward(Q, K, Mat::Ones(3, 4)).dQ.allFinite());
}

TEST(AttentionScores, GeneralWithIdentityIsDot) {
    Rng rng(13);
    const Mat Q = rng.normal_mat(3, 4), K = rng.normal_mat(5, 4);
    Linear I{Mat::Identity(4, 4), Vec()};
    EXPECT_LT((score_general_forward(I, Q, K, Backend::Scalar) - score_dot_forward(Q, K, Backend::Scalar))
                  .cwiseAbs()
                  .maxCoeff(),
              1e-6f);
}

TEST(AttentionScores, ConcatIsAdditiveWithTheWeightMatrixSplit) {
    // attn([q; k]) = attn.W[:, :Dq] q + attn.W[:, Dq:] k + b: seed 001's form is Bahdanau's.
    Rng rng(14);
    const int Dq = 4, Dk = 3, Da = 5;
    const ScoreWeights c = score_weights_init(rng, ScoreFn::Concat, Dq, Dk, Da);
    ScoreWeights a;
    a.W = Linear{c.W.W.leftCols(Dq), Vec()};
    a.U = Linear{c.W.W.rightCols(Dk), c.W.b};
    a.v = c.v;
    const Mat Q = rng.normal_mat(2, Dq), K = rng.normal_mat(6, Dk);
    const Mat Sc = score_forward(ScoreFn::Concat, c, Q, K, Backend::Scalar, nullptr);
    const Mat Sa = score_forward(ScoreFn::Additive, a, Q, K, Backend::Scalar, nullptr);
    EXPECT_LT((Sc - Sa).cwiseAbs().maxCoeff(), 1e-6f);
}

TEST(AttentionScores, LocationReadsOnlyTheQueryAndTheNumberOfKeys) {
    Rng rng(15);
    const ScoreWeights w = score_weights_init(rng, ScoreFn::Location, 4, 4, 0, 7);
    const Mat Q = rng.normal_mat(2, 4);
    const Mat K1 = rng.normal_mat(5, 4), K2 = rng.normal_mat(5, 4);
    const Mat S1 = score_forward(ScoreFn::Location, w, Q, K1, Backend::Scalar, nullptr);
    EXPECT_EQ((S1 - score_forward(ScoreFn::Location, w, Q, K2, Backend::Scalar, nullptr)).cwiseAbs().maxCoeff(), 0.0f);
    // the first Tk of the Lmax position scores W q + b
    const Mat full = (Q * w.W.W.transpose()).rowwise() + w.W.b.transpose();
    EXPECT_LT((S1 - full.leftCols(5)).cwiseAbs().maxCoeff(), 1e-6f);
}

// ---- backward: loss = sum(S .* R), so d loss / d S = R

TEST(AttentionScores, DotBackward) {
    Rng rng(21);
    Mat Q = rng.normal_mat(3, 4), K = rng.normal_mat(5, 4);
    const Mat R = rng.normal_mat(3, 5);
    const ScoreInputGrad g = score_dot_backward(Q, K, R);
    auto loss = [&] { return weighted_sum(score_dot_forward(Q, K, Backend::Scalar), R); };
    EXPECT_GT(expect_grad("dQ", Q, g.dQ, loss), 0.1);
    EXPECT_GT(expect_grad("dK", K, g.dK, loss), 0.1);
}

TEST(AttentionScores, CosineBackward) {
    Rng rng(22);
    Mat Q = rng.normal_mat(3, 4), K = rng.normal_mat(5, 4);
    const Mat R = rng.normal_mat(3, 5);
    const ScoreInputGrad g = score_cosine_backward(Q, K, R);
    auto loss = [&] { return weighted_sum(score_cosine_forward(Q, K, Backend::Scalar), R); };
    EXPECT_GT(expect_grad("dQ", Q, g.dQ, loss), 0.1);
    EXPECT_GT(expect_grad("dK", K, g.dK, loss), 0.1);
}

TEST(AttentionScores, GeneralBackward) {
    Rng rng(23);
    ScoreWeights w = score_weights_init(rng, ScoreFn::General, 4, 3);
    w.W.b = rng.normal_mat(4, 1).col(0);  // with a bias too (Luong implementations often have one)
    Mat Q = rng.normal_mat(3, 4), K = rng.normal_mat(5, 3);
    const Mat R = rng.normal_mat(3, 5);
    ScoreWeightsGrad gw;
    gw.zero_like(w);
    const ScoreInputGrad g = score_general_backward(w.W, Q, K, R, gw.dW);
    auto loss = [&] { return weighted_sum(score_general_forward(w.W, Q, K, Backend::Scalar), R); };
    EXPECT_GT(expect_grad("dW", w.W.W, gw.dW.dW, loss), 0.1);
    EXPECT_GT(expect_grad("db", w.W.b, gw.dW.db, loss), 0.1);
    EXPECT_GT(expect_grad("dQ", Q, g.dQ, loss), 0.1);
    EXPECT_GT(expect_grad("dK", K, g.dK, loss), 0.1);
}

TEST(AttentionScores, AdditiveBackward) {
    Rng rng(24);
    ScoreWeights w = score_weights_init(rng, ScoreFn::Additive, 4, 3, 5);
    Mat Q = rng.normal_mat(3, 4), K = rng.normal_mat(5, 3);
    const Mat R = rng.normal_mat(3, 5);
    std::vector<Mat> energies;
    score_additive_forward(w.W, w.U, w.v, Q, K, Backend::Scalar, &energies);
    ScoreWeightsGrad gw;
    gw.zero_like(w);
    const ScoreInputGrad g = score_additive_backward(w.W, w.U, w.v, Q, K, energies, R, gw.dW, gw.dU, gw.dv);
    auto loss = [&] {
        return weighted_sum(score_additive_forward(w.W, w.U, w.v, Q, K, Backend::Scalar, nullptr), R);
    };
    EXPECT_GT(expect_grad("dW", w.W.W, gw.dW.dW, loss), 0.1);
    EXPECT_GT(expect_grad("dU", w.U.W, gw.dU.dW, loss), 0.1);
    EXPECT_GT(expect_grad("dUb", w.U.b, gw.dU.db, loss), 0.1);
    EXPECT_GT(expect_grad("dv", w.v, gw.dv, loss), 0.1);
    EXPECT_GT(expect_grad("dQ", Q, g.dQ, loss), 0.1);
    EXPECT_GT(expect_grad("dK", K, g.dK, loss), 0.1);
}

TEST(AttentionScores, ConcatBackward) {
    Rng rng(25);
    ScoreWeights w = score_weights_init(rng, ScoreFn::Concat, 4, 3, 5);
    Mat Q = rng.normal_mat(3, 4), K = rng.normal_mat(5, 3);
    const Mat R = rng.normal_mat(3, 5);
    std::vector<Mat> energies;
    score_concat_forward(w.W, w.v, Q, K, Backend::Scalar, &energies);
    ScoreWeightsGrad gw;
    gw.zero_like(w);
    const ScoreInputGrad g = score_concat_backward(w.W, w.v, Q, K, energies, R, gw.dW, gw.dv);
    auto loss = [&] { return weighted_sum(score_concat_forward(w.W, w.v, Q, K, Backend::Scalar, nullptr), R); };
    EXPECT_GT(expect_grad("dattn.W", w.W.W, gw.dW.dW, loss), 0.1);
    EXPECT_GT(expect_grad("dattn.b", w.W.b, gw.dW.db, loss), 0.1);
    EXPECT_GT(expect_grad("dv", w.v, gw.dv, loss), 0.1);
    EXPECT_GT(expect_grad("dQ", Q, g.dQ, loss), 0.1);
    EXPECT_GT(expect_grad("dK", K, g.dK, loss), 0.1);
}

TEST(AttentionScores, LocationBackward) {
    Rng rng(26);
    ScoreWeights w = score_weights_init(rng, ScoreFn::Location, 4, 4, 0, 7);
    Mat Q = rng.normal_mat(3, 4), K = rng.normal_mat(5, 4);
    const Mat R = rng.normal_mat(3, 5);
    ScoreWeightsGrad gw;
    gw.zero_like(w);
    const ScoreInputGrad g = score_backward(ScoreFn::Location, w, Q, K, {}, R, gw);
    auto loss = [&] { return weighted_sum(score_forward(ScoreFn::Location, w, Q, K, Backend::Scalar, nullptr), R); };
    EXPECT_GT(expect_grad("dW", w.W.W, gw.dW.dW, loss), 0.1);
    EXPECT_GT(expect_grad("db", w.W.b, gw.dW.db, loss), 0.1);
    EXPECT_GT(expect_grad("dQ", Q, g.dQ, loss), 0.1);
    EXPECT_EQ(expect_grad("dK", K, g.dK, loss), 0.0);  // the keys are never read
    // rows of W for positions beyond Tk = 5 get no gradient
    EXPECT_EQ(gw.dW.dW.bottomRows(2).cwiseAbs().maxCoeff(), 0.0f);
}

TEST(AttentionScores, BackwardAccumulatesIntoGrads) {
    // Like linear_backward, weight gradients add up over calls (a decoder calls attention per step).
    Rng rng(27);
    ScoreWeights w = score_weights_init(rng, ScoreFn::Additive, 3, 3, 4);
    const Mat Q = rng.normal_mat(2, 3), K = rng.normal_mat(4, 3), R = rng.normal_mat(2, 4);
    std::vector<Mat> energies;
    score_forward(ScoreFn::Additive, w, Q, K, Backend::Scalar, &energies);
    ScoreWeightsGrad once, twice;
    once.zero_like(w);
    twice.zero_like(w);
    score_backward(ScoreFn::Additive, w, Q, K, energies, R, once);
    score_backward(ScoreFn::Additive, w, Q, K, energies, R, twice);
    score_backward(ScoreFn::Additive, w, Q, K, energies, R, twice);
    EXPECT_GT(once.dv.cwiseAbs().maxCoeff(), 0.0f);
    EXPECT_LT((twice.dv - 2 * once.dv).cwiseAbs().maxCoeff(), 1e-6f);
    EXPECT_LT((twice.dW.dW - 2 * once.dW.dW).cwiseAbs().maxCoeff(), 1e-6f);
}

TEST(AttentionScores, NamesRoundTrip) {
    for (ScoreFn f : kAllScoreFns) {
        ScoreFn back = ScoreFn::Dot;
        ASSERT_TRUE(parse_score_fn(score_fn_name(f), &back)) << score_fn_name(f);
        EXPECT_EQ(back, f);
    }
    ScoreFn unused;
    EXPECT_FALSE(parse_score_fn("softmax", &unused));
}

}  // namespace
}  // namespace attn
