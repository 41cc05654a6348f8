// decode.h: a shipped translation model's whole greedy decode on the GPU, in one dispatch and one
// readback per decode (shaders/decode_lstm.wgsl; decode_transformer.wgsl): the weights are packed
// and uploaded once per model, the source ids and the lab's options are uploaded with each run.
// What comes back is every number the lab shows for the decode (the steps' tokens, logits, probs
// and attention stages), so the page can draw the GPU's numbers and compare them with the CPU's.
// Not the CPU decode (models/seq2seq_lstm.cpp, models/transformer.cpp), which is the reference.
// Test: tests/e2e/webgpu.test.mjs (every shipped model against the scalar reference).
#pragma once

#include "gpu/plan.h"
#include "models/translator.h"

#include <functional>
#include <string>
#include <vector>

namespace attn::gpu {

// The most decoder steps one GPU decode records (a longer max_output_tokens is cut, with a note).
constexpr int kGpuMaxSteps = 32;

// One attention call (one head) as the GPU computed it: each stage a dense row-major matrix of the
// shape the CPU's AttentionTrace has for the same call (a decoder step's call: its one query row).
struct GpuAttention {
    std::vector<float> query, scores, scaled, weights, context;  // [Tq, Dq], [Tq, Tk] x3, [Tq, Dv]
    std::vector<float> keys, values;                             // [Tk, Dk], [Tk, Dv]
    std::vector<float> energies;                                 // additive: [Tk, Da] of the one query
};
struct GpuStep {
    int token = 0;
    std::vector<float> logits, probs;  // [Vt]
    std::vector<GpuAttention> attention;
};
struct GpuDecode {
    std::string error;            // empty on success
    std::vector<GpuStep> steps;
    std::vector<GpuAttention> encoder_attention;  // transformer: every encoder head, layer by layer
    std::vector<std::string> notes;
    double elapsed_ms = 0;        // upload, dispatch, readback
    int dispatches = 0, readbacks = 0;
};

// Runs the decode of source_ids (as the CPU encodes the text) under options; done is called later
// from the browser's event loop. trace: read back every attention stage (else tokens and logits).
// Runs of one model are queued; each sees its own inputs.
void decode_on_gpu(const Translator& model, const std::vector<int>& source_ids, const RunOptions& options,
                   bool trace, std::function<void(GpuDecode)> done);

// The largest difference between the GPU's numbers and a CPU translation of the same text and options
// (logits, probs and every attention stage both recorded), and whether every token agrees.
struct DecodeComparison {
    double max_abs_diff = 0;
    double nmse = 0;              // over the logits: sum (gpu - cpu)^2 / sum cpu^2 (core/compare.h)
    bool same_tokens = true;
    std::string where;            // where the largest difference is, e.g. "step 1 logits[17]"
};
DecodeComparison compare_decode(const GpuDecode& gpu, const Translation& cpu);
// Whether the GPU chose exactly the CPU translation's tokens (what apply_decode needs).
bool same_tokens(const GpuDecode& gpu, const Translation& cpu);
// Overwrites cpu's numbers (steps' logits, probs, prob, and every attention stage) with the GPU's;
// cpu must have the same tokens (same_tokens).
void apply_decode(const GpuDecode& gpu, Translation& cpu);

}  // namespace attn::gpu
