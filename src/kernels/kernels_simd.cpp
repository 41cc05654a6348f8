// kernels_simd.cpp: TEMPORARY forwarding until the SIMD path lands (being written now).
#include "kernels/kernels.h"
namespace attn::kernels::simd {
void matvec(const float* A, const float* x, const float* bias, float* y, int M, int K) { ref::matvec(A, x, bias, y, M, K); }
void matmul(const float* A, const float* B, const float* bias, float* C, int M, int K, int N) { ref::matmul(A, B, bias, C, M, K, N); }
void matmul_nt(const float* A, const float* B, const float* bias, float* C, int M, int K, int N) { ref::matmul_nt(A, B, bias, C, M, K, N); }
void softmax_rows(float* x, int rows, int cols, float t) { ref::softmax_rows(x, rows, cols, t); }
void vexp(const float* x, float* y, int n) { ref::vexp(x, y, n); }
void vtanh(const float* x, float* y, int n) { ref::vtanh(x, y, n); }
void vsigmoid(const float* x, float* y, int n) { ref::vsigmoid(x, y, n); }
void attention_head(const float* q, const float* k, const float* v, const float* mask, float scale, float* w, float* out, int Tq, int Tk, int Dk, int Dv) { ref::attention_head(q, k, v, mask, scale, w, out, Tq, Tk, Dk, Dv); }
void lstm_gates(const float* pre, const float* c_prev, float* gates, float* h, float* c, int H) { ref::lstm_gates(pre, c_prev, gates, h, c, H); }
void attention_pool(const float* X, const float* W1, const float* b1, const float* w2, float b2, float* w, float* out, float* s, int B, int T, int H) { ref::attention_pool(X, W1, b1, w2, b2, w, out, s, B, T, H); }
}
