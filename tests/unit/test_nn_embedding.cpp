// test_nn_embedding.cpp: Embedding lookup against the table, scatter-add backward by finite
// differences (with repeated ids), and the errors for bad ids and shapes.
#include "core/check.h"
#include "core/rng.h"
#include "gradcheck.h"
#include "nn/embedding.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace attn {
namespace {

TEST(Embedding, ForwardCopiesTheRowOfEachId) {
    Rng rng(11);
    const Embedding e = embedding_init(rng, 7, 5);
    EXPECT_EQ(e.vocab_size(), 7);
    EXPECT_EQ(e.dim(), 5);
    EXPECT_EQ(e.parameter_count(), 7 * 5);
    const std::vector<int> ids = {3, 0, 6, 3};
    const Mat out = embedding_forward(e, ids);
    ASSERT_EQ(out.rows(), 4);
    ASSERT_EQ(out.cols(), 5);
    for (int t = 0; t < 4; ++t)
        for (int d = 0; d < 5; ++d) EXPECT_EQ(out(t, d), e.table(ids[t], d)) << "t=" << t << " d=" << d;
    EXPECT_EQ(embedding_forward(e, {}).rows(), 0);
}

TEST(Embedding, BackwardScatterAddsAndMatchesFiniteDifferences) {
    Rng rng(12);
    Embedding e = embedding_init(rng, 6, 4);
    const std::vector<int> ids = {2, 5, 2, 0, 2};  // id 2 three times: its row must collect all three
    const Mat R = rng.normal_mat(5, 4);
    EmbeddingGrad g;
    g.zero_like(e);
    embedding_backward(e, ids, R, g);
    // By hand: row 2 is the sum of R's rows 0, 2, 4; rows never looked up stay exactly 0.
    for (int d = 0; d < 4; ++d) {
        EXPECT_FLOAT_EQ(g.dtable(2, d), R(0, d) + R(2, d) + R(4, d));
        EXPECT_EQ(g.dtable(1, d), 0.0f);
        EXPECT_EQ(g.dtable(3, d), 0.0f);
        EXPECT_EQ(g.dtable(4, d), 0.0f);
    }
    auto loss = [&] { return testing::weighted_sum(embedding_forward(e, ids), R); };
    testing::expect_grad_near("dtable", e.table, g.dtable, loss, testing::kTightGrad);

    // Gradients accumulate across calls, as every *_backward does.
    embedding_backward(e, ids, R, g);
    EXPECT_FLOAT_EQ(g.dtable(5, 1), 2.0f * R(1, 1));
}

TEST(Embedding, OutOfRangeIdNamesTheIdAndTheVocabularySize) {
    Rng rng(13);
    const Embedding e = embedding_init(rng, 10, 3);
    for (int bad : {10, -1, 1000}) {
        try {
            embedding_forward(e, {1, 2, bad});
            FAIL() << "expected std::out_of_range for id " << bad;
        } catch (const std::out_of_range& err) {
            EXPECT_EQ(std::string(err.what()),
                      "embedding_forward: token id " + std::to_string(bad) +
                          " at position 2 is out of range for vocabulary size V = 10 (valid ids are 0 to V - 1)");
        }
    }
    EmbeddingGrad g;
    g.zero_like(e);
    EXPECT_THROW(embedding_backward(e, {11}, Mat::Zero(1, 3), g), std::out_of_range);
}

TEST(Embedding, BackwardShapeMismatchNamesOpAndShapes) {
    Rng rng(14);
    const Embedding e = embedding_init(rng, 10, 3);
    EmbeddingGrad g;
    g.zero_like(e);
    try {
        embedding_backward(e, {1, 2}, Mat::Zero(2, 4), g);
        FAIL() << "expected ShapeError";
    } catch (const ShapeError& err) {
        EXPECT_STREQ(err.what(), "embedding_backward: shape mismatch: dout [2, 4] vs table [10, 3]");
    }
}

}  // namespace
}  // namespace attn
