// normalizers.cpp: see normalizers.h. Each normalizer's forward and backward, then the table that
// lists them. Soft and top-k go through kernels::softmax_rows (its reference and SIMD paths);
// sparsemax has its reference and its SIMD path (over kernels/simd.h) side by side here.
#include "nn/normalizers.h"

#include "core/check.h"
#include "kernels/simd.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>

namespace attn {

namespace {
constexpr float kNegInf = -std::numeric_limits<float>::infinity();

// ---- soft: w = softmax(z)

Mat soft_forward(const Mat& logits, int, Backend backend) {
    Mat w = logits;
    kernels::softmax_rows(backend, w.data(), static_cast<int>(w.rows()), static_cast<int>(w.cols()), 1.0f);
    return w;
}

// The softmax Jacobian: dz_j = w_j (dw_j - sum_k w_k dw_k). Masked entries (and top-k's dropped ones)
// have w_j = 0, so no gradient reaches them; which keys top-k keeps is a piecewise-constant choice
// with no gradient of its own.
Mat soft_backward(const Mat& weights, const Mat& dweights) {
    const Eigen::VectorXf wdw = weights.cwiseProduct(dweights).rowwise().sum();
    return weights.cwiseProduct(dweights.colwise() - wdw);
}

// ---- hard: one-hot at the first largest entry that is not masked

Mat hard_forward(const Mat& logits, int, Backend) {
    Mat w = Mat::Zero(logits.rows(), logits.cols());
    for (Eigen::Index r = 0; r < logits.rows(); ++r) {
        Eigen::Index best = -1;
        for (Eigen::Index c = 0; c < logits.cols(); ++c)
            if (logits(r, c) != kNegInf && (best < 0 || logits(r, c) > logits(r, best))) best = c;
        if (best >= 0) w(r, best) = 1.0f;  // a fully masked row stays all 0
    }
    return w;
}

// argmax is piecewise constant: zero everywhere, so a hard-attention model learns only through the
// values it picks.
Mat hard_backward(const Mat& weights, const Mat&) { return Mat::Zero(weights.rows(), weights.cols()); }

// ---- top-k: softmax over the k largest entries (ties to the lower index); the others get 0

Mat top_k_forward(const Mat& logits, int top_k, Backend backend) {
    Mat w = logits;
    std::vector<Eigen::Index> order;
    for (Eigen::Index r = 0; r < logits.rows(); ++r) {
        order.clear();
        for (Eigen::Index c = 0; c < logits.cols(); ++c)
            if (logits(r, c) != kNegInf) order.push_back(c);
        const size_t keep = std::min(order.size(), static_cast<size_t>(std::max(top_k, 0)));
        // the keep largest, ties to the lower index, so the choice is deterministic
        std::partial_sort(order.begin(), order.begin() + keep, order.end(), [&](Eigen::Index a, Eigen::Index b) {
            return logits(r, a) > logits(r, b) || (logits(r, a) == logits(r, b) && a < b);
        });
        for (size_t k = keep; k < order.size(); ++k) w(r, order[k]) = kNegInf;
    }
    kernels::softmax_rows(backend, w.data(), static_cast<int>(w.rows()), static_cast<int>(w.cols()), 1.0f);
    return w;
}

// ---- sparsemax (Martins and Astudillo 2016): the Euclidean projection of z onto the simplex,
// w = argmin ||w - z||^2 over w >= 0, sum w = 1. The solution is w_j = max(z_j - tau, 0) for the one
// threshold tau that makes the weights sum to 1: low scores get exactly 0, unlike the softmax.

// The reference, as the paper writes it: sort, find the support, then the threshold.
void sparsemax_row_ref(float* x, int n) {
    std::vector<float> z;
    for (int j = 0; j < n; ++j)
        if (x[j] != kNegInf) z.push_back(x[j]);
    if (z.empty()) {  // every entry masked: no weight anywhere, as soft
        std::fill(x, x + n, 0.0f);
        return;
    }
    // pass 5, sparsemax: z sorted in decreasing order; the support is the largest k with
    // 1 + k z_(k) > z_(1) + ... + z_(k), and tau = (z_(1) + ... + z_(k) - 1) / k
    std::sort(z.begin(), z.end(), std::greater<float>());
    double cumsum = 0, support_sum = 0;
    int k = 0;
    for (int i = 0; i < static_cast<int>(z.size()); ++i) {
        cumsum += z[i];
        if (1.0 + (i + 1) * double(z[i]) > cumsum) {
            k = i + 1;
            support_sum = cumsum;
        }
    }
    const float tau = static_cast<float>((support_sum - 1.0) / k);
    for (int j = 0; j < n; ++j) x[j] = std::max(x[j] - tau, 0.0f);  // masked: -inf - tau -> 0
}

// The SIMD path finds the same threshold without sorting (Michelot 1986): tau starts below the answer
// (max - 1: the largest weight is at most 1) and is moved to (sum of the entries above it - 1) / (how
// many) until that set stops changing; every step is one vector pass of compare, select and add.
void sparsemax_row_simd(float* x, int n) {
    constexpr int L = vec::kLanes;
    vec::F32 maxv = vec::splat(kNegInf);
    int c = 0;
    for (; c + L <= n; c += L) maxv = vec::max(maxv, vec::load(x + c));
    float maxval = vec::hmax(maxv);
    for (; c < n; ++c) maxval = std::max(maxval, x[c]);  // leftovers
    if (maxval == kNegInf) {  // every entry masked
        std::fill(x, x + n, 0.0f);
        return;
    }
    float tau = maxval - 1.0f;
    int support = -1;
    for (int iter = 0; iter <= n; ++iter) {  // the set shrinks at every step: at most n steps
        const vec::F32 tauv = vec::splat(tau), one = vec::splat(1.0f), zero = vec::zero();
        vec::F32 sumv = zero, countv = zero;
        for (c = 0; c + L <= n; c += L) {
            const vec::F32 z = vec::load(x + c);
            const vec::Mask above = vec::lt(tauv, z);
            sumv = vec::add(sumv, vec::select(above, z, zero));
            countv = vec::add(countv, vec::select(above, one, zero));
        }
        double sum = vec::hsum(sumv);
        int count = static_cast<int>(vec::hsum(countv));
        for (; c < n; ++c)  // leftovers
            if (x[c] > tau) {
                sum += x[c];
                ++count;
            }
        if (count == support) break;
        support = count;
        tau = static_cast<float>((sum - 1.0) / count);
    }
    const vec::F32 tauv = vec::splat(tau), zero = vec::zero();
    for (c = 0; c + L <= n; c += L) vec::store(x + c, vec::max(vec::sub(vec::load(x + c), tauv), zero));
    for (; c < n; ++c) x[c] = std::max(x[c] - tau, 0.0f);  // leftovers
}

Mat sparsemax_forward(const Mat& logits, int, Backend backend) {
    Mat w = logits;  // row-major: each row contiguous
    const int cols = static_cast<int>(w.cols());
    for (Eigen::Index r = 0; r < w.rows(); ++r) {
        float* row = w.data() + r * cols;
        if (backend == Backend::Simd) sparsemax_row_simd(row, cols);
        else sparsemax_row_ref(row, cols);
    }
    return w;
}

// On the support S (w_j > 0) the weights are z_j - tau with tau the mean of z over S minus 1/|S|:
// dz_j = dw_j - mean over S of dw for j in S, and 0 elsewhere (Martins and Astudillo, eq. 14).
Mat sparsemax_backward(const Mat& weights, const Mat& dweights) {
    Mat dz = Mat::Zero(weights.rows(), weights.cols());
    for (Eigen::Index r = 0; r < weights.rows(); ++r) {
        double sum = 0;
        int count = 0;
        for (Eigen::Index c = 0; c < weights.cols(); ++c)
            if (weights(r, c) > 0.0f) {
                sum += dweights(r, c);
                ++count;
            }
        if (count == 0) continue;
        const float mean = static_cast<float>(sum / count);
        for (Eigen::Index c = 0; c < weights.cols(); ++c)
            if (weights(r, c) > 0.0f) dz(r, c) = dweights(r, c) - mean;
    }
    return dz;
}

}  // namespace

// ---- the table: one row per normalizer, in the order of the enum

const std::vector<NormalizerInfo>& normalizers() {
    // id, name, label, widget, summary, title, explanation, uses_k, sparse, forward, backward, simd, gpu_code
    static const std::vector<NormalizerInfo> table = {
        {Normalizer::Soft, "soft", "soft", "tweak/soft", "softmax over every key (seed 001's soft attention)",
         "Soft attention",
         "Every key gets a share of the weight: the softmax of the scores.",
         false, false, soft_forward, soft_backward, true, 0},
        {Normalizer::Hard, "hard", "hard", "tweak/hard", "all the weight on the best key (one-hot)",
         "Hard attention",
         "All the weight on the best-scoring key, none anywhere else.",
         false, true, hard_forward, hard_backward, false, 1},
        {Normalizer::TopK, "top_k", "top-k", "tweak/topk", "softmax over the k best keys only",
         "Top-k attention",
         "A softmax over the k best-scoring keys only: the other keys get exactly 0, the kept ones share "
         "the weight as soft attention shares it among them. With k = 1 it is hard attention; with k at "
         "least the number of keys it is soft attention.",
         true, true, top_k_forward, soft_backward, true, 2},
        {Normalizer::Sparsemax, "sparsemax", "sparsemax", "tweak/sparsemax",
         "the projection onto the simplex: low scores get exactly 0",
         "Sparsemax",
         "Sparsemax (Martins and Astudillo, 2016) finds the weights closest to the scores that still sum to "
         "1: it subtracts one threshold from every score and clips at 0. Words far enough below the best get "
         "exactly 0, as in hard attention, while the rest share the weight smoothly, so it still learns by "
         "gradient descent.",
         false, true, sparsemax_forward, sparsemax_backward, true, 3},
    };
    return table;
}

const NormalizerInfo& normalizer_info(Normalizer n) {
    const auto& t = normalizers();
    const size_t i = static_cast<size_t>(n);
    if (i >= t.size() || t[i].id != n)
        throw std::invalid_argument("normalizer_info: normalizer " + std::to_string(static_cast<int>(n)) +
                                    " is not in the table");
    return t[i];
}

const char* normalizer_name(Normalizer n) {
    const size_t i = static_cast<size_t>(n);
    return i < normalizers().size() ? normalizers()[i].name : "unknown";
}

bool parse_normalizer(const char* name, Normalizer* out) {
    for (const NormalizerInfo& n : normalizers())
        if (std::strcmp(name, n.name) == 0) {
            *out = n.id;
            return true;
        }
    return false;
}

std::string normalizer_names() {
    std::string s;
    for (const NormalizerInfo& n : normalizers()) s += (s.empty() ? "" : ", ") + std::string(n.name);
    return s;
}

Mat normalize_forward(Normalizer n, int top_k, const Mat& logits, Backend backend) {
    return normalizer_info(n).forward(logits, top_k, backend);
}

Mat normalize_backward(Normalizer n, const Mat& weights, const Mat& dweights) {
    check_shape("normalize_backward", "dweights", dweights, "weights", weights,
                dweights.rows() == weights.rows() && dweights.cols() == weights.cols());
    return normalizer_info(n).backward(weights, dweights);
}

}  // namespace attn
