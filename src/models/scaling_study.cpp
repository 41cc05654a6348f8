// scaling_study.cpp: see scaling_study.h. The scores and weights are the trace of attention_forward;
// the gradient is normalize_backward's; this file draws the inputs and takes the means.
#include "models/scaling_study.h"

#include "core/rng.h"
#include "nn/attention.h"
#include "nn/attention_scores.h"
#include "nn/normalizers.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace attn {

namespace {

ScalingSide run_side(const Mat& Q, const Mat& K, Scaling scaling, Backend backend) {
    AttentionOptions o;
    o.score = ScoreFn::ScaledDot;
    o.scaling = scaling;
    o.backend = backend;
    Trace trace;
    attention_forward(o, ScoreWeights{}, Q, K, K, nullptr, &trace);
    ScalingSide side;
    side.trace = std::move(trace.calls.at(0));
    const Mat& s = side.trace.scaled;   // [N, T] what reaches the softmax (pass 3)
    const Mat& w = side.trace.weights;  // [N, T] pass 5
    const int N = static_cast<int>(w.rows()), T = static_cast<int>(w.cols());

    double sum = 0.0, sum_sq = 0.0;
    for (int i = 0; i < N; ++i)
        for (int j = 0; j < T; ++j) {
            sum += s(i, j);
            sum_sq += static_cast<double>(s(i, j)) * s(i, j);
        }
    const double count = static_cast<double>(N) * T, mean = sum / count;
    side.score_std = std::sqrt(std::max(0.0, sum_sq / count - mean * mean));

    // The gradient of each row's largest weight, back through the softmax.
    Mat dw = Mat::Zero(N, T);
    std::vector<int> winner(N, 0);
    for (int i = 0; i < N; ++i) {
        for (int j = 1; j < T; ++j)
            if (w(i, j) > w(i, winner[i])) winner[i] = j;
        dw(i, winner[i]) = 1.0f;
    }
    const Mat ds = normalize_backward(Normalizer::Soft, w, dw);
    for (int i = 0; i < N; ++i) {
        double h = 0.0, others = 0.0;
        for (int j = 0; j < T; ++j) {
            if (w(i, j) > 0.0f) h -= w(i, j) * std::log(static_cast<double>(w(i, j)));
            if (j != winner[i]) others += std::abs(ds(i, j));
        }
        side.entropy += h / N;
        side.max_weight += static_cast<double>(w(i, winner[i])) / N;
        side.to_others += others / N;
    }
    return side;
}

}  // namespace

ScalingPoint scaling_point(int d, Backend backend) {
    if (d < 1 || d > kScalingMaxDim)
        throw std::invalid_argument("scaling_point: d must be from 1 to " + std::to_string(kScalingMaxDim) + ", found " +
                                    std::to_string(d));
    Rng rng(seed_from_name("scaling/" + std::to_string(d)));
    const Mat Q = rng.normal_mat(kScalingQueries, d);
    const Mat K = rng.normal_mat(kScalingKeys, d);
    ScalingPoint p;
    p.d = d;
    p.scaled = run_side(Q, K, Scaling::On, backend);
    p.unscaled = run_side(Q, K, Scaling::Off, backend);
    return p;
}

std::vector<int> scaling_sweep_dims() {
    std::vector<int> dims;
    for (int d = 1; d <= kScalingMaxDim; d *= 2) dims.push_back(d);
    return dims;
}

}  // namespace attn
