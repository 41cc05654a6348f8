// test_attention_gallery.cpp: the page's gallery of attention types shows what each one claims to show:
// soft spreads weight over every word, hard is one-hot at soft's argmax, the local window is exactly 0
// outside the window, location-based weights ignore the keys' content, scaling flattens wide softmaxes,
// and the score functions follow their formulas on one shared query and keys.
#include "models/attention_gallery.h"
#include "nn/attention.h"
#include "nn/normalizers.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace attn {
namespace {

const GalleryExample& example(const Gallery& g, const std::string& id) {
    for (const GalleryExample& e : g.types)
        if (e.id == id) return e;
    throw std::runtime_error("no gallery example " + id);
}

const GalleryScore& score(const Gallery& g, const std::string& fn) {
    for (const GalleryScore& s : g.scores)
        if (s.fn == fn) return s;
    throw std::runtime_error("no gallery score " + fn);
}

int argmax(const Mat& m, int row) {
    int best = 0;
    for (int j = 1; j < m.cols(); ++j) if (m(row, j) > m(row, best)) best = j;
    return best;
}

TEST(AttentionGallery, HasEveryTypeOfSeed001AndEveryScoreFunction) {
    const Gallery g = attention_gallery({});
    std::vector<std::string> ids;
    for (const GalleryExample& e : g.types) ids.push_back(e.id);
    // seed 001's types, then every other row of the normalizers table
    std::vector<std::string> want = {"soft", "hard", "self", "multi_head", "cross", "scaled_dot", "location",
                                     "global_local"};
    for (const NormalizerInfo& n : normalizers())
        if (std::find(want.begin(), want.end(), n.name) == want.end()) want.push_back(n.name);
    EXPECT_EQ(ids, want);
    std::vector<std::string> fns;
    for (const GalleryScore& s : g.scores) fns.push_back(s.fn);
    std::vector<std::string> want_fns;  // the rows of the score functions' table marked for the gallery
    for (const ScoreFnInfo& f : score_fns())
        if (f.in_gallery) want_fns.push_back(f.name);
    EXPECT_EQ(fns, want_fns);
    for (const GalleryExample& e : g.types) {
        EXPECT_FALSE(e.explanation.text.empty()) << e.id;
        EXPECT_FALSE(e.hallmark.text.empty()) << e.id;
        ASSERT_FALSE(e.panels.empty()) << e.id;
        for (const GalleryPanel& p : e.panels) {
            EXPECT_EQ(static_cast<long>(p.query_labels.size()), p.trace.weights.rows()) << e.id;
            EXPECT_EQ(static_cast<long>(p.key_labels.size()), p.trace.weights.cols()) << e.id;
        }
    }
}

TEST(AttentionGallery, EveryRowOfWeightsSumsToOne) {
    const Gallery g = attention_gallery({});
    for (const GalleryExample& e : g.types)
        for (const GalleryPanel& p : e.panels)
            for (int i = 0; i < p.trace.weights.rows(); ++i)
                EXPECT_NEAR(p.trace.weights.row(i).sum(), 1.0f, 1e-6f) << e.id << " " << p.caption.text << " row " << i;
    for (const GalleryScore& s : g.scores) EXPECT_NEAR(s.trace.weights.sum(), 1.0f, 1e-6f) << s.fn;
}

TEST(AttentionGallery, SoftGivesEveryWordWeightAndHardIsOneHotAtSoftsArgmax) {
    for (int word = 0; word < 6; ++word) {
        for (float temperature : {0.5f, 1.0f, 3.0f}) {
            GalleryOptions o;
            o.query_word = word;
            o.temperature = temperature;
            const Gallery g = attention_gallery(o);
            const Mat& soft = example(g, "soft").panels[0].trace.weights;
            const Mat& hard = example(g, "hard").panels[0].trace.weights;
            for (int j = 0; j < soft.cols(); ++j) EXPECT_GT(soft(0, j), 0.0f);
            const int best = argmax(soft, 0);
            for (int j = 0; j < hard.cols(); ++j) EXPECT_EQ(hard(0, j), j == best ? 1.0f : 0.0f) << "word " << word;
            EXPECT_FLOAT_EQ(example(g, "soft").panels[0].trace.temperature, temperature);
        }
    }
}

// Every normalizer of the table is in the gallery on soft attention's scores, and its weights are
// that normalizer's forward of those scores.
TEST(AttentionGallery, EveryNormalizerOfTheTableIsShownOnSoftsScores) {
    const Gallery g = attention_gallery({});
    const AttentionTrace& soft = example(g, "soft").panels[0].trace;
    for (const NormalizerInfo& n : normalizers()) {
        const AttentionTrace& t = example(g, n.name).panels[0].trace;
        EXPECT_EQ(t.normalizer, n.name);
        EXPECT_LT((t.scaled - soft.scaled).cwiseAbs().maxCoeff(), 1e-6f) << n.name;
        const Mat want = normalize_forward(n.id, t.top_k, t.scaled, Backend::Scalar);
        EXPECT_LT((t.weights - want).cwiseAbs().maxCoeff(), 1e-6f) << n.name;
    }
}

TEST(AttentionGallery, TheQueryIsTheChosenWordsVector) {
    GalleryOptions o;
    o.query_word = 3;
    const Gallery g = attention_gallery(o);
    const Mat& q = example(g, "soft").panels[0].trace.query;
    EXPECT_EQ(q, gallery_word_vector("on", kGalleryDim));
    EXPECT_EQ(example(g, "soft").panels[0].query_labels[0], "on");
    for (const GalleryScore& s : g.scores) EXPECT_EQ(s.trace.query, q) << s.fn;
}

TEST(AttentionGallery, LocalWindowIsExactlyZeroOutsideTheWindow) {
    for (int window : {0, 1, 2, 5}) {
        GalleryOptions o;
        o.window = window;
        const Gallery g = attention_gallery(o);
        const GalleryExample& e = example(g, "global_local");
        ASSERT_EQ(e.panels.size(), 2u);
        const Mat& global = e.panels[0].trace.weights;
        const Mat& local = e.panels[1].trace.weights;
        for (int i = 0; i < local.rows(); ++i)
            for (int j = 0; j < local.cols(); ++j) {
                EXPECT_GT(global(i, j), 0.0f);
                if (std::abs(i - j) > window) EXPECT_EQ(local(i, j), 0.0f) << i << "," << j;
                else EXPECT_GT(local(i, j), 0.0f) << i << "," << j;
            }
        EXPECT_EQ(e.panels[1].trace.mask_kind, "window");
        EXPECT_EQ(e.panels[0].trace.mask_kind, "none");
    }
}

TEST(AttentionGallery, LocationWeightsIgnoreWhatTheKeysContain) {
    const Gallery g = attention_gallery({});
    const GalleryExample& e = example(g, "location");
    ASSERT_EQ(e.panels.size(), 2u);
    EXPECT_EQ(e.panels[0].trace.kind, "location");
    EXPECT_EQ(e.panels[0].trace.weights, e.panels[1].trace.weights);
    EXPECT_NE(e.panels[0].trace.keys, e.panels[1].trace.keys);
    EXPECT_EQ(e.panels[1].key_labels.front(), "mat");
}

TEST(AttentionGallery, ScalingSpreadsTheWeightsOfWideVectors) {
    const Gallery g = attention_gallery({});
    const GalleryExample& e = example(g, "scaled_dot");
    const AttentionTrace& raw = e.panels[0].trace;
    const AttentionTrace& scaled = e.panels[1].trace;
    EXPECT_EQ(raw.keys.cols(), kGalleryWideDim);
    EXPECT_FLOAT_EQ(raw.scale, 1.0f);
    EXPECT_FLOAT_EQ(scaled.scale, 0.125f);
    EXPECT_EQ(raw.scores, scaled.scores);  // the same dot products ...
    EXPECT_GT(raw.weights.maxCoeff(), 0.9f);  // ... nearly one-hot unscaled (measured: see the hallmark)
    EXPECT_LT(scaled.weights.maxCoeff(), raw.weights.maxCoeff());
}

TEST(AttentionGallery, CrossAttentionAlignsEachSpanishWordWithItsEnglishWord) {
    const Gallery g = attention_gallery({});
    const GalleryExample& e = example(g, "cross");
    const GalleryPanel& p = e.panels[0];
    EXPECT_EQ(p.trace.form, "cross");
    const int aligned[] = {0, 1, 2, 2, 3, 4, 5};  // el->the gato->cat se->sat sentó->sat en->on la->the alfombra->mat
    for (int i = 0; i < p.trace.weights.rows(); ++i)
        EXPECT_NEAR(p.trace.weights(i, aligned[i]), p.trace.weights.row(i).maxCoeff(), 1e-7f) << p.query_labels[i];
    // 'the' appears twice with the same vector: identical weights on both (content-based attention).
    EXPECT_EQ(p.trace.weights(5, 0), p.trace.weights(5, 4));
}

TEST(AttentionGallery, MultiHeadHasTwoDifferentHeads) {
    const Gallery g = attention_gallery({});
    const GalleryExample& e = example(g, "multi_head");
    ASSERT_EQ(e.panels.size(), 2u);
    EXPECT_EQ(e.panels[0].trace.head, 0);
    EXPECT_EQ(e.panels[1].trace.head, 1);
    EXPECT_EQ(e.panels[0].trace.keys.cols(), kGalleryDim / 2);
    EXPECT_GT((e.panels[0].trace.weights - e.panels[1].trace.weights).cwiseAbs().maxCoeff(), 0.05f);
}

TEST(AttentionGallery, ScoreFunctionsFollowTheirFormulasOnTheSameQueryAndKeys) {
    const Gallery g = attention_gallery({});
    const AttentionTrace& dot = score(g, "dot").trace;
    const AttentionTrace& cosine = score(g, "cosine").trace;
    const AttentionTrace& scaled = score(g, "scaled_dot").trace;
    const double qn = dot.query.cast<double>().norm();
    for (int j = 0; j < dot.keys.rows(); ++j) {
        double ref = 0;
        for (int k = 0; k < dot.keys.cols(); ++k) ref += double(dot.query(0, k)) * dot.keys(j, k);
        EXPECT_NEAR(dot.scores(0, j), ref, 1e-5);
        EXPECT_NEAR(dot.scaled(0, j), ref, 1e-5);  // a plain dot product is not scaled
        EXPECT_NEAR(scaled.scores(0, j), ref, 1e-5);
        EXPECT_NEAR(scaled.scaled(0, j), ref / std::sqrt(8.0), 1e-5);
        EXPECT_NEAR(cosine.scores(0, j), ref / (qn * dot.keys.row(j).cast<double>().norm()), 1e-5);
        EXPECT_LE(std::fabs(cosine.scores(0, j)), 1.0f + 1e-6f);
    }
    for (const GalleryScore& s : g.scores) {
        EXPECT_EQ(s.trace.keys, dot.keys) << s.fn;
        // softmax of the scaled scores, in double
        double mx = -1e30, z = 0;
        for (int j = 0; j < s.trace.scaled.cols(); ++j) mx = std::max(mx, double(s.trace.scaled(0, j)));
        for (int j = 0; j < s.trace.scaled.cols(); ++j) z += std::exp(s.trace.scaled(0, j) - mx);
        for (int j = 0; j < s.trace.scaled.cols(); ++j)
            EXPECT_NEAR(s.trace.weights(0, j), std::exp(s.trace.scaled(0, j) - mx) / z, 1e-6) << s.fn;
    }
    EXPECT_EQ(score(g, "dot").parameters, 0);
    EXPECT_EQ(score(g, "general").parameters, 8 * 8);  // W, no bias
    EXPECT_EQ(score(g, "additive").parameters, 8 * 8 + (8 * 8 + 8) + 8);  // W, U with its bias, v
    EXPECT_EQ(score(g, "additive").trace.energies.size(), 1u);
}

TEST(AttentionGallery, SimdAgreesWithScalar) {
    GalleryOptions o;
    const Gallery a = attention_gallery(o);
    o.backend = Backend::Simd;
    const Gallery b = attention_gallery(o);
    for (size_t i = 0; i < a.types.size(); ++i)
        for (size_t p = 0; p < a.types[i].panels.size(); ++p)
            EXPECT_LT((a.types[i].panels[p].trace.weights - b.types[i].panels[p].trace.weights).cwiseAbs().maxCoeff(), 1e-5f)
                << a.types[i].id;
    for (size_t i = 0; i < a.scores.size(); ++i)
        EXPECT_LT((a.scores[i].trace.weights - b.scores[i].trace.weights).cwiseAbs().maxCoeff(), 1e-5f) << a.scores[i].fn;
}

TEST(AttentionGallery, RejectsOptionsItCannotShow) {
    GalleryOptions o;
    o.query_word = 6;
    EXPECT_THROW(attention_gallery(o), std::invalid_argument);
    o = {};
    o.temperature = 0.0f;
    EXPECT_THROW(attention_gallery(o), std::invalid_argument);
    o = {};
    o.window = -1;
    EXPECT_THROW(attention_gallery(o), std::invalid_argument);
}

}  // namespace
}  // namespace attn
