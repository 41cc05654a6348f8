// attention_scores.cpp: see attention_scores.h. Forward passes go through kernels (matmul_nt,
// matvec, vtanh) with the caller's Backend, and so do the backward passes' products (gemm_nn,
// gemm_tn, gemv_t); their elementwise parts (tanh', the unit-row Jacobian) are plain Eigen.
#include "nn/attention_scores.h"

#include "core/check.h"
#include "core/rng.h"

#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>

namespace attn {

void ScoreWeightsGrad::zero_like(const ScoreWeights& w) {
    dW.zero_like(w.W);
    dU.zero_like(w.U);
    dv = Vec::Zero(w.v.size());
}

namespace {

// A[M, K] B[K, N] and A[K, M]^T B[K, N], through kernels.
Mat times(const Mat& A, const Mat& B, Backend backend) {
    Mat C(A.rows(), B.cols());
    kernels::gemm_nn(backend, A.data(), B.data(), C.data(), static_cast<int>(A.rows()), static_cast<int>(A.cols()),
                       static_cast<int>(B.cols()), false);
    return C;
}
Mat transposed_times(const Mat& A, const Mat& B, Backend backend) {
    Mat C(A.cols(), B.cols());
    kernels::gemm_tn(backend, A.data(), B.data(), C.data(), static_cast<int>(A.cols()), static_cast<int>(A.rows()),
                       static_cast<int>(B.cols()), false);
    return C;
}

void check_dscores(const char* op, const Mat& dS, const Mat& Q, const Mat& K) {
    check_shape(op, "dS", dS, "query", Q, dS.rows() == Q.rows());
    check_shape(op, "dS", dS, "keys", K, dS.cols() == K.rows());
}

// Rows of X divided by their norms (clamped at kCosineEps); norms receives the unclamped norms.
Mat unit_rows(const Mat& X, Vec& norms) {
    norms = X.rowwise().norm();
    Mat U = X;
    for (Eigen::Index i = 0; i < X.rows(); ++i) U.row(i) /= std::max(norms[i], kCosineEps);
    return U;
}

// Back through u = x / max(|x|, eps): du -> dx = (du - u (u . du)) / |x| when |x| > eps, else du / eps.
Mat unit_rows_backward(const Mat& U, const Vec& norms, const Mat& dU) {
    Mat dX(U.rows(), U.cols());
    for (Eigen::Index i = 0; i < U.rows(); ++i) {
        if (norms[i] > kCosineEps)
            dX.row(i) = (dU.row(i) - U.row(i) * U.row(i).dot(dU.row(i))) / norms[i];
        else
            dX.row(i) = dU.row(i) / kCosineEps;
    }
    return dX;
}

void check_energies(const char* op, const std::vector<Mat>& energies, const Mat& Q, const Mat& K, const Vec& v) {
    bool ok = static_cast<Eigen::Index>(energies.size()) == Q.rows();
    for (const Mat& E : energies) ok = ok && E.rows() == K.rows() && E.cols() == v.size();
    if (!ok)
        throw ShapeError(std::string(op) + ": shape mismatch: energies (" + std::to_string(energies.size()) +
                         " recorded, want one [Tk, Da] per query) vs query " + shape_str(Q) + ", keys " +
                         shape_str(K) + ", v " + shape_str(v));
}

// The shared core of additive and concat attention, once the query part Wq[Tq, Da] and the key
// part Uk[Tk, Da] of the pre-activation are known: E_i = tanh(Wq_i + Uk), S[i, :] = E_i v.
Mat additive_core_forward(const Mat& Wq, const Mat& Uk, const Vec& v, Backend backend, std::vector<Mat>* energies) {
    const int Tq = static_cast<int>(Wq.rows()), Tk = static_cast<int>(Uk.rows()), Da = static_cast<int>(v.size());
    Mat S(Tq, Tk);
    if (energies) energies->clear();
    Mat E(Tk, Da);
    for (int i = 0; i < Tq; ++i) {
        E = Uk.rowwise() + Wq.row(i);
        kernels::vtanh(backend, E.data(), E.data(), Tk * Da);
        kernels::matvec(backend, E.data(), v.data(), nullptr, &S(i, 0), Tk, Da);
        if (energies) energies->push_back(E);
    }
    return S;
}

// Back through S[i, j] = v . tanh(pre_i[j]): accumulates dv, returns dWq[Tq, Da] and dUk[Tk, Da].
void additive_core_backward(const Vec& v, const std::vector<Mat>& energies, const Mat& dS, Mat& dWq, Mat& dUk,
                            Vec& dv, Backend backend) {
    const Eigen::Index Tq = dS.rows(), Tk = dS.cols(), Da = v.size();
    dWq = Mat::Zero(Tq, Da);
    dUk = Mat::Zero(Tk, Da);
    for (Eigen::Index i = 0; i < Tq; ++i) {
        const Mat& E = energies[i];
        const Vec ds = dS.row(i).transpose();  // [Tk]
        kernels::gemv_t(backend, E.data(), ds.data(), dv.data(), static_cast<int>(Tk), static_cast<int>(Da), true);
        // dE[j, :] = ds[j] v, then through tanh: d pre = dE (1 - E^2)
        const Mat dpre = ((ds * v.transpose()).array() * (1.0f - E.array().square())).matrix();
        dWq.row(i) = dpre.colwise().sum();
        dUk += dpre;
    }
}

}  // namespace

// ---- dot: S = Q K^T

Mat score_dot_forward(const Mat& Q, const Mat& K, Backend backend) {
    check_shape("score_dot_forward", "query", Q, "keys", K, Q.cols() == K.cols());
    Mat S(Q.rows(), K.rows());
    kernels::matmul_nt(backend, Q.data(), K.data(), nullptr, S.data(), static_cast<int>(Q.rows()),
                       static_cast<int>(Q.cols()), static_cast<int>(K.rows()));
    return S;
}

ScoreInputGrad score_dot_backward(const Mat& Q, const Mat& K, const Mat& dS, Backend backend) {
    const char* op = "score_dot_backward";
    check_shape(op, "query", Q, "keys", K, Q.cols() == K.cols());
    check_dscores(op, dS, Q, K);
    return {times(dS, K, backend), transposed_times(dS, Q, backend)};
}

// ---- cosine: S = unit(Q) unit(K)^T

Mat score_cosine_forward(const Mat& Q, const Mat& K, Backend backend) {
    check_shape("score_cosine_forward", "query", Q, "keys", K, Q.cols() == K.cols());
    Vec qn, kn;
    const Mat A = unit_rows(Q, qn), B = unit_rows(K, kn);
    return score_dot_forward(A, B, backend);
}

ScoreInputGrad score_cosine_backward(const Mat& Q, const Mat& K, const Mat& dS, Backend backend) {
    const char* op = "score_cosine_backward";
    check_shape(op, "query", Q, "keys", K, Q.cols() == K.cols());
    check_dscores(op, dS, Q, K);
    Vec qn, kn;
    const Mat A = unit_rows(Q, qn), B = unit_rows(K, kn);
    return {unit_rows_backward(A, qn, times(dS, B, backend)),
            unit_rows_backward(B, kn, transposed_times(dS, A, backend))};
}

// ---- general: S = Q (K W^T + b)^T, i.e. q^T W k (+ q . b)

Mat score_general_forward(const Linear& W, const Mat& Q, const Mat& K, Backend backend) {
    const char* op = "score_general_forward";
    check_shape(op, "W", W.W, "keys", K, W.in() == K.cols());
    check_shape(op, "W", W.W, "query", Q, W.out() == Q.cols());
    const Mat Kw = linear_forward(W, K, backend);  // [Tk, Dq]: each key mapped into query space
    return score_dot_forward(Q, Kw, backend);
}

ScoreInputGrad score_general_backward(const Linear& W, const Mat& Q, const Mat& K, const Mat& dS, LinearGrad& dW,
                                      Backend backend) {
    const char* op = "score_general_backward";
    check_shape(op, "W", W.W, "keys", K, W.in() == K.cols());
    check_shape(op, "W", W.W, "query", Q, W.out() == Q.cols());
    check_dscores(op, dS, Q, K);
    const Mat Kw = linear_forward(W, K, backend);
    const Mat dKw = transposed_times(dS, Q, backend);
    return {times(dS, Kw, backend), linear_backward(W, K, dKw, dW, backend)};
}

// ---- additive (Bahdanau): S[i, j] = v . tanh(W q_i + U k_j)

namespace {
void check_additive(const char* op, const Linear& W, const Linear& U, const Vec& v, const Mat& Q, const Mat& K) {
    check_shape(op, "W", W.W, "query", Q, W.in() == Q.cols());
    check_shape(op, "U", U.W, "keys", K, U.in() == K.cols());
    check_shape(op, "U", U.W, "W", W.W, U.out() == W.out());
    check_shape(op, "v", v, "W", W.W, v.size() == W.out());
}
}  // namespace

Mat score_additive_forward(const Linear& W, const Linear& U, const Vec& v, const Mat& Q, const Mat& K, Backend backend,
                           std::vector<Mat>* energies) {
    check_additive("score_additive_forward", W, U, v, Q, K);
    const Mat Wq = linear_forward(W, Q, backend);  // [Tq, Da]
    const Mat Uk = linear_forward(U, K, backend);  // [Tk, Da]
    return additive_core_forward(Wq, Uk, v, backend, energies);
}

ScoreInputGrad score_additive_backward(const Linear& W, const Linear& U, const Vec& v, const Mat& Q, const Mat& K,
                                       const std::vector<Mat>& energies, const Mat& dS, LinearGrad& dW,
                                       LinearGrad& dU, Vec& dv, Backend backend) {
    const char* op = "score_additive_backward";
    check_additive(op, W, U, v, Q, K);
    check_dscores(op, dS, Q, K);
    check_energies(op, energies, Q, K, v);
    check_shape(op, "dv", dv, "v", v, dv.size() == v.size());
    Mat dWq, dUk;
    additive_core_backward(v, energies, dS, dWq, dUk, dv, backend);
    return {linear_backward(W, Q, dWq, dW, backend), linear_backward(U, K, dUk, dU, backend)};
}

// ---- concat (seed 001): S[i, j] = v . tanh(attn([q_i; k_j])), attn = [A_q | A_k] with bias b

namespace {
void check_concat(const char* op, const Linear& attn, const Vec& v, const Mat& Q, const Mat& K) {
    check_shape(op, "attn.W (wants [Da, Dq + Dk])", attn.W, "query", Q, attn.in() == Q.cols() + K.cols());
    check_shape(op, "attn.W (wants [Da, Dq + Dk])", attn.W, "keys", K, attn.in() == Q.cols() + K.cols());
    check_shape(op, "v", v, "attn.W", attn.W, v.size() == attn.out());
}
// The two halves of attn: the columns that meet the query (with the bias) and those that meet the key.
Linear concat_query_part(const Linear& attn, Eigen::Index Dq) { return {attn.W.leftCols(Dq), attn.b}; }
Linear concat_key_part(const Linear& attn, Eigen::Index Dk) { return {attn.W.rightCols(Dk), Vec()}; }
}  // namespace

Mat score_concat_forward(const Linear& attn, const Vec& v, const Mat& Q, const Mat& K, Backend backend,
                         std::vector<Mat>* energies) {
    check_concat("score_concat_forward", attn, v, Q, K);
    // attn(cat(q, k)) = A_q q + A_k k + b: the query half once per query, the key half once per key,
    // instead of Tq * Tk products with the concatenation (same numbers, fewer multiplications).
    const Mat Aq = linear_forward(concat_query_part(attn, Q.cols()), Q, backend);  // [Tq, Da]
    const Mat Ak = linear_forward(concat_key_part(attn, K.cols()), K, backend);    // [Tk, Da]
    return additive_core_forward(Aq, Ak, v, backend, energies);
}

ScoreInputGrad score_concat_backward(const Linear& attn, const Vec& v, const Mat& Q, const Mat& K,
                                     const std::vector<Mat>& energies, const Mat& dS, LinearGrad& dattn, Vec& dv,
                                     Backend backend) {
    const char* op = "score_concat_backward";
    check_concat(op, attn, v, Q, K);
    check_dscores(op, dS, Q, K);
    check_energies(op, energies, Q, K, v);
    check_shape(op, "dv", dv, "v", v, dv.size() == v.size());
    check_shape(op, "dattn.dW", dattn.dW, "attn.W", attn.W,
                dattn.dW.rows() == attn.W.rows() && dattn.dW.cols() == attn.W.cols());
    Mat dAq, dAk;
    additive_core_backward(v, energies, dS, dAq, dAk, dv, backend);
    const Linear aq = concat_query_part(attn, Q.cols()), ak = concat_key_part(attn, K.cols());
    LinearGrad gq, gk;
    gq.zero_like(aq);
    gk.zero_like(ak);
    ScoreInputGrad g{linear_backward(aq, Q, dAq, gq, backend), linear_backward(ak, K, dAk, gk, backend)};
    dattn.dW.leftCols(Q.cols()) += gq.dW;
    dattn.dW.rightCols(K.cols()) += gk.dW;
    if (attn.b.size()) dattn.db += gq.db;
    return g;
}

// ---- location (Luong): S[i, j] = (W q_i + b)[j] for j < Tk

Mat score_location_forward(const Linear& W, const Mat& Q, int Tk, Backend backend) {
    const char* op = "score_location_forward";
    check_shape(op, "W", W.W, "query", Q, W.in() == Q.cols());
    if (Tk < 0 || Tk > W.out())
        throw ShapeError(std::string(op) + ": shape mismatch: W " + shape_str(W.W) + " scores " +
                         std::to_string(W.out()) + " positions vs keys of length " + std::to_string(Tk));
    const Mat L = linear_forward(W, Q, backend);  // [Tq, Lmax]
    return L.leftCols(Tk);
}

Mat score_location_backward(const Linear& W, const Mat& Q, const Mat& dS, LinearGrad& dW, Backend backend) {
    const char* op = "score_location_backward";
    check_shape(op, "W", W.W, "query", Q, W.in() == Q.cols());
    check_shape(op, "dS", dS, "query", Q, dS.rows() == Q.rows());
    check_shape(op, "dS", dS, "W", W.W, dS.cols() <= W.out());
    Mat dL = Mat::Zero(Q.rows(), W.out());  // positions beyond Tk were dropped: no gradient
    dL.leftCols(dS.cols()) = dS;
    return linear_backward(W, Q, dL, dW, backend);
}

// ---- the table

namespace {

void need(ScoreFn f, int n, const char* what) {
    if (n <= 0)
        throw std::invalid_argument(std::string("score_weights_init: ") + score_fn_name(f) + " needs " + what +
                                    " > 0, got " + std::to_string(n));
}

ScoreWeights no_weights(Rng&, int, int, int, int) { return {}; }

// general: nn.Linear(Dk -> Dq) without bias, applied to the keys
ScoreWeights general_init(Rng& rng, int Dq, int Dk, int, int) {
    ScoreWeights w;
    w.W = linear_init(rng, Dk, Dq, /*bias=*/false);
    return w;
}

ScoreWeights additive_init(Rng& rng, int Dq, int Dk, int Da, int) {
    need(ScoreFn::Additive, Da, "Da");
    ScoreWeights w;
    w.W = linear_init(rng, Dq, Da, /*bias=*/false);
    w.U = linear_init(rng, Dk, Da, /*bias=*/true);  // one bias is enough: W q + U k + b
    const float bound = 1.0f / std::sqrt(static_cast<float>(Da));
    w.v.resize(Da);
    for (int i = 0; i < Da; ++i) w.v[i] = rng.uniform(-bound, bound);
    return w;
}

ScoreWeights concat_init(Rng& rng, int Dq, int Dk, int Da, int) {
    need(ScoreFn::Concat, Da, "Da");
    ScoreWeights w;
    w.W = linear_init(rng, Dq + Dk, Da, /*bias=*/true);  // nn.Linear(hidden_dim * 2, hidden_dim)
    w.v.resize(Da);
    for (int i = 0; i < Da; ++i) w.v[i] = rng.uniform();  // nn.Parameter(torch.rand(hidden_dim))
    return w;
}

ScoreWeights location_init(Rng& rng, int Dq, int, int, int max_len) {
    need(ScoreFn::Location, max_len, "max_len");
    ScoreWeights w;
    w.W = linear_init(rng, Dq, max_len, /*bias=*/true);
    return w;
}

Mat dot_fwd(const ScoreWeights&, const Mat& Q, const Mat& K, Backend b, std::vector<Mat>*) {
    return score_dot_forward(Q, K, b);
}
ScoreInputGrad dot_bwd(const ScoreWeights&, const Mat& Q, const Mat& K, const std::vector<Mat>&, const Mat& dS,
                       ScoreWeightsGrad&, Backend b) {
    return score_dot_backward(Q, K, dS, b);
}
Mat cosine_fwd(const ScoreWeights&, const Mat& Q, const Mat& K, Backend b, std::vector<Mat>*) {
    return score_cosine_forward(Q, K, b);
}
ScoreInputGrad cosine_bwd(const ScoreWeights&, const Mat& Q, const Mat& K, const std::vector<Mat>&, const Mat& dS,
                          ScoreWeightsGrad&, Backend b) {
    return score_cosine_backward(Q, K, dS, b);
}
Mat general_fwd(const ScoreWeights& w, const Mat& Q, const Mat& K, Backend b, std::vector<Mat>*) {
    return score_general_forward(w.W, Q, K, b);
}
ScoreInputGrad general_bwd(const ScoreWeights& w, const Mat& Q, const Mat& K, const std::vector<Mat>&, const Mat& dS,
                           ScoreWeightsGrad& g, Backend b) {
    return score_general_backward(w.W, Q, K, dS, g.dW, b);
}
Mat additive_fwd(const ScoreWeights& w, const Mat& Q, const Mat& K, Backend b, std::vector<Mat>* e) {
    return score_additive_forward(w.W, w.U, w.v, Q, K, b, e);
}
ScoreInputGrad additive_bwd(const ScoreWeights& w, const Mat& Q, const Mat& K, const std::vector<Mat>& e,
                            const Mat& dS, ScoreWeightsGrad& g, Backend b) {
    return score_additive_backward(w.W, w.U, w.v, Q, K, e, dS, g.dW, g.dU, g.dv, b);
}
Mat concat_fwd(const ScoreWeights& w, const Mat& Q, const Mat& K, Backend b, std::vector<Mat>* e) {
    return score_concat_forward(w.W, w.v, Q, K, b, e);
}
ScoreInputGrad concat_bwd(const ScoreWeights& w, const Mat& Q, const Mat& K, const std::vector<Mat>& e, const Mat& dS,
                          ScoreWeightsGrad& g, Backend b) {
    return score_concat_backward(w.W, w.v, Q, K, e, dS, g.dW, g.dv, b);
}
Mat location_fwd(const ScoreWeights& w, const Mat& Q, const Mat& K, Backend b, std::vector<Mat>*) {
    if (K.rows() > w.W.out())
        throw ShapeError(std::string("score_location_forward: shape mismatch: W ") + shape_str(w.W.W) + " vs keys " +
                         shape_str(K) + " (at most " + std::to_string(w.W.out()) + " key positions)");
    return score_location_forward(w.W, Q, static_cast<int>(K.rows()), b);
}
ScoreInputGrad location_bwd(const ScoreWeights& w, const Mat& Q, const Mat& K, const std::vector<Mat>&, const Mat& dS,
                            ScoreWeightsGrad& g, Backend b) {
    check_shape("score_location_backward", "dS", dS, "keys", K, dS.cols() == K.rows());
    return {score_location_backward(w.W, Q, dS, g.dW, b), Mat::Zero(K.rows(), K.cols())};
}

}  // namespace

const std::vector<ScoreFnInfo>& score_fns() {
    // id, name, formula, parameters, note, scaled, records_energies, fused, in_gallery, init, forward, backward
    static const std::vector<ScoreFnInfo> table = {
        {ScoreFn::Dot, "dot", "q . k", "none",
         "the plain dot product (seed 002): grows with the vectors' length and width",
         false, false, true, true, no_weights, dot_fwd, dot_bwd},
        {ScoreFn::ScaledDot, "scaled_dot", "q . k / sqrt(d)", "none",
         "the dot product divided by sqrt(d): the Transformer's choice",
         true, false, true, true, no_weights, dot_fwd, dot_bwd},
        {ScoreFn::Cosine, "cosine", "q . k / (|q| |k|)", "none",
         "only the angle counts: every score lies in [-1, 1], so the weights stay flat (seed 002 starts here)",
         false, false, false, true, no_weights, cosine_fwd, cosine_bwd},
        {ScoreFn::General, "general", "q^T W k", "W [Dq, Dk]",
         "a learned matrix W decides which directions of q and k should match (Luong)",
         false, false, false, true, general_init, general_fwd, general_bwd},
        {ScoreFn::Additive, "additive", "v . tanh(W q + U k + b)", "W [Da, Dq], U [Da, Dk], b [Da], v [Da]",
         "a small learned network scores each pair (Bahdanau, seed 003)",
         false, true, false, true, additive_init, additive_fwd, additive_bwd},
        // the same family as additive, as seed 001 writes it; the gallery shows additive for both
        {ScoreFn::Concat, "concat", "v . tanh(A [q; k] + b)", "A [Da, Dq + Dk], b [Da], v [Da]",
         "seed 001's Attention module: one Linear over the query and key side by side",
         false, true, false, false, concat_init, concat_fwd, concat_bwd},
        // the gallery shows location-based attention as a type of its own (ignores the keys)
        {ScoreFn::Location, "location", "(W q + b)[j]", "W [Lmax, Dq], b [Lmax]",
         "the query alone scores each position; the keys' content is never read (Luong)",
         false, false, false, false, location_init, location_fwd, location_bwd},
    };
    return table;
}

const ScoreFnInfo& score_fn_info(ScoreFn f) {
    const auto& t = score_fns();
    const size_t i = static_cast<size_t>(f);
    if (i >= t.size() || t[i].id != f)
        throw std::invalid_argument("score_fn_info: score function " + std::to_string(static_cast<int>(f)) +
                                    " is not in the table");
    return t[i];
}

const char* score_fn_name(ScoreFn f) {
    const size_t i = static_cast<size_t>(f);
    return i < score_fns().size() ? score_fns()[i].name : "unknown";
}

bool parse_score_fn(const char* name, ScoreFn* out) {
    for (const ScoreFnInfo& f : score_fns())
        if (std::strcmp(name, f.name) == 0) {
            *out = f.id;
            return true;
        }
    return false;
}

bool score_fn_is_parameter_free(ScoreFn f) { return score_fn_info(f).init == no_weights; }

ScoreWeights score_weights_init(Rng& rng, ScoreFn f, int Dq, int Dk, int Da, int max_len) {
    return score_fn_info(f).init(rng, Dq, Dk, Da, max_len);
}

Mat score_forward(ScoreFn f, const ScoreWeights& w, const Mat& Q, const Mat& K, Backend backend,
                  std::vector<Mat>* energies) {
    return score_fn_info(f).forward(w, Q, K, backend, energies);
}

ScoreInputGrad score_backward(ScoreFn f, const ScoreWeights& w, const Mat& Q, const Mat& K,
                              const std::vector<Mat>& energies, const Mat& dS, ScoreWeightsGrad& grad,
                              Backend backend) {
    return score_fn_info(f).backward(w, Q, K, energies, dS, grad, backend);
}

}  // namespace attn
