// test_trainer.cpp: the shared training loop is deterministic and learns; stepped one batch at a time
// (Trainer) it is train_loop exactly, with its state readable between steps; pairs load with clear errors.
#include "core/rng.h"
#include "nn/linear.h"
#include "nn/optim.h"
#include "train/trainer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <vector>

namespace attn {
namespace {

// Fit y = W x + b to a fixed random linear map with noise: a problem with a known, reachable optimum.
struct LinearFit {
    Linear model;
    LinearGrad grad;
    Mat X, Y;
    explicit LinearFit(uint64_t seed) {
        Rng rng(seed);
        model = linear_init(rng, 5, 3);
        grad.zero_like(model);
        X = rng.normal_mat(200, 5);
        const Mat W = rng.normal_mat(3, 5);
        Y = X * W.transpose() + 0.01f * rng.normal_mat(200, 3);
    }
    ParamList params() { return {param_grad("W", model.W, grad.dW), param_grad("b", model.b, grad.db)}; }
    double example_loss(int i) {
        const Mat x = X.row(i);
        const Mat y = linear_forward(model, x);
        const Mat diff = y - Y.row(i);
        linear_backward(model, x, diff, grad);  // d(0.5*|diff|^2)/dy = diff
        return 0.5 * diff.squaredNorm();
    }
};

TrainLog run(LinearFit& fit, int epochs) {
    TrainConfig c;
    c.seed = 7;
    c.epochs = epochs;
    c.batch_size = 8;
    c.adam.lr = 0.05f;
    c.adam.max_grad_norm = 5.0f;
    return train_loop(c, fit.params(), static_cast<int>(fit.X.rows()), [&](int i) { return fit.example_loss(i); });
}

TEST(Trainer, SameSeedGivesBitIdenticalLossesAndWeights) {
    LinearFit a(3), b(3);
    const TrainLog la = run(a, 4), lb = run(b, 4);
    ASSERT_EQ(la.step_losses.size(), lb.step_losses.size());
    for (size_t i = 0; i < la.step_losses.size(); ++i) EXPECT_EQ(la.step_losses[i], lb.step_losses[i]) << i;
    EXPECT_EQ(0, std::memcmp(a.model.W.data(), b.model.W.data(), sizeof(float) * a.model.W.size()));
}

TEST(Trainer, SteppedOneBatchAtATimeIsTrainLoopExactly) {
    LinearFit whole(5), stepped(5);
    const TrainLog log = run(whole, 3);
    TrainConfig c;
    c.seed = 7;
    c.epochs = 3;
    c.batch_size = 8;
    c.adam.lr = 0.05f;
    c.adam.max_grad_norm = 5.0f;
    Trainer t(c, stepped.params(), static_cast<int>(stepped.X.rows()));
    EXPECT_EQ(t.total_steps(), 3 * 25);
    std::vector<double> losses;
    while (!t.done()) {
        losses.push_back(t.step([&](int i) { return stepped.example_loss(i); }));
        // Between steps the caller may do anything (draw a frame, run the model on a probe sentence):
        // the gradients are the next step's to zero, nothing else is shared.
        stepped.grad.zero_like(stepped.model);
        (void)linear_forward(stepped.model, stepped.X.row(0));
    }
    ASSERT_EQ(losses, log.step_losses);
    EXPECT_EQ(t.step_losses(), log.step_losses);
    EXPECT_EQ(0, std::memcmp(whole.model.W.data(), stepped.model.W.data(), sizeof(float) * whole.model.W.size()));
    EXPECT_EQ(0, std::memcmp(whole.model.b.data(), stepped.model.b.data(), sizeof(float) * whole.model.b.size()));
    EXPECT_THROW(t.step([&](int i) { return stepped.example_loss(i); }), std::logic_error);
}

TEST(Trainer, StateBetweenStepsSaysWhereItIs) {
    LinearFit fit(6);
    TrainConfig c;
    c.seed = 9;
    c.epochs = 2;
    c.batch_size = 64;  // 200 examples: batches of 64, 64, 64 and 8
    c.adam.lr = 0.01f;
    c.final_lr_fraction = 0.1f;
    Trainer t(c, fit.params(), 200);
    EXPECT_EQ(t.steps_per_epoch(), 4);
    EXPECT_FLOAT_EQ(t.next_lr(), 0.01f);
    for (int epoch = 0; epoch < 2; ++epoch) {
        std::vector<int> seen;
        for (int b = 0; b < 4; ++b) {
            EXPECT_EQ(t.epoch(), epoch);
            const std::vector<int> batch = t.next_batch();
            EXPECT_EQ(batch.size(), b < 3 ? 64u : 8u);
            seen.insert(seen.end(), batch.begin(), batch.end());
            std::vector<int> used;
            t.step([&](int i) { used.push_back(i); return fit.example_loss(i); });
            EXPECT_EQ(used, batch) << "the step ran the batch it announced";
        }
        std::sort(seen.begin(), seen.end());
        for (int i = 0; i < 200; ++i) ASSERT_EQ(seen[i], i) << "each epoch sees every example once";
    }
    EXPECT_TRUE(t.done());
    EXPECT_EQ(t.steps(), 8);
    EXPECT_TRUE(t.next_batch().empty());
    EXPECT_FLOAT_EQ(t.next_lr(), 0.01f * 0.1f);  // the rate decayed to its final fraction
    EXPECT_THROW(Trainer(c, fit.params(), 0), std::invalid_argument);
}

TEST(Trainer, LossFalls) {
    LinearFit fit(4);
    const TrainLog log = run(fit, 20);
    EXPECT_EQ(log.steps, 20 * 25);
    double first = 0, last = 0;
    for (int i = 0; i < 25; ++i) first += log.step_losses[i];
    for (int i = log.steps - 25; i < log.steps; ++i) last += log.step_losses[i];
    EXPECT_LT(last, first * 0.01) << "first epoch " << first / 25 << ", last epoch " << last / 25;
}

TEST(Trainer, LoadPairsReadsTsvAndNamesBadLines) {
    const std::string path = ::testing::TempDir() + "pairs.tsv";
    {
        std::ofstream out(path);
        out << "let's go\tvamos\r\n\nto go\tir\n";
    }
    const auto pairs = load_pairs(path);
    ASSERT_EQ(pairs.size(), 2u);
    EXPECT_EQ(pairs[0].source, "let's go");
    EXPECT_EQ(pairs[0].target, "vamos");
    {
        std::ofstream out(path);
        out << "ok\tfine\nno tab here\n";
    }
    try {
        load_pairs(path);
        FAIL() << "expected an error";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("pairs.tsv:2"), std::string::npos) << e.what();
    }
    std::remove(path.c_str());
}

}  // namespace
}  // namespace attn
