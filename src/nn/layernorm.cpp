// layernorm.cpp: see layernorm.h. Plain loops in float (rows are short); the backward recomputes the
// row statistics from x with the same function as the forward, so both see the same numbers.
#include "nn/layernorm.h"

#include "core/check.h"

#include <cmath>

namespace attn {

void LayerNormGrad::zero_like(const LayerNorm& ln) {
    dgamma = Vec::Zero(ln.gamma.size());
    dbeta = Vec::Zero(ln.beta.size());
}

LayerNorm layernorm_init(int dim, float eps) {
    LayerNorm ln;
    ln.gamma = Vec::Ones(dim);
    ln.beta = Vec::Zero(dim);
    ln.eps = eps;
    return ln;
}

LayerNormStats layernorm_stats(const Mat& x, float eps) {
    const long N = x.rows(), D = x.cols();
    LayerNormStats s{Vec(N), Vec(N)};
    for (long n = 0; n < N; ++n) {
        // step 1: the mean of the row
        float sum = 0.0f;
        for (long d = 0; d < D; ++d) sum += x(n, d);
        const float mean = sum / static_cast<float>(D);
        // step 2: the (biased) variance, from deviations so that a large mean does not cancel digits
        float sq = 0.0f;
        for (long d = 0; d < D; ++d) sq += (x(n, d) - mean) * (x(n, d) - mean);
        s.mean[n] = mean;
        s.rstd[n] = 1.0f / std::sqrt(sq / static_cast<float>(D) + eps);
    }
    return s;
}

static void check_layernorm(const char* op, const LayerNorm& ln, const Mat& x) {
    check_shape(op, "gamma", ln.gamma, "beta", ln.beta, ln.gamma.size() == ln.beta.size());
    check_shape(op, "x", x, "gamma", ln.gamma, x.cols() == ln.gamma.size());
}

Mat layernorm_forward(const LayerNorm& ln, const Mat& x) {
    check_layernorm("layernorm_forward", ln, x);
    check_finite("layernorm_forward", "x", x);
    const LayerNormStats s = layernorm_stats(x, ln.eps);
    Mat y(x.rows(), x.cols());
    // step 3: normalize, then scale and shift
    for (long n = 0; n < x.rows(); ++n)
        for (long d = 0; d < x.cols(); ++d)
            y(n, d) = (x(n, d) - s.mean[n]) * s.rstd[n] * ln.gamma[d] + ln.beta[d];
    return y;
}

Mat layernorm_backward(const LayerNorm& ln, const Mat& x, const Mat& dy, LayerNormGrad& grad) {
    const char* op = "layernorm_backward";
    check_layernorm(op, ln, x);
    check_shape(op, "x", x, "dy", dy, x.rows() == dy.rows() && x.cols() == dy.cols());
    check_shape(op, "dgamma", grad.dgamma, "gamma", ln.gamma,
                grad.dgamma.size() == ln.gamma.size() && grad.dbeta.size() == ln.beta.size());
    const long N = x.rows(), D = x.cols();
    const LayerNormStats s = layernorm_stats(x, ln.eps);
    Mat dx(N, D);
    for (long n = 0; n < N; ++n) {
        // step 3 backward: y = xhat * gamma + beta, so dxhat = dy * gamma
        float mean_dxhat = 0.0f, mean_dxhat_xhat = 0.0f;
        for (long d = 0; d < D; ++d) {
            const float xhat = (x(n, d) - s.mean[n]) * s.rstd[n];
            const float dxhat = dy(n, d) * ln.gamma[d];
            grad.dgamma[d] += dy(n, d) * xhat;
            grad.dbeta[d] += dy(n, d);
            mean_dxhat += dxhat;
            mean_dxhat_xhat += dxhat * xhat;
        }
        mean_dxhat /= static_cast<float>(D);
        mean_dxhat_xhat /= static_cast<float>(D);
        // steps 1-2 backward: the mean and the variance depend on every entry of the row, which removes
        // from dxhat its row mean (shift invariance) and its component along xhat (scale invariance)
        for (long d = 0; d < D; ++d) {
            const float xhat = (x(n, d) - s.mean[n]) * s.rstd[n];
            const float dxhat = dy(n, d) * ln.gamma[d];
            dx(n, d) = s.rstd[n] * (dxhat - mean_dxhat - xhat * mean_dxhat_xhat);
        }
    }
    return dx;
}

}  // namespace attn
