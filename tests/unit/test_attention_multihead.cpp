// test_attention_multihead.cpp: seed 004's SelfAttention, causal self-attention and multi-head
// attention (self and cross, head ablation) against double references and their definitions, and
// their backward passes by central finite differences.
#include "attention_reference.h"
#include "core/rng.h"
#include "gradcheck_attention.h"
#include "nn/attention_multihead.h"

#include <gtest/gtest.h>

#include <cmath>

namespace attn {
namespace {

using testing::expect_grad;
using testing::max_abs_diff;
using testing::ref_linear;
using testing::VecD;
using testing::weighted_sum;

// Rows of X through a Linear, in double.
MatD ref_project(const Linear& l, const Mat& X) {
    MatD Y(X.rows(), l.W.rows());
    for (long t = 0; t < X.rows(); ++t) Y.row(t) = ref_linear(l, testing::row_d(X, t)).transpose();
    return Y;
}

// softmax(Q K^T / sqrt(dk)) V in double, one row at a time, with an optional causal mask.
MatD ref_scaled_dot_attention(const MatD& Q, const MatD& K, const MatD& V, bool causal, MatD* weights = nullptr) {
    MatD C(Q.rows(), V.cols()), W = MatD::Zero(Q.rows(), K.rows());
    for (long i = 0; i < Q.rows(); ++i) {
        const long visible = causal ? i + 1 : K.rows();
        VecD s(visible);
        for (long j = 0; j < visible; ++j) s[j] = Q.row(i).dot(K.row(j)) / std::sqrt(double(Q.cols()));
        const VecD e = (s.array() - s.maxCoeff()).exp().matrix();
        W.row(i).head(visible) = (e / e.sum()).transpose();
        C.row(i) = W.row(i) * V;
    }
    if (weights) *weights = W;
    return C;
}

// Multi-head attention in double: per-head slices, concatenation, output projection.
MatD ref_multihead(const MultiHeadAttention& p, const Mat& Xq, const Mat& Xkv, bool causal,
                   const std::vector<bool>& on = {}) {
    const MatD Q = ref_project(p.query, Xq), K = ref_project(p.key, Xkv), V = ref_project(p.value, Xkv);
    const int dh = p.head_dim();
    MatD concat = MatD::Zero(Xq.rows(), p.d_model());
    for (int h = 0; h < p.heads; ++h) {
        if (!on.empty() && !on[h]) continue;
        concat.middleCols(h * dh, dh) =
            ref_scaled_dot_attention(Q.middleCols(h * dh, dh), K.middleCols(h * dh, dh), V.middleCols(h * dh, dh), causal);
    }
    MatD Y(Xq.rows(), p.d_model());
    for (long t = 0; t < Y.rows(); ++t) {
        const VecD c = concat.row(t).transpose();
        Y.row(t) = (testing::to_d(p.out.W) * c + testing::to_d(p.out.b)).transpose();
    }
    return Y;
}

// ---- seed 004

TEST(Seed004SelfAttention, ShapeAndTheSeedsForward) {
    const int T = 5, d = 6;
    Rng rng(51);
    const SelfAttention p = self_attention_init(rng, d);
    EXPECT_EQ(p.input_dim(), d);
    EXPECT_EQ(p.parameter_count(), 3 * (d * d + d));
    const Mat X = rng.normal_mat(T, d);
    const Mat Y = self_attention_forward(p, AttentionOptions{}, X);
    EXPECT_EQ(Y.rows(), T);
    EXPECT_EQ(Y.cols(), d);
    // queries = query(x), keys = key(x), values = value(x); softmax(Q K^T / input_dim ** 0.5) V
    const MatD ref = ref_scaled_dot_attention(ref_project(p.query, X), ref_project(p.key, X), ref_project(p.value, X),
                                              /*causal=*/false);
    EXPECT_LT(max_abs_diff(Y, ref), 1e-5);
}

TEST(Seed004SelfAttention, ScoresAreDividedBySqrtOfInputDim) {
    const int T = 4, d = 9;
    Rng rng(52);
    const SelfAttention p = self_attention_init(rng, d);
    const Mat X = rng.normal_mat(T, d);
    Trace trace;
    self_attention_forward(p, AttentionOptions{}, X, nullptr, &trace, /*layer=*/2);
    ASSERT_EQ(trace.calls.size(), 1u);
    const AttentionTrace& t = trace.calls[0];
    EXPECT_EQ(t.kind, "scaled_dot");
    EXPECT_EQ(t.form, "self");
    EXPECT_EQ(t.layer, 2);
    EXPECT_FLOAT_EQ(t.scale, 1.0f / 3.0f);  // 1 / sqrt(9)
    // the raw scores are queries . keys; the scaled ones are those over sqrt(input_dim)
    const MatD Q = ref_project(p.query, X), K = ref_project(p.key, X);
    EXPECT_LT(max_abs_diff(t.scores, Q * K.transpose()), 1e-5);
    EXPECT_LT(max_abs_diff(t.scaled, Q * K.transpose() / 3.0), 1e-5);
    EXPECT_LT((t.scaled - t.scores / 3.0f).cwiseAbs().maxCoeff(), 1e-6f);
}

TEST(Seed004SelfAttention, Backward) {
    const int T = 4, d = 5;
    Rng rng(53);
    SelfAttention p = self_attention_init(rng, d);
    Mat X = rng.normal_mat(T, d);
    const Mat R = rng.normal_mat(T, d);
    AttentionOptions o;
    SelfAttentionCache cache;
    self_attention_forward(p, o, X, &cache);
    SelfAttentionGrad g;
    g.zero_like(p);
    const Mat dX = self_attention_backward(p, o, X, cache, R, g);
    auto loss = [&] { return weighted_sum(self_attention_forward(p, o, X), R); };
    EXPECT_GT(expect_grad("dX", X, dX, loss), 0.01);
    EXPECT_GT(expect_grad("query.dW", p.query.W, g.query.dW, loss), 0.01);
    EXPECT_GT(expect_grad("query.db", p.query.b, g.query.db, loss), 0.01);
    EXPECT_GT(expect_grad("key.dW", p.key.W, g.key.dW, loss), 0.01);
    // q . (k_j + b) = q . k_j + q . b: the key bias shifts a whole row of scores, which softmax ignores
    EXPECT_LT(expect_grad("key.db", p.key.b, g.key.db, loss), 1e-3);
    EXPECT_LT(g.key.db.cwiseAbs().maxCoeff(), 1e-5f);
    EXPECT_GT(expect_grad("value.dW", p.value.W, g.value.dW, loss), 0.01);
    EXPECT_GT(expect_grad("value.db", p.value.b, g.value.db, loss), 0.01);
}

// ---- causal self-attention

TEST(CausalSelfAttention, NoWeightAboveTheDiagonalAndTheFutureChangesNothing) {
    const int T = 6, d = 4;
    Rng rng(54);
    const SelfAttention p = self_attention_init(rng, d);
    Mat X = rng.normal_mat(T, d);
    AttentionOptions o;
    o.mask = MaskKind::Causal;
    Trace trace;
    SelfAttentionCache cache;
    const Mat Y = self_attention_forward(p, o, X, &cache, &trace);
    EXPECT_EQ(trace.calls[0].form, "causal_self");
    const Mat& w = cache.attention.weights;
    for (int i = 0; i < T; ++i) {
        EXPECT_NEAR(w.row(i).sum(), 1.0f, 1e-6f);
        for (int j = i + 1; j < T; ++j) EXPECT_EQ(w(i, j), 0.0f) << i << ", " << j;
        for (int j = 0; j <= i; ++j) EXPECT_GT(w(i, j), 0.0f) << i << ", " << j;
    }
    EXPECT_EQ(w(0, 0), 1.0f);  // the first position can only see itself
    const MatD ref = ref_scaled_dot_attention(ref_project(p.query, X), ref_project(p.key, X), ref_project(p.value, X),
                                              /*causal=*/true);
    EXPECT_LT(max_abs_diff(Y, ref), 1e-5);
    // changing the last input leaves every earlier output exactly as it was (both calls untraced, so
    // both take the same path: the traced call above is staged, which may round differently)
    const Mat Y1 = self_attention_forward(p, o, X);
    X.row(T - 1) = rng.normal_mat(1, d);
    const Mat Y2 = self_attention_forward(p, o, X);
    EXPECT_EQ((Y2.topRows(T - 1) - Y1.topRows(T - 1)).cwiseAbs().maxCoeff(), 0.0f);
    EXPECT_GT((Y2.row(T - 1) - Y1.row(T - 1)).cwiseAbs().maxCoeff(), 1e-3f);
}

TEST(CausalSelfAttention, Backward) {
    const int T = 5, d = 4;
    Rng rng(55);
    SelfAttention p = self_attention_init(rng, d);
    Mat X = rng.normal_mat(T, d);
    const Mat R = rng.normal_mat(T, d);
    AttentionOptions o;
    o.mask = MaskKind::Causal;
    SelfAttentionCache cache;
    self_attention_forward(p, o, X, &cache);
    SelfAttentionGrad g;
    g.zero_like(p);
    const Mat dX = self_attention_backward(p, o, X, cache, R, g);
    auto loss = [&] { return weighted_sum(self_attention_forward(p, o, X), R); };
    EXPECT_GT(expect_grad("dX", X, dX, loss), 0.01);
    EXPECT_GT(expect_grad("query.dW", p.query.W, g.query.dW, loss), 0.01);
    EXPECT_GT(expect_grad("key.dW", p.key.W, g.key.dW, loss), 0.01);
    EXPECT_GT(expect_grad("value.dW", p.value.W, g.value.dW, loss), 0.01);
    // the last row of dY reaches every input; dY of row 0 only X row 0 (checked by the whole dX above)
}

// ---- multi-head

TEST(MultiHeadAttention, OneHeadEqualsSingleHeadAttentionThenTheOutputProjection) {
    const int T = 5, d = 6;
    Rng rng(56);
    const MultiHeadAttention mh = multihead_init(rng, d, 1);
    const SelfAttention single{mh.query, mh.key, mh.value};
    const Mat X = rng.normal_mat(T, d);
    for (MaskKind m : {MaskKind::None, MaskKind::Causal}) {
        AttentionOptions o;
        o.mask = m;
        const Mat Y = multihead_self_attention_forward(mh, o, X);
        const Mat expect = linear_forward(mh.out, self_attention_forward(single, o, X));
        EXPECT_LT((Y - expect).cwiseAbs().maxCoeff(), 1e-6f) << mask_kind_name(m);
    }
}

TEST(MultiHeadAttention, SelfAndCrossMatchTheDoubleReference) {
    const int d = 6;
    Rng rng(57);
    const MultiHeadAttention p = multihead_init(rng, d, 3);
    EXPECT_EQ(p.head_dim(), 2);
    EXPECT_EQ(p.parameter_count(), 4 * (d * d + d));
    const Mat X = rng.normal_mat(5, d), Xq = rng.normal_mat(3, d);
    AttentionOptions o;
    EXPECT_LT(max_abs_diff(multihead_self_attention_forward(p, o, X), ref_multihead(p, X, X, false)), 1e-5);
    const Mat Yc = multihead_cross_attention_forward(p, o, Xq, X);
    EXPECT_EQ(Yc.rows(), 3);
    EXPECT_EQ(Yc.cols(), d);
    EXPECT_LT(max_abs_diff(Yc, ref_multihead(p, Xq, X, false)), 1e-5);
    o.mask = MaskKind::Causal;
    EXPECT_LT(max_abs_diff(multihead_self_attention_forward(p, o, X), ref_multihead(p, X, X, true)), 1e-5);
}

TEST(MultiHeadAttention, AblatingAHeadRemovesExactlyItsContribution) {
    // Y = out.b + sum_h head_h out.W[:, h cols]^T; switching head h off removes its term and nothing else.
    const int T = 4, d = 8, H = 4, dh = 2;
    Rng rng(58);
    const MultiHeadAttention p = multihead_init(rng, d, H);
    const Mat X = rng.normal_mat(T, d);
    AttentionOptions o;
    Trace trace;
    const Mat Y = multihead_self_attention_forward(p, o, X, nullptr, &trace);
    ASSERT_EQ(trace.calls.size(), size_t(H));
    for (int h = 0; h < H; ++h) {
        o.head_mask.assign(H, true);
        o.head_mask[h] = false;
        const Mat Y_without = multihead_self_attention_forward(p, o, X);
        const Mat contribution = trace.calls[h].context * p.out.W.middleCols(h * dh, dh).transpose();
        EXPECT_GT(contribution.cwiseAbs().maxCoeff(), 1e-3f);
        // float sums over 8 terms in a different grouping: differences of a few ulp of |Y| ~ 1
        EXPECT_LT((Y - Y_without - contribution).cwiseAbs().maxCoeff(), 1e-6f) << "head " << h;
        EXPECT_LT(max_abs_diff(Y_without, ref_multihead(p, X, X, false, o.head_mask)), 1e-5) << "head " << h;
    }
    // every head off: only the output bias is left
    o.head_mask.assign(H, false);
    const Mat Y_none = multihead_self_attention_forward(p, o, X);
    for (int t = 0; t < T; ++t) EXPECT_LT((Y_none.row(t) - p.out.b.transpose()).cwiseAbs().maxCoeff(), 1e-7f);
}

TEST(MultiHeadAttention, TraceHasOneCallPerHeadWithItsSlice) {
    const int T = 5, d = 6, H = 3, dh = 2;
    Rng rng(59);
    const MultiHeadAttention p = multihead_init(rng, d, H);
    const Mat X = rng.normal_mat(T, d);
    AttentionOptions o;
    o.head_mask = {true, false, true};
    Trace trace;
    MultiHeadCache cache;
    multihead_self_attention_forward(p, o, X, &cache, &trace, /*layer=*/1);
    ASSERT_EQ(trace.calls.size(), size_t(H));
    for (int h = 0; h < H; ++h) {
        const AttentionTrace& t = trace.calls[h];
        EXPECT_EQ(t.layer, 1);
        EXPECT_EQ(t.head, h);
        EXPECT_EQ(t.form, "self");
        EXPECT_EQ(t.ablated, h == 1);
        EXPECT_FLOAT_EQ(t.scale, 1.0f / std::sqrt(2.0f));  // 1/sqrt(head width), not 1/sqrt(d_model)
        EXPECT_EQ((t.query - cache.Q.middleCols(h * dh, dh)).cwiseAbs().maxCoeff(), 0.0f);
        EXPECT_EQ((t.keys - cache.K.middleCols(h * dh, dh)).cwiseAbs().maxCoeff(), 0.0f);
        EXPECT_EQ((t.values - cache.V.middleCols(h * dh, dh)).cwiseAbs().maxCoeff(), 0.0f);
        for (int i = 0; i < T; ++i) EXPECT_NEAR(t.weights.row(i).sum(), 1.0f, 1e-6f);
        // a switched-off head is still shown, but its columns of the concatenation are 0
        if (h == 1)
            EXPECT_EQ(cache.concat.middleCols(h * dh, dh).cwiseAbs().maxCoeff(), 0.0f);
        else
            EXPECT_EQ((cache.concat.middleCols(h * dh, dh) - t.context).cwiseAbs().maxCoeff(), 0.0f);
    }
}

TEST(MultiHeadAttention, SelfBackwardWithAHeadSwitchedOff) {
    const int T = 4, d = 6;
    Rng rng(60);
    MultiHeadAttention p = multihead_init(rng, d, 3);
    Mat X = rng.normal_mat(T, d);
    const Mat R = rng.normal_mat(T, d);
    AttentionOptions o;
    o.mask = MaskKind::Causal;
    o.temperature = 0.8f;
    o.head_mask = {true, false, true};
    MultiHeadCache cache;
    multihead_self_attention_forward(p, o, X, &cache);
    MultiHeadGrad g;
    g.zero_like(p);
    const Mat dX = multihead_self_attention_backward(p, o, X, cache, R, g);
    auto loss = [&] { return weighted_sum(multihead_self_attention_forward(p, o, X), R); };
    EXPECT_GT(expect_grad("dX", X, dX, loss), 0.01);
    EXPECT_GT(expect_grad("query.dW", p.query.W, g.query.dW, loss), 0.01);
    EXPECT_GT(expect_grad("key.dW", p.key.W, g.key.dW, loss), 0.01);
    EXPECT_GT(expect_grad("value.dW", p.value.W, g.value.dW, loss), 0.01);
    EXPECT_GT(expect_grad("value.db", p.value.b, g.value.db, loss), 0.01);
    EXPECT_GT(expect_grad("out.dW", p.out.W, g.out.dW, loss), 0.01);
    EXPECT_GT(expect_grad("out.db", p.out.b, g.out.db, loss), 0.01);
    // the switched-off head's slice of the projections gets no gradient
    EXPECT_EQ(g.query.dW.middleRows(2, 2).cwiseAbs().maxCoeff(), 0.0f);
    EXPECT_EQ(g.out.dW.middleCols(2, 2).cwiseAbs().maxCoeff(), 0.0f);
}

TEST(MultiHeadAttention, CrossBackward) {
    const int d = 4;
    Rng rng(61);
    MultiHeadAttention p = multihead_init(rng, d, 2);
    Mat Xq = rng.normal_mat(3, d), Xkv = rng.normal_mat(5, d);
    const Mat R = rng.normal_mat(3, d);
    AttentionOptions o;
    o.mask = MaskKind::Window;
    o.window = 3;
    MultiHeadCache cache;
    multihead_cross_attention_forward(p, o, Xq, Xkv, &cache);
    MultiHeadGrad g;
    g.zero_like(p);
    const MultiHeadCrossInputGrad dx = multihead_cross_attention_backward(p, o, Xq, Xkv, cache, R, g);
    auto loss = [&] { return weighted_sum(multihead_cross_attention_forward(p, o, Xq, Xkv), R); };
    EXPECT_GT(expect_grad("dXq", Xq, dx.dXq, loss), 0.01);
    EXPECT_GT(expect_grad("dXkv", Xkv, dx.dXkv, loss), 0.01);
    EXPECT_GT(expect_grad("query.dW", p.query.W, g.query.dW, loss), 0.01);
    EXPECT_GT(expect_grad("key.dW", p.key.W, g.key.dW, loss), 0.01);
    EXPECT_GT(expect_grad("value.dW", p.value.W, g.value.dW, loss), 0.01);
    EXPECT_GT(expect_grad("out.dW", p.out.W, g.out.dW, loss), 0.01);
}

TEST(MultiHeadAttention, CrossFormIsLabelledCross) {
    Rng rng(62);
    const MultiHeadAttention p = multihead_init(rng, 4, 2);
    Trace trace;
    multihead_cross_attention_forward(p, AttentionOptions{}, rng.normal_mat(2, 4), rng.normal_mat(3, 4), nullptr,
                                      &trace);
    ASSERT_EQ(trace.calls.size(), 2u);
    for (const AttentionTrace& t : trace.calls) {
        EXPECT_EQ(t.form, "cross");
        EXPECT_EQ(t.weights.rows(), 2);
        EXPECT_EQ(t.weights.cols(), 3);
    }
}

}  // namespace
}  // namespace attn
