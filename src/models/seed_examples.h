// seed_examples.h: the small worked examples of the seeds, computed by the engine, for the page's
// first window and for tests. Not trained models (those are in models/*.h and assets/models/).
// Test: tests/unit/test_seed_examples.cpp; e2e: tests/e2e/page.test.mjs compares the page with attn_cli.
#pragma once

#include "kernels/kernels.h"
#include "nn/attention_scores.h"
#include "trace/trace.h"

#include <array>
#include <cstdint>

namespace attn {

// Seed 001, "Step 2: Create Sample Input": batch 1, 4 encoder steps, hidden size 8, a fixed seed.
// encoder_outputs ~ N(0,1) [4, 8] (keys = values), decoder_hidden ~ N(0,1) [8] (the query), drawn from
// Rng(seed) in that order; then one scaled dot-product attention step: scores = K q, scaled by
// 1/sqrt(8), softmax, context = weights V.
constexpr uint64_t kSeed001Seed = 0;
constexpr int kSeed001SeqLen = 4;
constexpr int kSeed001Hidden = 8;
AttentionTrace seed001_scaled_dot_example(Backend backend, uint64_t seed = kSeed001Seed);

// Seed 001, "Step 1" to "Step 4": its Attention(hidden_dim) module on the same sample input.
//   attn = Linear(2 * hidden -> hidden), v = torch.rand(hidden)
//   energy = tanh(attn(cat(hidden, encoder_output)))  for every encoder step
//   scores = v . energy;  weights = softmax(scores);  context = weights encoder_outputs
// Drawn from Rng(seed) in the seed's order: encoder_outputs, decoder_hidden, then the module's
// weights (attn.W, attn.b uniform in +-1/sqrt(16) as nn.Linear; v uniform in [0, 1) as torch.rand).
// Our generator is not PyTorch's, so the numbers differ from the notebook's; the computation does not.
struct Seed001Attention {
    Mat encoder_outputs;  // [seq_len, hidden]: the one sequence of the batch
    Mat decoder_hidden;   // [1, hidden]
    ScoreWeights module;  // W = attn [hidden, 2 * hidden], v [hidden]
    Mat context;          // [1, hidden]
    Mat weights;          // [1, seq_len]
    AttentionTrace trace; // every stage, energies included ([seq_len, hidden])
    int batch() const { return static_cast<int>(decoder_hidden.rows()); }
    // The shapes the notebook prints: context [batch, 1, hidden], attn_weights [batch, seq_len].
    std::array<long, 3> context_shape() const { return {batch(), context.rows() / batch(), context.cols()}; }
    std::array<long, 2> weights_shape() const { return {batch(), weights.cols()}; }
};
Seed001Attention seed001_attention_example(Backend backend, uint64_t seed = kSeed001Seed);

}  // namespace attn
