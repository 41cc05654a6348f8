// kernels_ref.cpp: the Scalar reference of every kernel in kernels.h: plain loops, accumulating in
// float in the natural order, written to be read (the backward's products excepted: Eigen's, see there). It is the oracle the other backends are tested
// against, so it stays simple rather than fast. Test: tests/unit/test_kernels.cpp.
#include "kernels/kernels.h"

#include "core/tensor.h"

#include <cmath>
#include <limits>

namespace attn::kernels::ref {

void matvec(const float* A, const float* x, const float* bias, float* y, int M, int K) {
    for (int m = 0; m < M; ++m) {
        float acc = bias ? bias[m] : 0.0f;
        for (int k = 0; k < K; ++k) acc += A[m * K + k] * x[k];
        y[m] = acc;
    }
}

void matmul(const float* A, const float* B, const float* bias, float* C, int M, int K, int N) {
    for (int m = 0; m < M; ++m) {
        for (int n = 0; n < N; ++n) {
            float acc = bias ? bias[n] : 0.0f;
            for (int k = 0; k < K; ++k) acc += A[m * K + k] * B[k * N + n];
            C[m * N + n] = acc;
        }
    }
}

void matmul_nt(const float* A, const float* B, const float* bias, float* C, int M, int K, int N) {
    for (int m = 0; m < M; ++m) {
        for (int n = 0; n < N; ++n) {
            float acc = bias ? bias[n] : 0.0f;
            for (int k = 0; k < K; ++k) acc += A[m * K + k] * B[n * K + k];
            C[m * N + n] = acc;
        }
    }
}

void softmax_rows(float* x, int rows, int cols, float temperature) {
    const float inv_t = 1.0f / temperature;
    for (int r = 0; r < rows; ++r) {
        float* row = x + r * cols;
        // pass 5a: exp, of each logit less the row's largest, so that no exp overflows
        float maxval = -std::numeric_limits<float>::infinity();
        for (int c = 0; c < cols; ++c) maxval = std::fmax(maxval, row[c] * inv_t);
        if (maxval == -std::numeric_limits<float>::infinity()) {  // every entry masked: no weight anywhere
            for (int c = 0; c < cols; ++c) row[c] = 0.0f;
            continue;
        }
        for (int c = 0; c < cols; ++c) row[c] = std::exp(row[c] * inv_t - maxval);
        // pass 5b: sum of the exponentials
        float sum = 0.0f;
        for (int c = 0; c < cols; ++c) sum += row[c];
        // pass 5c: divide by the sum, so the row sums to 1
        for (int c = 0; c < cols; ++c) row[c] /= sum;
    }
}

void vexp(const float* x, float* y, int n) {
    for (int i = 0; i < n; ++i) y[i] = std::exp(x[i]);
}
void vtanh(const float* x, float* y, int n) {
    for (int i = 0; i < n; ++i) y[i] = std::tanh(x[i]);
}
void vsigmoid(const float* x, float* y, int n) {
    for (int i = 0; i < n; ++i) y[i] = 1.0f / (1.0f + std::exp(-x[i]));
}

void attention_head(const float* q, const float* k, const float* v, const float* mask, float scale,
                    float* weights, float* out, int Tq, int Tk, int Dk, int Dv) {
    for (int i = 0; i < Tq; ++i) {
        float* w = weights + i * Tk;
        // pass 2-4: scores (query dot key), scale, mask
        for (int j = 0; j < Tk; ++j) {
            float dot = 0.0f;
            for (int d = 0; d < Dk; ++d) dot += q[i * Dk + d] * k[j * Dk + d];
            w[j] = dot * scale + (mask ? mask[i * Tk + j] : 0.0f);
        }
        // pass 5: softmax
        softmax_rows(w, 1, Tk, 1.0f);
        // pass 6: context: accumulate weighted values
        float* o = out + i * Dv;
        for (int d = 0; d < Dv; ++d) o[d] = 0.0f;
        for (int j = 0; j < Tk; ++j)
            for (int d = 0; d < Dv; ++d) o[d] += w[j] * v[j * Dv + d];
    }
}

void lstm_preactivations(const float* W_ih, const float* x, const float* b_ih, const float* W_hh,
                         const float* h_prev, const float* b_hh, float* pre, int H, int In) {
    for (int m = 0; m < 4 * H; ++m) {
        float from_x = b_ih ? b_ih[m] : 0.0f, from_h = b_hh ? b_hh[m] : 0.0f;
        for (int k = 0; k < In; ++k) from_x += W_ih[m * In + k] * x[k];
        for (int k = 0; k < H; ++k) from_h += W_hh[m * H + k] * h_prev[k];
        pre[m] = from_x + from_h;
    }
}

void lstm_preactivations_h(const float* pre_x, const float* W_hh, const float* h_prev, const float* b_hh,
                           float* pre, int H) {
    for (int m = 0; m < 4 * H; ++m) {
        float from_h = b_hh ? b_hh[m] : 0.0f;
        for (int k = 0; k < H; ++k) from_h += W_hh[m * H + k] * h_prev[k];
        pre[m] = pre_x[m] + from_h;
    }
}

void lstm_gates(const float* pre, const float* c_prev, float* gates, float* h, float* c, int H) {
    for (int u = 0; u < H; ++u) {
        const float i = 1.0f / (1.0f + std::exp(-pre[u]));
        const float f = 1.0f / (1.0f + std::exp(-pre[H + u]));
        const float g = std::tanh(pre[2 * H + u]);
        const float o = 1.0f / (1.0f + std::exp(-pre[3 * H + u]));
        gates[u] = i;
        gates[H + u] = f;
        gates[2 * H + u] = g;
        gates[3 * H + u] = o;
        c[u] = f * c_prev[u] + i * g;  // long-term memory
        h[u] = o * std::tanh(c[u]);    // short-term memory
    }
}

void attention_pool(const float* X, const float* W1, const float* b1, const float* w2, float b2,
                    float* weights, float* out, float* scratch, int B, int T, int H) {
    for (int b = 0; b < B; ++b) {
        const float* xb = X + static_cast<long>(b) * T * H;
        float* wb = weights + b * T;
        for (int t = 0; t < T; ++t) {
            float* energy = scratch + t * H;
            // pass 2: scores: energy = tanh(W1 x_t + b1) ...
            matvec(W1, xb + t * H, b1, energy, H, H);
            vtanh(energy, energy, H);
            // ... score = w2 . energy + b2 (passes 3 and 4, scale and mask: none)
            float score = b2;
            for (int u = 0; u < H; ++u) score += w2[u] * energy[u];
            wb[t] = score;
        }
        // pass 5: softmax over time
        softmax_rows(wb, 1, T, 1.0f);
        // pass 6: context = sum_t weight_t x_t
        float* ob = out + b * H;
        for (int u = 0; u < H; ++u) ob[u] = 0.0f;
        for (int t = 0; t < T; ++t)
            for (int u = 0; u < H; ++u) ob[u] += wb[t] * xb[t * H + u];
    }
}

// ---- the backward passes ----------------------------------------------------------------------------

// The backward's products are Eigen's own float products over the caller's memory (Eigen::Map), the
// expressions nn/ wrote before these kernels existed: the Scalar path's gradients are what they were, to
// the bit and at the same speed (in wasm Eigen's scalar products run 1.5-3x faster than the plain loops
// of this file, measured at [128, 16] and [8, 400] x [400, 64]), and the Simd tiles are tested against an
// implementation that is not theirs.
namespace {
using MapMat = Eigen::Map<Mat>;
using ConstMapMat = Eigen::Map<const Mat>;
using MapVec = Eigen::Map<Vec>;
using ConstMapVec = Eigen::Map<const Vec>;
}  // namespace

void gemv_t(const float* A, const float* x, float* y, int M, int K, bool accumulate) {
    MapVec out(y, K);
    if (accumulate) out.noalias() += ConstMapMat(A, M, K).transpose() * ConstMapVec(x, M);
    else out.noalias() = ConstMapMat(A, M, K).transpose() * ConstMapVec(x, M);
}

void ger(const float* a, const float* b, float* G, int M, int N) {
    MapMat(G, M, N).noalias() += ConstMapVec(a, M) * ConstMapVec(b, N).transpose();
}

void ger_rows(const float* A, const float* B, float* G, int M, int K, int N) {
    for (int k = 0; k < K; ++k) ger(A + static_cast<long>(k) * M, B + static_cast<long>(k) * N, G, M, N);
}

void gemm_tn(const float* A, const float* B, float* C, int M, int K, int N, bool accumulate) {
    MapMat out(C, M, N);
    if (accumulate) out.noalias() += ConstMapMat(A, K, M).transpose() * ConstMapMat(B, K, N);
    else out.noalias() = ConstMapMat(A, K, M).transpose() * ConstMapMat(B, K, N);
}

void gemm_nn(const float* A, const float* B, float* C, int M, int K, int N, bool accumulate) {
    MapMat out(C, M, N);
    if (accumulate) out.noalias() += ConstMapMat(A, M, K) * ConstMapMat(B, K, N);
    else out.noalias() = ConstMapMat(A, M, K) * ConstMapMat(B, K, N);
}

void gemm_nt(const float* A, const float* B, float* C, int M, int K, int N, bool accumulate) {
    MapMat out(C, M, N);
    if (accumulate) out.noalias() += ConstMapMat(A, M, K) * ConstMapMat(B, N, K).transpose();
    else out.noalias() = ConstMapMat(A, M, K) * ConstMapMat(B, N, K).transpose();
}

void lstm_gates_backward(const float* gates, const float* c_prev, const float* c, const float* dh,
                         const float* dc, float* dpre, float* dc_prev, int H) {
    for (int u = 0; u < H; ++u) {
        const float i = gates[u], f = gates[H + u], g = gates[2 * H + u], o = gates[3 * H + u];
        const float tanh_c = std::tanh(c[u]);
        const float dh_u = dh ? dh[u] : 0.0f;
        // step 4 backward: h = o * tanh(c)
        const float d_o = dh_u * tanh_c;
        const float dc_u = (dc ? dc[u] : 0.0f) + dh_u * o * (1.0f - tanh_c * tanh_c);
        // step 3 backward: c = f * c_prev + i * g
        const float d_i = dc_u * g;
        const float d_f = dc_u * c_prev[u];
        const float d_g = dc_u * i;
        dc_prev[u] = dc_u * f;
        // step 2 backward: sigmoid'(z) = s (1 - s), tanh'(z) = 1 - t^2
        dpre[u] = d_i * i * (1.0f - i);
        dpre[H + u] = d_f * f * (1.0f - f);
        dpre[2 * H + u] = d_g * (1.0f - g * g);
        dpre[3 * H + u] = d_o * o * (1.0f - o);
    }
}

void adam_update(const AdamUpdate& u, float* param, float* grad, float* m, float* v, long P) {
    const bool decay = u.weight_decay != 0.0f;
    for (long i = 0; i < P; ++i) {
        const float g = grad[i] * u.grad_scale;
        grad[i] = 0.0f;  // consumed
        // step 1: decoupled weight decay
        if (decay) param[i] -= u.lr * u.weight_decay * param[i];
        // step 2: first and second moment estimates
        m[i] = u.beta1 * m[i] + (1.0f - u.beta1) * g;
        v[i] = u.beta2 * v[i] + (1.0f - u.beta2) * g * g;
        // step 3: the bias-corrected step
        param[i] -= u.step_size * m[i] / (std::sqrt(v[i]) * u.inv_sqrt_bias2 + u.eps);
    }
}

void scale(float* x, long P, float s) {
    for (long i = 0; i < P; ++i) x[i] *= s;
}

double sum_squares(const float* x, long P) {
    double sq = 0.0;
    for (long i = 0; i < P; ++i) sq += double(x[i]) * x[i];
    return sq;
}

}  // namespace attn::kernels::ref
