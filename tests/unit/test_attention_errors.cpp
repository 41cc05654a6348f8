// test_attention_errors.cpp: bad input to attention, multi-head attention and pooling. Every shape
// mismatch raises ShapeError naming the operation and both shapes; a NaN or Inf in the inputs (or
// in a gradient coming back) raises NonFiniteError at the entry point, before it can spread; bad
// options raise std::invalid_argument.
#include "core/check.h"
#include "core/rng.h"
#include "nn/attention.h"
#include "nn/attention_multihead.h"
#include "nn/pooling.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <string>

namespace attn {
namespace {

// f must throw ShapeError whose message starts with "op: shape mismatch" and names both shapes.
void expect_shape_error(const std::function<void()>& f, const std::string& op, const std::string& a,
                        const std::string& b) {
    try {
        f();
        ADD_FAILURE() << "expected ShapeError from " << op;
    } catch (const ShapeError& e) {
        const std::string what = e.what();
        EXPECT_EQ(what.rfind(op + ": shape mismatch", 0), 0u) << what;
        EXPECT_NE(what.find(a), std::string::npos) << "'" << a << "' not in: " << what;
        EXPECT_NE(what.find(b), std::string::npos) << "'" << b << "' not in: " << what;
    } catch (const std::exception& e) {
        ADD_FAILURE() << "expected ShapeError from " << op << ", got: " << e.what();
    }
}

// f must throw NonFiniteError naming op and what was not finite.
void expect_non_finite(const std::function<void()>& f, const std::string& op, const std::string& name) {
    try {
        f();
        ADD_FAILURE() << "expected NonFiniteError from " << op;
    } catch (const NonFiniteError& e) {
        const std::string what = e.what();
        EXPECT_EQ(what.rfind(op + ": ", 0), 0u) << what;
        EXPECT_NE(what.find(name), std::string::npos) << "'" << name << "' not in: " << what;
    } catch (const std::exception& e) {
        ADD_FAILURE() << "expected NonFiniteError from " << op << ", got: " << e.what();
    }
}

// f must throw std::invalid_argument that is not a ShapeError (the options, not the shapes, are wrong).
void expect_option_error(const std::function<void()>& f, const std::string& words) {
    try {
        f();
        ADD_FAILURE() << "expected invalid_argument about " << words;
    } catch (const ShapeError& e) {
        ADD_FAILURE() << "expected an option error, got ShapeError: " << e.what();
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
    }
}

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

TEST(AttentionErrors, ScoreFunctionShapes) {
    Rng rng(91);
    const Mat Q = rng.normal_mat(2, 4), K5 = rng.normal_mat(3, 5), K4 = rng.normal_mat(3, 4);
    expect_shape_error([&] { score_dot_forward(Q, K5, Backend::Scalar); }, "score_dot_forward", "query [2, 4]",
                       "keys [3, 5]");
    expect_shape_error([&] { score_dot_backward(Q, K4, Mat::Zero(2, 4)); }, "score_dot_backward", "dS [2, 4]",
                       "keys [3, 4]");
    expect_shape_error([&] { score_cosine_forward(Q, K5, Backend::Scalar); }, "score_cosine_forward", "query [2, 4]",
                       "keys [3, 5]");
    expect_shape_error([&] { score_cosine_backward(Q, K4, Mat::Zero(3, 3)); }, "score_cosine_backward", "dS [3, 3]",
                       "query [2, 4]");
    const Linear general{Mat::Zero(4, 3), Vec()};
    expect_shape_error([&] { score_general_forward(general, Q, K5, Backend::Scalar); }, "score_general_forward",
                       "W [4, 3]", "keys [3, 5]");
    const Linear general_wide{Mat::Zero(5, 4), Vec()};
    expect_shape_error([&] { score_general_forward(general_wide, Q, K4, Backend::Scalar); }, "score_general_forward",
                       "W [5, 4]", "query [2, 4]");

    const ScoreWeights a = score_weights_init(rng, ScoreFn::Additive, 4, 5, 6);  // W [6, 4], U [6, 5], v [6]
    expect_shape_error([&] { score_additive_forward(a.W, a.U, a.v, Q, K4, Backend::Scalar, nullptr); },
                       "score_additive_forward", "U [6, 5]", "keys [3, 4]");
    expect_shape_error([&] { score_additive_forward(a.U, a.U, a.v, Q, K5, Backend::Scalar, nullptr); },
                       "score_additive_forward", "W [6, 5]", "query [2, 4]");
    const Linear u_narrow{Mat::Zero(3, 5), Vec()};
    expect_shape_error([&] { score_additive_forward(a.W, u_narrow, a.v, Q, K5, Backend::Scalar, nullptr); },
                       "score_additive_forward", "U [3, 5]", "W [6, 4]");
    const Vec v5 = Vec::Zero(5);
    expect_shape_error([&] { score_additive_forward(a.W, a.U, v5, Q, K5, Backend::Scalar, nullptr); },
                       "score_additive_forward", "v [5]", "W [6, 4]");
    ScoreWeightsGrad ga;
    ga.zero_like(a);
    expect_shape_error(
        [&] { score_additive_backward(a.W, a.U, a.v, Q, K5, {}, Mat::Zero(2, 3), ga.dW, ga.dU, ga.dv); },
        "score_additive_backward", "energies", "query [2, 4]");

    const ScoreWeights c = score_weights_init(rng, ScoreFn::Concat, 4, 5, 6);  // attn [6, 9]
    expect_shape_error([&] { score_concat_forward(c.W, c.v, Q, K4, Backend::Scalar, nullptr); },
                       "score_concat_forward", "[6, 9]", "query [2, 4]");
    expect_shape_error([&] { score_concat_forward(c.W, v5, Q, K5, Backend::Scalar, nullptr); },
                       "score_concat_forward", "v [5]", "attn.W [6, 9]");

    const ScoreWeights l = score_weights_init(rng, ScoreFn::Location, 4, 4, 0, 2);  // at most 2 key positions
    expect_shape_error([&] { score_forward(ScoreFn::Location, l, Q, K4, Backend::Scalar, nullptr); },
                       "score_location_forward", "W [2, 4]", "keys [3, 4]");
    expect_shape_error([&] { score_location_forward(l.W, Q, 3, Backend::Scalar); }, "score_location_forward",
                       "W [2, 4]", "keys of length 3");
    expect_shape_error([&] { score_location_forward(l.W, K5, 2, Backend::Scalar); }, "score_location_forward",
                       "W [2, 4]", "query [3, 5]");
}

TEST(AttentionErrors, AttentionCallShapes) {
    Rng rng(92);
    const Mat Q = rng.normal_mat(3, 4), K = rng.normal_mat(5, 4), V = rng.normal_mat(5, 2);
    const AttentionOptions o;
    expect_shape_error([&] { attention_forward(o, ScoreWeights{}, Q, K, rng.normal_mat(4, 2)); }, "attention_forward",
                       "keys [5, 4]", "values [4, 2]");
    expect_shape_error([&] { attention_forward(o, ScoreWeights{}, Q, Mat(0, 4), Mat(0, 2)); }, "attention_forward",
                       "keys [0, 4]", "query [3, 4]");
    // the fused path (no trace) and the staged path (trace) both check the widths of Q and K
    const Mat K6 = rng.normal_mat(5, 6);
    expect_shape_error([&] { attention_forward(o, ScoreWeights{}, Q, K6, V); }, "attention_forward", "query [3, 4]",
                       "keys [5, 6]");
    Trace trace;
    expect_shape_error([&] { attention_forward(o, ScoreWeights{}, Q, K6, V, nullptr, &trace); }, "score_dot_forward",
                       "query [3, 4]", "keys [5, 6]");
    AttentionCache cache;
    attention_forward(o, ScoreWeights{}, Q, K, V, &cache);
    ScoreWeightsGrad g;
    expect_shape_error([&] { attention_backward(o, ScoreWeights{}, Q, K, V, cache, Mat::Zero(3, 3), g); },
                       "attention_backward", "dcontext [3, 3]", "values [5, 2]");
    expect_shape_error([&] { attention_backward(o, ScoreWeights{}, Q, K, V, cache, Mat::Zero(2, 2), g); },
                       "attention_backward", "dcontext [2, 2]", "query [3, 4]");
    AttentionCache stale;
    stale.weights = Mat::Zero(3, 4);
    expect_shape_error([&] { attention_backward(o, ScoreWeights{}, Q, K, V, stale, Mat::Zero(3, 2), g); },
                       "attention_backward", "cache.weights [3, 4]", "keys [5, 4]");
    expect_shape_error([&] { normalize_backward(Normalizer::Soft, Mat::Zero(2, 3), Mat::Zero(3, 2)); },
                       "normalize_backward", "dweights [3, 2]", "weights [2, 3]");
}

TEST(AttentionErrors, MultiHeadAndSelfAttentionShapes) {
    Rng rng(93);
    const SelfAttention s = self_attention_init(rng, 6);
    expect_shape_error([&] { self_attention_forward(s, AttentionOptions{}, rng.normal_mat(4, 5)); },
                       "self_attention_forward", "x [4, 5]", "query.W [6, 6]");
    SelfAttention s_bad = s;
    s_bad.key.W = Mat::Zero(6, 5);
    expect_shape_error([&] { self_attention_forward(s_bad, AttentionOptions{}, rng.normal_mat(4, 6)); },
                       "self_attention_forward", "key.W [6, 5]", "query.W [6, 6]");
    SelfAttentionCache sc;
    const Mat X = rng.normal_mat(4, 6);
    self_attention_forward(s, AttentionOptions{}, X, &sc);
    SelfAttentionGrad sg;
    sg.zero_like(s);
    expect_shape_error([&] { self_attention_backward(s, AttentionOptions{}, X, sc, Mat::Zero(3, 6), sg); },
                       "self_attention_backward", "dY [3, 6]", "x [4, 6]");

    MultiHeadAttention p = multihead_init(rng, 6, 3);
    expect_shape_error([&] { multihead_self_attention_forward(p, AttentionOptions{}, rng.normal_mat(4, 5)); },
                       "multihead_self_attention_forward", "x_query [4, 5]", "query.W [6, 6]");
    expect_shape_error(
        [&] { multihead_cross_attention_forward(p, AttentionOptions{}, rng.normal_mat(2, 6), rng.normal_mat(4, 5)); },
        "multihead_cross_attention_forward", "x_keys_values [4, 5]", "key.W [6, 6]");
    AttentionOptions two_heads;
    two_heads.head_mask = {true, false};
    expect_shape_error([&] { multihead_self_attention_forward(p, two_heads, X); },
                       "multihead_self_attention_forward", "head_mask [2]", "heads 3");
    MultiHeadAttention p_bad = p;
    p_bad.heads = 4;
    expect_shape_error([&] { multihead_self_attention_forward(p_bad, AttentionOptions{}, X); },
                       "multihead_self_attention_forward", "query.W [6, 6]", "heads 4");
    p_bad = p;
    p_bad.out.W = Mat::Zero(5, 6);
    expect_shape_error([&] { multihead_self_attention_forward(p_bad, AttentionOptions{}, X); },
                       "multihead_self_attention_forward", "out.W [5, 6]", "query.W [6, 6]");
    MultiHeadCache mc;
    multihead_self_attention_forward(p, AttentionOptions{}, X, &mc);
    MultiHeadGrad mg;
    mg.zero_like(p);
    expect_shape_error([&] { multihead_self_attention_backward(p, AttentionOptions{}, X, mc, Mat::Zero(4, 5), mg); },
                       "multihead_self_attention_backward", "dY [4, 5]", "x_query [4, 6]");
}

TEST(AttentionErrors, PoolingShapes) {
    Rng rng(94);
    const AttentionPool p = attention_pool_init(rng, 4);
    expect_shape_error([&] { attention_pool_forward(p, rng.normal_mat(10, 4), 3); }, "attention_pool_forward",
                       "x [10, 4]", "T = 3");
    expect_shape_error([&] { attention_pool_forward(p, rng.normal_mat(9, 5), 3); }, "attention_pool_forward",
                       "proj.W [4, 4]", "x [9, 5]");
    AttentionPool p_bad = p;
    p_bad.score.W = Mat::Zero(2, 4);
    expect_shape_error([&] { attention_pool_forward(p_bad, rng.normal_mat(9, 4), 3); }, "attention_pool_forward",
                       "score.W [2, 4]", "proj.W [4, 4]");
    const Mat X = rng.normal_mat(9, 4);
    AttentionPoolCache cache;
    attention_pool_forward(p, X, 3, Backend::Scalar, nullptr, &cache);
    AttentionPoolGrad g;
    g.zero_like(p);
    expect_shape_error([&] { attention_pool_backward(p, X, 3, cache, Mat::Zero(3, 5), g); }, "attention_pool_backward",
                       "dout [3, 5]", "x [9, 4]");
}

TEST(AttentionErrors, NonFiniteInputsAreStoppedAtTheEntryPoints) {
    Rng rng(95);
    const Mat Q = rng.normal_mat(3, 4), K = rng.normal_mat(5, 4), V = rng.normal_mat(5, 2);
    const AttentionOptions o;
    for (bool traced : {false, true}) {
        Trace trace;
        Trace* t = traced ? &trace : nullptr;
        Mat bad = Q;
        bad(1, 2) = kNaN;
        expect_non_finite([&] { attention_forward(o, ScoreWeights{}, bad, K, V, nullptr, t); }, "attention_forward",
                          "query[6] is NaN");
        bad = K;
        bad(4, 0) = kInf;
        expect_non_finite([&] { attention_forward(o, ScoreWeights{}, Q, bad, V, nullptr, t); }, "attention_forward",
                          "keys[16] is Inf");
        bad = V;
        bad(0, 1) = -kInf;
        expect_non_finite([&] { attention_forward(o, ScoreWeights{}, Q, K, bad, nullptr, t); }, "attention_forward",
                          "values[1] is Inf");
    }
    AttentionCache cache;
    attention_forward(o, ScoreWeights{}, Q, K, V, &cache);
    ScoreWeightsGrad g;
    Mat dC = Mat::Zero(3, 2);
    dC(2, 1) = kNaN;
    expect_non_finite([&] { attention_backward(o, ScoreWeights{}, Q, K, V, cache, dC, g); }, "attention_backward",
                      "dcontext");

    Mat X = rng.normal_mat(4, 6);
    X(3, 5) = kNaN;
    const SelfAttention s = self_attention_init(rng, 6);
    expect_non_finite([&] { self_attention_forward(s, o, X); }, "self_attention_forward", "x[23] is NaN");
    const MultiHeadAttention p = multihead_init(rng, 6, 2);
    expect_non_finite([&] { multihead_self_attention_forward(p, o, X); }, "multihead_self_attention_forward",
                      "x_query");
    expect_non_finite([&] { multihead_cross_attention_forward(p, o, rng.normal_mat(2, 6), X); },
                      "multihead_cross_attention_forward", "x_keys_values");
    const Mat Xok = rng.normal_mat(4, 6);
    MultiHeadCache mc;
    multihead_self_attention_forward(p, o, Xok, &mc);
    MultiHeadGrad mg;
    mg.zero_like(p);
    Mat dY = Mat::Zero(4, 6);
    dY(0, 0) = kInf;
    expect_non_finite([&] { multihead_self_attention_backward(p, o, Xok, mc, dY, mg); },
                      "multihead_self_attention_backward", "dY");

    const AttentionPool pool = attention_pool_init(rng, 6);
    expect_non_finite([&] { attention_pool_forward(pool, X, 2); }, "attention_pool_forward", "x[23] is NaN");
    AttentionPoolCache pc;
    attention_pool_forward(pool, Xok, 2, Backend::Scalar, nullptr, &pc);
    AttentionPoolGrad pg;
    pg.zero_like(pool);
    Mat dout = Mat::Zero(2, 6);
    dout(1, 1) = kNaN;
    expect_non_finite([&] { attention_pool_backward(pool, Xok, 2, pc, dout, pg); }, "attention_pool_backward", "dout");
}

TEST(AttentionErrors, ATemperatureSoSmallThatScoresOverflowIsReported) {
    // Scores near 10 divided by 1e-38 exceed the float range; the softmax would return NaN.
    Mat Q = Mat::Constant(1, 4, 2.0f), K = Mat::Constant(3, 4, 1.0f), V = Mat::Ones(3, 2);
    K(0, 0) = 3.0f;
    AttentionOptions o;
    o.score = ScoreFn::Dot;
    o.temperature = 1e-38f;
    Trace trace;
    expect_non_finite([&] { attention_forward(o, ScoreWeights{}, Q, K, V); }, "attention_forward", "overflow");
    expect_non_finite([&] { attention_forward(o, ScoreWeights{}, Q, K, V, nullptr, &trace); }, "attention_forward",
                      "overflow");
    o.temperature = 1e-45f;  // a denormal: scale / temperature itself is infinite
    expect_non_finite([&] { attention_forward(o, ScoreWeights{}, Q, K, V); }, "attention_forward", "temperature");
    // hard attention needs no exponentials: the same overflowing scores still pick the largest
    o.temperature = 1e-38f;
    o.normalizer = Normalizer::Hard;
    AttentionCache cache;
    attention_forward(o, ScoreWeights{}, Q, K, V, &cache);
    EXPECT_EQ(cache.weights(0, 0), 1.0f);
}

TEST(AttentionErrors, BadOptions) {
    Rng rng(96);
    const Mat Q = rng.normal_mat(2, 4), K = rng.normal_mat(3, 4), V = rng.normal_mat(3, 4);
    for (float t : {0.0f, -1.0f, kNaN, kInf}) {
        AttentionOptions o;
        o.temperature = t;
        expect_option_error([&] { attention_forward(o, ScoreWeights{}, Q, K, V); }, "temperature");
    }
    AttentionOptions o;
    o.normalizer = Normalizer::TopK;
    o.top_k = 0;
    expect_option_error([&] { attention_forward(o, ScoreWeights{}, Q, K, V); }, "top_k");
    o = AttentionOptions{};
    o.mask = MaskKind::Window;
    o.window = -1;
    expect_option_error([&] { attention_forward(o, ScoreWeights{}, Q, K, V); }, "window");
    o = AttentionOptions{};
    o.score = ScoreFn::Additive;
    const MultiHeadAttention p = multihead_init(rng, 4, 2);
    expect_option_error([&] { multihead_self_attention_forward(p, o, Q); }, "additive");
    expect_option_error([&] { self_attention_forward(self_attention_init(rng, 4), o, Q); }, "additive");
    expect_option_error([&] { multihead_init(rng, 6, 4); }, "divide");
    expect_option_error([&] { score_weights_init(rng, ScoreFn::Concat, 4, 4, 0); }, "Da");
    expect_option_error([&] { score_weights_init(rng, ScoreFn::Location, 4, 4, 0, 0); }, "max_len");
}

}  // namespace
}  // namespace attn
