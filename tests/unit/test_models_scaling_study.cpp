// test_models_scaling_study.cpp: the "Why we scale" study (models/scaling_study.h) and its view state
// (views/scale_view.h): every mean equals a double-precision recomputation from the same draws, the
// study shows what it claims (unscaled, the softmax saturates and the other keys' gradient vanishes as
// d grows; scaled, neither happens), the SIMD path agrees, and the view recomputes only when d changes.
#include "models/scaling_study.h"
#include "core/rng.h"
#include "views/scale_view.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace attn {
namespace {

struct Means {
    double score_std = 0, entropy = 0, max_weight = 0, to_others = 0;
};

// The study's definitions, written out in double from the documented draws.
Means reference(int d, bool scaled) {
    Rng rng(seed_from_name("scaling/" + std::to_string(d)));
    const Mat Q = rng.normal_mat(kScalingQueries, d);
    const Mat K = rng.normal_mat(kScalingKeys, d);
    const double scale = scaled ? 1.0 / std::sqrt(static_cast<double>(d)) : 1.0;
    Means m;
    double sum = 0, sum_sq = 0;
    for (int i = 0; i < kScalingQueries; ++i) {
        std::vector<double> s(kScalingKeys), w(kScalingKeys);
        double top = -1e300;
        for (int j = 0; j < kScalingKeys; ++j) {
            double dot = 0;
            for (int k = 0; k < d; ++k) dot += static_cast<double>(Q(i, k)) * K(j, k);
            s[j] = dot * scale;
            sum += s[j];
            sum_sq += s[j] * s[j];
            top = std::max(top, s[j]);
        }
        double z = 0;
        for (int j = 0; j < kScalingKeys; ++j) z += w[j] = std::exp(s[j] - top);
        int win = 0;
        for (int j = 0; j < kScalingKeys; ++j) {
            w[j] /= z;
            if (w[j] > w[win]) win = j;
        }
        double h = 0;
        for (double x : w)
            if (x > 0) h -= x * std::log(x);
        m.entropy += h / kScalingQueries;
        m.max_weight += w[win] / kScalingQueries;
        m.to_others += w[win] * (1 - w[win]) / kScalingQueries;  // sum over j != m of w_j w_m
    }
    const double n = static_cast<double>(kScalingQueries) * kScalingKeys;
    m.score_std = std::sqrt(sum_sq / n - (sum / n) * (sum / n));
    return m;
}

void expect_side(const ScalingSide& got, const Means& want, const std::string& where) {
    EXPECT_NEAR(got.score_std, want.score_std, 1e-4 * std::max(1.0, want.score_std)) << where;
    EXPECT_NEAR(got.entropy, want.entropy, 1e-4) << where;
    EXPECT_NEAR(got.max_weight, want.max_weight, 1e-4) << where;
    EXPECT_NEAR(got.to_others, want.to_others, 1e-4) << where;
}

TEST(ScalingStudy, EveryMeanEqualsTheDefinitionInDouble) {
    for (int d : {1, 3, 64, 1000}) {
        const ScalingPoint p = scaling_point(d);
        EXPECT_EQ(p.d, d);
        expect_side(p.scaled, reference(d, true), "scaled, d = " + std::to_string(d));
        expect_side(p.unscaled, reference(d, false), "unscaled, d = " + std::to_string(d));
        EXPECT_FLOAT_EQ(p.scaled.trace.scale, 1.0f / std::sqrt(static_cast<float>(d)));
        EXPECT_FLOAT_EQ(p.unscaled.trace.scale, 1.0f);
        ASSERT_EQ(p.scaled.trace.weights.rows(), kScalingQueries);
        ASSERT_EQ(p.scaled.trace.weights.cols(), kScalingKeys);
    }
}

TEST(ScalingStudy, UnscaledSaturatesAsDGrowsAndScaledDoesNot) {
    const ScalingPoint narrow = scaling_point(1), wide = scaling_point(kScalingMaxDim);
    // d = 1: scaling changes nothing.
    EXPECT_NEAR(narrow.scaled.entropy, narrow.unscaled.entropy, 1e-9);
    // Unscaled, the scores spread as sqrt(d) (about 32 at d = 1024), the weights collapse onto one key
    // and almost no gradient reaches the others.
    EXPECT_GT(wide.unscaled.score_std, 20.0);
    EXPECT_LT(wide.unscaled.entropy, 0.1);
    EXPECT_GT(wide.unscaled.max_weight, 0.97);
    EXPECT_LT(wide.unscaled.to_others, 0.02);
    // Scaled, the spread stays about 1 and the softmax keeps its choices open.
    EXPECT_NEAR(wide.scaled.score_std, 1.0, 0.3);
    EXPECT_GT(wide.scaled.entropy, 1.0);
    EXPECT_LT(wide.scaled.max_weight, 0.7);
    EXPECT_GT(wide.scaled.to_others, 0.1);
    // The sweep: the unscaled entropy falls from d = 1 to d = 1024; the scaled one stays within 0.5 nats.
    const std::vector<int> dims = scaling_sweep_dims();
    ASSERT_EQ(dims.front(), 1);
    ASSERT_EQ(dims.back(), kScalingMaxDim);
    ASSERT_EQ(dims.size(), 11u);
    double lo = 1e9, hi = -1e9;
    for (int d : dims) {
        const ScalingPoint p = scaling_point(d);
        lo = std::min(lo, p.scaled.entropy);
        hi = std::max(hi, p.scaled.entropy);
    }
    EXPECT_LT(hi - lo, 0.5);
    EXPECT_GT(narrow.unscaled.entropy - wide.unscaled.entropy, 1.0);
}

TEST(ScalingStudy, SimdAgreesWithTheReferenceAndBadWidthsAreRefused) {
    const ScalingPoint ref = scaling_point(256, Backend::Scalar), simd = scaling_point(256, Backend::Simd);
    EXPECT_NEAR(simd.scaled.entropy, ref.scaled.entropy, 1e-5);
    EXPECT_NEAR(simd.unscaled.max_weight, ref.unscaled.max_weight, 1e-5);
    EXPECT_THROW(scaling_point(0), std::invalid_argument);
    EXPECT_THROW(scaling_point(kScalingMaxDim + 1), std::invalid_argument);
}

TEST(ScaleView, UpdatesOnlyWhenTheWidthChangesAndAnswersWithTheEngineNumbers) {
    views::Session s;
    views::scale_update(s);
    views::ScaleViewState& v = s.view<views::ScaleViewState>();
    EXPECT_EQ(v.runs, 2);  // the sweep, then the study at the default d
    EXPECT_EQ(v.sweep.size(), scaling_sweep_dims().size());
    views::scale_update(s);
    EXPECT_EQ(v.runs, 2);  // nothing changed: nothing runs
    views::scale_apply(v, 5000);  // past the slider's end: clamped
    EXPECT_EQ(v.d, kScalingMaxDim);
    views::scale_update(s);
    EXPECT_EQ(v.runs, 3);
    const nlohmann::json a = views::scale_answer(s, nlohmann::json::object());
    EXPECT_EQ(a["d"], kScalingMaxDim);
    EXPECT_NEAR(a["unscaled"]["entropy"].get<double>(), reference(kScalingMaxDim, false).entropy, 1e-4);
    EXPECT_EQ(a["scaled"]["weights"].size(), static_cast<size_t>(kScalingKeys));
    EXPECT_EQ(a["sweep"].size(), scaling_sweep_dims().size());
    EXPECT_THROW(views::set_scale_answer(s, {{"d", 0}}), std::invalid_argument);
    EXPECT_THROW(views::set_scale_answer(s, {{"d", "wide"}}), std::invalid_argument);
    views::set_scale_answer(s, {{"d", 16}});
    EXPECT_EQ(v.d, 16);
    EXPECT_TRUE(v.dirty);
}

}  // namespace
}  // namespace attn
