// test_kernels.cpp: every Simd kernel beside the Scalar reference on odd sizes (1, 3, 17, 63, 64, 65,
// 257), with masks, temperatures and nullptr biases; the exp/tanh/sigmoid approximations over dense
// sweeps against double precision; and the reference itself against double precision.
// Run: ./build/native/unit_tests --gtest_filter='Kernels*'  (and the wasm build under node).
//
// Comparisons report the normalized mean squared error sum (a-b)^2 / sum b^2 and the max abs diff
// (core/compare.h).
#include "core/compare.h"
#include "core/rng.h"
#include "kernels/kernels.h"
#include "kernels/simd.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

namespace attn {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();
const int kOddSizes[] = {1, 3, 17, 63, 64, 65, 257};

std::vector<float> uniform_vec(Rng& rng, size_t n, float lo, float hi) {
    std::vector<float> v(n);
    for (float& x : v) x = rng.uniform(lo, hi);
    return v;
}
// Small integers: every product and partial sum is exact in float, so any summation order gives the
// same bits and a SIMD result can be compared for equality.
std::vector<float> int_vec(Rng& rng, size_t n) {
    std::vector<float> v(n);
    for (float& x : v) x = static_cast<float>(static_cast<int>(rng.uniform() * 5.0f) - 2);
    return v;
}

bool all_finite(const std::vector<float>& v) {
    return std::all_of(v.begin(), v.end(), [](float x) { return std::isfinite(x); });
}

#define EXPECT_CLOSE(got, want, nmse_tol, abs_tol, what)                                     \
    do {                                                                                      \
        ASSERT_EQ((got).size(), (want).size()) << what;                                       \
        const Difference d_ = compare((got).data(), (want).data(), long((want).size()));     \
        EXPECT_LE(d_.nmse(), nmse_tol) << what << " max_abs " << d_.max_abs << " at " << d_.max_at; \
        EXPECT_LE(d_.max_abs, abs_tol) << what << " at " << d_.max_at << " nmse " << d_.nmse(); \
        EXPECT_TRUE(all_finite(got)) << what;                                                 \
    } while (0)

std::string shape(int a, int b, int c) {
    return "[" + std::to_string(a) + "," + std::to_string(b) + "," + std::to_string(c) + "]";
}

// (M, K, N) triples: every combination of the sizes up to 65, then 257 in one dimension at a time
// with the other two in {3, 65} (a 257^3 product would only make the test slow, not stronger).
std::vector<std::array<int, 3>> matmul_shapes() {
    std::vector<std::array<int, 3>> s;
    for (int m : kOddSizes)
        for (int k : kOddSizes)
            for (int n : kOddSizes)
                if (m < 257 && k < 257 && n < 257) s.push_back({m, k, n});
    for (int a : {3, 65})
        for (int b : {3, 65}) {
            s.push_back({257, a, b});
            s.push_back({a, 257, b});
            s.push_back({a, b, 257});
        }
    return s;
}

// ------------------------------------------------------------------------- matvec, matmul, matmul_nt
// Float inputs in [-1, 1): the two backends add the same K products in a different order; each
// result is off by a few K * eps at worst. Allowed: max abs 1e-6 * K (K <= 257), and nmse 1e-9:
// loosened from 1e-11 because with M = 1 or N = 1 the nmse is that of one or a few sums, which may
// cancel to near zero (seen: 7e-11 for one output of 65 terms whose abs error was 4.5e-7).
TEST(Kernels, MatmulFamilyMatchesReferenceOnOddSizes) {
    Rng rng(11);
    for (const auto& [M, K, N] : matmul_shapes()) {
        const auto A = uniform_vec(rng, size_t(M) * K, -1, 1);
        const auto B = uniform_vec(rng, size_t(K) * N, -1, 1);   // [K,N] for matmul, read as [N,K] by _nt
        const auto bias = uniform_vec(rng, std::max(M, N), -1, 1);
        const double abs_tol = 1e-6 * K;
        for (const float* b : {static_cast<const float*>(nullptr), bias.data()}) {
            const std::string what = shape(M, K, N) + (b ? " bias" : " no bias");
            std::vector<float> ref(size_t(M) * N), got(size_t(M) * N, NAN);
            kernels::ref::matmul(A.data(), B.data(), b, ref.data(), M, K, N);
            kernels::simd::matmul(A.data(), B.data(), b, got.data(), M, K, N);
            EXPECT_CLOSE(got, ref, 1e-9, abs_tol, "matmul " + what);

            kernels::ref::matmul_nt(A.data(), B.data(), b, ref.data(), M, K, N);
            std::fill(got.begin(), got.end(), NAN);
            kernels::simd::matmul_nt(A.data(), B.data(), b, got.data(), M, K, N);
            EXPECT_CLOSE(got, ref, 1e-9, abs_tol, "matmul_nt " + what);

            std::vector<float> yref(M), ygot(M, NAN);  // A[M,K] times the first column of B read as x[K]
            kernels::ref::matvec(A.data(), B.data(), b, yref.data(), M, K);
            kernels::simd::matvec(A.data(), B.data(), b, ygot.data(), M, K);
            EXPECT_CLOSE(ygot, yref, 1e-9, abs_tol, "matvec " + what);
        }
    }
}

// Integer inputs: every order of summation is exact, so the Simd result must equal the reference to
// the bit. This pins down the indexing of every tile and leftover path independently of rounding.
TEST(Kernels, MatmulFamilyIsExactOnIntegers) {
    Rng rng(12);
    for (const auto& [M, K, N] : matmul_shapes()) {
        const auto A = int_vec(rng, size_t(M) * K), B = int_vec(rng, size_t(K) * N);
        const auto bias = int_vec(rng, std::max(M, N));
        std::vector<float> ref(size_t(M) * N), got(size_t(M) * N);
        kernels::ref::matmul(A.data(), B.data(), bias.data(), ref.data(), M, K, N);
        kernels::simd::matmul(A.data(), B.data(), bias.data(), got.data(), M, K, N);
        EXPECT_EQ(got, ref) << "matmul " << shape(M, K, N);
        kernels::ref::matmul_nt(A.data(), B.data(), nullptr, ref.data(), M, K, N);
        kernels::simd::matmul_nt(A.data(), B.data(), nullptr, got.data(), M, K, N);
        EXPECT_EQ(got, ref) << "matmul_nt " << shape(M, K, N);
        std::vector<float> yref(M), ygot(M);
        kernels::ref::matvec(A.data(), B.data(), bias.data(), yref.data(), M, K);
        kernels::simd::matvec(A.data(), B.data(), bias.data(), ygot.data(), M, K);
        EXPECT_EQ(ygot, yref) << "matvec " << shape(M, K, 1);
    }
}

TEST(Kernels, DispatchReachesTheChosenBackend) {
    // std::exp and the polynomial differ in the last bit on some of 1000 inputs, so each Backend must
    // give exactly what its direct call gives, and the two backends must differ somewhere.
    Rng rng(13);
    const auto x = uniform_vec(rng, 1000, -5, 5);
    std::vector<float> a(x.size()), b(x.size()), c(x.size()), d(x.size());
    kernels::vexp(Backend::Simd, x.data(), a.data(), int(x.size()));
    kernels::simd::vexp(x.data(), b.data(), int(x.size()));
    kernels::vexp(Backend::Scalar, x.data(), c.data(), int(x.size()));
    kernels::ref::vexp(x.data(), d.data(), int(x.size()));
    EXPECT_EQ(a, b);
    EXPECT_EQ(c, d);
    if (vec::kLanes > 1) {
        EXPECT_NE(a, c) << "the Simd backend should use its own exp";
    }
}

// ------------------------------------------------------------------------------------------ softmax
// Outputs lie in [0, 1]; exp differs by <= 2.5e-7 relative and the sum by reordering: max abs 1e-6.
TEST(Kernels, SoftmaxRowsMatchesReferenceWithMasksAndTemperature) {
    Rng rng(21);
    for (int rows : {1, 3, 17}) {
        for (int cols : kOddSizes) {
            for (float temperature : {1.0f, 0.5f, 2.5f}) {
                auto x = uniform_vec(rng, size_t(rows) * cols, -8, 8);
                // mask some entries: every row r % 3 == 1 fully, others at random (about a third)
                for (int r = 0; r < rows; ++r)
                    for (int c = 0; c < cols; ++c)
                        if (r % 3 == 1 || rng.uniform() < 0.33f) x[size_t(r) * cols + c] = -kInf;
                auto ref = x, got = x;
                kernels::ref::softmax_rows(ref.data(), rows, cols, temperature);
                kernels::simd::softmax_rows(got.data(), rows, cols, temperature);
                const std::string what = "softmax " + shape(rows, cols, 0) + " T=" + std::to_string(temperature);
                EXPECT_CLOSE(got, ref, 1e-11, 1e-6, what);
                for (int r = 0; r < rows; ++r) {
                    double sum = 0;
                    bool any_kept = false;
                    for (int c = 0; c < cols; ++c) {
                        const size_t i = size_t(r) * cols + c;
                        if (x[i] == -kInf) EXPECT_EQ(got[i], 0.0f) << what << " masked entry";
                        else any_kept = true;
                        sum += got[i];
                    }
                    EXPECT_NEAR(sum, any_kept ? 1.0 : 0.0, 1e-5) << what << " row " << r;
                }
            }
        }
    }
}

// ---------------------------------------------------------------------- exp, tanh, sigmoid: accuracy
// The bounds stated in kernels_simd.cpp, checked against double precision over dense sweeps.
std::vector<float> linspace(double lo, double hi, int n) {
    std::vector<float> v(n);
    for (int i = 0; i < n; ++i) v[i] = static_cast<float>(lo + (hi - lo) * i / (n - 1));
    return v;
}
// +-10^e for e in [-30, log10(hi)], log-spaced: exercises tiny arguments where relative error shows.
std::vector<float> logspace_both_signs(double hi, int n) {
    std::vector<float> v;
    for (int i = 0; i < n; ++i) {
        const double m = std::pow(10.0, -30.0 + (std::log10(hi) + 30.0) * i / (n - 1));
        v.push_back(static_cast<float>(m));
        v.push_back(static_cast<float>(-m));
    }
    return v;
}
// Pads with zeros to a multiple of 8 lanes, so that every given value goes through the vector body
// (AVX2: 8 lanes, wasm/SSE2: 4), never through the std:: leftovers.
std::vector<float> in_vector_body(std::vector<float> v) {
    while (v.size() % 8) v.push_back(0.0f);
    return v;
}
double max_rel_err(const std::vector<float>& x, const std::vector<float>& y, double (*f)(double)) {
    double worst = 0;
    for (size_t i = 0; i < x.size(); ++i) {
        const double t = f(x[i]);
        worst = std::max(worst, std::fabs(y[i] - t) / std::fabs(t));
    }
    return worst;
}
double max_abs_err(const std::vector<float>& x, const std::vector<float>& y, double (*f)(double)) {
    double worst = 0;
    for (size_t i = 0; i < x.size(); ++i) worst = std::max(worst, std::fabs(y[i] - f(x[i])));
    return worst;
}
std::string sci(double x) {  // for RecordProperty: the measured bound appears in the XML report
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g", x);
    return buf;
}
double sigmoid_d(double x) { return 1.0 / (1.0 + std::exp(-x)); }
double exp_d(double x) { return std::exp(x); }
double tanh_d(double x) { return std::tanh(x); }

TEST(Kernels, ExpApproximationErrorBound) {
    // results above FLT_MIN: relative error <= 1.5e-7 (about 1.3 ulp)
    const auto x = linspace(-86.9, 88.7, 1 << 20);
    std::vector<float> y(x.size());
    kernels::simd::vexp(x.data(), y.data(), int(x.size()));
    const double rel = max_rel_err(x, y, exp_d);
    RecordProperty("max_rel_err", sci(rel));
    EXPECT_LE(rel, 1.5e-7);
    // below -86.99 the result is flushed to 0 (true values < 1.7e-38); never negative, never NaN
    const auto lo = linspace(-200, -86.9, 4097);
    std::vector<float> ylo(lo.size());
    kernels::simd::vexp(lo.data(), ylo.data(), int(lo.size()));
    EXPECT_LE(max_abs_err(lo, ylo, exp_d), 1.7e-38);
    for (float v : ylo) EXPECT_GE(v, 0.0f);
}

TEST(Kernels, ExpSpecialValuesInTheVectorBody) {
    const std::vector<float> x = in_vector_body({-kInf, -1e30f, -104.0f, -88.0f, 0.0f, -0.0f, 1.0f, 88.7f,
                                                 88.8f, 89.0f, 100.0f, 1e30f, kInf});
    std::vector<float> y(x.size());
    kernels::simd::vexp(x.data(), y.data(), int(x.size()));
    EXPECT_EQ(y[0], 0.0f) << "exp(-inf)";
    EXPECT_EQ(y[1], 0.0f);
    EXPECT_EQ(y[2], 0.0f);
    EXPECT_EQ(y[3], 0.0f) << "flushed: true value 6e-39";
    EXPECT_EQ(y[4], 1.0f);
    EXPECT_EQ(y[5], 1.0f);
    EXPECT_NEAR(y[6] / std::exp(1.0), 1.0, 1.5e-7);
    EXPECT_NEAR(y[7] / exp_d(x[7]), 1.0, 1.5e-7) << "near FLT_MAX, finite";
    EXPECT_TRUE(std::isfinite(y[7]));
    for (int i = 8; i <= 12; ++i) EXPECT_EQ(y[i], kInf) << "overflow saturates at +inf, x = " << x[i];
}

TEST(Kernels, TanhApproximationErrorBound) {
    auto x = linspace(-20, 20, 1 << 20);
    const auto tiny = logspace_both_signs(20, 4096);
    x.insert(x.end(), tiny.begin(), tiny.end());
    std::vector<float> y(x.size());
    kernels::simd::vtanh(x.data(), y.data(), int(x.size()));
    const double rel = max_rel_err(x, y, tanh_d), abs = max_abs_err(x, y, tanh_d);
    RecordProperty("max_rel_err", sci(rel));
    RecordProperty("max_abs_err", sci(abs));
    EXPECT_LE(rel, 2.5e-7);
    EXPECT_LE(abs, 1.2e-7);
    // saturation: exactly +-1 for |x| >= 9 and the infinities, in the vector body
    const auto big = in_vector_body({20.0f, -20.0f, 1e30f, -1e30f, kInf, -kInf, 100.0f, -100.0f, 9.0f, -9.0f});
    std::vector<float> ybig(big.size());
    kernels::simd::vtanh(big.data(), ybig.data(), int(big.size()));
    for (size_t i = 0; i < 10; ++i) EXPECT_EQ(ybig[i], big[i] > 0 ? 1.0f : -1.0f) << big[i];
}

TEST(Kernels, SigmoidApproximationErrorBound) {
    // relative error while the result is a normal float (x > -87); near 1 this is also absolute
    const auto x = linspace(-86.9, 40, 1 << 20);
    std::vector<float> y(x.size());
    kernels::simd::vsigmoid(x.data(), y.data(), int(x.size()));
    const double rel = max_rel_err(x, y, sigmoid_d);
    RecordProperty("max_rel_err", sci(rel));
    EXPECT_LE(rel, 2e-7);
    const auto ext = in_vector_body({-kInf, -1e30f, -100.0f, -89.0f, kInf, 1e30f, 100.0f, 89.0f, 17.0f});
    std::vector<float> yext(ext.size());
    kernels::simd::vsigmoid(ext.data(), yext.data(), int(ext.size()));
    for (int i = 0; i < 4; ++i) EXPECT_EQ(yext[i], 0.0f) << ext[i];
    for (int i = 4; i < 8; ++i) EXPECT_EQ(yext[i], 1.0f) << ext[i];
}

// Elementwise kernels beside the reference on odd sizes, in place and out of place.
TEST(Kernels, ElementwiseMatchReferenceOnOddSizesAndInPlace) {
    Rng rng(31);
    for (int n : kOddSizes) {
        const auto x = uniform_vec(rng, n, -10, 10);
        struct Fn {
            const char* name;
            void (*ref)(const float*, float*, int);
            void (*simd)(const float*, float*, int);
            double rel;
        };
        // tolerance: the stated bound of each approximation plus the reference's own error (std::exp
        // and std::tanh within 1 ulp = 1.2e-7; the reference sigmoid rounds twice more), relative
        for (const Fn& f : {Fn{"exp", kernels::ref::vexp, kernels::simd::vexp, 1.5e-7 + 1.2e-7},
                            Fn{"tanh", kernels::ref::vtanh, kernels::simd::vtanh, 2.5e-7 + 1.2e-7},
                            Fn{"sigmoid", kernels::ref::vsigmoid, kernels::simd::vsigmoid, 2e-7 + 2.4e-7}}) {
            std::vector<float> ref(n), got(n);
            f.ref(x.data(), ref.data(), n);
            f.simd(x.data(), got.data(), n);
            for (int i = 0; i < n; ++i)
                EXPECT_NEAR(got[i], ref[i], f.rel * std::fabs(ref[i])) << f.name << " n=" << n << " i=" << i;
            auto inplace = x;
            f.simd(inplace.data(), inplace.data(), n);
            EXPECT_EQ(inplace, got) << f.name << " in place, n=" << n;
        }
    }
}

// -------------------------------------------------------------------------------- attention_head
enum class MaskKind { None, Causal, FullyMaskedRows, Random };
std::vector<float> make_mask(Rng& rng, MaskKind kind, int Tq, int Tk) {
    std::vector<float> m(size_t(Tq) * Tk, 0.0f);
    for (int i = 0; i < Tq; ++i)
        for (int j = 0; j < Tk; ++j) {
            float& e = m[size_t(i) * Tk + j];
            if (kind == MaskKind::Causal && j > i + (Tk - Tq)) e = -kInf;  // query i sits at key Tk-Tq+i
            if (kind == MaskKind::FullyMaskedRows && (i % 2 == 0 || j % 3 == 0)) e = -kInf;
            if (kind == MaskKind::Random && rng.uniform() < 0.4f) e = -kInf;
        }
    return m;
}

// weights in [0, 1] (max abs 1e-6, as softmax); outputs are weighted means of values in [-1, 1],
// computed in a different order: max abs 2e-6.
TEST(Kernels, AttentionHeadMatchesReference) {
    Rng rng(41);
    struct Case { int Tq, Tk, Dk, Dv; };
    std::vector<Case> cases;
    for (int t : kOddSizes) {
        cases.push_back({1, t, 16, 16});   // one decoder step over t keys
        cases.push_back({t, t, 3, 17});    // self-attention
    }
    for (int d : kOddSizes) cases.push_back({17, 65, d, d});
    cases.push_back({64, 63, 64, 65});
    cases.push_back({3, 257, 257, 1});
    for (const Case& c : cases) {
        const auto q = uniform_vec(rng, size_t(c.Tq) * c.Dk, -1, 1);
        const auto k = uniform_vec(rng, size_t(c.Tk) * c.Dk, -1, 1);
        const auto v = uniform_vec(rng, size_t(c.Tk) * c.Dv, -1, 1);
        for (MaskKind mk : {MaskKind::None, MaskKind::Causal, MaskKind::FullyMaskedRows, MaskKind::Random}) {
            for (float temperature : {1.0f, 0.3f}) {
                const auto mask = make_mask(rng, mk, c.Tq, c.Tk);
                const float* mp = mk == MaskKind::None ? nullptr : mask.data();
                const float scale = 1.0f / std::sqrt(float(c.Dk)) / temperature;
                std::vector<float> wr(size_t(c.Tq) * c.Tk), orf(size_t(c.Tq) * c.Dv);
                std::vector<float> wg(wr.size(), NAN), og(orf.size(), NAN);
                kernels::ref::attention_head(q.data(), k.data(), v.data(), mp, scale, wr.data(), orf.data(),
                                             c.Tq, c.Tk, c.Dk, c.Dv);
                kernels::simd::attention_head(q.data(), k.data(), v.data(), mp, scale, wg.data(), og.data(),
                                              c.Tq, c.Tk, c.Dk, c.Dv);
                const std::string what = "attention_head Tq=" + std::to_string(c.Tq) + " Tk=" + std::to_string(c.Tk) +
                                         " Dk=" + std::to_string(c.Dk) + " Dv=" + std::to_string(c.Dv) +
                                         " mask=" + std::to_string(int(mk)) + " T=" + std::to_string(temperature);
                EXPECT_CLOSE(wg, wr, 1e-11, 1e-6, what + " weights");
                EXPECT_CLOSE(og, orf, 1e-11, 2e-6, what + " out");
                if (mk == MaskKind::FullyMaskedRows) {
                    for (int i = 0; i < c.Tq; i += 2)
                        for (int d = 0; d < c.Dv; ++d) EXPECT_EQ(og[size_t(i) * c.Dv + d], 0.0f) << what;
                }
            }
        }
    }
}

// ------------------------------------------------------------------------------------- lstm_gates
// Gates, c and h are O(1): the approximations' relative bounds make max abs 1e-6 (c sums two terms).
TEST(Kernels, LstmGatesMatchReference) {
    Rng rng(51);
    for (int H : kOddSizes) {
        const auto pre = uniform_vec(rng, 4 * size_t(H), -6, 6);
        const auto c_prev = uniform_vec(rng, H, -2, 2);
        std::vector<float> gr(4 * size_t(H)), hr(H), cr(H), gg(gr.size(), NAN), hg(H, NAN), cg(H, NAN);
        kernels::ref::lstm_gates(pre.data(), c_prev.data(), gr.data(), hr.data(), cr.data(), H);
        kernels::simd::lstm_gates(pre.data(), c_prev.data(), gg.data(), hg.data(), cg.data(), H);
        EXPECT_CLOSE(gg, gr, 1e-12, 1e-6, "lstm gates H=" + std::to_string(H));
        EXPECT_CLOSE(cg, cr, 1e-12, 1e-6, "lstm c H=" + std::to_string(H));
        EXPECT_CLOSE(hg, hr, 1e-12, 1e-6, "lstm h H=" + std::to_string(H));
        // pre == gates: each backend in place gives what it gives out of place
        for (Backend b : {Backend::Scalar, Backend::Simd}) {
            std::vector<float> inplace = pre, h2(H), c2(H), gates(pre.size()), h1(H), c1(H);
            kernels::lstm_gates(b, pre.data(), c_prev.data(), gates.data(), h1.data(), c1.data(), H);
            kernels::lstm_gates(b, inplace.data(), c_prev.data(), inplace.data(), h2.data(), c2.data(), H);
            EXPECT_EQ(inplace, gates) << "in place, H=" << H << " " << backend_name(b);
            EXPECT_EQ(h2, h1) << "in place, H=" << H << " " << backend_name(b);
            EXPECT_EQ(c2, c1) << "in place, H=" << H << " " << backend_name(b);
        }
    }
}

// ---------------------------------------------------------------------------- lstm_preactivations_h
// A sum of H products of values in [-1, 1] added to pre_x: max abs 1e-6 * H; in place (pre == pre_x) too.
TEST(Kernels, LstmPreactivationsHMatchReference) {
    Rng rng(54);
    for (int H : kOddSizes) {
        const auto W_hh = uniform_vec(rng, 4 * size_t(H) * H, -1, 1), h = uniform_vec(rng, H, -1, 1);
        const auto pre_x = uniform_vec(rng, 4 * size_t(H), -1, 1), b_hh = uniform_vec(rng, 4 * size_t(H), -1, 1);
        for (bool bias : {true, false}) {
            const float* bh = bias ? b_hh.data() : nullptr;
            std::vector<float> ref(4 * size_t(H)), got(ref.size(), NAN);
            kernels::ref::lstm_preactivations_h(pre_x.data(), W_hh.data(), h.data(), bh, ref.data(), H);
            kernels::simd::lstm_preactivations_h(pre_x.data(), W_hh.data(), h.data(), bh, got.data(), H);
            const std::string what = "lstm_preactivations_h H=" + std::to_string(H) + (bias ? "" : " no bias");
            EXPECT_CLOSE(got, ref, 1e-9, 1e-6 * H + 1e-6, what);
            for (Backend b : {Backend::Scalar, Backend::Simd}) {
                std::vector<float> inplace = pre_x, apart(ref.size());
                kernels::lstm_preactivations_h(b, pre_x.data(), W_hh.data(), h.data(), bh, apart.data(), H);
                kernels::lstm_preactivations_h(b, inplace.data(), W_hh.data(), h.data(), bh, inplace.data(), H);
                EXPECT_EQ(inplace, apart) << what << " in place, " << backend_name(b);
            }
            const auto Wi = int_vec(rng, W_hh.size()), hi = int_vec(rng, H), pi = int_vec(rng, pre_x.size()),
                       bi = int_vec(rng, b_hh.size());
            kernels::ref::lstm_preactivations_h(pi.data(), Wi.data(), hi.data(), bias ? bi.data() : nullptr, ref.data(), H);
            kernels::simd::lstm_preactivations_h(pi.data(), Wi.data(), hi.data(), bias ? bi.data() : nullptr, got.data(), H);
            EXPECT_EQ(got, ref) << what << " integers";
        }
    }
}

// ------------------------------------------------------------------------------ lstm_preactivations
// Two sums of In and H products of values in [-1, 1] each: max abs 1e-6 * (In + H), as the matmul family.
TEST(Kernels, LstmPreactivationsMatchReference) {
    Rng rng(53);
    for (int H : kOddSizes) {
        for (int In : {1, 3, 16, 17, 65}) {
            if (H == 257 && In == 65) continue;  // large enough without it
            const auto W_ih = uniform_vec(rng, 4 * size_t(H) * In, -1, 1), W_hh = uniform_vec(rng, 4 * size_t(H) * H, -1, 1);
            const auto x = uniform_vec(rng, In, -1, 1), h = uniform_vec(rng, H, -1, 1);
            const auto b_ih = uniform_vec(rng, 4 * size_t(H), -1, 1), b_hh = uniform_vec(rng, 4 * size_t(H), -1, 1);
            for (bool bias : {true, false}) {
                const float* bi = bias ? b_ih.data() : nullptr;
                const float* bh = bias ? b_hh.data() : nullptr;
                std::vector<float> ref(4 * size_t(H)), got(ref.size(), NAN);
                kernels::ref::lstm_preactivations(W_ih.data(), x.data(), bi, W_hh.data(), h.data(), bh, ref.data(), H, In);
                kernels::simd::lstm_preactivations(W_ih.data(), x.data(), bi, W_hh.data(), h.data(), bh, got.data(), H, In);
                const std::string what = "lstm_preactivations H=" + std::to_string(H) + " In=" + std::to_string(In) +
                                         (bias ? "" : " no bias");
                EXPECT_CLOSE(got, ref, 1e-9, 1e-6 * (In + H) + 1e-6, what);
                // integers: exact in any order
                const auto Wi = int_vec(rng, W_ih.size()), Wh = int_vec(rng, W_hh.size()), xi = int_vec(rng, In),
                           hi = int_vec(rng, H), bii = int_vec(rng, b_ih.size()), bhi = int_vec(rng, b_hh.size());
                kernels::ref::lstm_preactivations(Wi.data(), xi.data(), bias ? bii.data() : nullptr, Wh.data(), hi.data(),
                                                  bias ? bhi.data() : nullptr, ref.data(), H, In);
                kernels::simd::lstm_preactivations(Wi.data(), xi.data(), bias ? bii.data() : nullptr, Wh.data(),
                                                   hi.data(), bias ? bhi.data() : nullptr, got.data(), H, In);
                EXPECT_EQ(got, ref) << what << " integers";
            }
        }
    }
}

// --------------------------------------------------------------------------------- attention_pool
// Scores are sums of H tanh values times w2 (|w2| <= 1/sqrt(H)): errors 1e-6 * sqrt(H) at most in the
// scores, which moves weights by the same relative amount: max abs 2e-6 for weights and context.
TEST(Kernels, AttentionPoolMatchesReference) {
    Rng rng(61);
    struct Case { int B, T, H; };
    std::vector<Case> cases = {{1, 1, 1},    {2, 3, 17},  {3, 17, 63}, {1, 65, 64}, {2, 100, 64},
                               {1, 257, 3}, {1, 3, 65}, {1, 64, 257}, {17, 3, 1}, {65, 1, 3}};
    for (const Case& c : cases) {
        const float bound = 1.0f / std::sqrt(float(c.H));
        const auto X = uniform_vec(rng, size_t(c.B) * c.T * c.H, -1, 1);
        const auto W1 = uniform_vec(rng, size_t(c.H) * c.H, -bound, bound);
        const auto b1 = uniform_vec(rng, c.H, -bound, bound);
        const auto w2 = uniform_vec(rng, c.H, -bound, bound);
        const float b2 = rng.uniform(-bound, bound);
        for (const float* bias : {b1.data(), static_cast<const float*>(nullptr)}) {
            std::vector<float> wr(size_t(c.B) * c.T), orf(size_t(c.B) * c.H), sr(size_t(c.T) * c.H);
            std::vector<float> wg(wr.size(), NAN), og(orf.size(), NAN), sg(sr.size());
            kernels::ref::attention_pool(X.data(), W1.data(), bias, w2.data(), b2, wr.data(), orf.data(), sr.data(),
                                         c.B, c.T, c.H);
            kernels::simd::attention_pool(X.data(), W1.data(), bias, w2.data(), b2, wg.data(), og.data(), sg.data(),
                                          c.B, c.T, c.H);
            const std::string what = "attention_pool " + shape(c.B, c.T, c.H) + (bias ? "" : " no b1");
            EXPECT_CLOSE(wg, wr, 1e-11, 2e-6, what + " weights");
            EXPECT_CLOSE(og, orf, 1e-11, 2e-6, what + " out");
        }
    }
}

// ------------------------------------------ gemv_t, ger, ger_rows, gemm_tn, gemm_nn, gemm_nt (backward)
// The backward's products on the (M, K, N) triples of the matmul family, overwriting and accumulating
// into a random output. Same tolerances as the matmul family, with K the length of each sum (M for
// gemv_t; ger sums nothing: one product added, max abs 1e-6 for an FMA's other rounding).
TEST(Kernels, BackwardProductsMatchReferenceOnOddSizes) {
    Rng rng(15);
    for (const auto& [M, K, N] : matmul_shapes()) {
        const auto A = uniform_vec(rng, size_t(M) * K, -1, 1);  // [M,K]; read as [K,M] by gemm_tn
        const auto B = uniform_vec(rng, size_t(K) * N, -1, 1);
        const auto C0 = uniform_vec(rng, size_t(M) * N, -1, 1);
        for (bool accumulate : {false, true}) {
            const std::string what = shape(M, K, N) + (accumulate ? " accumulate" : "");
            auto ref = C0, got = C0;
            kernels::ref::gemm_tn(A.data(), B.data(), ref.data(), M, K, N, accumulate);
            kernels::simd::gemm_tn(A.data(), B.data(), got.data(), M, K, N, accumulate);
            EXPECT_CLOSE(got, ref, 1e-9, 1e-6 * K + 1e-6, "gemm_tn " + what);

            ref = C0;
            got = C0;
            kernels::ref::gemm_nn(A.data(), B.data(), ref.data(), M, K, N, accumulate);
            kernels::simd::gemm_nn(A.data(), B.data(), got.data(), M, K, N, accumulate);
            EXPECT_CLOSE(got, ref, 1e-9, 1e-6 * K + 1e-6, "gemm_nn " + what);

            ref = C0;  // B read as [N, K]
            got = C0;
            kernels::ref::gemm_nt(A.data(), B.data(), ref.data(), M, K, N, accumulate);
            kernels::simd::gemm_nt(A.data(), B.data(), got.data(), M, K, N, accumulate);
            EXPECT_CLOSE(got, ref, 1e-9, 1e-6 * K + 1e-6, "gemm_nt " + what);

            std::vector<float> yref(B.begin(), B.begin() + K), ygot = yref;  // y[K] (+)= A^T x, x[M] = C0's first M
            kernels::ref::gemv_t(A.data(), C0.data(), yref.data(), M, K, accumulate);
            kernels::simd::gemv_t(A.data(), C0.data(), ygot.data(), M, K, accumulate);
            EXPECT_CLOSE(ygot, yref, 1e-9, 1e-6 * M + 1e-6, "gemv_t " + what);
        }
        auto gref = C0, ggot = C0;  // G[M,N] += a[M] b[N]^T: a = A's first M, b = B's first N
        kernels::ref::ger(A.data(), B.data(), gref.data(), M, N);
        kernels::simd::ger(A.data(), B.data(), ggot.data(), M, N);
        EXPECT_CLOSE(ggot, gref, 1e-12, 1e-6, "ger " + shape(M, 1, N));
        gref = C0;  // G[M,N] += A'[K,M]^T B[K,N], A' = A read as [K, M]: K rank-1 updates
        ggot = C0;
        kernels::ref::ger_rows(A.data(), B.data(), gref.data(), M, K, N);
        kernels::simd::ger_rows(A.data(), B.data(), ggot.data(), M, K, N);
        EXPECT_CLOSE(ggot, gref, 1e-9, 1e-6 * K + 1e-6, "ger_rows " + shape(M, K, N));
    }
}

// Integer inputs: exact in any order, so equal to the bit (tile and leftover indexing, accumulation).
TEST(Kernels, BackwardProductsAreExactOnIntegers) {
    Rng rng(16);
    for (const auto& [M, K, N] : matmul_shapes()) {
        const auto A = int_vec(rng, size_t(M) * K), B = int_vec(rng, size_t(K) * N), C0 = int_vec(rng, size_t(M) * N);
        for (bool accumulate : {false, true}) {
            auto ref = C0, got = C0;
            kernels::ref::gemm_tn(A.data(), B.data(), ref.data(), M, K, N, accumulate);
            kernels::simd::gemm_tn(A.data(), B.data(), got.data(), M, K, N, accumulate);
            EXPECT_EQ(got, ref) << "gemm_tn " << shape(M, K, N) << " accumulate " << accumulate;
            ref = C0;
            got = C0;
            kernels::ref::gemm_nn(A.data(), B.data(), ref.data(), M, K, N, accumulate);
            kernels::simd::gemm_nn(A.data(), B.data(), got.data(), M, K, N, accumulate);
            EXPECT_EQ(got, ref) << "gemm_nn " << shape(M, K, N) << " accumulate " << accumulate;
            ref = C0;
            got = C0;
            kernels::ref::gemm_nt(A.data(), B.data(), ref.data(), M, K, N, accumulate);
            kernels::simd::gemm_nt(A.data(), B.data(), got.data(), M, K, N, accumulate);
            EXPECT_EQ(got, ref) << "gemm_nt " << shape(M, K, N) << " accumulate " << accumulate;
            std::vector<float> yref(B.begin(), B.begin() + K), ygot = yref;
            kernels::ref::gemv_t(A.data(), C0.data(), yref.data(), M, K, accumulate);
            kernels::simd::gemv_t(A.data(), C0.data(), ygot.data(), M, K, accumulate);
            EXPECT_EQ(ygot, yref) << "gemv_t " << shape(M, K, 1) << " accumulate " << accumulate;
        }
        auto gref = C0, ggot = C0;
        kernels::ref::ger(A.data(), B.data(), gref.data(), M, N);
        kernels::simd::ger(A.data(), B.data(), ggot.data(), M, N);
        EXPECT_EQ(ggot, gref) << "ger " << shape(M, 1, N);
        gref = C0;
        ggot = C0;
        kernels::ref::ger_rows(A.data(), B.data(), gref.data(), M, K, N);
        kernels::simd::ger_rows(A.data(), B.data(), ggot.data(), M, K, N);
        EXPECT_EQ(ggot, gref) << "ger_rows " << shape(M, K, N);
    }
}

// ---------------------------------------------------------------------------- lstm_gates_backward
// Gates in (0, 1) (g in (-1, 1)), gradients O(1): the outputs are products of a few O(1) factors;
// tanh(c) differs by <= 2.5e-7 relative: max abs 1e-6. dh or dc absent (nullptr) counts as zero.
TEST(Kernels, LstmGatesBackwardMatchesReference) {
    Rng rng(52);
    for (int H : kOddSizes) {
        std::vector<float> gates = uniform_vec(rng, 4 * size_t(H), 0, 1);
        for (int u = 0; u < H; ++u) gates[2 * size_t(H) + u] = 2 * gates[2 * size_t(H) + u] - 1;  // g = tanh
        const auto c_prev = uniform_vec(rng, H, -2, 2), c = uniform_vec(rng, H, -3, 3);
        const auto dh = uniform_vec(rng, H, -1, 1), dc = uniform_vec(rng, H, -1, 1);
        for (int absent = 0; absent < 3; ++absent) {  // 0: both given, 1: no dc, 2: no dh
            const float* dhp = absent == 2 ? nullptr : dh.data();
            const float* dcp = absent == 1 ? nullptr : dc.data();
            std::vector<float> pr(4 * size_t(H)), cr(H), pg(pr.size(), NAN), cg(H, NAN);
            kernels::ref::lstm_gates_backward(gates.data(), c_prev.data(), c.data(), dhp, dcp, pr.data(), cr.data(), H);
            kernels::simd::lstm_gates_backward(gates.data(), c_prev.data(), c.data(), dhp, dcp, pg.data(), cg.data(), H);
            const std::string what = "H=" + std::to_string(H) + " absent=" + std::to_string(absent);
            EXPECT_CLOSE(pg, pr, 1e-12, 1e-6, "lstm dpre " + what);
            EXPECT_CLOSE(cg, cr, 1e-12, 1e-6, "lstm dc_prev " + what);
        }
    }
}

// ------------------------------------------------------------------------------------- adam_update
// The Simd update does the reference's float operations in its order, without fused multiply-adds:
// equal to the bit unless the compiler fused the reference's own (native g++ may): then within
// float rounding of each step, max abs 1e-6 of parameters O(1) after 5 steps.
TEST(Kernels, AdamUpdateMatchesReference) {
    Rng rng(81);
    for (int P : kOddSizes) {
        const auto p0 = uniform_vec(rng, P, -1, 1);
        std::vector<float> pr = p0, pg = p0, mr(P, 0.0f), mg(P, 0.0f), vr(P, 0.0f), vg(P, 0.0f);
        for (int t = 1; t <= 5; ++t) {
            const auto g = uniform_vec(rng, P, -2, 2);
            const double b1 = 1.0 - std::pow(0.9, t), b2 = 1.0 - std::pow(0.999, t);
            const kernels::AdamUpdate u{0.01f, t % 2 ? 0.0f : 0.1f, 0.9f, 0.999f, 1e-8f,
                                        static_cast<float>(0.01 / b1), static_cast<float>(1.0 / std::sqrt(b2)),
                                        t < 3 ? 1.0f : 0.37f};  // a batch's mean and a clip, from step 3
            std::vector<float> gr = g, gg = g;
            kernels::ref::adam_update(u, pr.data(), gr.data(), mr.data(), vr.data(), P);
            kernels::simd::adam_update(u, pg.data(), gg.data(), mg.data(), vg.data(), P);
            EXPECT_EQ(gr, std::vector<float>(P, 0.0f)) << "the reference consumes the gradient";
            EXPECT_EQ(gg, std::vector<float>(P, 0.0f)) << "the Simd update consumes the gradient";
        }
        const std::string what = "adam P=" + std::to_string(P);
        EXPECT_CLOSE(pg, pr, 1e-12, 1e-6, what + " param");
        EXPECT_CLOSE(mg, mr, 1e-12, 1e-6, what + " m");
        EXPECT_CLOSE(vg, vr, 1e-12, 1e-6, what + " v");
    }
}

// ---------------------------------------------------------------------------- scale, sum_squares
// scale is one correctly rounded product per value in both: equal to the bit. sum_squares: the Simd
// path sums float squares within blocks of 256 (kernels.h), within 1e-6 relative of the reference's
// double sum; 1000 and 4099 values span several blocks and end in leftovers.
TEST(Kernels, ScaleAndSumSquaresMatchReference) {
    Rng rng(82);
    std::vector<int> sizes(std::begin(kOddSizes), std::end(kOddSizes));
    sizes.insert(sizes.end(), {1000, 4099});
    for (int P : sizes) {
        const std::string what = "P=" + std::to_string(P);
        const auto x = uniform_vec(rng, P, -3, 3);
        std::vector<float> r = x, g = x;
        kernels::ref::scale(r.data(), P, 0.37f);
        kernels::simd::scale(g.data(), P, 0.37f);
        EXPECT_EQ(g, r) << what;
        const double want = kernels::ref::sum_squares(x.data(), P);
        EXPECT_NEAR(kernels::simd::sum_squares(x.data(), P), want, want * 1e-6) << what;
        double d = 0.0;  // the reference is the definition in double
        for (float v : x) d += double(v) * double(v);
        EXPECT_EQ(want, d) << what;
    }
    // NaN and Inf make the sum non-finite, wherever they are (a vector body, its leftovers)
    for (int at : {0, 5, 1002}) {
        std::vector<float> x(1003, 1.0f);
        x[at] = std::nanf("");
        EXPECT_TRUE(std::isnan(kernels::simd::sum_squares(x.data(), 1003))) << at;
        x[at] = -kInf;
        EXPECT_EQ(kernels::simd::sum_squares(x.data(), 1003), kInf) << at;
    }
}

// ------------------------------------------------------------------- the reference against double
// The oracle must be right too: recompute a few cases in double from their definitions.
TEST(KernelsReference, MatmulAndMatvecAgreeWithDouble) {
    Rng rng(71);
    const int M = 17, K = 65, N = 3;
    const auto A = uniform_vec(rng, M * K, -1, 1), B = uniform_vec(rng, K * N, -1, 1), bias = uniform_vec(rng, 17, -1, 1);
    std::vector<float> C(M * N), Cnt(M * N), y(M);
    kernels::ref::matmul(A.data(), B.data(), bias.data(), C.data(), M, K, N);
    kernels::ref::matmul_nt(A.data(), B.data(), bias.data(), Cnt.data(), M, K, N);
    kernels::ref::matvec(A.data(), B.data(), bias.data(), y.data(), M, K);
    for (int m = 0; m < M; ++m) {
        double yd = bias[m];
        for (int k = 0; k < K; ++k) yd += double(A[m * K + k]) * B[k];
        EXPECT_NEAR(y[m], yd, 1e-5);
        for (int n = 0; n < N; ++n) {
            double c = bias[n], cnt = bias[n];
            for (int k = 0; k < K; ++k) {
                c += double(A[m * K + k]) * B[k * N + n];
                cnt += double(A[m * K + k]) * B[n * K + k];
            }
            EXPECT_NEAR(C[m * N + n], c, 1e-5);
            EXPECT_NEAR(Cnt[m * N + n], cnt, 1e-5);
        }
    }
}

TEST(KernelsReference, BackwardProductsAgreeWithDouble) {
    Rng rng(75);
    const int M = 17, K = 65, N = 3;
    const auto A = uniform_vec(rng, M * K, -1, 1), B = uniform_vec(rng, K * N, -1, 1), x = uniform_vec(rng, M, -1, 1);
    const auto C0 = uniform_vec(rng, M * N, -1, 1), y0 = uniform_vec(rng, K, -1, 1);
    std::vector<float> C = C0, y = y0, G = C0;
    // gemm_tn reads A as [K', M'] = [M, K] here: C[K, N] += A^T[K, M] B'[M, N], B' = B's first M rows
    std::vector<float> Ctn(size_t(K) * N);
    for (size_t i = 0; i < Ctn.size(); ++i) Ctn[i] = 0.5f;
    kernels::ref::gemm_tn(A.data(), B.data(), Ctn.data(), K, M, N, true);
    kernels::ref::gemv_t(A.data(), x.data(), y.data(), M, K, true);
    kernels::ref::ger(x.data(), B.data(), G.data(), M, N);
    kernels::ref::gemm_nn(A.data(), B.data(), C.data(), M, K, N, true);  // C[M, N] += A[M, K] B[K, N]
    for (int m = 0; m < M; ++m)
        for (int n = 0; n < N; ++n) {
            double c = C0[m * N + n];
            for (int k = 0; k < K; ++k) c += double(A[m * K + k]) * B[k * N + n];
            EXPECT_NEAR(C[m * N + n], c, 1e-5) << "gemm_nn " << m << "," << n;
        }
    std::vector<float> Cnt = C0;  // C[M, N] = A[M, K] B'[N, K]^T, B' = B read as [N, K]
    kernels::ref::gemm_nt(A.data(), B.data(), Cnt.data(), M, K, N, false);
    for (int m = 0; m < M; ++m)
        for (int n = 0; n < N; ++n) {
            double c = 0.0;
            for (int k = 0; k < K; ++k) c += double(A[m * K + k]) * B[n * K + k];
            EXPECT_NEAR(Cnt[m * N + n], c, 1e-5) << "gemm_nt " << m << "," << n;
        }
    for (int k = 0; k < K; ++k) {
        double yd = y0[k];
        for (int m = 0; m < M; ++m) yd += double(A[m * K + k]) * x[m];
        EXPECT_NEAR(y[k], yd, 1e-5) << "gemv_t " << k;
        for (int n = 0; n < N; ++n) {
            double c = 0.5;
            for (int m = 0; m < M; ++m) c += double(A[m * K + k]) * B[m * N + n];
            EXPECT_NEAR(Ctn[k * N + n], c, 1e-5) << "gemm_tn " << k << "," << n;
        }
    }
    for (int m = 0; m < M; ++m)
        for (int n = 0; n < N; ++n) EXPECT_NEAR(G[m * N + n], C0[m * N + n] + double(x[m]) * B[n], 1e-6) << "ger";
}

TEST(KernelsReference, LstmPreactivationsAreTwoMatvecsAdded) {
    // the reference is matvec(W_ih, x, b_ih) + matvec(W_hh, h, b_hh), to the bit (what lstm.cpp computed)
    Rng rng(78);
    const int H = 5, In = 3;
    const auto W_ih = uniform_vec(rng, 4 * H * In, -1, 1), W_hh = uniform_vec(rng, 4 * H * H, -1, 1);
    const auto x = uniform_vec(rng, In, -1, 1), h = uniform_vec(rng, H, -1, 1);
    const auto b_ih = uniform_vec(rng, 4 * H, -1, 1), b_hh = uniform_vec(rng, 4 * H, -1, 1);
    std::vector<float> pre(4 * H), a(4 * H), b(4 * H);
    kernels::ref::lstm_preactivations(W_ih.data(), x.data(), b_ih.data(), W_hh.data(), h.data(), b_hh.data(), pre.data(),
                                      H, In);
    kernels::ref::matvec(W_ih.data(), x.data(), b_ih.data(), a.data(), 4 * H, In);
    kernels::ref::matvec(W_hh.data(), h.data(), b_hh.data(), b.data(), 4 * H, H);
    for (int m = 0; m < 4 * H; ++m) EXPECT_EQ(pre[m], a[m] + b[m]) << m;
}

TEST(KernelsReference, LstmPreactivationsFromAKnownInputPartAreTheSame) {
    // pre_x = matmul_nt's row (b_ih + W_ih x, summed as matvec sums), then lstm_preactivations_h: the floats
    // of lstm_preactivations, to the bit (lstm_forward takes this route for layer 0)
    Rng rng(79);
    const int H = 5, In = 3, T = 2;
    const auto W_ih = uniform_vec(rng, 4 * H * In, -1, 1), W_hh = uniform_vec(rng, 4 * H * H, -1, 1);
    const auto X = uniform_vec(rng, T * In, -1, 1), h = uniform_vec(rng, H, -1, 1);
    const auto b_ih = uniform_vec(rng, 4 * H, -1, 1), b_hh = uniform_vec(rng, 4 * H, -1, 1);
    std::vector<float> pre_x(T * 4 * H), pre(4 * H), direct(4 * H);
    kernels::ref::matmul_nt(X.data(), W_ih.data(), b_ih.data(), pre_x.data(), T, In, 4 * H);
    for (int t = 0; t < T; ++t) {
        kernels::ref::lstm_preactivations_h(pre_x.data() + t * 4 * H, W_hh.data(), h.data(), b_hh.data(), pre.data(), H);
        kernels::ref::lstm_preactivations(W_ih.data(), X.data() + t * In, b_ih.data(), W_hh.data(), h.data(), b_hh.data(),
                                          direct.data(), H, In);
        EXPECT_EQ(pre, direct) << "t=" << t;
    }
}

TEST(KernelsReference, GerRowsIsOneGerPerRow) {
    // ger_rows is defined as K calls of ger in the order of k: the same floats, to the bit
    Rng rng(77);
    const int M = 9, K = 5, N = 7;
    const auto A = uniform_vec(rng, K * M, -1, 1), B = uniform_vec(rng, K * N, -1, 1), G0 = uniform_vec(rng, M * N, -1, 1);
    std::vector<float> rows = G0, one_by_one = G0;
    kernels::ref::ger_rows(A.data(), B.data(), rows.data(), M, K, N);
    for (int k = 0; k < K; ++k) kernels::ref::ger(A.data() + k * M, B.data() + k * N, one_by_one.data(), M, N);
    EXPECT_EQ(rows, one_by_one);
    EXPECT_NE(rows, G0);
}

TEST(KernelsReference, LstmGatesBackwardAgreesWithFiniteDifferences) {
    // d(loss)/d(pre) and d(loss)/d(c_prev) for loss = dh . h + dc . c, by central differences in double
    Rng rng(76);
    const int H = 5;
    const auto pre = uniform_vec(rng, 4 * H, -2, 2), c_prev = uniform_vec(rng, H, -1, 1);
    const auto dh = uniform_vec(rng, H, -1, 1), dc = uniform_vec(rng, H, -1, 1);
    std::vector<float> gates(4 * H), h(H), c(H), dpre(4 * H), dc_prev(H);
    kernels::ref::lstm_gates(pre.data(), c_prev.data(), gates.data(), h.data(), c.data(), H);
    kernels::ref::lstm_gates_backward(gates.data(), c_prev.data(), c.data(), dh.data(), dc.data(), dpre.data(),
                                      dc_prev.data(), H);
    const auto loss = [&](std::vector<double> p, std::vector<double> cp) {
        double l = 0;
        for (int u = 0; u < H; ++u) {
            const double cu = sigmoid_d(p[H + u]) * cp[u] + sigmoid_d(p[u]) * std::tanh(p[2 * H + u]);
            l += dh[u] * sigmoid_d(p[3 * H + u]) * std::tanh(cu) + dc[u] * cu;
        }
        return l;
    };
    const std::vector<double> p(pre.begin(), pre.end()), cp(c_prev.begin(), c_prev.end());
    const double e = 1e-5;
    for (int j = 0; j < 4 * H; ++j) {
        auto hi = p, lo = p;
        hi[j] += e;
        lo[j] -= e;
        EXPECT_NEAR(dpre[j], (loss(hi, cp) - loss(lo, cp)) / (2 * e), 1e-5) << "dpre " << j;
    }
    for (int u = 0; u < H; ++u) {
        auto hi = cp, lo = cp;
        hi[u] += e;
        lo[u] -= e;
        EXPECT_NEAR(dc_prev[u], (loss(p, hi) - loss(p, lo)) / (2 * e), 1e-5) << "dc_prev " << u;
    }
}

TEST(KernelsReference, AdamUpdateAgreesWithDouble) {
    // one step from nonzero moments, with weight decay, recomputed in double from the formulas
    const float p0[3] = {0.5f, -1.25f, 2.0f}, g[3] = {0.1f, -3.0f, 0.0f}, m0[3] = {0.02f, -0.1f, 0.3f},
                v0[3] = {0.001f, 0.02f, 0.5f};
    float p[3], m[3], v[3], grad[3];
    std::copy(g, g + 3, grad);
    std::copy(p0, p0 + 3, p);
    std::copy(m0, m0 + 3, m);
    std::copy(v0, v0 + 3, v);
    const kernels::AdamUpdate u{0.01f, 0.1f, 0.9f, 0.999f, 1e-8f, 0.05f, 1.5f};
    kernels::ref::adam_update(u, p, grad, m, v, 3);
    const double b1 = 0.9f, b2 = 0.999f;  // the floats the kernel reads (1 - b in float is exact)
    for (int i = 0; i < 3; ++i) {
        const double md = b1 * m0[i] + (1 - b1) * g[i], vd = b2 * v0[i] + (1 - b2) * double(g[i]) * g[i];
        const double pd = p0[i] * (1 - double(0.01f) * double(0.1f)) - 0.05 * md / (std::sqrt(vd) * 1.5 + double(1e-8f));
        EXPECT_NEAR(m[i], md, 1e-7) << i;
        EXPECT_NEAR(v[i], vd, 1e-7) << i;
        EXPECT_NEAR(p[i], pd, 1e-6) << i;
    }
}

TEST(KernelsReference, SoftmaxRowsAgreesWithDouble) {
    Rng rng(74);
    const int rows = 3, cols = 9;
    for (float temperature : {1.0f, 0.25f, 4.0f}) {
        auto x = uniform_vec(rng, rows * cols, -5, 5);
        x[2] = -kInf;                                                   // one masked entry in row 0
        for (int c = 0; c < cols; ++c) x[2 * cols + c] = -kInf;         // row 2 fully masked
        auto y = x;
        kernels::ref::softmax_rows(y.data(), rows, cols, temperature);
        for (int r = 0; r < 2; ++r) {
            double mx = -INFINITY, z = 0;
            for (int c = 0; c < cols; ++c) mx = std::max(mx, double(x[r * cols + c]) / temperature);
            for (int c = 0; c < cols; ++c) z += std::exp(double(x[r * cols + c]) / temperature - mx);
            for (int c = 0; c < cols; ++c)
                EXPECT_NEAR(y[r * cols + c], std::exp(double(x[r * cols + c]) / temperature - mx) / z, 1e-6)
                    << "T=" << temperature << " " << r << "," << c;
        }
        EXPECT_EQ(y[2], 0.0f);
        for (int c = 0; c < cols; ++c) EXPECT_EQ(y[2 * cols + c], 0.0f) << "fully masked row";
    }
}

TEST(KernelsReference, AttentionHeadAgreesWithDouble) {
    Rng rng(72);
    const int Tq = 5, Tk = 7, Dk = 4, Dv = 3;
    const auto q = uniform_vec(rng, Tq * Dk, -2, 2), k = uniform_vec(rng, Tk * Dk, -2, 2), v = uniform_vec(rng, Tk * Dv, -1, 1);
    auto mask = make_mask(rng, MaskKind::Causal, Tq, Tk);
    for (int j = 0; j < Tk; ++j) mask[1 * Tk + j] = -kInf;  // row 1 fully masked
    const float scale = 0.5f / 0.7f;
    std::vector<float> w(Tq * Tk), out(Tq * Dv);
    kernels::ref::attention_head(q.data(), k.data(), v.data(), mask.data(), scale, w.data(), out.data(), Tq, Tk, Dk, Dv);
    for (int i = 0; i < Tq; ++i) {
        std::vector<double> s(Tk);
        double mx = -INFINITY;
        for (int j = 0; j < Tk; ++j) {
            double dot = 0;
            for (int d = 0; d < Dk; ++d) dot += double(q[i * Dk + d]) * k[j * Dk + d];
            s[j] = dot * scale + mask[i * Tk + j];
            mx = std::max(mx, s[j]);
        }
        double z = 0;
        for (int j = 0; j < Tk; ++j) z += mx == -INFINITY ? 0.0 : std::exp(s[j] - mx);
        for (int d = 0; d < Dv; ++d) {
            double o = 0;
            for (int j = 0; j < Tk; ++j) {
                const double wd = z > 0 ? std::exp(s[j] - mx) / z : 0.0;
                if (d == 0) {
                    EXPECT_NEAR(w[i * Tk + j], wd, 1e-6) << i << "," << j;
                }
                o += wd * v[j * Dv + d];
            }
            EXPECT_NEAR(out[i * Dv + d], o, 1e-6) << i << "," << d;
        }
    }
    for (int d = 0; d < Dv; ++d) EXPECT_EQ(out[1 * Dv + d], 0.0f) << "fully masked row";
}

TEST(KernelsReference, LstmAndPoolAgreeWithDouble) {
    Rng rng(73);
    const int H = 5;
    const auto pre = uniform_vec(rng, 4 * H, -3, 3), c_prev = uniform_vec(rng, H, -1, 1);
    std::vector<float> gates(4 * H), h(H), c(H);
    kernels::ref::lstm_gates(pre.data(), c_prev.data(), gates.data(), h.data(), c.data(), H);
    for (int u = 0; u < H; ++u) {
        const double i = sigmoid_d(pre[u]), f = sigmoid_d(pre[H + u]), g = std::tanh(double(pre[2 * H + u])),
                     o = sigmoid_d(pre[3 * H + u]);
        const double cd = f * c_prev[u] + i * g;
        EXPECT_NEAR(gates[2 * H + u], g, 1e-6);
        EXPECT_NEAR(c[u], cd, 1e-6);
        EXPECT_NEAR(h[u], o * std::tanh(cd), 1e-6);
    }

    const int B = 2, T = 6, Hp = 4;
    const auto X = uniform_vec(rng, B * T * Hp, -1, 1), W1 = uniform_vec(rng, Hp * Hp, -0.5, 0.5),
               b1 = uniform_vec(rng, Hp, -0.5, 0.5), w2 = uniform_vec(rng, Hp, -1, 1);
    const float b2 = 0.25f;
    std::vector<float> w(B * T), out(B * Hp), scratch(T * Hp);
    kernels::ref::attention_pool(X.data(), W1.data(), b1.data(), w2.data(), b2, w.data(), out.data(), scratch.data(), B, T, Hp);
    for (int b = 0; b < B; ++b) {
        std::vector<double> s(T);
        for (int t = 0; t < T; ++t) {
            s[t] = b2;
            for (int u = 0; u < Hp; ++u) {
                double e = b1[u];
                for (int k = 0; k < Hp; ++k) e += double(W1[u * Hp + k]) * X[(b * T + t) * Hp + k];
                s[t] += w2[u] * std::tanh(e);
            }
        }
        const double mx = *std::max_element(s.begin(), s.end());
        double z = 0;
        for (double v : s) z += std::exp(v - mx);
        for (int u = 0; u < Hp; ++u) {
            double o = 0;
            for (int t = 0; t < T; ++t) o += std::exp(s[t] - mx) / z * X[(b * T + t) * Hp + u];
            EXPECT_NEAR(out[b * Hp + u], o, 1e-6);
        }
        for (int t = 0; t < T; ++t) EXPECT_NEAR(w[b * T + t], std::exp(s[t] - mx) / z, 1e-6);
    }
}

}  // namespace
}  // namespace attn
