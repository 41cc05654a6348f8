// attention_reference.h: attention computed again, in double, straight from the definitions (one
// query, one key at a time; concat really concatenates), as the oracle of the attention tests.
// Not fast and not shared with the engine: it reads only the weights' numbers.
// Used by tests/unit/test_attention*.cpp and test_pooling.cpp.
#pragma once

#include "core/compare.h"
#include "core/tensor.h"
#include "nn/attention.h"

#include <cmath>
#include <limits>
#include <vector>

namespace attn::testing {

using VecD = Eigen::VectorXd;

inline MatD to_d(const Mat& m) { return m.cast<double>(); }
inline VecD to_d(const Vec& v) { return v.cast<double>(); }

inline VecD row_d(const Mat& m, long i) { return m.row(i).transpose().cast<double>(); }

// y = W x + b for a Linear stored [out, in] (b may be empty).
inline VecD ref_linear(const Linear& l, const VecD& x) {
    VecD y(l.W.rows());
    for (long o = 0; o < l.W.rows(); ++o) {
        double acc = l.b.size() ? double(l.b[o]) : 0.0;
        for (long i = 0; i < l.W.cols(); ++i) acc += double(l.W(o, i)) * x[i];
        y[o] = acc;
    }
    return y;
}

// Raw scores (Stage 2) of score function f, and the energies of additive/concat (per query [Tk, Da]).
inline MatD ref_scores(ScoreFn f, const ScoreWeights& w, const Mat& Q, const Mat& K,
                       std::vector<MatD>* energies = nullptr) {
    const long Tq = Q.rows(), Tk = K.rows();
    MatD S(Tq, Tk);
    if (energies) energies->assign(Tq, MatD());
    for (long i = 0; i < Tq; ++i) {
        const VecD q = row_d(Q, i);
        for (long j = 0; j < Tk; ++j) {
            const VecD k = row_d(K, j);
            switch (f) {
                case ScoreFn::Dot:
                case ScoreFn::ScaledDot: S(i, j) = q.dot(k); break;
                case ScoreFn::Cosine: {
                    const double eps = kCosineEps;
                    S(i, j) = q.dot(k) / (std::max(q.norm(), eps) * std::max(k.norm(), eps));
                    break;
                }
                case ScoreFn::General: S(i, j) = q.dot(ref_linear(w.W, k)); break;  // q^T (W k + b)
                case ScoreFn::Additive:
                case ScoreFn::Concat: {
                    VecD pre;
                    if (f == ScoreFn::Additive) {
                        pre = ref_linear(w.W, q) + ref_linear(w.U, k);
                    } else {
                        VecD cat(q.size() + k.size());
                        cat << q, k;  // torch.cat((hidden, encoder_outputs), dim=2)
                        pre = ref_linear(w.W, cat);
                    }
                    const VecD e = pre.array().tanh().matrix();
                    S(i, j) = to_d(w.v).dot(e);
                    if (energies) {
                        if ((*energies)[i].size() == 0) (*energies)[i].resize(Tk, e.size());
                        (*energies)[i].row(j) = e.transpose();
                    }
                    break;
                }
                case ScoreFn::Location: S(i, j) = ref_linear(w.W, q)[j]; break;
            }
        }
    }
    return S;
}

// Whether query row i (at position offset + i) may see key j, from the definitions in attention.h.
inline bool ref_keep(MaskKind kind, long i, long j, int window, int offset) {
    const long p = offset + i;
    switch (kind) {
        case MaskKind::None: return true;
        case MaskKind::Causal: return j <= p;
        case MaskKind::Window: return p - window <= j && j <= p + window;
        case MaskKind::CausalWindow: return p - window <= j && j <= p;
    }
    return true;
}

// Stage 5 from the definition. Z[Tq, Tk] scaled scores; keep says which entries are visible.
// Soft, hard and top-k are written out here in double; any other row of the normalizers table is its
// own scalar reference (checked against its definition in test_normalizers.cpp), run on the masked Z.
inline MatD ref_normalize(Normalizer n, int top_k, const MatD& Z, const std::vector<std::vector<bool>>& keep) {
    const long Tq = Z.rows(), Tk = Z.cols();
    if (n != Normalizer::Soft && n != Normalizer::Hard && n != Normalizer::TopK) {
        Mat masked = Z.cast<float>();
        for (long i = 0; i < Tq; ++i)
            for (long j = 0; j < Tk; ++j)
                if (!keep[i][j]) masked(i, j) = -std::numeric_limits<float>::infinity();
        return normalize_forward(n, top_k, masked, Backend::Scalar).cast<double>();
    }
    MatD W = MatD::Zero(Tq, Tk);
    for (long i = 0; i < Tq; ++i) {
        std::vector<bool> kept(keep[i]);
        if (n != Normalizer::Soft) {
            // rank of j among the visible entries: how many beat it (larger, or equal and earlier)
            const long limit = n == Normalizer::Hard ? 1 : top_k;
            for (long j = 0; j < Tk; ++j) {
                if (!keep[i][j]) continue;
                long rank = 0;
                for (long m = 0; m < Tk; ++m)
                    if (keep[i][m] && (Z(i, m) > Z(i, j) || (Z(i, m) == Z(i, j) && m < j))) ++rank;
                kept[j] = rank < limit;
            }
        }
        double maxv = -std::numeric_limits<double>::infinity();
        for (long j = 0; j < Tk; ++j)
            if (kept[j]) maxv = std::max(maxv, Z(i, j));
        if (maxv == -std::numeric_limits<double>::infinity()) continue;  // nothing visible: all 0
        if (n == Normalizer::Hard) {
            for (long j = 0; j < Tk; ++j) W(i, j) = kept[j] ? 1.0 : 0.0;
            continue;
        }
        double z = 0;
        for (long j = 0; j < Tk; ++j)
            if (kept[j]) z += std::exp(Z(i, j) - maxv);
        for (long j = 0; j < Tk; ++j) W(i, j) = kept[j] ? std::exp(Z(i, j) - maxv) / z : 0.0;
    }
    return W;
}

struct RefAttention {
    MatD scores, scaled, weights, context;
    std::vector<std::vector<bool>> keep;  // [Tq][Tk]
    std::vector<MatD> energies;
    double scale = 1.0;
};

// One attention call under options o, every stage in double.
inline RefAttention ref_attention(const AttentionOptions& o, const ScoreWeights& w, const Mat& Q, const Mat& K,
                                  const Mat& V) {
    RefAttention r;
    const long Tq = Q.rows(), Tk = K.rows();
    r.scores = ref_scores(o.score, w, Q, K, &r.energies);
    const bool scale = o.scaling == Scaling::On || (o.scaling == Scaling::Auto && o.score == ScoreFn::ScaledDot);
    r.scale = scale ? 1.0 / std::sqrt(double(K.cols())) : 1.0;
    r.scaled = r.scores * (r.scale / o.temperature);
    r.keep.assign(Tq, std::vector<bool>(Tk));
    for (long i = 0; i < Tq; ++i)
        for (long j = 0; j < Tk; ++j) r.keep[i][j] = ref_keep(o.mask, i, j, o.window, o.query_offset);
    r.weights = ref_normalize(o.normalizer, o.top_k, r.scaled, r.keep);
    r.context = r.weights * to_d(V);
    return r;
}

// Largest absolute difference between a float result and its double reference (core/compare.h).
inline double max_abs_diff(const Mat& a, const MatD& b) {
    if (a.rows() != b.rows() || a.cols() != b.cols()) return std::numeric_limits<double>::infinity();
    return compare(a.data(), b.data(), static_cast<long>(a.size())).max_abs;
}

}  // namespace attn::testing
