// test_attention_backends.cpp: every forward form of attention computed on the Simd backend agrees
// with the Scalar reference (kernels_ref.cpp, the oracle), on odd sizes.
#include "core/compare.h"
#include "core/rng.h"
#include "models/seed_examples.h"
#include "nn/attention.h"
#include "nn/attention_multihead.h"
#include "nn/pooling.h"

#include <gtest/gtest.h>

#include <string>

namespace attn {
namespace {

// Tolerance: the Simd kernels reassociate sums (8-wide partial sums, FMA) and may approximate exp and
// tanh (their bounds are stated in kernels_simd.cpp). Both move results by about 1e-6 relative;
// normalized MSE under 1e-9 (RMS relative error ~3e-5) and no entry off by more than 1e-4 of the
// output's scale leave room for that and still catch any real disagreement (a wrong entry is off by
// its own size, NMSE ~ 1e-2 or worse).
void expect_backends_agree(const std::string& what, const Mat& scalar, const Mat& simd) {
    ASSERT_EQ(scalar.rows(), simd.rows()) << what;
    ASSERT_EQ(scalar.cols(), simd.cols()) << what;
    ASSERT_TRUE(simd.allFinite()) << what;
    const Difference d = compare(simd.data(), scalar.data(), static_cast<long>(scalar.size()));
    EXPECT_LE(d.nmse(), 1e-9) << what << ": normalized MSE " << d.nmse();
    const float scale = 1.0f + scalar.cwiseAbs().maxCoeff();
    EXPECT_LE(d.max_abs, 1e-4f * scale) << what << " at entry " << d.max_at;
}

TEST(AttentionBackends, EveryScoreNormalizerAndMaskAgree) {
    for (const ScoreFnInfo& fn : score_fns())  // every row of the table
        for (const NormalizerInfo& row : normalizers())  // every row of the table
            for (MaskKind m : {MaskKind::None, MaskKind::Causal, MaskKind::Window})
                for (bool traced : {false, true}) {  // untraced dot/scaled_dot soft take the fused kernel
                    const Normalizer n = row.id;
                    const ScoreFn f = fn.id;
                    const std::string what = std::string(score_fn_name(f)) + " " + normalizer_name(n) + " " +
                                             mask_kind_name(m) + (traced ? " traced" : "");
                    Rng rng(seed_from_name(what));
                    const int Tq = 17, Tk = 17, Dq = 65, Dk = score_fn_is_parameter_free(f) ? 65 : 3, Dv = 5;
                    const ScoreWeights w = score_weights_init(rng, f, Dq, Dk, 9, Tk);
                    const Mat Q = rng.normal_mat(Tq, Dq), K = rng.normal_mat(Tk, Dk), V = rng.normal_mat(Tk, Dv);
                    AttentionOptions o;
                    o.score = f;
                    o.normalizer = n;
                    o.top_k = 3;
                    o.mask = m;
                    o.window = 4;
                    o.temperature = 1.5f;
                    Trace ta, tb;
                    AttentionCache ca, cb;
                    o.backend = Backend::Scalar;
                    const Mat a = attention_forward(o, w, Q, K, V, &ca, traced ? &ta : nullptr);
                    o.backend = Backend::Simd;
                    const Mat b = attention_forward(o, w, Q, K, V, &cb, traced ? &tb : nullptr);
                    expect_backends_agree(what + " context", a, b);
                    expect_backends_agree(what + " weights", ca.weights, cb.weights);
                    if (traced) {
                        expect_backends_agree(what + " scores", ta.calls[0].scores, tb.calls[0].scores);
                        for (size_t i = 0; i < ta.calls[0].energies.size(); ++i)
                            expect_backends_agree(what + " energies", ta.calls[0].energies[i],
                                                  tb.calls[0].energies[i]);
                    }
                }
}

TEST(AttentionBackends, SelfMultiHeadAndCrossAgree) {
    Rng rng(101);
    const SelfAttention s = self_attention_init(rng, 17);
    const MultiHeadAttention p = multihead_init(rng, 24, 3);
    const Mat X17 = rng.normal_mat(13, 17), X = rng.normal_mat(13, 24), Xq = rng.normal_mat(5, 24);
    for (MaskKind m : {MaskKind::None, MaskKind::Causal, MaskKind::CausalWindow}) {
        AttentionOptions a, b;
        a.mask = b.mask = m;
        a.window = b.window = 2;
        a.head_mask = b.head_mask = {true, false, true};
        b.backend = Backend::Simd;
        const std::string what = mask_kind_name(m);
        expect_backends_agree(what + " self (seed 004)", self_attention_forward(s, a, X17),
                              self_attention_forward(s, b, X17));
        expect_backends_agree(what + " multi-head self", multihead_self_attention_forward(p, a, X),
                              multihead_self_attention_forward(p, b, X));
        expect_backends_agree(what + " multi-head cross", multihead_cross_attention_forward(p, a, Xq, X),
                              multihead_cross_attention_forward(p, b, Xq, X));
    }
}

TEST(AttentionBackends, PoolingAgreesFusedAndStaged) {
    Rng rng(102);
    const int B = 3, T = 17, H = 65;
    const AttentionPool p = attention_pool_init(rng, H);
    const Mat X = rng.normal_mat(B * T, H);
    Mat wa, wb;
    expect_backends_agree("pool fused", attention_pool_forward(p, X, T, Backend::Scalar, &wa),
                          attention_pool_forward(p, X, T, Backend::Simd, &wb));
    expect_backends_agree("pool fused weights", wa, wb);
    AttentionPoolCache ca, cb;
    expect_backends_agree("pool staged", attention_pool_forward(p, X, T, Backend::Scalar, nullptr, &ca),
                          attention_pool_forward(p, X, T, Backend::Simd, nullptr, &cb));
    expect_backends_agree("pool staged energies", ca.energies, cb.energies);
}

TEST(AttentionBackends, SeedExamplesAgree) {
    const AttentionTrace a = seed001_scaled_dot_example(Backend::Scalar), b = seed001_scaled_dot_example(Backend::Simd);
    expect_backends_agree("seed 001 scaled dot", a.context, b.context);
    const Seed001Attention c = seed001_attention_example(Backend::Scalar), d = seed001_attention_example(Backend::Simd);
    expect_backends_agree("seed 001 Attention module", c.context, d.context);
    expect_backends_agree("seed 001 Attention module weights", c.weights, d.weights);
}

}  // namespace
}  // namespace attn
