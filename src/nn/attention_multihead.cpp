// attention_multihead.cpp: see attention_multihead.h. Each head is one attention_forward call on a
// slice of the projected queries, keys and values, so every head is traced like any other call.
#include "nn/attention_multihead.h"

#include "core/check.h"
#include "core/rng.h"

#include <stdexcept>
#include <string>

namespace attn {

void SelfAttentionGrad::zero_like(const SelfAttention& p) {
    query.zero_like(p.query);
    key.zero_like(p.key);
    value.zero_like(p.value);
}

void MultiHeadGrad::zero_like(const MultiHeadAttention& p) {
    query.zero_like(p.query);
    key.zero_like(p.key);
    value.zero_like(p.value);
    out.zero_like(p.out);
}

SelfAttention self_attention_init(Rng& rng, int input_dim) {
    SelfAttention p;
    p.query = linear_init(rng, input_dim, input_dim);
    p.key = linear_init(rng, input_dim, input_dim);
    p.value = linear_init(rng, input_dim, input_dim);
    return p;
}

MultiHeadAttention multihead_init(Rng& rng, int d_model, int heads) {
    if (heads < 1 || d_model < 1 || d_model % heads != 0)
        throw std::invalid_argument("multihead_init: heads (" + std::to_string(heads) +
                                    ") must be >= 1 and divide d_model (" + std::to_string(d_model) + ")");
    MultiHeadAttention p;
    p.heads = heads;
    p.query = linear_init(rng, d_model, d_model);
    p.key = linear_init(rng, d_model, d_model);
    p.value = linear_init(rng, d_model, d_model);
    p.out = linear_init(rng, d_model, d_model);
    return p;
}

const char* self_attention_form(const AttentionOptions& o) {
    return (o.mask == MaskKind::Causal || o.mask == MaskKind::CausalWindow) ? "causal_self" : "self";
}

namespace {

void check_parameter_free(const char* op, const AttentionOptions& o) {
    if (!score_fn_is_parameter_free(o.score))
        throw std::invalid_argument(std::string(op) + ": the heads score with dot, scaled_dot or cosine; '" +
                                    score_fn_name(o.score) + "' needs weights of its own");
}

// A square [d, d] projection of the same width as `first`.
void check_square(const char* op, const char* name, const Linear& l, const char* first_name, const Linear& first) {
    check_shape(op, name, l.W, first_name, first.W, l.W.rows() == first.W.rows() && l.W.cols() == first.W.rows());
}

// ---- seed 004

void check_self_attention(const char* op, const SelfAttention& p, const AttentionOptions& o, const Mat& X) {
    check_attention_options(op, o);
    check_parameter_free(op, o);
    check_square(op, "query.W", p.query, "query.W", p.query);
    check_square(op, "key.W", p.key, "query.W", p.query);
    check_square(op, "value.W", p.value, "query.W", p.query);
    check_shape(op, "x", X, "query.W", p.query.W, X.cols() == p.query.W.cols());
}

// ---- multi-head

bool head_on(const AttentionOptions& o, int h) { return o.head_mask.empty() || o.head_mask[h]; }

void check_multihead(const char* op, const MultiHeadAttention& p, const AttentionOptions& o, const Mat& Xq,
                     const Mat& Xkv) {
    check_attention_options(op, o);
    check_parameter_free(op, o);
    const int d = p.d_model();
    if (p.heads < 1 || d % p.heads != 0)
        throw ShapeError(std::string(op) + ": shape mismatch: query.W " + shape_str(p.query.W) + " vs heads " +
                         std::to_string(p.heads) + " (d_model must be a multiple of the number of heads)");
    check_square(op, "query.W", p.query, "query.W", p.query);
    check_square(op, "key.W", p.key, "query.W", p.query);
    check_square(op, "value.W", p.value, "query.W", p.query);
    check_square(op, "out.W", p.out, "query.W", p.query);
    check_shape(op, "x_query", Xq, "query.W", p.query.W, Xq.cols() == d);
    check_shape(op, "x_keys_values", Xkv, "key.W", p.key.W, Xkv.cols() == d);
    if (!o.head_mask.empty() && static_cast<int>(o.head_mask.size()) != p.heads)
        throw ShapeError(std::string(op) + ": shape mismatch: head_mask [" + std::to_string(o.head_mask.size()) +
                         "] vs heads " + std::to_string(p.heads));
}

Mat multihead_forward(const char* op, const char* form, const MultiHeadAttention& p, const AttentionOptions& o,
                      const Mat& Xq, const Mat& Xkv, MultiHeadCache* cache, Trace* trace, int layer) {
    check_multihead(op, p, o, Xq, Xkv);
    check_finite(op, "x_query", Xq);
    check_finite(op, "x_keys_values", Xkv);
    const int d = p.d_model(), dh = p.head_dim();
    // pass 1: query and keys: project, then give each head its own slice of the columns
    Mat Q = linear_forward(p.query, Xq, o.backend);
    Mat K = linear_forward(p.key, Xkv, o.backend);
    Mat V = linear_forward(p.value, Xkv, o.backend);
    Mat concat = Mat::Zero(Xq.rows(), d);
    std::vector<AttentionCache> head_caches(cache ? p.heads : 0);
    const ScoreWeights none;
    for (int h = 0; h < p.heads; ++h) {
        const bool on = head_on(o, h);
        if (!on && trace == nullptr) continue;  // a switched-off head is computed only to be shown
        const Mat Qh = Q.middleCols(h * dh, dh), Kh = K.middleCols(h * dh, dh), Vh = V.middleCols(h * dh, dh);
        // passes 2-6 for this head
        const Mat context = attention_forward(o, none, Qh, Kh, Vh, (cache && on) ? &head_caches[h] : nullptr, trace,
                                              TraceTag{form, layer, h});
        if (trace && !on) trace->calls.back().ablated = true;
        if (on) concat.middleCols(h * dh, dh) = context;  // a switched-off head contributes 0
    }
    // the heads, side by side, through the output projection
    Mat Y = linear_forward(p.out, concat, o.backend);
    if (cache) {
        cache->Q = std::move(Q);
        cache->K = std::move(K);
        cache->V = std::move(V);
        cache->heads = std::move(head_caches);
        cache->concat = std::move(concat);
    }
    return Y;
}

void multihead_backward(const char* op, const MultiHeadAttention& p, const AttentionOptions& o, const Mat& Xq,
                        const Mat& Xkv, const MultiHeadCache& cache, const Mat& dY, MultiHeadGrad& grad, Mat& dXq,
                        Mat& dXkv) {
    check_multihead(op, p, o, Xq, Xkv);
    const int d = p.d_model(), dh = p.head_dim();
    check_shape(op, "dY", dY, "x_query", Xq, dY.rows() == Xq.rows() && dY.cols() == d);
    check_shape(op, "cache.concat", cache.concat, "x_query", Xq,
                cache.concat.rows() == Xq.rows() && cache.concat.cols() == d &&
                    static_cast<int>(cache.heads.size()) == p.heads);
    check_finite(op, "dY", dY);
    const Mat dconcat = linear_backward(p.out, cache.concat, dY, grad.out, o.backend);
    Mat dQ = Mat::Zero(Xq.rows(), d), dK = Mat::Zero(Xkv.rows(), d), dV = Mat::Zero(Xkv.rows(), d);
    const ScoreWeights none;
    ScoreWeightsGrad no_grad;  // the heads' score functions have no weights
    for (int h = 0; h < p.heads; ++h) {
        if (!head_on(o, h)) continue;  // its output was replaced by 0: nothing flows back
        const Mat Qh = cache.Q.middleCols(h * dh, dh), Kh = cache.K.middleCols(h * dh, dh),
                  Vh = cache.V.middleCols(h * dh, dh);
        const Mat dcontext = dconcat.middleCols(h * dh, dh);
        AttentionInputGrad g = attention_backward(o, none, Qh, Kh, Vh, cache.heads[h], dcontext, no_grad);
        dQ.middleCols(h * dh, dh) = g.dQ;
        dK.middleCols(h * dh, dh) = g.dK;
        dV.middleCols(h * dh, dh) = g.dV;
    }
    dXq = linear_backward(p.query, Xq, dQ, grad.query, o.backend);
    dXkv = linear_backward(p.key, Xkv, dK, grad.key, o.backend);
    dXkv += linear_backward(p.value, Xkv, dV, grad.value, o.backend);
}

}  // namespace

Mat self_attention_forward(const SelfAttention& p, const AttentionOptions& o, const Mat& X, SelfAttentionCache* cache,
                           Trace* trace, int layer) {
    const char* op = "self_attention_forward";
    check_self_attention(op, p, o, X);
    check_finite(op, "x", X);
    // pass 1: query and keys: queries = query(x), keys = key(x), values = value(x)
    Mat Q = linear_forward(p.query, X, o.backend);
    Mat K = linear_forward(p.key, X, o.backend);
    Mat V = linear_forward(p.value, X, o.backend);
    // passes 2-6: scores, scale by 1/sqrt(d), mask, softmax, context (the weighted values)
    Mat Y = attention_forward(o, ScoreWeights{}, Q, K, V, cache ? &cache->attention : nullptr, trace,
                              TraceTag{self_attention_form(o), layer, 0});
    if (cache) {
        cache->Q = std::move(Q);
        cache->K = std::move(K);
        cache->V = std::move(V);
    }
    return Y;
}

Mat self_attention_backward(const SelfAttention& p, const AttentionOptions& o, const Mat& X,
                            const SelfAttentionCache& cache, const Mat& dY, SelfAttentionGrad& grad) {
    const char* op = "self_attention_backward";
    check_self_attention(op, p, o, X);
    check_shape(op, "dY", dY, "x", X, dY.rows() == X.rows() && dY.cols() == p.value.out());
    check_shape(op, "cache.Q", cache.Q, "x", X, cache.Q.rows() == X.rows() && cache.Q.cols() == p.query.out());
    ScoreWeightsGrad no_grad;
    const AttentionInputGrad g = attention_backward(o, ScoreWeights{}, cache.Q, cache.K, cache.V, cache.attention, dY,
                                                    no_grad);
    Mat dX = linear_backward(p.query, X, g.dQ, grad.query, o.backend);
    dX += linear_backward(p.key, X, g.dK, grad.key, o.backend);
    dX += linear_backward(p.value, X, g.dV, grad.value, o.backend);
    return dX;
}

Mat multihead_self_attention_forward(const MultiHeadAttention& p, const AttentionOptions& o, const Mat& X,
                                     MultiHeadCache* cache, Trace* trace, int layer) {
    return multihead_forward("multihead_self_attention_forward", self_attention_form(o), p, o, X, X, cache, trace,
                             layer);
}

Mat multihead_self_attention_backward(const MultiHeadAttention& p, const AttentionOptions& o, const Mat& X,
                                      const MultiHeadCache& cache, const Mat& dY, MultiHeadGrad& grad) {
    Mat dXq, dXkv;
    multihead_backward("multihead_self_attention_backward", p, o, X, X, cache, dY, grad, dXq, dXkv);
    return dXq + dXkv;
}

Mat multihead_cross_attention_forward(const MultiHeadAttention& p, const AttentionOptions& o, const Mat& Xq,
                                      const Mat& Xkv, MultiHeadCache* cache, Trace* trace, int layer) {
    return multihead_forward("multihead_cross_attention_forward", "cross", p, o, Xq, Xkv, cache, trace, layer);
}

MultiHeadCrossInputGrad multihead_cross_attention_backward(const MultiHeadAttention& p, const AttentionOptions& o,
                                                           const Mat& Xq, const Mat& Xkv, const MultiHeadCache& cache,
                                                           const Mat& dY, MultiHeadGrad& grad) {
    MultiHeadCrossInputGrad g;
    multihead_backward("multihead_cross_attention_backward", p, o, Xq, Xkv, cache, dY, grad, g.dXq, g.dXkv);
    return g;
}

}  // namespace attn
