// pooling.cpp: see pooling.h.
#include "nn/pooling.h"

#include "core/check.h"
#include "core/rng.h"

#include <string>

namespace attn {

void AttentionPoolGrad::zero_like(const AttentionPool& p) {
    proj.zero_like(p.proj);
    score.zero_like(p.score);
}

AttentionPool attention_pool_init(Rng& rng, int hidden) {
    AttentionPool p;
    p.proj = linear_init(rng, hidden, hidden);  // nn.Linear(64, 64)
    p.score = linear_init(rng, hidden, 1);      // nn.Linear(64, 1)
    return p;
}

namespace {

void check_pool(const char* op, const AttentionPool& p, const Mat& X, int T) {
    check_shape(op, "proj.W", p.proj.W, "x", X, p.proj.W.rows() == X.cols() && p.proj.W.cols() == X.cols());
    check_shape(op, "proj.b", p.proj.b, "proj.W", p.proj.W, p.proj.b.size() == p.proj.W.rows());
    check_shape(op, "score.W", p.score.W, "proj.W", p.proj.W, p.score.W.rows() == 1 && p.score.W.cols() == p.proj.out());
    check_shape(op, "score.b", p.score.b, "score.W", p.score.W, p.score.b.size() == 1);
    if (T < 1 || X.rows() % T != 0)
        throw ShapeError(std::string(op) + ": shape mismatch: x " + shape_str(X) + " vs time steps T = " +
                         std::to_string(T) + " (x holds [B*T, H])");
}

}  // namespace

Mat attention_pool_forward(const AttentionPool& p, const Mat& X, int T, Backend backend, Mat* weights,
                           AttentionPoolCache* cache, Trace* trace, int layer) {
    const char* op = "attention_pool_forward";
    check_pool(op, p, X, T);
    check_finite(op, "x", X);
    const int B = static_cast<int>(X.rows()) / T, H = static_cast<int>(X.cols());
    Mat out(B, H), w(B, T);

    if (cache == nullptr && trace == nullptr) {
        // all passes fused, one sequence at a time (the energies live only in the scratch)
        Mat scratch(T, H);
        kernels::attention_pool(backend, X.data(), p.proj.W.data(), p.proj.b.data(), p.score.W.data(), p.score.b[0],
                                w.data(), out.data(), scratch.data(), B, T, H);
        check_finite(op, "weights", w);
        if (weights) *weights = std::move(w);
        return out;
    }

    // pass 1: query and keys: the keys (and values) are the LSTM outputs; the query is learned (score.W)
    // pass 2: scores: energy = tanh(proj x), score = score . energy + b
    Mat E = linear_forward(p.proj, X, backend);  // [B*T, H]
    kernels::vtanh(backend, E.data(), E.data(), static_cast<int>(E.size()));
    const Mat s = linear_forward(p.score, E, backend);  // [B*T, 1], row-major: the same floats as [B, T]
    const Mat S = Eigen::Map<const Mat>(s.data(), B, T);
    // pass 3: scale: none (the pool does not scale).  pass 4: mask: none (every time step counts).
    // pass 5: softmax over time
    w = S;
    kernels::softmax_rows(backend, w.data(), B, T, 1.0f);
    check_finite(op, "weights", w);
    // pass 6: context: out[b] = sum_t weights[b, t] X[b, t, :]
    for (int b = 0; b < B; ++b)
        kernels::matmul(backend, &w(b, 0), X.data() + static_cast<long>(b) * T * H, nullptr, &out(b, 0), 1, T, H);

    if (trace) {
        for (int b = 0; b < B; ++b) {
            AttentionTrace t;
            t.kind = "additive";
            t.form = "pool";
            t.layer = layer;
            t.item = b;
            t.query = p.score.W;
            t.keys = X.middleRows(static_cast<long>(b) * T, T);
            t.values = t.keys;
            t.scores = S.row(b);
            t.scaled = t.scores;
            t.masked = t.scores;
            t.weights = w.row(b);
            t.context = out.row(b);
            t.energies.push_back(E.middleRows(static_cast<long>(b) * T, T));
            trace->calls.push_back(std::move(t));
        }
    }
    if (weights) *weights = w;
    if (cache) {
        cache->energies = std::move(E);
        cache->weights = std::move(w);
    }
    return out;
}

Mat attention_pool_backward(const AttentionPool& p, const Mat& X, int T, const AttentionPoolCache& cache,
                            const Mat& dout, AttentionPoolGrad& grad, Backend backend) {
    const char* op = "attention_pool_backward";
    check_pool(op, p, X, T);
    const int B = static_cast<int>(X.rows()) / T, H = static_cast<int>(X.cols());
    check_shape(op, "dout", dout, "x", X, dout.rows() == B && dout.cols() == H);
    check_shape(op, "cache.weights", cache.weights, "x", X, cache.weights.rows() == B && cache.weights.cols() == T);
    check_shape(op, "cache.energies", cache.energies, "x", X,
                cache.energies.rows() == X.rows() && cache.energies.cols() == H);
    check_finite(op, "dout", dout);

    Mat dX = Mat::Zero(X.rows(), H);
    Mat ds(B, T);
    Eigen::VectorXf dw(T);
    for (int b = 0; b < B; ++b) {
        const float* Xb = X.data() + static_cast<long>(b) * T * H;           // [T, H]
        const float* wb = cache.weights.data() + static_cast<long>(b) * T;   // [T]
        const float* go = dout.data() + static_cast<long>(b) * H;            // [H]
        // pass 6 backward: context: out = sum_t w_t x_t, so dX[t, :] = w_t dout and dw_t = x_t . dout
        kernels::ger(backend, wb, go, dX.data() + static_cast<long>(b) * T * H, T, H);
        kernels::matvec(backend, Xb, go, nullptr, dw.data(), T, H);
        // pass 5 backward: softmax over time
        const Eigen::Map<const Eigen::VectorXf> w(wb, T);
        ds.row(b) = (w.array() * (dw.array() - w.dot(dw))).matrix().transpose();
    }
    // pass 2 backward: scores: score = score(energy), energy = tanh(proj x)
    const Mat ds_col = Eigen::Map<const Mat>(ds.data(), static_cast<long>(B) * T, 1);
    const Mat dE = linear_backward(p.score, cache.energies, ds_col, grad.score, backend);
    const Mat dpre = (dE.array() * (1.0f - cache.energies.array().square())).matrix();
    dX += linear_backward(p.proj, X, dpre, grad.proj, backend);
    return dX;
}

}  // namespace attn
