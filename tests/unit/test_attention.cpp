// test_attention.cpp: one attention call (nn/attention.h): masks, normalizers, every option against
// the double reference, the properties the page demonstrates (hard = argmax of soft, temperature ->
// 0, local windows, why scores are scaled), and backward by central finite differences.
#include "attention_reference.h"
#include "core/rng.h"
#include "gradcheck_attention.h"
#include "nn/attention.h"

#include <gtest/gtest.h>

#include <vector>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace attn {
namespace {

using testing::expect_grad;
using testing::max_abs_diff;
using testing::ref_attention;
using testing::weighted_sum;

// Every row of the score functions' table (nn/attention_scores.h): a new one is tested without an edit.
const std::vector<ScoreFn> kAllScoreFns = [] {
    std::vector<ScoreFn> all;
    for (const ScoreFnInfo& f : score_fns()) all.push_back(f.id);
    return all;
}();
// Every row of the normalizers table (nn/normalizers.h): a new normalizer is tested here without an edit.
const std::vector<Normalizer> kAllNormalizers = [] {
    std::vector<Normalizer> all;
    for (const NormalizerInfo& n : normalizers()) all.push_back(n.id);
    return all;
}();
constexpr MaskKind kAllMasks[] = {MaskKind::None, MaskKind::Causal, MaskKind::Window, MaskKind::CausalWindow};

// Inputs for one attention call with score function f: Q[3, 4], K[5, Dk], V[5, 2], weights for f.
struct Inputs {
    ScoreWeights w;
    Mat Q, K, V;
};
Inputs make_inputs(ScoreFn f, uint64_t seed, int Tq = 3, int Tk = 5) {
    Rng rng(seed);
    const int Dq = 4, Dk = score_fn_is_parameter_free(f) ? 4 : 3, Dv = 2;
    Inputs in;
    in.w = score_weights_init(rng, f, Dq, Dk, /*Da=*/6, /*max_len=*/Tk + 2);
    in.Q = rng.normal_mat(Tq, Dq);
    in.K = rng.normal_mat(Tk, Dk);
    in.V = rng.normal_mat(Tk, Dv);
    return in;
}

double row_entropy(const Mat& w, long i) {
    double h = 0;
    for (long j = 0; j < w.cols(); ++j)
        if (w(i, j) > 0) h -= double(w(i, j)) * std::log(double(w(i, j)));
    return h;
}

// ---- Stage 4: masks

TEST(AttentionMask, EveryKindFollowsItsDefinition) {
    for (MaskKind kind : kAllMasks) {
        for (int offset : {-2, 0, 3}) {
            for (int window : {0, 1, 2}) {
                const Mat M = attention_mask(kind, 4, 6, window, offset);
                if (kind == MaskKind::None) {
                    EXPECT_EQ(M.size(), 0);
                    continue;
                }
                ASSERT_EQ(M.rows(), 4);
                ASSERT_EQ(M.cols(), 6);
                for (int i = 0; i < 4; ++i)
                    for (int j = 0; j < 6; ++j) {
                        const bool keep = testing::ref_keep(kind, i, j, window, offset);
                        EXPECT_EQ(M(i, j), keep ? 0.0f : -std::numeric_limits<float>::infinity())
                            << mask_kind_name(kind) << " offset " << offset << " window " << window << " (" << i
                            << ", " << j << ")";
                    }
            }
        }
    }
}

// ---- Stage 5: normalizers

TEST(AttentionNormalize, EveryNormalizerMatchesItsDefinition) {
    Rng rng(31);
    const Mat Z = rng.normal_mat(6, 7) * 2.0f;
    std::vector<std::vector<bool>> all(6, std::vector<bool>(7, true));
    for (Normalizer n : kAllNormalizers) {
        for (int k : {1, 3, 7, 9}) {
            const Mat W = normalize_forward(n, k, Z, Backend::Scalar);
            EXPECT_LT(max_abs_diff(W, testing::ref_normalize(n, k, Z.cast<double>(), all)), 1e-6)
                << normalizer_name(n) << " k=" << k;
            for (int i = 0; i < 6; ++i) EXPECT_NEAR(W.row(i).sum(), 1.0f, 1e-6f);
        }
    }
    // top-k with k >= Tk is plain softmax; with k = 1 it is hard attention
    const Mat soft = normalize_forward(Normalizer::Soft, 0, Z, Backend::Scalar);
    EXPECT_LT((normalize_forward(Normalizer::TopK, 7, Z, Backend::Scalar) - soft).cwiseAbs().maxCoeff(), 1e-7f);
    EXPECT_LT((normalize_forward(Normalizer::TopK, 1, Z, Backend::Scalar) -
               normalize_forward(Normalizer::Hard, 0, Z, Backend::Scalar))
                  .cwiseAbs()
                  .maxCoeff(),
              1e-7f);
}

TEST(AttentionNormalize, HardIsOneHotAtTheArgmaxOfSoft) {
    Rng rng(32);
    const Mat Z = rng.normal_mat(20, 9);
    const Mat soft = normalize_forward(Normalizer::Soft, 0, Z, Backend::Scalar);
    const Mat hard = normalize_forward(Normalizer::Hard, 0, Z, Backend::Scalar);
    for (int i = 0; i < 20; ++i) {
        Eigen::Index argmax_soft;
        soft.row(i).maxCoeff(&argmax_soft);
        EXPECT_EQ(hard(i, argmax_soft), 1.0f) << "row " << i;
        EXPECT_EQ(hard.row(i).sum(), 1.0f);
        EXPECT_EQ((hard.row(i).array() == 0.0f).count(), 8);
    }
}

TEST(AttentionNormalize, TiesGoToTheLowestIndex) {
    Mat Z(1, 4);
    Z << 0.5f, 2.0f, 2.0f, 2.0f;
    const Mat hard = normalize_forward(Normalizer::Hard, 0, Z, Backend::Scalar);
    EXPECT_EQ(hard(0, 1), 1.0f);
    const Mat top2 = normalize_forward(Normalizer::TopK, 2, Z, Backend::Scalar);
    EXPECT_FLOAT_EQ(top2(0, 1), 0.5f);
    EXPECT_FLOAT_EQ(top2(0, 2), 0.5f);
    EXPECT_EQ(top2(0, 3), 0.0f);
}

TEST(AttentionNormalize, FullyMaskedRowGivesZerosNeverNaN) {
    // Local attention whose window lies beyond the last key: every row is fully masked.
    for (ScoreFn f : {ScoreFn::ScaledDot, ScoreFn::Additive}) {
        for (Normalizer n : kAllNormalizers) {
            for (bool traced : {false, true}) {
                SCOPED_TRACE(std::string(score_fn_name(f)) + " " + normalizer_name(n) + (traced ? " traced" : ""));
                Inputs in = make_inputs(f, 33);
                AttentionOptions o;
                o.score = f;
                o.normalizer = n;
                o.top_k = 2;
                o.mask = MaskKind::Window;
                o.window = 2;
                o.query_offset = 7;  // query rows at positions 7, 8, 9: no key of 0..4 is within 2
                Trace trace;
                AttentionCache cache;
                const Mat C = attention_forward(o, in.w, in.Q, in.K, in.V, &cache, traced ? &trace : nullptr);
                EXPECT_TRUE(C.allFinite());
                EXPECT_EQ(C.cwiseAbs().maxCoeff(), 0.0f);
                EXPECT_EQ(cache.weights.cwiseAbs().maxCoeff(), 0.0f);
                ScoreWeightsGrad g;
                g.zero_like(in.w);
                const AttentionInputGrad d =
                    attention_backward(o, in.w, in.Q, in.K, in.V, cache, Mat::Ones(C.rows(), C.cols()), g);
                EXPECT_TRUE(d.dQ.allFinite() && d.dK.allFinite() && d.dV.allFinite());
                EXPECT_EQ(d.dQ.cwiseAbs().maxCoeff(), 0.0f);
                EXPECT_EQ(d.dV.cwiseAbs().maxCoeff(), 0.0f);
            }
        }
    }
}

// ---- one whole call against the reference

TEST(AttentionForward, EveryOptionMatchesTheDoubleReference) {
    int checked = 0;
    for (ScoreFn f : kAllScoreFns)
        for (Normalizer n : kAllNormalizers)
            for (MaskKind m : kAllMasks)
                for (Scaling s : {Scaling::Auto, Scaling::On, Scaling::Off}) {
                    SCOPED_TRACE(std::string(score_fn_name(f)) + " " + normalizer_name(n) + " " + mask_kind_name(m) +
                                 " " + scaling_name(s));
                    const Inputs in = make_inputs(f, seed_from_name(score_fn_name(f)), 4, 6);
                    AttentionOptions o;
                    o.score = f;
                    o.normalizer = n;
                    o.top_k = 2;
                    o.temperature = 0.7f;
                    o.scaling = s;
                    o.mask = m;
                    o.window = 1;
                    o.query_offset = 1;
                    AttentionCache cache;
                    const Mat C = attention_forward(o, in.w, in.Q, in.K, in.V, &cache);
                    const testing::RefAttention r = ref_attention(o, in.w, in.Q, in.K, in.V);
                    // float against double for sums of <= 6 terms of size ~1, after exp: 1e-5 is ~100 ulp
                    EXPECT_LT(max_abs_diff(cache.weights, r.weights), 1e-5);
                    EXPECT_LT(max_abs_diff(C, r.context), 1e-5);
                    ++checked;
                }
    EXPECT_EQ(checked, static_cast<int>(kAllScoreFns.size() * kAllNormalizers.size() * std::size(kAllMasks) * 3));
}

TEST(AttentionForward, FusedKernelAndStagedPathAgree) {
    // Without a trace, the rows marked fused (dot, scaled_dot) with soft weights run
    // kernels::attention_head in one go.
    for (const ScoreFnInfo& fn : score_fns())
        for (MaskKind m : kAllMasks) {
            if (!fn.fused) continue;
            const ScoreFn f = fn.id;
            const Inputs in = make_inputs(f, 34, 5, 7);
            AttentionOptions o;
            o.score = f;
            o.mask = m;
            o.window = 2;
            o.temperature = 1.3f;
            AttentionCache fused, staged;
            Trace trace;
            const Mat a = attention_forward(o, in.w, in.Q, in.K, in.V, &fused);
            const Mat b = attention_forward(o, in.w, in.Q, in.K, in.V, &staged, &trace);
            // the same float operations in the same order on the Scalar backend
            EXPECT_LT((a - b).cwiseAbs().maxCoeff(), 1e-6f) << score_fn_name(f) << " " << mask_kind_name(m);
            EXPECT_LT((fused.weights - staged.weights).cwiseAbs().maxCoeff(), 1e-6f);
        }
}

TEST(AttentionForward, TemperatureTowardZeroApproachesHard) {
    const Inputs in = make_inputs(ScoreFn::ScaledDot, 35, 8, 6);
    AttentionOptions o;
    Trace trace;
    attention_forward(o, in.w, in.Q, in.K, in.V, nullptr, &trace);
    // The limit is one-hot only where the top two scores differ; this input's smallest gap is known:
    double min_gap = 1e9;
    for (int i = 0; i < 8; ++i) {
        std::vector<float> row(trace.calls[0].scaled.row(i).data(), trace.calls[0].scaled.row(i).data() + 6);
        std::sort(row.rbegin(), row.rend());
        min_gap = std::min(min_gap, double(row[0] - row[1]));
    }
    ASSERT_GT(min_gap, 0.01);
    o.normalizer = Normalizer::Hard;
    AttentionCache hard;
    attention_forward(o, in.w, in.Q, in.K, in.V, &hard);
    o.normalizer = Normalizer::Soft;
    double previous = 1e9;
    for (float t : {1.0f, 0.3f, 0.1f, 0.03f, 0.01f, 0.001f}) {
        o.temperature = t;
        AttentionCache soft;
        attention_forward(o, in.w, in.Q, in.K, in.V, &soft);
        const double distance = (soft.weights - hard.weights).cwiseAbs().maxCoeff();
        EXPECT_LT(distance, previous) << "temperature " << t;
        previous = distance;
    }
    // at t = 0.001 the runner-up weighs exp(-min_gap / t) < exp(-10) relative to the winner
    EXPECT_LT(previous, 1e-4);
}

TEST(AttentionForward, ScalingKeepsTheSoftmaxFromSaturatingAsDimensionGrows) {
    // Random q, k ~ N(0, 1) of width d: q . k has variance d. Unscaled, the softmax sharpens toward
    // one-hot as d grows (entropy -> 0, vanishing gradients); divided by sqrt(d) the variance stays 1
    // and so does the entropy. This is why transformers scale.
    const int Tq = 64, Tk = 16;
    const double max_entropy = std::log(double(Tk));
    std::vector<double> scaled_h, unscaled_h;
    for (int d : {4, 16, 64, 256}) {
        Rng rng(100 + d);
        const Mat Q = rng.normal_mat(Tq, d), K = rng.normal_mat(Tk, d), V = rng.normal_mat(Tk, 1);
        for (bool scale : {true, false}) {
            AttentionOptions o;
            o.score = ScoreFn::Dot;
            o.scaling = scale ? Scaling::On : Scaling::Off;
            AttentionCache cache;
            attention_forward(o, ScoreWeights{}, Q, K, V, &cache);
            double h = 0;
            for (int i = 0; i < Tq; ++i) h += row_entropy(cache.weights, i) / Tq;
            (scale ? scaled_h : unscaled_h).push_back(h);
        }
    }
    for (size_t i = 1; i < unscaled_h.size(); ++i) EXPECT_LT(unscaled_h[i], unscaled_h[i - 1]) << "d index " << i;
    // Measured for these seeds, in nats (log Tk = 2.77): unscaled 1.60, 0.89, 0.35, 0.15; scaled 2.32 to
    // 2.36. Bounds with wide margins: unscaled below 15% of log Tk at d = 256; scaled above 75% at every
    // d and within 10% of log Tk of each other.
    EXPECT_LT(unscaled_h.back(), 0.15 * max_entropy);
    for (double h : scaled_h) EXPECT_GT(h, 0.75 * max_entropy);
    const auto [lo, hi] = std::minmax_element(scaled_h.begin(), scaled_h.end());
    EXPECT_LT(*hi - *lo, 0.1 * max_entropy);
}

TEST(AttentionForward, LocalWindowGivesZeroWeightOutsideTheWindow) {
    const int T = 9, w = 2;
    const Inputs in = make_inputs(ScoreFn::ScaledDot, 36, T, T);
    AttentionOptions o;
    o.mask = MaskKind::Window;
    o.window = w;
    AttentionCache cache;
    attention_forward(o, in.w, in.Q, in.K, in.V, &cache);
    for (int i = 0; i < T; ++i) {
        EXPECT_NEAR(cache.weights.row(i).sum(), 1.0f, 1e-6f);
        for (int j = 0; j < T; ++j) {
            if (std::abs(i - j) > w)
                EXPECT_EQ(cache.weights(i, j), 0.0f) << i << ", " << j;
            else
                EXPECT_GT(cache.weights(i, j), 0.0f) << i << ", " << j;
        }
    }
    // global attention (no mask) gives every key some weight
    o.mask = MaskKind::None;
    attention_forward(o, in.w, in.Q, in.K, in.V, &cache);
    EXPECT_GT(cache.weights.minCoeff(), 0.0f);
}

TEST(AttentionForward, DecoderStepsWithQueryOffsetEqualRowsOfTheFullCausalCall) {
    // A decoder that produces one position at a time (keys so far, query_offset = t) sees exactly
    // what row t of causal self-attention over the whole sequence sees.
    const int T = 6;
    const Inputs in = make_inputs(ScoreFn::ScaledDot, 37, T, T);
    AttentionOptions o;
    o.mask = MaskKind::Causal;
    const Mat full = attention_forward(o, in.w, in.Q, in.K, in.V);
    for (int t = 0; t < T; ++t) {
        o.query_offset = t;
        const Mat all_keys = attention_forward(o, in.w, in.Q.row(t), in.K, in.V);
        const Mat past_keys = attention_forward(o, in.w, in.Q.row(t), in.K.topRows(t + 1), in.V.topRows(t + 1));
        EXPECT_LT((all_keys - full.row(t)).cwiseAbs().maxCoeff(), 1e-6f) << t;
        EXPECT_LT((past_keys - full.row(t)).cwiseAbs().maxCoeff(), 1e-6f) << t;
    }
}

// ---- backward

TEST(AttentionBackward, EveryScoreFunctionWithTemperatureScaleAndMask) {
    for (ScoreFn f : kAllScoreFns) {
        SCOPED_TRACE(score_fn_name(f));
        Inputs in = make_inputs(f, seed_from_name(std::string("backward ") + score_fn_name(f)));
        AttentionOptions o;
        o.score = f;
        o.temperature = 0.7f;
        o.scaling = Scaling::On;  // exercise Stage 3 for every score function
        o.mask = MaskKind::Window;
        o.window = 2;  // rows 0..2 over keys 0..4: row 0 cannot see keys 3 and 4
        Rng rng(7);
        const Mat R = rng.normal_mat(3, 2);  // d loss / d context
        AttentionCache cache;
        attention_forward(o, in.w, in.Q, in.K, in.V, &cache);
        ScoreWeightsGrad g;
        g.zero_like(in.w);
        const AttentionInputGrad d = attention_backward(o, in.w, in.Q, in.K, in.V, cache, R, g);
        auto loss = [&] { return weighted_sum(attention_forward(o, in.w, in.Q, in.K, in.V), R); };
        EXPECT_GT(expect_grad("dQ", in.Q, d.dQ, loss), 0.01);
        if (f == ScoreFn::Location)
            EXPECT_EQ(expect_grad("dK", in.K, d.dK, loss), 0.0);  // location scores never read the keys
        else
            EXPECT_GT(expect_grad("dK", in.K, d.dK, loss), 0.01);
        EXPECT_GT(expect_grad("dV", in.V, d.dV, loss), 0.01);
        if (in.w.W.W.size()) {
            EXPECT_GT(expect_grad("dW", in.w.W.W, g.dW.dW, loss), 0.01);
        }
        if (in.w.W.b.size()) {
            EXPECT_GT(expect_grad("dW.b", in.w.W.b, g.dW.db, loss), 0.01);
        }
        if (in.w.U.W.size()) {
            EXPECT_GT(expect_grad("dU", in.w.U.W, g.dU.dW, loss), 0.01);
        }
        if (in.w.U.b.size()) {
            EXPECT_GT(expect_grad("dU.b", in.w.U.b, g.dU.db, loss), 0.01);
        }
        if (in.w.v.size()) {
            EXPECT_GT(expect_grad("dv", in.w.v, g.dv, loss), 0.01);
        }
    }
}

TEST(AttentionBackward, SoftmaxWithTemperatureAlone) {
    // normalize_backward is the softmax Jacobian; with the temperature folded into Stage 3,
    // d loss / d scores = (scale / temperature) * J^T dweights. Check both against differences.
    Rng rng(38);
    Mat Z = rng.normal_mat(4, 5);
    Z(1, 3) = -std::numeric_limits<float>::infinity();  // a masked entry: weight 0, gradient 0
    const Mat R = rng.normal_mat(4, 5);
    const Mat W = normalize_forward(Normalizer::Soft, 0, Z, Backend::Scalar);
    const Mat dZ = normalize_backward(Normalizer::Soft, W, R);
    EXPECT_EQ(dZ(1, 3), 0.0f);
    Z(1, 3) = 0.0f;  // differences cannot step an infinite entry; its analytic gradient is checked above
    Mat dZ_check = dZ;
    dZ_check(1, 3) = 0.0f;
    auto loss = [&] {
        Mat z = Z;
        z(1, 3) = -std::numeric_limits<float>::infinity();
        return weighted_sum(normalize_forward(Normalizer::Soft, 0, z, Backend::Scalar), R);
    };
    EXPECT_GT(expect_grad("dZ", Z, dZ_check, loss), 0.1);

    for (float temperature : {0.5f, 2.0f}) {
        Inputs in = make_inputs(ScoreFn::Dot, 39);
        AttentionOptions o;
        o.score = ScoreFn::Dot;
        o.temperature = temperature;
        const Mat Rc = rng.normal_mat(3, 2);
        AttentionCache cache;
        attention_forward(o, in.w, in.Q, in.K, in.V, &cache);
        ScoreWeightsGrad g;
        const AttentionInputGrad d = attention_backward(o, in.w, in.Q, in.K, in.V, cache, Rc, g);
        auto l = [&] { return weighted_sum(attention_forward(o, in.w, in.Q, in.K, in.V), Rc); };
        EXPECT_GT(expect_grad("dQ", in.Q, d.dQ, l), 0.01) << "temperature " << temperature;
        EXPECT_GT(expect_grad("dK", in.K, d.dK, l), 0.01) << "temperature " << temperature;
    }
}

// The smallest gap, over rows, between the k-th and (k+1)-th largest scaled score: finite
// differences of size eps can only be trusted where no perturbation reorders the scores.
double top_k_gap(const Mat& scaled, int k) {
    double gap = 1e9;
    for (long i = 0; i < scaled.rows(); ++i) {
        std::vector<float> row(scaled.row(i).data(), scaled.row(i).data() + scaled.cols());
        std::sort(row.rbegin(), row.rend());
        gap = std::min(gap, double(row[k - 1] - row[k]));
    }
    return gap;
}

// How far one finite-difference step (eps on one entry of Q or K) can move two scaled dot-product
// scores apart: q . k changes by eps times an entry of the other side, for one or both scores.
double max_step_between_scores(const Mat& Q, const Mat& K, float scale, double eps = 1e-2) {
    return 2 * eps * std::max(Q.cwiseAbs().maxCoeff(), K.cwiseAbs().maxCoeff()) * scale;
}

TEST(AttentionBackward, TopKGradientFlowsOnlyThroughTheKeptKeys) {
    Inputs in = make_inputs(ScoreFn::ScaledDot, 40, 3, 6);
    in.Q *= 2.0f;  // spread the scores so that eps = 1e-2 steps cannot reorder them
    AttentionOptions o;
    o.normalizer = Normalizer::TopK;
    o.top_k = 2;
    Trace trace;
    AttentionCache cache;
    attention_forward(o, in.w, in.Q, in.K, in.V, &cache, &trace);
    ASSERT_GT(top_k_gap(trace.calls[0].scaled, 2), max_step_between_scores(in.Q, in.K, trace.calls[0].scale));
    Rng rng(41);
    const Mat R = rng.normal_mat(3, 2);
    ScoreWeightsGrad g;
    const AttentionInputGrad d = attention_backward(o, in.w, in.Q, in.K, in.V, cache, R, g);
    auto loss = [&] { return weighted_sum(attention_forward(o, in.w, in.Q, in.K, in.V), R); };
    EXPECT_GT(expect_grad("dQ", in.Q, d.dQ, loss), 0.01);
    EXPECT_GT(expect_grad("dK", in.K, d.dK, loss), 0.01);
    EXPECT_GT(expect_grad("dV", in.V, d.dV, loss), 0.01);
    // a key no query keeps gets no gradient at all, neither as key nor as value
    for (int j = 0; j < 6; ++j) {
        if (cache.weights.col(j).cwiseAbs().maxCoeff() > 0.0f) continue;
        EXPECT_EQ(d.dK.row(j).cwiseAbs().maxCoeff(), 0.0f) << "key " << j;
        EXPECT_EQ(d.dV.row(j).cwiseAbs().maxCoeff(), 0.0f) << "key " << j;
    }
}

TEST(AttentionBackward, HardAttentionLearnsOnlyThroughThePickedValues) {
    Inputs in = make_inputs(ScoreFn::ScaledDot, 42, 3, 6);
    in.Q *= 2.0f;
    AttentionOptions o;
    o.normalizer = Normalizer::Hard;
    Trace trace;
    AttentionCache cache;
    attention_forward(o, in.w, in.Q, in.K, in.V, &cache, &trace);
    ASSERT_GT(top_k_gap(trace.calls[0].scaled, 1), max_step_between_scores(in.Q, in.K, trace.calls[0].scale));
    Rng rng(43);
    const Mat R = rng.normal_mat(3, 2);
    ScoreWeightsGrad g;
    const AttentionInputGrad d = attention_backward(o, in.w, in.Q, in.K, in.V, cache, R, g);
    EXPECT_EQ(d.dQ.cwiseAbs().maxCoeff(), 0.0f);
    EXPECT_EQ(d.dK.cwiseAbs().maxCoeff(), 0.0f);
    auto loss = [&] { return weighted_sum(attention_forward(o, in.w, in.Q, in.K, in.V), R); };
    EXPECT_EQ(expect_grad("dQ", in.Q, d.dQ, loss), 0.0);
    EXPECT_EQ(expect_grad("dK", in.K, d.dK, loss), 0.0);
    EXPECT_GT(expect_grad("dV", in.V, d.dV, loss), 0.1);
}

TEST(AttentionOptionsNames, RoundTrip) {
    for (Normalizer n : kAllNormalizers) {
        Normalizer back;
        ASSERT_TRUE(parse_normalizer(normalizer_name(n), &back));
        EXPECT_EQ(back, n);
    }
    for (MaskKind m : kAllMasks) {
        MaskKind back;
        ASSERT_TRUE(parse_mask_kind(mask_kind_name(m), &back));
        EXPECT_EQ(back, m);
    }
    for (Scaling s : {Scaling::Auto, Scaling::On, Scaling::Off}) {
        Scaling back;
        ASSERT_TRUE(parse_scaling(scaling_name(s), &back));
        EXPECT_EQ(back, s);
    }
    Normalizer n;
    EXPECT_FALSE(parse_normalizer("softest", &n));
}

}  // namespace
}  // namespace attn
