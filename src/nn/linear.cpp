// linear.cpp: see linear.h.
#include "nn/linear.h"

#include "core/check.h"
#include "core/rng.h"

#include <cmath>

namespace attn {

void LinearGrad::zero_like(const Linear& l) {
    dW = Mat::Zero(l.W.rows(), l.W.cols());
    db = Vec::Zero(l.b.size());
}

Linear linear_init(Rng& rng, int in, int out, bool bias) {
    const float bound = 1.0f / std::sqrt(static_cast<float>(in));
    Linear l;
    l.W = rng.uniform_mat(out, in, -bound, bound);
    if (bias) {
        l.b.resize(out);
        for (int i = 0; i < out; ++i) l.b[i] = rng.uniform(-bound, bound);
    }
    return l;
}

Mat linear_forward(const Linear& l, const Mat& x, Backend backend) {
    check_shape("linear_forward", "x", x, "W", l.W, x.cols() == l.W.cols());
    Mat y(x.rows(), l.out());
    kernels::matmul_nt(backend, x.data(), l.W.data(), l.b.size() ? l.b.data() : nullptr, y.data(),
                       static_cast<int>(x.rows()), l.in(), l.out());
    return y;
}

Mat linear_backward(const Linear& l, const Mat& x, const Mat& dy, LinearGrad& grad, Backend backend) {
    check_shape("linear_backward", "x", x, "dy", dy, x.rows() == dy.rows() && dy.cols() == l.W.rows());
    check_shape("linear_backward", "dW", grad.dW, "W", l.W, grad.dW.rows() == l.W.rows() && grad.dW.cols() == l.W.cols());
    const int N = static_cast<int>(x.rows());
    // dW[out, in] += dy^T[out, N] x[N, in]
    kernels::gemm_tn(backend, dy.data(), x.data(), grad.dW.data(), l.out(), N, l.in(), true);
    if (l.b.size()) grad.db += dy.colwise().sum().transpose();
    // dx[N, in] = dy[N, out] W[out, in]
    Mat dx(N, l.in());
    kernels::gemm_nn(backend, dy.data(), l.W.data(), dx.data(), N, l.out(), l.in(), false);
    return dx;
}

}  // namespace attn
