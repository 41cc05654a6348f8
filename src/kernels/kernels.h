// kernels.h: every compute kernel the models use, one signature each, chosen at run time by Backend.
// Not shape-checked here: callers (nn/, models/) check shapes and pass raw row-major float pointers.
// Test: tests/unit/test_kernels.cpp runs each kernel of every backend beside the Scalar reference.
//
// Dimension legend
//   M, K, N   matrix sizes: A[M,K] times B[K,N] gives C[M,N]
//   Tq, Tk    number of queries, number of keys (= values)
//   Dk, Dv    query/key width, value width
//   H         LSTM hidden size (pre-activations are [4H], gates in the order i, f, g, o)
//   B, T      batch, time steps (seed 000's pooling: X[B,T,H])
//   P         values of one parameter (Adam)
#pragma once

#include <cstdint>

namespace attn {

enum class Backend : int {
    Scalar = 0,  // kernels_ref.cpp: plain loops, written to be read; the oracle
    Simd = 1,    // kernels_simd.cpp: 4- or 8-wide vectors through simd.h (wasm simd128, SSE/AVX)
};
const char* backend_name(Backend b);  // "scalar", "simd"
bool parse_backend(const char* name, Backend* out);

namespace kernels {

// y[M] = A[M,K] x[K] (+ bias[M] when bias != nullptr)
void matvec(Backend, const float* A, const float* x, const float* bias, float* y, int M, int K);
// C[M,N] = A[M,K] B[K,N] (+ bias[N] added to every row when bias != nullptr)
void matmul(Backend, const float* A, const float* B, const float* bias, float* C, int M, int K, int N);
// C[M,N] = A[M,K] B[N,K]^T (+ bias[N]): a linear layer with a PyTorch-style [out, in] weight; Q K^T
void matmul_nt(Backend, const float* A, const float* B, const float* bias, float* C, int M, int K, int N);

// Row-wise softmax in place: x[r,:] <- softmax(x[r,:] / temperature), numerically stable (max
// subtracted). -inf entries (masked) get weight 0; a row that is entirely -inf becomes all 0, never NaN.
void softmax_rows(Backend, float* x, int rows, int cols, float temperature);

// Elementwise y[i] = f(x[i]); x == y is allowed. The Simd versions may approximate: the bound on
// their error is stated in kernels_simd.cpp and tested in test_kernels.cpp.
void vexp(Backend, const float* x, float* y, int n);
void vtanh(Backend, const float* x, float* y, int n);
void vsigmoid(Backend, const float* x, float* y, int n);

// One attention head, fused (the numbered passes are the stages the page shows, Stage in
// trace/trace.h; pass 1, "query and keys", is the input q, k, v itself):
//   pass 2: scores   scores[i,j]  = q[i,:] . k[j,:]          (Q K^T)
//   pass 3: scale    scaled[i,j]  = scores[i,j] * scale     (1/sqrt(Dk), divided by a temperature)
//   pass 4: mask     masked[i,j]  = scaled[i,j] + mask[i,j]  (mask: 0 keep, -inf drop; nullptr: none)
//   pass 5: softmax  weights[i,:] = softmax(masked[i,:])     (a fully masked row gives zeros)
//   pass 6: context  out[i,:]     = sum_j weights[i,j] v[j,:]
// q[Tq,Dk] k[Tk,Dk] v[Tk,Dv] mask[Tq,Tk] -> weights[Tq,Tk] out[Tq,Dv]
void attention_head(Backend, const float* q, const float* k, const float* v, const float* mask, float scale,
                    float* weights, float* out, int Tq, int Tk, int Dk, int Dv);

// LSTM cell, step 1: pre[4H] = (W_ih[4H,In] x[In] + b_ih) + (W_hh[4H,H] h_prev[H] + b_hh), biases nullptr
// when the cell has none. The Scalar version adds the two matvecs' results as two matvec calls would; the
// Simd version sums both rows' products in one dot product per output.
void lstm_preactivations(Backend, const float* W_ih, const float* x, const float* b_ih, const float* W_hh,
                         const float* h_prev, const float* b_hh, float* pre, int H, int In);
// The same when the input's part pre_x[4H] = W_ih x + b_ih is already known (lstm_forward computes it for
// every time step at once with matmul_nt): pre = pre_x + (W_hh h_prev + b_hh), pre == pre_x allowed.
void lstm_preactivations_h(Backend, const float* pre_x, const float* W_hh, const float* h_prev, const float* b_hh,
                           float* pre, int H);
// LSTM cell, pointwise part. pre[4H] = W_ih x + W_hh h_prev + b, in the order i, f, g, o.
//   gates[4H] = sigmoid(i), sigmoid(f), tanh(g), sigmoid(o);  c = f*c_prev + i*g;  h = o*tanh(c)
// pre == gates is allowed (each unit's four pre-activations are read before its gates are written).
void lstm_gates(Backend, const float* pre, const float* c_prev, float* gates, float* h, float* c, int H);

// Seed 000's attention pooling over time, for a batch:
//   energy[b,t,:] = tanh(W1[H,H] X[b,t,:] + b1[H])      (Linear H->H, then tanh)
//   score[b,t]    = w2[H] . energy[b,t,:] + b2           (Linear H->1)
//   weights[b,:]  = softmax over t of score[b,:]
//   out[b,:]      = sum_t weights[b,t] X[b,t,:]          (the context vector, [B,H])
// scratch must hold T*H floats. W1 is [out, in] as in PyTorch.
void attention_pool(Backend, const float* X, const float* W1, const float* b1, const float* w2, float b2,
                    float* weights, float* out, float* scratch, int B, int T, int H);

// ---- the backward passes' products (the gradients of matvec, matmul and matmul_nt), named as BLAS ----
// names them (gemv, ger, gemm; _t, _tn, _nt: which operand is read transposed).
// accumulate: add the product into the output (a gradient summed over time steps or examples) instead
// of overwriting it. The Scalar versions are Eigen's products (kernels_ref.cpp says why).
// y[K] (+)= A[M,K]^T x[M]: the input gradient of y = A x (dx = W^T dy)
void gemv_t(Backend, const float* A, const float* x, float* y, int M, int K, bool accumulate);
// G[M,N] += a[M] b[N]^T: the weight gradient of one matvec (dW += dy x^T), a rank-1 update
void ger(Backend, const float* a, const float* b, float* G, int M, int N);
// G[M,N] += A[K,M]^T B[K,N] as K rank-1 updates in the order of k, G += A[k,:]^T B[k,:]: the weight
// gradient of a recurrence for a whole sequence (row k: the k-th step handled), what K calls of ger give
void ger_rows(Backend, const float* A, const float* B, float* G, int M, int K, int N);
// C[M,N] (+)= A[K,M]^T B[K,N]: weight gradients over K rows (dW += dY^T X), attention's dV = W^T dC
void gemm_tn(Backend, const float* A, const float* B, float* C, int M, int K, int N, bool accumulate);
// C[M,N] (+)= A[M,K] B[K,N]: input gradients of a batch of rows (dX = dY W)
void gemm_nn(Backend, const float* A, const float* B, float* C, int M, int K, int N, bool accumulate);
// C[M,N] (+)= A[M,K] B[N,K]^T: attention's gradient of its weights, dW = dC V^T
void gemm_nt(Backend, const float* A, const float* B, float* C, int M, int K, int N, bool accumulate);

// LSTM cell steps 2-4 backward (the pointwise part; the products are gemv_t and ger). From the
// forward's gates[4H] (i, f, g, o after their nonlinearities), c_prev[H], c[H] and the gradients
// dh[H], dc[H] w.r.t. the step's h and c (nullptr: zero):
//   dc'       = dc + dh * o * (1 - tanh(c)^2)                 (h = o * tanh(c))
//   dpre[4H]  = dc' g i (1 - i),  dc' c_prev f (1 - f),  dc' i (1 - g^2),  dh tanh(c) o (1 - o)
//   dc_prev   = dc' f
void lstm_gates_backward(Backend, const float* gates, const float* c_prev, const float* c, const float* dh,
                         const float* dc, float* dpre, float* dc_prev, int H);

// One Adam update of P values (nn/optim.h has the steps), in float, in this order for every value:
//   g = grad * grad_scale;  grad = 0;  p -= lr * weight_decay * p (only when weight_decay != 0);
//   m = beta1 m + (1 - beta1) g;  v = beta2 v + (1 - beta2) g g;
//   p -= step_size * m / (sqrt(v) * inv_sqrt_bias2 + eps)
// step_size = lr / (1 - beta1^t) and inv_sqrt_bias2 = 1 / sqrt(1 - beta2^t), from the caller;
// grad_scale: a batch's mean and the clipping factor. The gradient is consumed: left at zero, for the
// next step to accumulate into (one pass over it instead of two).
struct AdamUpdate {
    float lr, weight_decay, beta1, beta2, eps, step_size, inv_sqrt_bias2;
    float grad_scale = 1.0f;
};
void adam_update(Backend, const AdamUpdate& u, float* param, float* grad, float* m, float* v, long P);
// x[P] *= s: gradients clipped to a norm (nn/optim.h's clip_grad_norm)
void scale(Backend, float* x, long P, float s);
// The sum of x[i]^2 over P values, returned in double: a global norm's part (nn/optim.h). The Scalar
// reference accumulates every square in double, in order; the Simd path squares and sums in float
// lanes over blocks of at most 256 values and adds each block's sum in double (relative error under
// 1e-6). NaN or Inf in x gives a non-finite sum; so does a finite |x| above 1.8e19 on the Simd path,
// whose float square overflows (the caller tells the two apart: nn/optim.cpp).
double sum_squares(Backend, const float* x, long P);

// Each backend's implementation, callable directly by tests and benchmarks.
#define ATTN_KERNEL_DECLS                                                                                     \
    void matvec(const float* A, const float* x, const float* bias, float* y, int M, int K);                   \
    void matmul(const float* A, const float* B, const float* bias, float* C, int M, int K, int N);            \
    void matmul_nt(const float* A, const float* B, const float* bias, float* C, int M, int K, int N);         \
    void softmax_rows(float* x, int rows, int cols, float temperature);                                       \
    void vexp(const float* x, float* y, int n);                                                               \
    void vtanh(const float* x, float* y, int n);                                                              \
    void vsigmoid(const float* x, float* y, int n);                                                           \
    void attention_head(const float* q, const float* k, const float* v, const float* mask, float scale,       \
                        float* weights, float* out, int Tq, int Tk, int Dk, int Dv);                          \
    void lstm_preactivations(const float* W_ih, const float* x, const float* b_ih, const float* W_hh,         \
                             const float* h_prev, const float* b_hh, float* pre, int H, int In);              \
    void lstm_preactivations_h(const float* pre_x, const float* W_hh, const float* h_prev, const float* b_hh, \
                               float* pre, int H);                                                            \
    void lstm_gates(const float* pre, const float* c_prev, float* gates, float* h, float* c, int H);          \
    void attention_pool(const float* X, const float* W1, const float* b1, const float* w2, float b2,          \
                        float* weights, float* out, float* scratch, int B, int T, int H);                     \
    void gemv_t(const float* A, const float* x, float* y, int M, int K, bool accumulate);                     \
    void ger(const float* a, const float* b, float* G, int M, int N);                                         \
    void ger_rows(const float* A, const float* B, float* G, int M, int K, int N);                             \
    void gemm_tn(const float* A, const float* B, float* C, int M, int K, int N, bool accumulate);             \
    void gemm_nn(const float* A, const float* B, float* C, int M, int K, int N, bool accumulate);             \
    void gemm_nt(const float* A, const float* B, float* C, int M, int K, int N, bool accumulate);             \
    void lstm_gates_backward(const float* gates, const float* c_prev, const float* c, const float* dh,        \
                             const float* dc, float* dpre, float* dc_prev, int H);                            \
    void adam_update(const AdamUpdate& u, float* param, float* grad, float* m, float* v, long P);             \
    void scale(float* x, long P, float s);                                                                    \
    double sum_squares(const float* x, long P);
namespace ref {
ATTN_KERNEL_DECLS
}
namespace simd {
ATTN_KERNEL_DECLS
}
#undef ATTN_KERNEL_DECLS

}  // namespace kernels
}  // namespace attn
