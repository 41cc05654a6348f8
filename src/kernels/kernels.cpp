// kernels.cpp: the runtime dispatch from a Backend to its implementation. Nothing is computed here.
#include "kernels/kernels.h"

#include <cstring>

namespace attn {

const char* backend_name(Backend b) {
    switch (b) {
        case Backend::Scalar: return "scalar";
        case Backend::Simd: return "simd";
    }
    return "unknown";
}

bool parse_backend(const char* name, Backend* out) {
    if (std::strcmp(name, "scalar") == 0) { *out = Backend::Scalar; return true; }
    if (std::strcmp(name, "simd") == 0) { *out = Backend::Simd; return true; }
    return false;
}

namespace kernels {

#define ATTN_DISPATCH(fn, ...) \
    (b == Backend::Simd ? simd::fn(__VA_ARGS__) : ref::fn(__VA_ARGS__))

void matvec(Backend b, const float* A, const float* x, const float* bias, float* y, int M, int K) {
    ATTN_DISPATCH(matvec, A, x, bias, y, M, K);
}
void matmul(Backend b, const float* A, const float* B, const float* bias, float* C, int M, int K, int N) {
    ATTN_DISPATCH(matmul, A, B, bias, C, M, K, N);
}
void matmul_nt(Backend b, const float* A, const float* B, const float* bias, float* C, int M, int K, int N) {
    ATTN_DISPATCH(matmul_nt, A, B, bias, C, M, K, N);
}
void softmax_rows(Backend b, float* x, int rows, int cols, float temperature) {
    ATTN_DISPATCH(softmax_rows, x, rows, cols, temperature);
}
void vexp(Backend b, const float* x, float* y, int n) { ATTN_DISPATCH(vexp, x, y, n); }
void vtanh(Backend b, const float* x, float* y, int n) { ATTN_DISPATCH(vtanh, x, y, n); }
void vsigmoid(Backend b, const float* x, float* y, int n) { ATTN_DISPATCH(vsigmoid, x, y, n); }
void attention_head(Backend b, const float* q, const float* k, const float* v, const float* mask, float scale,
                    float* weights, float* out, int Tq, int Tk, int Dk, int Dv) {
    ATTN_DISPATCH(attention_head, q, k, v, mask, scale, weights, out, Tq, Tk, Dk, Dv);
}
void lstm_preactivations(Backend b, const float* W_ih, const float* x, const float* b_ih, const float* W_hh,
                         const float* h_prev, const float* b_hh, float* pre, int H, int In) {
    ATTN_DISPATCH(lstm_preactivations, W_ih, x, b_ih, W_hh, h_prev, b_hh, pre, H, In);
}
void lstm_preactivations_h(Backend b, const float* pre_x, const float* W_hh, const float* h_prev, const float* b_hh,
                           float* pre, int H) {
    ATTN_DISPATCH(lstm_preactivations_h, pre_x, W_hh, h_prev, b_hh, pre, H);
}
void lstm_gates(Backend b, const float* pre, const float* c_prev, float* gates, float* h, float* c, int H) {
    ATTN_DISPATCH(lstm_gates, pre, c_prev, gates, h, c, H);
}
void attention_pool(Backend b, const float* X, const float* W1, const float* b1, const float* w2, float b2,
                    float* weights, float* out, float* scratch, int B, int T, int H) {
    ATTN_DISPATCH(attention_pool, X, W1, b1, w2, b2, weights, out, scratch, B, T, H);
}

void gemv_t(Backend b, const float* A, const float* x, float* y, int M, int K, bool accumulate) {
    ATTN_DISPATCH(gemv_t, A, x, y, M, K, accumulate);
}
void ger(Backend b, const float* a, const float* bv, float* G, int M, int N) {
    ATTN_DISPATCH(ger, a, bv, G, M, N);
}
void ger_rows(Backend b, const float* A, const float* B, float* G, int M, int K, int N) {
    ATTN_DISPATCH(ger_rows, A, B, G, M, K, N);
}
void gemm_tn(Backend b, const float* A, const float* B, float* C, int M, int K, int N, bool accumulate) {
    ATTN_DISPATCH(gemm_tn, A, B, C, M, K, N, accumulate);
}
void gemm_nn(Backend b, const float* A, const float* B, float* C, int M, int K, int N, bool accumulate) {
    ATTN_DISPATCH(gemm_nn, A, B, C, M, K, N, accumulate);
}
void gemm_nt(Backend b, const float* A, const float* B, float* C, int M, int K, int N, bool accumulate) {
    ATTN_DISPATCH(gemm_nt, A, B, C, M, K, N, accumulate);
}
void lstm_gates_backward(Backend b, const float* gates, const float* c_prev, const float* c, const float* dh,
                         const float* dc, float* dpre, float* dc_prev, int H) {
    ATTN_DISPATCH(lstm_gates_backward, gates, c_prev, c, dh, dc, dpre, dc_prev, H);
}
void adam_update(Backend b, const AdamUpdate& u, float* param, float* grad, float* m, float* v, long P) {
    ATTN_DISPATCH(adam_update, u, param, grad, m, v, P);
}
void scale(Backend b, float* x, long P, float s) { ATTN_DISPATCH(scale, x, P, s); }
double sum_squares(Backend b, const float* x, long P) { return ATTN_DISPATCH(sum_squares, x, P); }

#undef ATTN_DISPATCH

}  // namespace kernels
}  // namespace attn
