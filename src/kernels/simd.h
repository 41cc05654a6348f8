// simd.h: the one file with intrinsics. It maps a float vector type `vec::F32` of `vec::kLanes` lanes
// and the few operations kernels_simd.cpp needs onto wasm simd128, AVX2+FMA, SSE2, or plain scalar.
// Not a general SIMD library: no algorithm lives here (exp, tanh and the matmul tiles are written once,
// over these operations, in kernels_simd.cpp). Test: tests/unit/test_kernels.cpp (every kernel against
// the scalar reference); `ctest -R check_wasm_simd` checks that the wasm build really uses f32x4.
//
// Selection, at compile time (define ATTN_SIMD_FORCE_SCALAR to force the fallback):
//   __wasm_simd128__        4 lanes, wasm_simd128.h   (-msimd128; fma is mul then add: simd128 has none)
//   __AVX2__ && __FMA__     8 lanes, immintrin.h      (-mavx2 -mfma; fused multiply-add)
//   __SSE2__                4 lanes, emmintrin.h      (every x86-64; fma is mul then add)
//   otherwise               1 lane, plain float        (so every kernel still builds and is exact)
//
// Operations (F32: floats, I32: 32-bit integers, Mask: a per-lane comparison result)
//   zero splat load store          load/store need no alignment
//   broadcast                      splat(*p) in one instruction (a load straight into every lane)
//   add sub mul div fma min max    fma(a, b, c) = a*b + c
//   sqrt                           correctly rounded, as std::sqrt (Adam's update)
//   abs copysign                   copysign(mag, sgn): |mag| with the sign of sgn
//   lt select                      select(m, a, b): a where m, else b
//   hsum hmax                      horizontal sum / max of all lanes, to a float
//   hsum4                          hsum of four vectors at once, stored to out[0..3] (dot-product tiles)
//   as_i32 as_f32 add_i32 shl_i32  bit reinterpretation and integer arithmetic (exp's 2^n)
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

#if defined(ATTN_SIMD_FORCE_SCALAR)
#define ATTN_SIMD_SCALAR 1
#elif defined(__wasm_simd128__)
#define ATTN_SIMD_WASM 1
#include <wasm_simd128.h>
#elif defined(__AVX2__) && defined(__FMA__)
#define ATTN_SIMD_AVX2 1
#include <immintrin.h>
#elif defined(__SSE2__)
#define ATTN_SIMD_SSE2 1
#include <emmintrin.h>
#else
#define ATTN_SIMD_SCALAR 1
#endif

namespace attn::vec {

#if defined(ATTN_SIMD_WASM)
// ---------------------------------------------------------------------------------------- wasm simd128
constexpr int kLanes = 4;
constexpr const char* kIsaName = "wasm-simd128";
using F32 = v128_t;
using I32 = v128_t;
using Mask = v128_t;

inline F32 zero() { return wasm_f32x4_splat(0.0f); }
inline F32 splat(float a) { return wasm_f32x4_splat(a); }
inline F32 load(const float* p) { return wasm_v128_load(p); }
inline F32 broadcast(const float* p) { return wasm_v128_load32_splat(p); }
inline void store(float* p, F32 a) { wasm_v128_store(p, a); }
inline F32 add(F32 a, F32 b) { return wasm_f32x4_add(a, b); }
inline F32 sub(F32 a, F32 b) { return wasm_f32x4_sub(a, b); }
inline F32 mul(F32 a, F32 b) { return wasm_f32x4_mul(a, b); }
inline F32 div(F32 a, F32 b) { return wasm_f32x4_div(a, b); }
inline F32 fma(F32 a, F32 b, F32 c) { return wasm_f32x4_add(wasm_f32x4_mul(a, b), c); }
inline F32 sqrt(F32 a) { return wasm_f32x4_sqrt(a); }
// pmin/pmax are the "pseudo" forms (b < a ? b : a): one instruction on x86, unlike IEEE min/max.
inline F32 min(F32 a, F32 b) { return wasm_f32x4_pmin(a, b); }
inline F32 max(F32 a, F32 b) { return wasm_f32x4_pmax(a, b); }
inline F32 abs(F32 a) { return wasm_f32x4_abs(a); }
inline F32 copysign(F32 mag, F32 sgn) {
    const v128_t sign_bit = wasm_i32x4_splat(static_cast<int32_t>(0x80000000u));
    return wasm_v128_or(wasm_v128_andnot(mag, sign_bit), wasm_v128_and(sgn, sign_bit));
}
inline Mask lt(F32 a, F32 b) { return wasm_f32x4_lt(a, b); }
inline F32 select(Mask m, F32 a, F32 b) { return wasm_v128_bitselect(a, b, m); }
inline float hsum(F32 a) {
    const F32 s = wasm_f32x4_add(a, wasm_i32x4_shuffle(a, a, 2, 3, 0, 1));  // (0+2, 1+3, ..)
    return wasm_f32x4_extract_lane(wasm_f32x4_add(s, wasm_i32x4_shuffle(s, s, 1, 0, 3, 2)), 0);
}
inline float hmax(F32 a) {
    const F32 s = wasm_f32x4_pmax(a, wasm_i32x4_shuffle(a, a, 2, 3, 0, 1));
    return wasm_f32x4_extract_lane(wasm_f32x4_pmax(s, wasm_i32x4_shuffle(s, s, 1, 0, 3, 2)), 0);
}
inline void hsum4(F32 a, F32 b, F32 c, F32 d, float* out) {
    const F32 ab = wasm_f32x4_add(wasm_i32x4_shuffle(a, b, 0, 1, 4, 5), wasm_i32x4_shuffle(a, b, 2, 3, 6, 7));
    const F32 cd = wasm_f32x4_add(wasm_i32x4_shuffle(c, d, 0, 1, 4, 5), wasm_i32x4_shuffle(c, d, 2, 3, 6, 7));
    wasm_v128_store(out, wasm_f32x4_add(wasm_i32x4_shuffle(ab, cd, 0, 2, 4, 6), wasm_i32x4_shuffle(ab, cd, 1, 3, 5, 7)));
}
inline I32 as_i32(F32 a) { return a; }
inline F32 as_f32(I32 a) { return a; }
inline I32 splat_i32(int32_t a) { return wasm_i32x4_splat(a); }
inline I32 add_i32(I32 a, I32 b) { return wasm_i32x4_add(a, b); }
template <int kBits>
inline I32 shl_i32(I32 a) { return wasm_i32x4_shl(a, kBits); }

#elif defined(ATTN_SIMD_AVX2)
// ------------------------------------------------------------------------------------------ AVX2 + FMA
constexpr int kLanes = 8;
constexpr const char* kIsaName = "avx2+fma";
using F32 = __m256;
using I32 = __m256i;
using Mask = __m256;

inline F32 zero() { return _mm256_setzero_ps(); }
inline F32 splat(float a) { return _mm256_set1_ps(a); }
inline F32 load(const float* p) { return _mm256_loadu_ps(p); }
inline F32 broadcast(const float* p) { return _mm256_broadcast_ss(p); }
inline void store(float* p, F32 a) { _mm256_storeu_ps(p, a); }
inline F32 add(F32 a, F32 b) { return _mm256_add_ps(a, b); }
inline F32 sub(F32 a, F32 b) { return _mm256_sub_ps(a, b); }
inline F32 mul(F32 a, F32 b) { return _mm256_mul_ps(a, b); }
inline F32 div(F32 a, F32 b) { return _mm256_div_ps(a, b); }
inline F32 fma(F32 a, F32 b, F32 c) { return _mm256_fmadd_ps(a, b, c); }
inline F32 sqrt(F32 a) { return _mm256_sqrt_ps(a); }
inline F32 min(F32 a, F32 b) { return _mm256_min_ps(a, b); }
inline F32 max(F32 a, F32 b) { return _mm256_max_ps(a, b); }
inline F32 abs(F32 a) { return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), a); }
inline F32 copysign(F32 mag, F32 sgn) {
    const F32 sign_bit = _mm256_set1_ps(-0.0f);
    return _mm256_or_ps(_mm256_andnot_ps(sign_bit, mag), _mm256_and_ps(sign_bit, sgn));
}
inline Mask lt(F32 a, F32 b) { return _mm256_cmp_ps(a, b, _CMP_LT_OQ); }
inline F32 select(Mask m, F32 a, F32 b) { return _mm256_blendv_ps(b, a, m); }
inline float hsum(F32 a) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));  // 8 -> 4
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));                                        // 4 -> 2
    s = _mm_add_ss(s, _mm_movehdup_ps(s));                                         // 2 -> 1
    return _mm_cvtss_f32(s);
}
inline float hmax(F32 a) {
    __m128 s = _mm_max_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
    s = _mm_max_ps(s, _mm_movehl_ps(s, s));
    s = _mm_max_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}
inline void hsum4(F32 a, F32 b, F32 c, F32 d, float* out) {
    // hadd pairs within each 128-bit half twice: [a b c d] partial sums per half, then add the halves
    const F32 s = _mm256_hadd_ps(_mm256_hadd_ps(a, b), _mm256_hadd_ps(c, d));
    _mm_storeu_ps(out, _mm_add_ps(_mm256_castps256_ps128(s), _mm256_extractf128_ps(s, 1)));
}
inline I32 as_i32(F32 a) { return _mm256_castps_si256(a); }
inline F32 as_f32(I32 a) { return _mm256_castsi256_ps(a); }
inline I32 splat_i32(int32_t a) { return _mm256_set1_epi32(a); }
inline I32 add_i32(I32 a, I32 b) { return _mm256_add_epi32(a, b); }
template <int kBits>
inline I32 shl_i32(I32 a) { return _mm256_slli_epi32(a, kBits); }

#elif defined(ATTN_SIMD_SSE2)
// ------------------------------------------------------------------------------------------------ SSE2
constexpr int kLanes = 4;
constexpr const char* kIsaName = "sse2";
using F32 = __m128;
using I32 = __m128i;
using Mask = __m128;

inline F32 zero() { return _mm_setzero_ps(); }
inline F32 splat(float a) { return _mm_set1_ps(a); }
inline F32 load(const float* p) { return _mm_loadu_ps(p); }
inline F32 broadcast(const float* p) { return _mm_load1_ps(p); }
inline void store(float* p, F32 a) { _mm_storeu_ps(p, a); }
inline F32 add(F32 a, F32 b) { return _mm_add_ps(a, b); }
inline F32 sub(F32 a, F32 b) { return _mm_sub_ps(a, b); }
inline F32 mul(F32 a, F32 b) { return _mm_mul_ps(a, b); }
inline F32 div(F32 a, F32 b) { return _mm_div_ps(a, b); }
inline F32 fma(F32 a, F32 b, F32 c) { return _mm_add_ps(_mm_mul_ps(a, b), c); }
inline F32 sqrt(F32 a) { return _mm_sqrt_ps(a); }
inline F32 min(F32 a, F32 b) { return _mm_min_ps(a, b); }
inline F32 max(F32 a, F32 b) { return _mm_max_ps(a, b); }
inline F32 abs(F32 a) { return _mm_andnot_ps(_mm_set1_ps(-0.0f), a); }
inline F32 copysign(F32 mag, F32 sgn) {
    const F32 sign_bit = _mm_set1_ps(-0.0f);
    return _mm_or_ps(_mm_andnot_ps(sign_bit, mag), _mm_and_ps(sign_bit, sgn));
}
inline Mask lt(F32 a, F32 b) { return _mm_cmplt_ps(a, b); }
inline F32 select(Mask m, F32 a, F32 b) { return _mm_or_ps(_mm_and_ps(m, a), _mm_andnot_ps(m, b)); }
inline float hsum(F32 a) {
    const F32 s = _mm_add_ps(a, _mm_movehl_ps(a, a));
    return _mm_cvtss_f32(_mm_add_ss(s, _mm_shuffle_ps(s, s, _MM_SHUFFLE(1, 1, 1, 1))));
}
inline float hmax(F32 a) {
    const F32 s = _mm_max_ps(a, _mm_movehl_ps(a, a));
    return _mm_cvtss_f32(_mm_max_ss(s, _mm_shuffle_ps(s, s, _MM_SHUFFLE(1, 1, 1, 1))));
}
inline void hsum4(F32 a, F32 b, F32 c, F32 d, float* out) {
    const F32 ab = _mm_add_ps(_mm_shuffle_ps(a, b, _MM_SHUFFLE(1, 0, 1, 0)), _mm_shuffle_ps(a, b, _MM_SHUFFLE(3, 2, 3, 2)));
    const F32 cd = _mm_add_ps(_mm_shuffle_ps(c, d, _MM_SHUFFLE(1, 0, 1, 0)), _mm_shuffle_ps(c, d, _MM_SHUFFLE(3, 2, 3, 2)));
    _mm_storeu_ps(out, _mm_add_ps(_mm_shuffle_ps(ab, cd, _MM_SHUFFLE(2, 0, 2, 0)), _mm_shuffle_ps(ab, cd, _MM_SHUFFLE(3, 1, 3, 1))));
}
inline I32 as_i32(F32 a) { return _mm_castps_si128(a); }
inline F32 as_f32(I32 a) { return _mm_castsi128_ps(a); }
inline I32 splat_i32(int32_t a) { return _mm_set1_epi32(a); }
inline I32 add_i32(I32 a, I32 b) { return _mm_add_epi32(a, b); }
template <int kBits>
inline I32 shl_i32(I32 a) { return _mm_slli_epi32(a, kBits); }

#else
// ---------------------------------------------------------------------------------- scalar fallback
constexpr int kLanes = 1;
constexpr const char* kIsaName = "scalar";
using F32 = float;
using I32 = uint32_t;  // unsigned so that shifts and wrap-around are defined
using Mask = bool;

inline F32 zero() { return 0.0f; }
inline F32 splat(float a) { return a; }
inline F32 load(const float* p) { return *p; }
inline F32 broadcast(const float* p) { return *p; }
inline void store(float* p, F32 a) { *p = a; }
inline F32 add(F32 a, F32 b) { return a + b; }
inline F32 sub(F32 a, F32 b) { return a - b; }
inline F32 mul(F32 a, F32 b) { return a * b; }
inline F32 div(F32 a, F32 b) { return a / b; }
inline F32 fma(F32 a, F32 b, F32 c) { return a * b + c; }
inline F32 sqrt(F32 a) { return std::sqrt(a); }
inline F32 min(F32 a, F32 b) { return b < a ? b : a; }
inline F32 max(F32 a, F32 b) { return a < b ? b : a; }
inline I32 as_i32(F32 a) { I32 r; std::memcpy(&r, &a, 4); return r; }
inline F32 as_f32(I32 a) { F32 r; std::memcpy(&r, &a, 4); return r; }
inline F32 abs(F32 a) { return as_f32(as_i32(a) & 0x7fffffffu); }
inline F32 copysign(F32 mag, F32 sgn) { return as_f32((as_i32(mag) & 0x7fffffffu) | (as_i32(sgn) & 0x80000000u)); }
inline Mask lt(F32 a, F32 b) { return a < b; }
inline F32 select(Mask m, F32 a, F32 b) { return m ? a : b; }
inline float hsum(F32 a) { return a; }
inline float hmax(F32 a) { return a; }
inline void hsum4(F32 a, F32 b, F32 c, F32 d, float* out) { out[0] = a; out[1] = b; out[2] = c; out[3] = d; }
inline I32 splat_i32(int32_t a) { return static_cast<I32>(a); }
inline I32 add_i32(I32 a, I32 b) { return a + b; }
template <int kBits>
inline I32 shl_i32(I32 a) { return a << kBits; }
#endif

}  // namespace attn::vec
