// test_nn_transformer_block.cpp: the pre-LN encoder and decoder layers: backward by central finite
// differences through every parameter and input, the decoder's causality (a position's output does
// not depend on later positions), a switched-off head equals zeroing its slice of the output
// projection, and the traces each layer records.
#include "core/rng.h"
#include "gradcheck_attention.h"
#include "nn/transformer_block.h"

#include <gtest/gtest.h>

#include <functional>

namespace attn {
namespace {

using testing::expect_grad;
using testing::weighted_sum;

// Parameters away from their initial values, so that layer norms and biases are not trivially 1 / 0.
void perturb(Rng& rng, LayerNorm& ln) {
    ln.gamma += 0.3f * rng.normal_mat(ln.dim(), 1).col(0);
    ln.beta += 0.3f * rng.normal_mat(ln.dim(), 1).col(0);
}

AttentionOptions causal() {
    AttentionOptions o;
    o.mask = MaskKind::Causal;
    return o;
}

// Every parameter of a layer with its gradient, by name, for the checks below.
struct Named {
    const char* name;
    Mat* param;
    Mat* grad;
    Vec* vparam;
    Vec* vgrad;
};
void add_linear(std::vector<Named>& v, const char* n, Linear& l, LinearGrad& g) {
    v.push_back({n, &l.W, &g.dW, nullptr, nullptr});
    v.push_back({n, nullptr, nullptr, &l.b, &g.db});
}
void add_mha(std::vector<Named>& v, MultiHeadAttention& m, MultiHeadGrad& g) {
    add_linear(v, "query", m.query, g.query);
    add_linear(v, "key", m.key, g.key);
    add_linear(v, "value", m.value, g.value);
    add_linear(v, "out", m.out, g.out);
}
void add_norm(std::vector<Named>& v, const char* n, LayerNorm& ln, LayerNormGrad& g) {
    v.push_back({n, nullptr, nullptr, &ln.gamma, &g.dgamma});
    v.push_back({n, nullptr, nullptr, &ln.beta, &g.dbeta});
}
// kTightGrad (gradcheck.h) holds here: layers of width 8 with losses of a few units.
constexpr testing::GradTol kTol = testing::kTightGrad;
double check(const char* name, Mat& p, const Mat& g, const std::function<double()>& loss) {
    return expect_grad(name, p, g, loss, kTol.eps, kTol.rtol, kTol.atol);
}
void check_all(const std::vector<Named>& params, const std::function<double()>& loss) {
    for (const Named& p : params) {
        if (p.param) check(p.name, *p.param, *p.grad, loss);
        else expect_grad(p.name, *p.vparam, *p.vgrad, loss, kTol.eps, kTol.rtol, kTol.atol);
    }
}

TEST(TransformerBlock, EncoderLayerBackwardMatchesFiniteDifferences) {
    Rng rng(71);
    EncoderLayer p = encoder_layer_init(rng, 8, 2, 6);
    perturb(rng, p.self_norm);
    perturb(rng, p.ff_norm);
    Mat x = rng.normal_mat(3, 8);
    const Mat R = rng.normal_mat(3, 8);
    const AttentionOptions o;
    EncoderLayerCache cache;
    encoder_layer_forward(p, o, x, &cache);
    EncoderLayerGrad g;
    g.zero_like(p);
    const Mat dx = encoder_layer_backward(p, o, cache, R, g);
    auto loss = [&]() { return weighted_sum(encoder_layer_forward(p, o, x), R); };
    std::vector<Named> params;
    add_norm(params, "self_norm", p.self_norm, g.self_norm);
    add_mha(params, p.self, g.self);
    add_norm(params, "ff_norm", p.ff_norm, g.ff_norm);
    add_linear(params, "ff.up", p.ff.up, g.ff.up);
    add_linear(params, "ff.down", p.ff.down, g.ff.down);
    check_all(params, loss);
    EXPECT_GT(check("x", x, dx, loss), 0.1);
}

TEST(TransformerBlock, DecoderLayerBackwardMatchesFiniteDifferences) {
    Rng rng(72);
    DecoderLayer p = decoder_layer_init(rng, 8, 2, 6);
    perturb(rng, p.self_norm);
    perturb(rng, p.cross_norm);
    perturb(rng, p.ff_norm);
    Mat y = rng.normal_mat(4, 8), memory = rng.normal_mat(3, 8);
    const Mat R = rng.normal_mat(4, 8);
    const AttentionOptions so = causal(), co;
    DecoderLayerCache cache;
    decoder_layer_forward(p, so, co, y, memory, &cache);
    DecoderLayerGrad g;
    g.zero_like(p);
    const DecoderLayerInputGrad gi = decoder_layer_backward(p, so, co, memory, cache, R, g);
    auto loss = [&]() { return weighted_sum(decoder_layer_forward(p, so, co, y, memory), R); };
    std::vector<Named> params;
    add_norm(params, "self_norm", p.self_norm, g.self_norm);
    add_mha(params, p.self, g.self);
    add_norm(params, "cross_norm", p.cross_norm, g.cross_norm);
    add_mha(params, p.cross, g.cross);
    add_norm(params, "ff_norm", p.ff_norm, g.ff_norm);
    add_linear(params, "ff.up", p.ff.up, g.ff.up);
    add_linear(params, "ff.down", p.ff.down, g.ff.down);
    check_all(params, loss);
    EXPECT_GT(check("y", y, gi.dy, loss), 0.1);
    EXPECT_GT(check("memory", memory, gi.dmemory, loss), 0.1);
}

TEST(TransformerBlock, DecoderPositionIgnoresLaterPositions) {
    Rng rng(73);
    const DecoderLayer p = decoder_layer_init(rng, 8, 2, 6);
    const Mat memory = rng.normal_mat(3, 8);
    Mat y = rng.normal_mat(5, 8);
    const Mat before = decoder_layer_forward(p, causal(), AttentionOptions{}, y, memory);
    y.row(3) = rng.normal_mat(1, 8);  // change position 3: rows 0..2 must not move at all
    const Mat after = decoder_layer_forward(p, causal(), AttentionOptions{}, y, memory);
    for (int t = 0; t < 3; ++t)
        for (int k = 0; k < 8; ++k) EXPECT_EQ(before(t, k), after(t, k)) << t << "," << k;
    EXPECT_GT((before.row(3) - after.row(3)).norm(), 1e-3f);
    // Without the mask, position 0 does see position 3: the test above is not vacuous.
    const Mat unmasked = decoder_layer_forward(p, AttentionOptions{}, AttentionOptions{}, y, memory);
    y.row(3) = rng.normal_mat(1, 8);
    EXPECT_GT((decoder_layer_forward(p, AttentionOptions{}, AttentionOptions{}, y, memory).row(0) - unmasked.row(0)).norm(),
              1e-4f);
}

TEST(TransformerBlock, SwitchedOffHeadEqualsZeroedOutputColumns) {
    Rng rng(74);
    const DecoderLayer p = decoder_layer_init(rng, 8, 2, 6);
    const Mat y = rng.normal_mat(4, 8), memory = rng.normal_mat(3, 8);
    AttentionOptions co;
    co.head_mask = {true, false};
    const Mat masked = decoder_layer_forward(p, causal(), co, y, memory);
    DecoderLayer q = p;
    q.cross.out.W.rightCols(4).setZero();  // head 1's slice of the concatenation reaches nothing
    const Mat zeroed = decoder_layer_forward(q, causal(), AttentionOptions{}, y, memory);
    // The same products with exact zeros in place of head 1's terms: float-identical sums up to the
    // order in which zeros are added, so a tolerance of a few ulps of values of size ~3.
    EXPECT_LT((masked - zeroed).cwiseAbs().maxCoeff(), 1e-6f);
    const Mat all_on = decoder_layer_forward(p, causal(), AttentionOptions{}, y, memory);
    EXPECT_GT((masked - all_on).cwiseAbs().maxCoeff(), 1e-3f);
}

TEST(TransformerBlock, TracesEveryHeadOfEveryAttention) {
    Rng rng(75);
    const EncoderLayer e = encoder_layer_init(rng, 8, 2, 6);
    const DecoderLayer d = decoder_layer_init(rng, 8, 2, 6);
    const Mat x = rng.normal_mat(3, 8), y = rng.normal_mat(4, 8);
    Trace trace;
    const Mat memory = encoder_layer_forward(e, AttentionOptions{}, x, nullptr, &trace, 0);
    decoder_layer_forward(d, causal(), AttentionOptions{}, y, memory, nullptr, &trace, 1);
    ASSERT_EQ(trace.calls.size(), 6u);
    const char* forms[] = {"self", "self", "causal_self", "causal_self", "cross", "cross"};
    const int layers[] = {0, 0, 1, 1, 1, 1};
    for (int i = 0; i < 6; ++i) {
        EXPECT_EQ(trace.calls[i].form, forms[i]) << i;
        EXPECT_EQ(trace.calls[i].layer, layers[i]) << i;
        EXPECT_EQ(trace.calls[i].head, i % 2) << i;
    }
    EXPECT_EQ(trace.calls[2].mask_kind, "causal");
    EXPECT_EQ(trace.calls[4].weights.rows(), 4);
    EXPECT_EQ(trace.calls[4].weights.cols(), 3);
}

}  // namespace
}  // namespace attn
