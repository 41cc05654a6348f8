// seed_examples.h: the small worked examples of the seeds, computed by the engine, for the page's
// first window and for tests. Not trained models (those are in models/*.h and assets/models/).
// Test: tests/unit/test_seed_examples.cpp; e2e: tests/e2e/page.test.mjs compares the page with attn_cli.
#pragma once

#include "kernels/kernels.h"
#include "trace/trace.h"

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

}  // namespace attn
