// test_normalizers.cpp: every row of the normalizers table (nn/normalizers.h) without naming one: each
// gives a distribution per row (masked keys exactly 0, an all-masked row all 0, never NaN), its SIMD
// path equals its scalar reference at odd sizes, its backward equals central finite differences, its
// name round-trips. A new row is tested here without an edit; what is particular to one normalizer
// (its definition) is checked at the end of this file.
#include "core/check.h"
#include "core/rng.h"
#include "nn/normalizers.h"

#include "gradcheck.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <set>
#include <string>

namespace attn {
namespace {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();
constexpr int kOddSizes[] = {1, 3, 17, 65, 257};

// Rows whose entries are a shuffled arithmetic sequence (gap `gap`): no ties, and no two entries so
// close that a finite-difference step changes their order or which keys a normalizer keeps.
Mat spaced_logits(Rng& rng, int rows, int cols, float gap) {
    Mat Z(rows, cols);
    for (int r = 0; r < rows; ++r) {
        std::vector<int> order(cols);
        for (int c = 0; c < cols; ++c) order[c] = c;
        for (int c = cols - 1; c > 0; --c) std::swap(order[c], order[static_cast<int>(rng.uniform() * (c + 1)) % (c + 1)]);
        for (int c = 0; c < cols; ++c) Z(r, c) = gap * (order[c] - 0.5f * cols) + 0.01f * rng.uniform();
    }
    return Z;
}

TEST(Normalizers, TheTableIsInTheOrderOfTheEnumAndComplete) {
    std::set<std::string> names, widgets;
    std::set<int> gpu_codes;
    for (size_t i = 0; i < normalizers().size(); ++i) {
        const NormalizerInfo& n = normalizers()[i];
        EXPECT_EQ(static_cast<size_t>(n.id), i) << n.name;
        EXPECT_EQ(&normalizer_info(n.id), &n);
        EXPECT_TRUE(names.insert(n.name).second) << "two rows named " << n.name;
        EXPECT_TRUE(widgets.insert(n.widget).second) << "two rows with widget " << n.widget;
        if (n.gpu_code >= 0) {
            EXPECT_TRUE(gpu_codes.insert(n.gpu_code).second) << n.name;
        }
        for (const char* text : {n.label, n.summary, n.title, n.explanation}) EXPECT_GT(std::strlen(text), 0u) << n.name;
        ASSERT_NE(n.forward, nullptr) << n.name;
        ASSERT_NE(n.backward, nullptr) << n.name;
        Normalizer back;
        ASSERT_TRUE(parse_normalizer(n.name, &back));
        EXPECT_EQ(back, n.id);
        EXPECT_NE(normalizer_names().find(n.name), std::string::npos);
    }
    Normalizer n;
    EXPECT_FALSE(parse_normalizer("", &n));
    EXPECT_FALSE(parse_normalizer("Soft", &n));
}

TEST(Normalizers, EveryRowIsADistributionAndMaskedKeysGetZero) {
    Rng rng(seed_from_name("normalizers/distribution"));
    for (const NormalizerInfo& n : normalizers())
        for (Backend b : {Backend::Scalar, Backend::Simd})
            for (int cols : kOddSizes) {
                SCOPED_TRACE(std::string(n.name) + " " + backend_name(b) + " cols " + std::to_string(cols));
                Mat Z = rng.normal_mat(4, cols) * 3.0f;
                for (int c = 0; c < cols; c += 3) Z(1, c) = kNegInf;  // some masked (all of a row of 1)
                Z.row(2).setConstant(kNegInf);                        // all masked
                const Mat W = n.forward(Z, 2, b);
                ASSERT_EQ(W.rows(), 4);
                ASSERT_EQ(W.cols(), cols);
                ASSERT_TRUE(W.allFinite());
                EXPECT_GE(W.minCoeff(), 0.0f);
                for (int r = 0; r < 4; ++r) {
                    const bool all_masked = (Z.row(r).array() == kNegInf).all();
                    EXPECT_NEAR(W.row(r).sum(), all_masked ? 0.0f : 1.0f, 1e-5f) << "row " << r;
                    for (int c = 0; c < cols; ++c) {
                        if (Z(r, c) == kNegInf) { EXPECT_EQ(W(r, c), 0.0f) << "row " << r << " col " << c; }
                    }
                }
            }
}

// The SIMD path (or the reference again, for a row without one) beside the scalar reference.
TEST(Normalizers, SimdEqualsTheScalarReferenceAtOddSizes) {
    Rng rng(seed_from_name("normalizers/simd"));
    for (const NormalizerInfo& n : normalizers())
        for (int cols : kOddSizes)
            for (float spread : {0.5f, 4.0f}) {
                SCOPED_TRACE(std::string(n.name) + " cols " + std::to_string(cols) + " spread " + std::to_string(spread));
                Mat Z = rng.normal_mat(5, cols) * spread;
                for (int c = 1; c < cols; c += 4) Z(3, c) = kNegInf;
                const Mat ref = n.forward(Z, 3, Backend::Scalar);
                const Mat simd = n.forward(Z, 3, Backend::Simd);
                // the SIMD exp is within a few ulps of std::exp; the weights differ by rounding only
                EXPECT_LE((ref - simd).cwiseAbs().maxCoeff(), 1e-5f);
            }
}

TEST(Normalizers, BackwardEqualsCentralFiniteDifferences) {
    Rng rng(seed_from_name("normalizers/backward"));
    for (const NormalizerInfo& n : normalizers())
        for (int cols : {1, 3, 7}) {
            SCOPED_TRACE(std::string(n.name) + " cols " + std::to_string(cols));
            Mat Z = spaced_logits(rng, 3, cols, 0.3f);
            const Mat R = rng.normal_mat(3, cols);
            const Mat W = n.forward(Z, 2, Backend::Scalar);
            const Mat dZ = n.backward(W, R);
            auto loss = [&] { return testing::weighted_sum(n.forward(Z, 2, Backend::Scalar), R); };
            testing::expect_grad_near("dZ", Z, dZ, loss, {1e-3, 2e-2, 2e-3});
        }
}

// A sharp row (one score far above the rest): a sparse normalizer gives the others exactly 0; the
// others give every visible key some weight.
TEST(Normalizers, SparseRowsGiveExactZerosToASharpQuery) {
    Mat Z(1, 5);
    Z << 0.1f, 3.0f, -0.4f, 0.3f, 0.0f;
    for (const NormalizerInfo& n : normalizers())
        for (Backend b : {Backend::Scalar, Backend::Simd}) {
            const Mat W = n.forward(Z, 2, b);
            const long zeros = (W.array() == 0.0f).count();
            if (n.sparse) {
                EXPECT_GE(zeros, 3) << n.name << " " << backend_name(b);
            } else {
                EXPECT_EQ(zeros, 0) << n.name << " " << backend_name(b);
            }
            EXPECT_EQ(W(0, 1), W.maxCoeff()) << n.name;
        }
}

TEST(Normalizers, BackwardChecksShapes) {
    for (const NormalizerInfo& n : normalizers())
        EXPECT_THROW(normalize_backward(n.id, Mat::Zero(2, 3), Mat::Zero(3, 2)), ShapeError) << n.name;
}

// ---- sparsemax from its definition (Martins and Astudillo 2016): w is the point of the simplex
// nearest to z, i.e. w_j = max(z_j - tau, 0) with sum w = 1 (the KKT conditions of the projection).

TEST(Sparsemax, IsTheEuclideanProjectionOntoTheSimplex) {
    Mat Z(1, 3);
    Z << 0.5f, 0.1f, -1.0f;  // sorted: the support is {0.5, 0.1}, tau = (0.6 - 1) / 2 = -0.2
    for (Backend b : {Backend::Scalar, Backend::Simd}) {
        const Mat W = normalize_forward(Normalizer::Sparsemax, 0, Z, b);
        EXPECT_NEAR(W(0, 0), 0.7f, 1e-6f);
        EXPECT_NEAR(W(0, 1), 0.3f, 1e-6f);
        EXPECT_EQ(W(0, 2), 0.0f);
    }
    Rng rng(seed_from_name("sparsemax/projection"));
    for (int cols : kOddSizes) {
        const Mat Z2 = rng.normal_mat(4, cols) * 2.0f;
        const Mat W = normalize_forward(Normalizer::Sparsemax, 0, Z2, Backend::Scalar);
        for (int r = 0; r < 4; ++r) {
            // one threshold: every kept entry is z_j - tau, every dropped one has z_j <= tau
            double tau = 0;
            int kept = 0;
            for (int c = 0; c < cols; ++c)
                if (W(r, c) > 0) {
                    tau += Z2(r, c) - W(r, c);
                    ++kept;
                }
            ASSERT_GT(kept, 0);
            tau /= kept;
            for (int c = 0; c < cols; ++c) {
                if (W(r, c) > 0) {
                    EXPECT_NEAR(Z2(r, c) - W(r, c), tau, 1e-5) << "row " << r << " col " << c;
                } else {
                    EXPECT_LE(Z2(r, c), tau + 1e-5) << "row " << r << " col " << c;
                }
            }
            EXPECT_NEAR(W.row(r).sum(), 1.0f, 1e-5f);
        }
    }
    // shifting every score by a constant changes nothing; scaling them up makes the weights sparser
    const Mat A = rng.normal_mat(1, 17);
    const Mat wa = normalize_forward(Normalizer::Sparsemax, 0, A, Backend::Scalar);
    const Mat wb = normalize_forward(Normalizer::Sparsemax, 0, Mat(A.array() + 3.0f), Backend::Scalar);
    EXPECT_LT((wa - wb).cwiseAbs().maxCoeff(), 1e-5f);
    const Mat sharp = normalize_forward(Normalizer::Sparsemax, 0, Mat(A * 10.0f), Backend::Scalar);
    EXPECT_GE((sharp.array() == 0.0f).count(), (wa.array() == 0.0f).count());
    EXPECT_GT((sharp.array() == 0.0f).count(), 0);
}

}  // namespace
}  // namespace attn
