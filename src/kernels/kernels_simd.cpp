// kernels_simd.cpp: the Simd backend of every kernel in kernels.h, written once over the vector
// operations of simd.h (wasm simd128, AVX2+FMA, SSE2 or scalar). Same signatures and semantics as
// kernels_ref.cpp; results differ from it only by float summation order and by the approximations of
// exp / tanh / sigmoid, whose error bounds are stated below. Not a BLAS: sizes here are tens to
// hundreds, so there is no cache blocking beyond register tiles, and no threads.
// Test: tests/unit/test_kernels.cpp (beside the reference, odd sizes); benchmarks: tests/bench/run.mjs.
//
// Dimension legend (as in kernels.h)
//   M, K, N   A[M,K] B[K,N] -> C[M,N]          L   lanes per vector (vec::kLanes: 8 AVX2, 4 wasm/SSE2)
//   Tq, Tk    queries, keys                    Dk, Dv   key width, value width
//   H         hidden size                      B, T     batch, time steps
//
// Shape of every loop: a vector body over L (or 2L) elements, then a scalar `// leftovers` loop for
// the last n % L. The leftovers of vexp/vtanh/vsigmoid use std::exp/std::tanh (at most L-1 values
// per call), so the approximation bounds below are the worst case of either.
#include "kernels/kernels.h"
#include "kernels/simd.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

namespace attn::kernels::simd {
namespace {

constexpr int L = vec::kLanes;
constexpr float kNegInf = -std::numeric_limits<float>::infinity();

// ------------------------------------------------------------------------------ exp, tanh, sigmoid
// exp(x) = 2^n e^r with n = round(x / ln 2), r = x - n ln 2 in [-ln2/2, ln2/2].
//  - n is found by the "magic number" rounding: t = x log2(e) + 1.5*2^23 has a ulp of 1, so t holds
//    n in its low mantissa bits; (bits(t) + 126) << 23 is then the bit pattern of the float 2^(n-1).
//  - ln 2 is split in two (kLn2Hi has 9 significant bits, so n * kLn2Hi is exact) to keep r exact.
//  - e^r: the degree-6 polynomial that interpolates e^r at the 7 Chebyshev nodes of [-ln2/2, ln2/2]
//    (solved in exact rational arithmetic, rounded to float); its own error is 2.0e-8 relative.
//    It is evaluated times 2 (coefficients doubled, exactly), so that 2^(n-1) * (2 e^r) reaches
//    e^88.72 (n = 128) without the exponent field overflowing.
//  - x is first clamped to [-87.5, 89]: below -125.5 ln 2 = -86.99, n - 1 = -127 and the bit pattern
//    is that of 0.0f, so the result is exactly 0 (the true value is under 1.7e-38, where std::exp
//    returns a subnormal), -inf gives 0; above ln(FLT_MAX) = 88.72 the product overflows to +inf.
// Max error (bound checked by test_kernels.cpp over 2^20 points of [-86.9, 88.7]): 1.5e-7 relative
// (measured 1.12e-7 in wasm, no fused multiply-add; 8.8e-8 with AVX2+FMA). NaN input: unspecified
// (models stop NaN before it spreads, with check_finite).
constexpr float kExpLo = -87.5f;
constexpr float kExpHi = 89.0f;
constexpr float kLog2e = 1.44269504088896341f;
constexpr float kLn2Hi = 0.693359375f;
constexpr float kLn2Lo = -2.12194440e-4f;
constexpr float kRoundMagic = 12582912.0f;  // 1.5 * 2^23
constexpr float kExpC0 = 2.0f * 1.0f, kExpC1 = 2.0f * 1.0f, kExpC2 = 2.0f * 0.5f,
                kExpC3 = 2.0f * 0.166664153f, kExpC4 = 2.0f * 0.0416663513f, kExpC5 = 2.0f * 0.00837512594f,
                kExpC6 = 2.0f * 0.00139411085f;

inline vec::F32 exp_v(vec::F32 x) {
    x = vec::min(vec::max(x, vec::splat(kExpLo)), vec::splat(kExpHi));
    const vec::F32 t = vec::fma(x, vec::splat(kLog2e), vec::splat(kRoundMagic));
    const vec::F32 n = vec::sub(t, vec::splat(kRoundMagic));
    vec::F32 r = vec::fma(n, vec::splat(-kLn2Hi), x);
    r = vec::fma(n, vec::splat(-kLn2Lo), r);
    vec::F32 p = vec::splat(kExpC6);
    p = vec::fma(p, r, vec::splat(kExpC5));
    p = vec::fma(p, r, vec::splat(kExpC4));
    p = vec::fma(p, r, vec::splat(kExpC3));
    p = vec::fma(p, r, vec::splat(kExpC2));
    p = vec::fma(p, r, vec::splat(kExpC1));
    p = vec::fma(p, r, vec::splat(kExpC0));
    const vec::F32 pow2_n_minus_1 = vec::as_f32(vec::shl_i32<23>(vec::add_i32(vec::as_i32(t), vec::splat_i32(126))));
    return vec::mul(p, pow2_n_minus_1);
}

// tanh(x) = sign(x) (1 - e^{-2|x|}) / (1 + e^{-2|x|}) for |x| >= 0.25 (e^{-2|x|} is in (0, 1], so
// nothing overflows and large |x| gives exactly +-1); below 0.25, where 1 - e^{-2|x|} would lose
// relative precision, the odd Taylor series x - x^3/3 + 2x^5/15 - 17x^7/315 + 62x^9/2835
// - 1382x^11/155925 (truncation error under 3e-10 relative there).
// Max error (bound checked by test_kernels.cpp over 2^20 points of [-20, 20] and +-1e-30 .. +-20
// log-spaced): 2.5e-7 relative and 1.2e-7 absolute (measured 1.74e-7 / 8.9e-8 in wasm, 1.96e-7 /
// 8.9e-8 with AVX2+FMA); exactly +-1 for |x| >= 9 and for +-inf.
constexpr float kTanhSmall = 0.25f;
constexpr float kTanhC3 = -1.0f / 3.0f, kTanhC5 = 2.0f / 15.0f, kTanhC7 = -17.0f / 315.0f,
                kTanhC9 = 62.0f / 2835.0f, kTanhC11 = -1382.0f / 155925.0f;

inline vec::F32 tanh_v(vec::F32 x) {
    const vec::F32 ax = vec::abs(x);
    const vec::F32 e = exp_v(vec::mul(ax, vec::splat(-2.0f)));
    const vec::F32 one = vec::splat(1.0f);
    const vec::F32 big = vec::copysign(vec::div(vec::sub(one, e), vec::add(one, e)), x);
    const vec::F32 x2 = vec::mul(x, x);
    vec::F32 p = vec::splat(kTanhC11);
    p = vec::fma(p, x2, vec::splat(kTanhC9));
    p = vec::fma(p, x2, vec::splat(kTanhC7));
    p = vec::fma(p, x2, vec::splat(kTanhC5));
    p = vec::fma(p, x2, vec::splat(kTanhC3));
    const vec::F32 small = vec::fma(vec::mul(x, x2), p, x);
    return vec::select(vec::lt(ax, vec::splat(kTanhSmall)), small, big);
}

// sigmoid(x) = 1 / (1 + e^{-x}): x -> -inf gives 1/inf = 0, x -> +inf gives 1/(1+0) = 1.
// Max error (bound checked by test_kernels.cpp over 2^20 points of [-86.9, 40]): 2e-7 relative
// (measured 1.51e-7 in wasm, 1.53e-7 with AVX2+FMA).
inline vec::F32 sigmoid_v(vec::F32 x) {
    const vec::F32 one = vec::splat(1.0f);
    return vec::div(one, vec::add(one, exp_v(vec::sub(vec::zero(), x))));
}

inline float sigmoid_scalar(float x) { return 1.0f / (1.0f + std::exp(-x)); }

// ------------------------------------------------------------------------------------- dot products
// sum_k a[k] b[k] with two vector accumulators (two independent add chains).
inline float dot(const float* a, const float* b, int K) {
    vec::F32 acc0 = vec::zero(), acc1 = vec::zero();
    int k = 0;
    for (; k + 2 * L <= K; k += 2 * L) {
        acc0 = vec::fma(vec::load(a + k), vec::load(b + k), acc0);
        acc1 = vec::fma(vec::load(a + k + L), vec::load(b + k + L), acc1);
    }
    for (; k + L <= K; k += L) acc0 = vec::fma(vec::load(a + k), vec::load(b + k), acc0);
    float s = vec::hsum(vec::add(acc0, acc1));
    for (; k < K; ++k) s += a[k] * b[k];  // leftovers
    return s;
}

// ----------------------------------------------------------------------------- dot-product tiles
// An R x C tile of C = A B^T (+ bias) with both operands read along K, where they are contiguous:
// out[r * ldc + c] = A[r,:] . B[c,:] (+ bias[c]), A and B rows K floats apart. Each step of k loads R
// rows of A and C rows of B once and makes R*C independent FMA chains; the R*C partial-sum vectors are
// then reduced four at a time (vec::hsum4). This is matvec (R = 1) and, for a few rows, matmul_nt
// without transposing B first (a transpose of B costs N*K scalar copies, as much as the products
// themselves when M is 1 to 4).
template <int R, int C>
inline void dot_tile(const float* A, const float* B, const float* bias, float* out, int K, int ldc) {
    vec::F32 acc[R][C];
    for (int r = 0; r < R; ++r)
        for (int c = 0; c < C; ++c) acc[r][c] = vec::zero();
    int k = 0;
    for (; k + L <= K; k += L) {
        vec::F32 a[R];
        for (int r = 0; r < R; ++r) a[r] = vec::load(A + r * K + k);
        for (int c = 0; c < C; ++c) {
            const vec::F32 b = vec::load(B + c * K + k);
            for (int r = 0; r < R; ++r) acc[r][c] = vec::fma(a[r], b, acc[r][c]);
        }
    }
    for (int r = 0; r < R; ++r) {
        float s[C];
        if constexpr (C == 4) {
            vec::hsum4(acc[r][0], acc[r][1], acc[r][2], acc[r][3], s);
        } else {
            for (int c = 0; c < C; ++c) s[c] = vec::hsum(acc[r][c]);
        }
        for (int c = 0; c < C; ++c) {
            for (int kk = k; kk < K; ++kk) s[c] += A[r * K + kk] * B[c * K + kk];  // leftovers
            out[r * ldc + c] = s[c] + (bias ? bias[c] : 0.0f);
        }
    }
}

// R rows of C = A B^T (+ bias), all N columns: tiles of 4 columns, then single columns (leftovers).
template <int R>
inline void dot_rows(const float* A, const float* B, const float* bias, float* C, int K, int N) {
    int n = 0;
    for (; n + 4 <= N; n += 4)
        dot_tile<R, 4>(A, B + static_cast<size_t>(n) * K, bias ? bias + n : nullptr, C + n, K, N);
    for (; n < N; ++n) dot_tile<R, 1>(A, B + static_cast<size_t>(n) * K, bias ? bias + n : nullptr, C + n, K, N);
}

// ----------------------------------------------------------------------------------- matmul tiles
// R rows of C = A B (+ bias): a register tile of R rows by 2 vectors of columns. Each step of k
// broadcasts A[r,k] and streams one row of B, so the R*2 accumulators are independent FMA chains
// (enough to hide the FMA latency), and B is read once per R rows. Then one vector of columns,
// then single columns (leftovers). k is not unrolled by hand: unrolling it by 4 measured no faster
// natively and 15-20% slower in wasm under node (mha_d64_h4_t128, pool_b32_t100_h64).
constexpr int kTileRows = 4;
// Rows of A per dot-product tile (dot_rows): 3 x 4 tiles keep 12 accumulators, 3 rows of A and a row of
// B in the 16 registers of AVX2; in wasm, 2 x 4 (V8 keeps one of the 16 xmm registers for itself, and
// 3 x 4 spilled: 34 GFLOP/s against 51 for 2 x 4 at [4, 64] x [64, 192]^T under node).
constexpr int kDotRows = L >= 8 ? 3 : 2;
// matmul_nt takes the dot-product tiles when M * kNtDotPerK <= K (or M < kTileRows), else transposes
// B. Measured crossovers (K = 16 and 64; N = 16 to 192): natively (AVX2) near M = K / 4, where the
// transpose's N*K copies stop costing more than the dot tiles' horizontal sums; in wasm the dot tiles
// are as fast as the broadcast tiles at M = 128, K = 64, and slower beyond M = K at K = 16.
constexpr int kNtDotPerK = L >= 8 ? 4 : 1;

// kTransA: A is read transposed, A^T[r, k] = A[k * lda + r] (gemm_tn: lda = M), else A[r * lda + k]
// (lda = K). accumulate: the sums start from C's values (bias is then nullptr).
template <int R, bool kTransA = false>
inline void matmul_rows(const float* A, const float* B, const float* bias, float* C, int K, int N, int lda,
                        bool accumulate = false) {
    const auto a_at = [&](int r, int k) { return kTransA ? A + static_cast<size_t>(k) * lda + r : A + r * lda + k; };
    int n = 0;
    for (; n + 2 * L <= N; n += 2 * L) {
        vec::F32 acc0[R], acc1[R];
        const vec::F32 init0 = bias ? vec::load(bias + n) : vec::zero();
        const vec::F32 init1 = bias ? vec::load(bias + n + L) : vec::zero();
        for (int r = 0; r < R; ++r) {
            acc0[r] = accumulate ? vec::load(C + r * N + n) : init0;
            acc1[r] = accumulate ? vec::load(C + r * N + n + L) : init1;
        }
        const float* b = B + n;
        for (int k = 0; k < K; ++k, b += N) {
            const vec::F32 b0 = vec::load(b), b1 = vec::load(b + L);
            for (int r = 0; r < R; ++r) {
                const vec::F32 a = vec::broadcast(a_at(r, k));
                acc0[r] = vec::fma(a, b0, acc0[r]);
                acc1[r] = vec::fma(a, b1, acc1[r]);
            }
        }
        for (int r = 0; r < R; ++r) {
            vec::store(C + r * N + n, acc0[r]);
            vec::store(C + r * N + n + L, acc1[r]);
        }
    }
    for (; n + L <= N; n += L) {
        vec::F32 acc[R];
        const vec::F32 init = bias ? vec::load(bias + n) : vec::zero();
        for (int r = 0; r < R; ++r) acc[r] = accumulate ? vec::load(C + r * N + n) : init;
        const float* b = B + n;
        for (int k = 0; k < K; ++k, b += N) {
            const vec::F32 bv = vec::load(b);
            for (int r = 0; r < R; ++r) acc[r] = vec::fma(vec::broadcast(a_at(r, k)), bv, acc[r]);
        }
        for (int r = 0; r < R; ++r) vec::store(C + r * N + n, acc[r]);
    }
    for (; n < N; ++n) {  // leftovers
        for (int r = 0; r < R; ++r) {
            float acc = accumulate ? C[r * N + n] : bias ? bias[n] : 0.0f;
            for (int k = 0; k < K; ++k) acc += *a_at(r, k) * B[k * N + n];
            C[r * N + n] = acc;
        }
    }
}

// Bt[K,N] = B[N,K]^T
inline void transpose(const float* B, float* Bt, int N, int K) {
    for (int n = 0; n < N; ++n)
        for (int k = 0; k < K; ++k) Bt[k * N + n] = B[n * K + k];
}

// A per-thread buffer for a transposed operand; it grows to the largest size asked and stays. Its
// users (matmul_nt, attention_pool) call only kernels that do not use it while they hold it.
float* transpose_scratch(size_t n) {
    thread_local std::vector<float> buf;
    if (buf.size() < n) buf.resize(n);
    return buf.data();
}

// ----------------------------------------------------------------------------------------- softmax
// x[n] <- softmax(x * mul + mask) (mask may be nullptr), the numbered passes of kernels_ref.cpp.
inline void softmax_row(float* x, int n, float mul, const float* mask) {
    // pass 3-4: scale, mask: the scaled (and masked) logits, stored back, and their largest value
    const vec::F32 mulv = vec::splat(mul);
    vec::F32 maxv = vec::splat(kNegInf);
    int c = 0;
    for (; c + L <= n; c += L) {
        vec::F32 s = vec::mul(vec::load(x + c), mulv);
        if (mask) s = vec::add(s, vec::load(mask + c));
        vec::store(x + c, s);
        maxv = vec::max(maxv, s);
    }
    float maxval = vec::hmax(maxv);
    for (; c < n; ++c) {  // leftovers
        x[c] = x[c] * mul + (mask ? mask[c] : 0.0f);
        maxval = std::fmax(maxval, x[c]);
    }
    if (maxval == kNegInf) {  // every entry masked: no weight anywhere (and no NaN from -inf - -inf)
        for (c = 0; c < n; ++c) x[c] = 0.0f;
        return;
    }
    // pass 5a-5b: exp, sum, in one sweep (masked entries: exp(-inf) = 0)
    const vec::F32 maxvv = vec::splat(maxval);
    vec::F32 sumv = vec::zero();
    for (c = 0; c + L <= n; c += L) {
        const vec::F32 e = exp_v(vec::sub(vec::load(x + c), maxvv));
        vec::store(x + c, e);
        sumv = vec::add(sumv, e);
    }
    if (c < n) {  // leftovers, one padded vector (short rows, e.g. 4 keys in 8 lanes, stay vectorized)
        float tail[L];
        for (int i = 0; i < L; ++i) tail[i] = c + i < n ? x[c + i] - maxval : kNegInf;  // exp_v(-inf) = 0
        const vec::F32 e = exp_v(vec::load(tail));
        vec::store(tail, e);
        sumv = vec::add(sumv, e);
        for (int i = 0; c + i < n; ++i) x[c + i] = tail[i];
    }
    const float sum = vec::hsum(sumv);
    // pass 5c: divide by the sum (times its inverse), so the row sums to 1
    const float inv_sum = 1.0f / sum;
    const vec::F32 inv_sumv = vec::splat(inv_sum);
    for (c = 0; c + L <= n; c += L) vec::store(x + c, vec::mul(vec::load(x + c), inv_sumv));
    for (; c < n; ++c) x[c] *= inv_sum;  // leftovers
}

}  // namespace

// ===================================================================================== the kernels

// y = A x is the one-row case of x^T A^T: every output is the dot product of a row of A with x.
void matvec(const float* A, const float* x, const float* bias, float* y, int M, int K) {
    dot_rows<1>(x, A, bias, y, K, M);
}

void matmul(const float* A, const float* B, const float* bias, float* C, int M, int K, int N) {
    int m = 0;
    for (; m + kTileRows <= M; m += kTileRows)
        matmul_rows<kTileRows>(A + static_cast<size_t>(m) * K, B, bias, C + static_cast<size_t>(m) * N, K, N, K);
    for (; m < M; ++m)  // leftovers
        matmul_rows<1>(A + static_cast<size_t>(m) * K, B, bias, C + static_cast<size_t>(m) * N, K, N, K);
}

// With few rows (see kNtDotPerK), dot-product tiles read A and B along K as they lie; with more, B is
// transposed once (N*K copies, small beside M*N*K multiply-adds) so that the broadcast-and-stream
// tiles of matmul apply, which need no horizontal sums.
void matmul_nt(const float* A, const float* B, const float* bias, float* C, int M, int K, int N) {
    if (M < kTileRows || M * kNtDotPerK <= K) {
        int m = 0;
        for (; m + kDotRows <= M; m += kDotRows)
            dot_rows<kDotRows>(A + static_cast<size_t>(m) * K, B, bias, C + static_cast<size_t>(m) * N, K, N);
        for (; m < M; ++m)  // leftovers: a row of C is the matvec B A[m,:]
            matvec(B, A + static_cast<size_t>(m) * K, bias, C + static_cast<size_t>(m) * N, N, K);
        return;
    }
    float* Bt = transpose_scratch(static_cast<size_t>(N) * K);
    transpose(B, Bt, N, K);
    matmul(A, Bt, bias, C, M, K, N);
}

void softmax_rows(float* x, int rows, int cols, float temperature) {
    const float inv_t = 1.0f / temperature;
    for (int r = 0; r < rows; ++r) softmax_row(x + static_cast<size_t>(r) * cols, cols, inv_t, nullptr);
}

void vexp(const float* x, float* y, int n) {
    int i = 0;
    for (; i + L <= n; i += L) vec::store(y + i, exp_v(vec::load(x + i)));
    for (; i < n; ++i) y[i] = std::exp(x[i]);  // leftovers
}

void vtanh(const float* x, float* y, int n) {
    int i = 0;
    for (; i + L <= n; i += L) vec::store(y + i, tanh_v(vec::load(x + i)));
    for (; i < n; ++i) y[i] = std::tanh(x[i]);  // leftovers
}

void vsigmoid(const float* x, float* y, int n) {
    int i = 0;
    for (; i + L <= n; i += L) vec::store(y + i, sigmoid_v(vec::load(x + i)));
    for (; i < n; ++i) y[i] = sigmoid_scalar(x[i]);  // leftovers
}

void attention_head(const float* q, const float* k, const float* v, const float* mask, float scale,
                    float* weights, float* out, int Tq, int Tk, int Dk, int Dv) {
    // pass 2: scores = Q K^T (matmul_nt: dot-product tiles for a few queries, else K transposed once)
    matmul_nt(q, k, nullptr, weights, Tq, Dk, Tk);
    // pass 3-5: scale, mask, softmax, row by row
    for (int i = 0; i < Tq; ++i)
        softmax_row(weights + static_cast<size_t>(i) * Tk, Tk, scale, mask ? mask + static_cast<size_t>(i) * Tk : nullptr);
    // pass 6: context = weights V
    matmul(weights, v, nullptr, out, Tq, Tk, Dv);
}

// The four rows of a tile (w, w + stride, ...) against v over its first `body` values (a multiple of L),
// added into one accumulator each: lstm_preactivations' step along W_ih and W_hh.
namespace {
void tile4_fma(const float* w, int stride, const float* v, int body, vec::F32 acc[4]) {
    for (int k = 0; k < body; k += L) {
        const vec::F32 xv = vec::load(v + k);
        for (int c = 0; c < 4; ++c) acc[c] = vec::fma(vec::load(w + c * stride + k), xv, acc[c]);
    }
}
}  // namespace

// Four outputs at a time: four accumulators run along a row of W_ih against x, then on along the same
// rows of W_hh against h_prev, so each output takes one horizontal sum (hsum4) instead of two matvecs'.
void lstm_preactivations(const float* W_ih, const float* x, const float* b_ih, const float* W_hh,
                         const float* h_prev, const float* b_hh, float* pre, int H, int In) {
    const int M = 4 * H;  // a multiple of 4
    const int in_body = In - In % L, h_body = H - H % L;
    for (int m = 0; m < M; m += 4) {
        const float* wx = W_ih + static_cast<size_t>(m) * In;
        const float* wh = W_hh + static_cast<size_t>(m) * H;
        vec::F32 acc[4] = {vec::zero(), vec::zero(), vec::zero(), vec::zero()};
        tile4_fma(wx, In, x, in_body, acc);
        tile4_fma(wh, H, h_prev, h_body, acc);
        float s[4];
        vec::hsum4(acc[0], acc[1], acc[2], acc[3], s);
        for (int c = 0; c < 4; ++c) {
            for (int k = in_body; k < In; ++k) s[c] += wx[c * In + k] * x[k];  // leftovers
            for (int k = h_body; k < H; ++k) s[c] += wh[c * H + k] * h_prev[k];
            pre[m + c] = s[c] + (b_ih ? b_ih[m + c] : 0.0f) + (b_hh ? b_hh[m + c] : 0.0f);
        }
    }
}

// lstm_preactivations' tiles over W_hh alone, pre_x added with the bias.
void lstm_preactivations_h(const float* pre_x, const float* W_hh, const float* h_prev, const float* b_hh,
                           float* pre, int H) {
    const int M = 4 * H;
    const int h_body = H - H % L;
    for (int m = 0; m < M; m += 4) {
        const float* wh = W_hh + static_cast<size_t>(m) * H;
        vec::F32 acc[4] = {vec::zero(), vec::zero(), vec::zero(), vec::zero()};
        tile4_fma(wh, H, h_prev, h_body, acc);
        float s[4];
        vec::hsum4(acc[0], acc[1], acc[2], acc[3], s);
        for (int c = 0; c < 4; ++c) {
            for (int k = h_body; k < H; ++k) s[c] += wh[c * H + k] * h_prev[k];  // leftovers
            pre[m + c] = pre_x[m + c] + (s[c] + (b_hh ? b_hh[m + c] : 0.0f));
        }
    }
}

void lstm_gates(const float* pre, const float* c_prev, float* gates, float* h, float* c, int H) {
    int u = 0;
    for (; u + L <= H; u += L) {
        const vec::F32 i = sigmoid_v(vec::load(pre + u));
        const vec::F32 f = sigmoid_v(vec::load(pre + H + u));
        const vec::F32 g = tanh_v(vec::load(pre + 2 * H + u));
        const vec::F32 o = sigmoid_v(vec::load(pre + 3 * H + u));
        vec::store(gates + u, i);
        vec::store(gates + H + u, f);
        vec::store(gates + 2 * H + u, g);
        vec::store(gates + 3 * H + u, o);
        const vec::F32 cu = vec::fma(f, vec::load(c_prev + u), vec::mul(i, g));  // long-term memory
        vec::store(c + u, cu);
        vec::store(h + u, vec::mul(o, tanh_v(cu)));  // short-term memory
    }
    for (; u < H; ++u) {  // leftovers
        const float i = sigmoid_scalar(pre[u]);
        const float f = sigmoid_scalar(pre[H + u]);
        const float g = std::tanh(pre[2 * H + u]);
        const float o = sigmoid_scalar(pre[3 * H + u]);
        gates[u] = i;
        gates[H + u] = f;
        gates[2 * H + u] = g;
        gates[3 * H + u] = o;
        c[u] = f * c_prev[u] + i * g;
        h[u] = o * std::tanh(c[u]);
    }
}

void attention_pool(const float* X, const float* W1, const float* b1, const float* w2, float b2,
                    float* weights, float* out, float* scratch, int B, int T, int H) {
    // W1 [out, in] transposed once for the whole batch, so that energy = X_b W1^T is a matmul
    float* w1t = transpose_scratch(static_cast<size_t>(H) * H);
    transpose(W1, w1t, H, H);
    for (int b = 0; b < B; ++b) {
        const float* xb = X + static_cast<size_t>(b) * T * H;
        float* wb = weights + static_cast<size_t>(b) * T;
        float* energy = scratch;  // [T, H]
        // pass 2: scores: energy = tanh(X_b W1^T + b1), all time steps at once, ...
        matmul(xb, w1t, b1, energy, T, H, H);
        vtanh(energy, energy, T * H);
        // ... score_t = w2 . energy_t + b2 (passes 3 and 4, scale and mask: none)
        for (int t = 0; t < T; ++t) wb[t] = dot(energy + static_cast<size_t>(t) * H, w2, H) + b2;
        // pass 5: softmax over time
        softmax_row(wb, T, 1.0f, nullptr);
        // pass 6: context = sum_t weight_t x_t, i.e. weights_b [1, T] times X_b [T, H]
        matmul(wb, xb, nullptr, out + static_cast<size_t>(b) * H, 1, T, H);
    }
}

// ------------------------------------------------------------------------------- the backward passes

namespace {

// V vectors of y[K] (+)= A^T x, from column k on: each row of A adds x[m] times its V vectors, so the V
// accumulators are independent add chains over m and A is read along its rows, as it lies.
template <int V>
inline void gemv_t_cols(const float* A, const float* x, float* y, int M, int K, int k, bool accumulate) {
    vec::F32 acc[V];
    for (int j = 0; j < V; ++j) acc[j] = accumulate ? vec::load(y + k + j * L) : vec::zero();
    const float* row = A + k;
    for (int m = 0; m < M; ++m, row += K) {
        const vec::F32 xm = vec::broadcast(x + m);
        for (int j = 0; j < V; ++j) acc[j] = vec::fma(vec::load(row + j * L), xm, acc[j]);
    }
    for (int j = 0; j < V; ++j) vec::store(y + k + j * L, acc[j]);
}

}  // namespace

void gemv_t(const float* A, const float* x, float* y, int M, int K, bool accumulate) {
    int k = 0;
    for (; k + 8 * L <= K; k += 8 * L) gemv_t_cols<8>(A, x, y, M, K, k, accumulate);
    for (; k + 4 * L <= K; k += 4 * L) gemv_t_cols<4>(A, x, y, M, K, k, accumulate);
    for (; k + L <= K; k += L) gemv_t_cols<1>(A, x, y, M, K, k, accumulate);
    for (; k < K; ++k) {  // leftovers
        float acc = accumulate ? y[k] : 0.0f;
        for (int m = 0; m < M; ++m) acc += A[static_cast<size_t>(m) * K + k] * x[m];
        y[k] = acc;
    }
}

void ger(const float* a, const float* b, float* G, int M, int N) {
    for (int m = 0; m < M; ++m) {
        float* g = G + static_cast<size_t>(m) * N;
        const vec::F32 am = vec::broadcast(a + m);
        int n = 0;
        for (; n + 2 * L <= N; n += 2 * L) {
            vec::store(g + n, vec::fma(am, vec::load(b + n), vec::load(g + n)));
            vec::store(g + n + L, vec::fma(am, vec::load(b + n + L), vec::load(g + n + L)));
        }
        for (; n + L <= N; n += L) vec::store(g + n, vec::fma(am, vec::load(b + n), vec::load(g + n)));
        for (; n < N; ++n) g[n] += a[m] * b[n];  // leftovers
    }
}

// gemm_tn's tiles: each sum starts from G and adds the K products in the order of k, as K calls of ger do
// (in wasm and SSE2, to the bit), with G read and written once.
void ger_rows(const float* A, const float* B, float* G, int M, int K, int N) { gemm_tn(A, B, G, M, K, N, true); }

// The broadcast-and-stream tiles of matmul, with A read down its columns (A^T's rows).
void gemm_tn(const float* A, const float* B, float* C, int M, int K, int N, bool accumulate) {
    int m = 0;
    for (; m + kTileRows <= M; m += kTileRows)
        matmul_rows<kTileRows, true>(A + m, B, nullptr, C + static_cast<size_t>(m) * N, K, N, M, accumulate);
    for (; m < M; ++m)  // leftovers
        matmul_rows<1, true>(A + m, B, nullptr, C + static_cast<size_t>(m) * N, K, N, M, accumulate);
}

void gemm_nn(const float* A, const float* B, float* C, int M, int K, int N, bool accumulate) {
    int m = 0;
    for (; m + kTileRows <= M; m += kTileRows)
        matmul_rows<kTileRows>(A + static_cast<size_t>(m) * K, B, nullptr, C + static_cast<size_t>(m) * N, K, N, K,
                               accumulate);
    for (; m < M; ++m)  // leftovers
        matmul_rows<1>(A + static_cast<size_t>(m) * K, B, nullptr, C + static_cast<size_t>(m) * N, K, N, K, accumulate);
}

// matmul_nt's tiles, then the product added when accumulating (a row of C at a time, through scratch)
void gemm_nt(const float* A, const float* B, float* C, int M, int K, int N, bool accumulate) {
    if (!accumulate) {
        matmul_nt(A, B, nullptr, C, M, K, N);
        return;
    }
    std::vector<float> row(static_cast<size_t>(N));
    for (int m = 0; m < M; ++m) {
        float* c = C + static_cast<size_t>(m) * N;
        matvec(B, A + static_cast<size_t>(m) * K, nullptr, row.data(), N, K);
        int n = 0;
        for (; n + L <= N; n += L) vec::store(c + n, vec::add(vec::load(c + n), vec::load(row.data() + n)));
        for (; n < N; ++n) c[n] += row[n];  // leftovers
    }
}

void lstm_gates_backward(const float* gates, const float* c_prev, const float* c, const float* dh,
                         const float* dc, float* dpre, float* dc_prev, int H) {
    const vec::F32 one = vec::splat(1.0f);
    int u = 0;
    for (; u + L <= H; u += L) {
        const vec::F32 i = vec::load(gates + u), f = vec::load(gates + H + u), g = vec::load(gates + 2 * H + u),
                       o = vec::load(gates + 3 * H + u);
        const vec::F32 tanh_c = tanh_v(vec::load(c + u));
        const vec::F32 dh_u = dh ? vec::load(dh + u) : vec::zero();
        // step 4 backward: h = o * tanh(c)
        const vec::F32 d_o = vec::mul(dh_u, tanh_c);
        const vec::F32 dc_u = vec::fma(vec::mul(dh_u, o), vec::sub(one, vec::mul(tanh_c, tanh_c)),
                                       dc ? vec::load(dc + u) : vec::zero());
        // step 3 backward: c = f * c_prev + i * g
        vec::store(dc_prev + u, vec::mul(dc_u, f));
        // step 2 backward: sigmoid'(z) = s (1 - s), tanh'(z) = 1 - t^2
        vec::store(dpre + u, vec::mul(vec::mul(vec::mul(dc_u, g), i), vec::sub(one, i)));
        vec::store(dpre + H + u, vec::mul(vec::mul(vec::mul(dc_u, vec::load(c_prev + u)), f), vec::sub(one, f)));
        vec::store(dpre + 2 * H + u, vec::mul(vec::mul(dc_u, i), vec::sub(one, vec::mul(g, g))));
        vec::store(dpre + 3 * H + u, vec::mul(vec::mul(d_o, o), vec::sub(one, o)));
    }
    for (; u < H; ++u) {  // leftovers
        const float i = gates[u], f = gates[H + u], g = gates[2 * H + u], o = gates[3 * H + u];
        const float tanh_c = std::tanh(c[u]);
        const float dh_u = dh ? dh[u] : 0.0f;
        const float dc_u = (dc ? dc[u] : 0.0f) + dh_u * o * (1.0f - tanh_c * tanh_c);
        dc_prev[u] = dc_u * f;
        dpre[u] = dc_u * g * i * (1.0f - i);
        dpre[H + u] = dc_u * c_prev[u] * f * (1.0f - f);
        dpre[2 * H + u] = dc_u * i * (1.0f - g * g);
        dpre[3 * H + u] = dh_u * tanh_c * o * (1.0f - o);
    }
}

namespace {

template <bool kDecay>
void adam_update_body(const AdamUpdate& u, float* param, float* grad, float* m, float* v, long P) {
    // the reference's operations in its order, and no fused multiply-add: in wasm and SSE2 every
    // value comes out as the reference's to the bit (sqrt and division are correctly rounded in both)
    const vec::F32 decay = vec::splat(u.lr * u.weight_decay), beta1 = vec::splat(u.beta1),
                   beta2 = vec::splat(u.beta2), one_b1 = vec::splat(1.0f - u.beta1),
                   one_b2 = vec::splat(1.0f - u.beta2), step = vec::splat(u.step_size),
                   isb2 = vec::splat(u.inv_sqrt_bias2), eps = vec::splat(u.eps), gs = vec::splat(u.grad_scale);
    long i = 0;
    for (; i + L <= P; i += L) {
        const vec::F32 g = vec::mul(vec::load(grad + i), gs);
        vec::store(grad + i, vec::zero());
        vec::F32 p = vec::load(param + i);
        if (kDecay) p = vec::sub(p, vec::mul(decay, p));
        const vec::F32 mi = vec::add(vec::mul(beta1, vec::load(m + i)), vec::mul(one_b1, g));
        const vec::F32 vi = vec::add(vec::mul(beta2, vec::load(v + i)), vec::mul(vec::mul(one_b2, g), g));
        p = vec::sub(p, vec::div(vec::mul(step, mi), vec::add(vec::mul(vec::sqrt(vi), isb2), eps)));
        vec::store(m + i, mi);
        vec::store(v + i, vi);
        vec::store(param + i, p);
    }
    if (i < P) ref::adam_update(u, param + i, grad + i, m + i, v + i, P - i);  // leftovers
}

}  // namespace

void adam_update(const AdamUpdate& u, float* param, float* grad, float* m, float* v, long P) {
    if (u.weight_decay != 0.0f) adam_update_body<true>(u, param, grad, m, v, P);
    else adam_update_body<false>(u, param, grad, m, v, P);
}

void scale(float* x, long P, float s) {
    const vec::F32 sv = vec::splat(s);
    long i = 0;
    for (; i + L <= P; i += L) vec::store(x + i, vec::mul(vec::load(x + i), sv));
    for (; i < P; ++i) x[i] *= s;  // leftovers
}

double sum_squares(const float* x, long P) {
    // float lanes within a block of at most kBlock values (two accumulators: two chains of adds),
    // double across blocks: the float sums stay short, so their rounding stays near 1e-7 relative
    constexpr long kBlock = 256;
    double sq = 0.0;
    long i = 0;
    while (i + L <= P) {
        const long end = std::min(P, i + kBlock);
        vec::F32 a = vec::zero(), b = vec::zero();
        for (; i + 2 * L <= end; i += 2 * L) {
            const vec::F32 x0 = vec::load(x + i), x1 = vec::load(x + i + L);
            a = vec::fma(x0, x0, a);
            b = vec::fma(x1, x1, b);
        }
        for (; i + L <= end; i += L) {
            const vec::F32 x0 = vec::load(x + i);
            a = vec::fma(x0, x0, a);
        }
        sq += double(vec::hsum(vec::add(a, b)));
    }
    for (; i < P; ++i) sq += double(x[i]) * x[i];  // leftovers
    return sq;
}

}  // namespace attn::kernels::simd
