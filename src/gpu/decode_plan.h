// decode_plan.h: what the parts of the GPU decode share (src/gpu/decode_*.cpp only; the public
// interface is decode.h): the run buffer's header, the layout counter, the plan data each architecture
// builds, fills and parses, and the two builders (decode_lstm.cpp, decode_transformer.cpp). Not the
// queue (decode_queue.cpp) nor the comparison with the CPU (decode_compare.cpp).
// Test: tests/e2e/webgpu.test.mjs.
#pragma once

#include "gpu/decode.h"
#include "gpu/pipelines.h"
#include "gpu/plan.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace attn {
class Seq2SeqLstm;
class Transformer;
}  // namespace attn

namespace attn::gpu::decoding {

constexpr int kRunHeader = 8;  // the run buffer: T, nudge position, nudge amount, factor, normalizer, k, cap, 0

// Offsets of consecutive regions in one buffer, in floats (an empty region still gets one float, so
// no two regions share an offset).
struct Layout {
    uint32_t at = 0;
    uint32_t take(uint32_t n) {
        const uint32_t o = at;
        at += std::max(n, 1u);
        return o;
    }
};

// What a decode plan was built with (kept as the plan's owner), and the inputs of the run in flight.
struct DecodeData {
    virtual ~DecodeData() = default;
    // Writes the run buffer for the source ids under options; false (and why) when nothing can run.
    virtual bool fill(const std::vector<int>& ids, const RunOptions& o, std::vector<std::string>& notes,
                      std::string* error) = 0;
    virtual GpuDecode parse(const RunResult& r, bool trace) const = 0;

    std::vector<float> weights;  // packed once, uploaded when the plan is built
    std::vector<float> run;      // kRunHeader + source ids (+ head flags), rewritten before each run
    uint32_t out_floats = 0;     // the output buffer: header, tokens, logits, probs, then the trace
    uint32_t logits_end = 0;     // what a run without the trace reads back

    // Every decode's plan: params, weights, the run buffer (re-uploaded), scratch and output, one
    // dispatch of one workgroup, one readback (all of the output, or up to the probabilities).
    template <class P>
    bool record(Plan& plan, Kernel kernel, const P& params, uint32_t scratch_floats, bool trace, std::string* error) {
        const int u = plan.uniform(params, "decode params");
        const int wb = plan.storage(weights, "decode weights");
        const int rb = plan.storage(run.size(), "decode run");
        plan.upload_each_run(rb, run.data(), run.size());
        const int sb = plan.storage(scratch_floats, "decode scratch");
        const int ob = plan.storage(out_floats, "decode out");
        plan.dispatch(kernel, {u, wb, rb, sb, ob}, 1);
        plan.read_back(ob, 0, trace ? out_floats : logits_end);
        return plan.finish(error);
    }
};

// The step cap of a run: max_output_tokens within [1, kGpuMaxSteps] (a note when it is cut).
float step_cap(int max_output_tokens, std::vector<std::string>& notes);

// The run buffer's header and source ids (at most max_source of them), as both shaders read it, for
// the options as the CPU runs them (resolve_run_options: the same values and the same notes); scale
// is stage 3's factor before the temperature; trained, the normalizer the model was trained with (its
// notes). Returns the options as run.
RunOptions fill_run_header(std::vector<float>& run, const std::vector<int>& ids, uint32_t max_source,
                           const RunOptions& o, float scale, std::vector<std::string>& notes,
                           const TrainedNormalizer& trained = {});

// v[at, at + n)
std::vector<float> slice(const std::vector<float>& v, size_t at, size_t n);
// Rows [0, rows) of a strided record: cols floats each, `stride` apart.
std::vector<float> rows_of(const std::vector<float>& v, size_t at, size_t rows, size_t cols, size_t stride);
// Steps' tokens, logits and probs (the part every run reads back), or the error of a bad header.
bool parse_steps(const std::vector<float>& o, uint32_t Umax, uint32_t Smax, uint32_t o_tokens, uint32_t o_logits,
                 uint32_t o_probs, uint32_t V, GpuDecode& g, int* steps, int* T);

// Each architecture's plan: packs the model's weights into data, records the plan, and hands the
// data to the Runtime as the plan's owner (kept as long as the plan).
bool build_lstm_decode(Plan& plan, const Seq2SeqLstm& m, bool trace, std::shared_ptr<DecodeData>* owner,
                       std::string* error);
bool build_transformer_decode(Plan& plan, const Transformer& m, bool trace, std::shared_ptr<DecodeData>* owner,
                              std::string* error);

}  // namespace attn::gpu::decoding
