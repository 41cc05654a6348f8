// seed_examples.cpp: see seed_examples.h. Both examples are one call of nn/attention.h.
#include "models/seed_examples.h"

#include "core/rng.h"
#include "nn/attention.h"

namespace attn {

AttentionTrace seed001_scaled_dot_example(Backend backend, uint64_t seed) {
    Rng rng(seed);
    const Mat encoder_outputs = rng.normal_mat(kSeed001SeqLen, kSeed001Hidden);
    const Mat decoder_hidden = rng.normal_mat(1, kSeed001Hidden);
    AttentionOptions o;  // the defaults: scaled dot product, softmax, nothing masked
    o.backend = backend;
    Trace trace;
    attention_forward(o, ScoreWeights{}, decoder_hidden, encoder_outputs, encoder_outputs, nullptr, &trace);
    return std::move(trace.calls.front());
}

Seed001Attention seed001_attention_example(Backend backend, uint64_t seed) {
    Rng rng(seed);
    Seed001Attention ex;
    ex.encoder_outputs = rng.normal_mat(kSeed001SeqLen, kSeed001Hidden);  // torch.randn(1, 4, 8)
    ex.decoder_hidden = rng.normal_mat(1, kSeed001Hidden);                // torch.randn(1, 8)
    ex.module = score_weights_init(rng, ScoreFn::Concat, kSeed001Hidden, kSeed001Hidden, kSeed001Hidden);
    AttentionOptions o;
    o.score = ScoreFn::Concat;  // Scaling::Auto: the seed's module does not scale
    o.backend = backend;
    Trace trace;
    ex.context = attention_forward(o, ex.module, ex.decoder_hidden, ex.encoder_outputs, ex.encoder_outputs, nullptr,
                                   &trace);
    ex.trace = std::move(trace.calls.front());
    ex.weights = ex.trace.weights;
    return ex;
}

}  // namespace attn
