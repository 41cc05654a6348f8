// seed_examples.cpp: see seed_examples.h.
#include "models/seed_examples.h"

#include "core/rng.h"

#include <cmath>

namespace attn {

AttentionTrace seed001_scaled_dot_example(Backend backend, uint64_t seed) {
    Rng rng(seed);
    AttentionTrace t;
    t.kind = "scaled_dot";
    t.form = "cross";
    t.keys = rng.normal_mat(kSeed001SeqLen, kSeed001Hidden);  // encoder_outputs
    t.values = t.keys;
    t.query = rng.normal_mat(1, kSeed001Hidden);              // decoder_hidden
    const int T = kSeed001SeqLen, D = kSeed001Hidden;
    t.scale = 1.0f / std::sqrt(static_cast<float>(D));

    // pass 1: query dot key, for every encoder step
    t.scores.resize(1, T);
    kernels::matvec(backend, t.keys.data(), t.query.data(), nullptr, t.scores.data(), T, D);
    // pass 2: scale by 1/sqrt(d_k)
    t.scaled = t.scores * t.scale;
    // pass 3: softmax (nothing is masked here)
    t.weights = t.scaled;
    kernels::softmax_rows(backend, t.weights.data(), 1, T, 1.0f);
    // pass 4: context = weighted sum of the values
    const Mat values_t = t.values.transpose();  // [D, T], so each context entry is one row . weights
    t.context.resize(1, D);
    kernels::matvec(backend, values_t.data(), t.weights.data(), nullptr, t.context.data(), D, T);
    return t;
}

}  // namespace attn
