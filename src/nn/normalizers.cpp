// normalizers.cpp: see normalizers.h. Each normalizer's forward and backward, then the table that
// lists them. Soft and top-k go through kernels::softmax_rows (its reference and SIMD paths).
#include "nn/normalizers.h"

#include "core/check.h"

#include <algorithm>
#include <cstring>
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
