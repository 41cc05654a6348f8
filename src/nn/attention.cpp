// attention.cpp: see attention.h. The forward pass is written as the page's numbered stages.
#include "nn/attention.h"

#include "core/check.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>

namespace attn {

namespace {
constexpr float kNegInf = -std::numeric_limits<float>::infinity();

// A number as %g prints it: 1e-45, not std::to_string's 0.000000.
std::string num(double x) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", x);
    return buf;
}

// With finite inputs and a finite factor, a non-finite weight can only come from scaled scores that
// overflowed to inf (inf - inf = NaN in the softmax): say so, rather than report an index.
void check_weights(const char* op, const Mat& weights, float factor) {
    if (!weights.allFinite())
        throw NonFiniteError(std::string(op) + ": the scaled scores overflowed (scale / temperature = " + num(factor) +
                             ") and the softmax gave NaN; raise the temperature or shrink the inputs");
}

template <class E>
bool parse_by_name(const char* name, E* out, std::initializer_list<E> all, const char* (*name_of)(E)) {
    for (E e : all) {
        if (std::strcmp(name, name_of(e)) == 0) {
            *out = e;
            return true;
        }
    }
    return false;
}
}  // namespace

const char* scaling_name(Scaling s) {
    switch (s) {
        case Scaling::Auto: return "auto";
        case Scaling::On: return "on";
        case Scaling::Off: return "off";
    }
    return "unknown";
}
bool parse_scaling(const char* name, Scaling* out) {
    return parse_by_name(name, out, {Scaling::Auto, Scaling::On, Scaling::Off}, scaling_name);
}

const char* mask_kind_name(MaskKind m) {
    switch (m) {
        case MaskKind::None: return "none";
        case MaskKind::Causal: return "causal";
        case MaskKind::Window: return "window";
        case MaskKind::CausalWindow: return "causal_window";
    }
    return "unknown";
}
bool parse_mask_kind(const char* name, MaskKind* out) {
    return parse_by_name(name, out, {MaskKind::None, MaskKind::Causal, MaskKind::Window, MaskKind::CausalWindow},
                         mask_kind_name);
}

void check_attention_options(const char* op, const AttentionOptions& o) {
    if (!(std::isfinite(o.temperature) && o.temperature > 0.0f))
        throw std::invalid_argument(std::string(op) + ": temperature must be finite and > 0, got " +
                                    num(o.temperature));
    if (normalizer_info(o.normalizer).uses_k && o.top_k < 1)
        throw std::invalid_argument(std::string(op) + ": top_k must be >= 1, got " + std::to_string(o.top_k));
    if ((o.mask == MaskKind::Window || o.mask == MaskKind::CausalWindow) && o.window < 0)
        throw std::invalid_argument(std::string(op) + ": window must be >= 0, got " + std::to_string(o.window));
}

float attention_scale(const AttentionOptions& o, int Dk) {
    const bool scale = o.scaling == Scaling::On || (o.scaling == Scaling::Auto && score_fn_info(o.score).scaled);
    return scale ? 1.0f / std::sqrt(static_cast<float>(Dk)) : 1.0f;
}

Mat attention_mask(MaskKind kind, int Tq, int Tk, int window, int query_offset) {
    if (kind == MaskKind::None) return Mat();
    Mat M(Tq, Tk);
    for (int i = 0; i < Tq; ++i) {
        const long p = static_cast<long>(query_offset) + i;  // the query's position among the keys
        for (int j = 0; j < Tk; ++j) {
            const bool future = j > p;
            const bool far = std::labs(p - j) > window;
            bool drop = false;
            switch (kind) {
                case MaskKind::None: break;
                case MaskKind::Causal: drop = future; break;
                case MaskKind::Window: drop = far; break;
                case MaskKind::CausalWindow: drop = future || far; break;
            }
            M(i, j) = drop ? kNegInf : 0.0f;
        }
    }
    return M;
}

namespace {

void check_attention_inputs(const char* op, const AttentionOptions& o, const Mat& Q, const Mat& K, const Mat& V) {
    check_attention_options(op, o);
    check_shape(op, "keys", K, "values", V, K.rows() == V.rows());
    if (K.rows() == 0) throw ShapeError(std::string(op) + ": shape mismatch: keys " + shape_str(K) +
                                        " vs query " + shape_str(Q) + " (there must be at least one key)");
}

}  // namespace

Mat attention_forward(const AttentionOptions& o, const ScoreWeights& score_weights, const Mat& Q, const Mat& K,
                      const Mat& V, AttentionCache* cache, Trace* trace, TraceTag tag) {
    const char* op = "attention_forward";
    check_attention_inputs(op, o, Q, K, V);
    // pass 1: query and keys (checked here: a NaN in them would reach every weight)
    check_finite(op, "query", Q);
    check_finite(op, "keys", K);
    check_finite(op, "values", V);
    const int Tq = static_cast<int>(Q.rows()), Tk = static_cast<int>(K.rows());
    const int Dk = static_cast<int>(K.cols()), Dv = static_cast<int>(V.cols());
    const float scale = attention_scale(o, Dk);
    const float factor = scale / o.temperature;
    if (!std::isfinite(factor))
        throw NonFiniteError(std::string(op) + ": scale / temperature = " + num(scale) + " / " + num(o.temperature) +
                             " overflows; raise the temperature");
    const Mat mask = attention_mask(o.mask, Tq, Tk, o.window, o.query_offset);
    Mat weights(Tq, Tk), context(Tq, Dv);

    if (score_fn_info(o.score).fused && o.normalizer == Normalizer::Soft && trace == nullptr) {
        // passes 2-6 fused in one kernel: nothing in between needs to be kept
        check_shape(op, "query", Q, "keys", K, Q.cols() == K.cols());
        kernels::attention_head(o.backend, Q.data(), K.data(), V.data(), mask.size() ? mask.data() : nullptr, factor,
                                weights.data(), context.data(), Tq, Tk, Dk, Dv);
        check_weights(op, weights, factor);
        if (cache) {
            cache->weights = std::move(weights);
            cache->energies.clear();
        }
        return context;
    }

    // pass 2: scores
    std::vector<Mat> energies;
    const bool has_energies = score_fn_info(o.score).records_energies;
    Mat scores = score_forward(o.score, score_weights, Q, K, o.backend, has_energies ? &energies : nullptr);
    // pass 3: scale (by 1/sqrt(Dk) or 1, and by 1/temperature)
    Mat scaled = scores * factor;
    // pass 4: mask (add 0 to the keys a query may see, -inf to the others)
    Mat masked = mask.size() ? Mat(scaled + mask) : scaled;
    // pass 5: softmax (or another row of the normalizers table): weights that sum to 1 over the keys
    weights = normalize_forward(o.normalizer, o.top_k, masked, o.backend);
    check_weights(op, weights, factor);
    // pass 6: context: the weighted sum of the values
    kernels::matmul(o.backend, weights.data(), V.data(), nullptr, context.data(), Tq, Tk, Dv);

    if (trace) {
        AttentionTrace t;
        t.kind = score_fn_name(o.score);
        t.form = tag.form;
        t.normalizer = normalizer_name(o.normalizer);
        t.mask_kind = mask_kind_name(o.mask);
        t.layer = tag.layer;
        t.head = tag.head;
        t.top_k = normalizer_info(o.normalizer).uses_k ? o.top_k : 0;
        t.window = (o.mask == MaskKind::Window || o.mask == MaskKind::CausalWindow) ? o.window : 0;
        t.query_offset = o.query_offset;
        t.scale = scale;
        t.temperature = o.temperature;
        t.query = Q;
        t.keys = K;
        t.values = V;
        t.scores = std::move(scores);
        t.scaled = std::move(scaled);
        t.mask = mask;
        t.masked = std::move(masked);
        t.weights = weights;
        t.context = context;
        t.energies = energies;
        trace->calls.push_back(std::move(t));
    }
    if (cache) {
        cache->weights = std::move(weights);
        cache->energies = std::move(energies);
    }
    return context;
}

AttentionInputGrad attention_backward(const AttentionOptions& o, const ScoreWeights& score_weights, const Mat& Q,
                                      const Mat& K, const Mat& V, const AttentionCache& cache,
                                      const Mat& dcontext, ScoreWeightsGrad& dscore) {
    const char* op = "attention_backward";
    check_attention_inputs(op, o, Q, K, V);
    check_shape(op, "dcontext", dcontext, "query", Q, dcontext.rows() == Q.rows());
    check_shape(op, "dcontext", dcontext, "values", V, dcontext.cols() == V.cols());
    check_shape(op, "cache.weights", cache.weights, "keys", K,
                cache.weights.rows() == Q.rows() && cache.weights.cols() == K.rows());
    check_finite(op, "dcontext", dcontext);
    const Mat& weights = cache.weights;
    const float factor = attention_scale(o, static_cast<int>(K.cols())) / o.temperature;

    AttentionInputGrad g;
    const int Tq = static_cast<int>(Q.rows()), Tk = static_cast<int>(K.rows()), Dv = static_cast<int>(V.cols());
    // pass 6 backward: context = weights V: dV = weights^T dcontext, dweights = dcontext V^T
    g.dV.resize(Tk, Dv);
    kernels::gemm_tn(o.backend, weights.data(), dcontext.data(), g.dV.data(), Tk, Tq, Dv, false);
    Mat dweights(Tq, Tk);
    kernels::gemm_nt(o.backend, dcontext.data(), V.data(), dweights.data(), Tq, Dv, Tk, false);
    // pass 5 backward: softmax, or whichever normalizer ran
    const Mat dmasked = normalize_backward(o.normalizer, weights, dweights);
    // pass 4 backward: mask: it adds constants; masked entries have weight 0 and so gradient 0 already
    // pass 3 backward: scale: scaled = scores * factor
    const Mat dscores = dmasked * factor;
    // pass 2 backward: scores, through the score function
    ScoreInputGrad sg = score_backward(o.score, score_weights, Q, K, cache.energies, dscores, dscore, o.backend);
    g.dQ = std::move(sg.dQ);
    g.dK = std::move(sg.dK);
    return g;
}

}  // namespace attn
