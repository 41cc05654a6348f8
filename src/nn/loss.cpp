// loss.cpp: see loss.h. Sums of exponentials are accumulated in double (rows are at most a vocabulary
// long), so the loss shown on the page is the loss of the float logits, rounded once.
#include "nn/loss.h"

#include "core/check.h"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace attn {

namespace {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();

// Decoding helpers accept -inf (a masked logit) but nothing else that is not finite.
void check_logits_for_decoding(const char* op, const Mat& logits, float temperature) {
    if (!(temperature > 0.0f))
        throw std::invalid_argument(std::string(op) + ": temperature must be > 0, got " + std::to_string(temperature));
    for (long i = 0; i < logits.size(); ++i) {
        const float v = logits.data()[i];
        if (std::isnan(v) || v == std::numeric_limits<float>::infinity())
            throw NonFiniteError(std::string(op) + ": logits[" + std::to_string(i) + "] is " +
                                 (std::isnan(v) ? "NaN" : "+Inf") + "; refusing to let it spread");
    }
}

}  // namespace

CrossEntropy cross_entropy_forward(const Mat& logits, const std::vector<int>& targets,
                                   std::optional<int> ignore_index) {
    const char* op = "cross_entropy_forward";
    const long T = logits.rows(), V = logits.cols();
    if (static_cast<long>(targets.size()) != T)
        throw ShapeError(std::string(op) + ": shape mismatch: logits " + shape_str(logits) + " vs targets [" +
                         std::to_string(targets.size()) + "]");
    check_finite(op, "logits", logits);

    CrossEntropy ce;
    ce.targets = targets;
    ce.ignored.assign(T, false);
    ce.nll = Vec::Zero(T);
    ce.probs.resize(T, V);
    double total = 0.0;
    for (long t = 0; t < T; ++t) {
        const int target = targets[t];
        ce.ignored[t] = ignore_index.has_value() && target == *ignore_index;
        if (!ce.ignored[t] && (target < 0 || target >= V))
            throw std::out_of_range(std::string(op) + ": target id " + std::to_string(target) + " at row " +
                                    std::to_string(t) + " is out of range for vocabulary size V = " +
                                    std::to_string(V) + " (valid ids are 0 to V - 1)");
        // step 1: the largest logit
        float m = kNegInf;
        for (long v = 0; v < V; ++v) m = std::fmax(m, logits(t, v));
        // step 2: log-sum-exp
        double sum = 0.0;
        for (long v = 0; v < V; ++v) sum += std::exp(double(logits(t, v)) - m);
        const double lse = m + std::log(sum);
        for (long v = 0; v < V; ++v) ce.probs(t, v) = static_cast<float>(std::exp(double(logits(t, v)) - lse));
        // step 3: the negative log-likelihood of the target
        if (ce.ignored[t]) continue;
        const double nll = lse - logits(t, target);
        ce.nll[t] = static_cast<float>(nll);
        total += nll;
        ++ce.counted;
    }
    ce.loss = ce.counted ? static_cast<float>(total / ce.counted) : 0.0f;
    return ce;
}

Mat cross_entropy_backward(const CrossEntropy& ce, float dloss) {
    const long T = ce.probs.rows();
    Mat dlogits = Mat::Zero(T, ce.probs.cols());
    if (ce.counted == 0) return dlogits;  // nothing counted: the loss is the constant 0
    const float scale = dloss / static_cast<float>(ce.counted);
    for (long t = 0; t < T; ++t) {
        if (ce.ignored[t]) continue;
        dlogits.row(t) = ce.probs.row(t) * scale;
        dlogits(t, ce.targets[t]) -= scale;
    }
    return dlogits;
}

Mat softmax(const Mat& logits, float temperature, Backend backend) {
    check_logits_for_decoding("softmax", logits, temperature);
    Mat p = logits;
    kernels::softmax_rows(backend, p.data(), static_cast<int>(p.rows()), static_cast<int>(p.cols()), temperature);
    return p;
}

Mat log_softmax(const Mat& logits, float temperature) {
    check_logits_for_decoding("log_softmax", logits, temperature);
    const long T = logits.rows(), V = logits.cols();
    Mat out(T, V);
    for (long t = 0; t < T; ++t) {
        // step 1: the largest scaled logit
        double m = -std::numeric_limits<double>::infinity();
        for (long v = 0; v < V; ++v) m = std::fmax(m, double(logits(t, v)) / temperature);
        if (m == -std::numeric_limits<double>::infinity()) {  // every entry masked
            out.row(t).setConstant(kNegInf);
            continue;
        }
        // step 2: log-sum-exp; then each entry minus it
        double sum = 0.0;
        for (long v = 0; v < V; ++v) sum += std::exp(double(logits(t, v)) / temperature - m);
        const double lse = m + std::log(sum);
        for (long v = 0; v < V; ++v) out(t, v) = static_cast<float>(double(logits(t, v)) / temperature - lse);
    }
    return out;
}

}  // namespace attn
