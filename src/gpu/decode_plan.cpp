// decode_plan.cpp: see decode_plan.h. The run buffer's header and the parsing every decode shares.
#include "gpu/decode_plan.h"

#include "models/translate_outline.h"
#include "nn/normalizers.h"

#include <algorithm>
#include <cmath>

namespace attn::gpu::decoding {

namespace {
// Stage 5's branch in normalize_row (shaders/lib/decode.wgsl), from the normalizers table.
float normalizer_code(Normalizer n) { return static_cast<float>(normalizer_info(n).gpu_code); }
}  // namespace

// The step cap of a run: max_output_tokens within [1, kGpuMaxSteps].
float step_cap(int max_output_tokens, std::vector<std::string>& notes) {
    int cap = max_output_tokens;  // already within [1, kMaxOutputTokens] (resolve_run_options)
    if (cap > kGpuMaxSteps) {
        notes.push_back("the GPU decode records at most " + std::to_string(kGpuMaxSteps) + " steps");
        cap = kGpuMaxSteps;
    }
    return static_cast<float>(cap);
}


RunOptions fill_run_header(std::vector<float>& run, const std::vector<int>& ids, uint32_t max_source,
                           const RunOptions& o_in, float scale, std::vector<std::string>& notes,
                           const TrainedNormalizer& trained) {
    std::fill(run.begin(), run.end(), 0.0f);
    const int T = std::min<int>(static_cast<int>(ids.size()), static_cast<int>(max_source));
    const RunOptions o = resolve_run_options(o_in, T, notes, trained);
    run[0] = static_cast<float>(T);
    run[1] = o.nudge_position >= 0 ? static_cast<float>(o.nudge_position) : -1.0f;
    run[2] = o.nudge_position >= 0 ? o.nudge_amount : 0.0f;
    run[3] = scale / o.temperature;
    run[4] = normalizer_code(o.normalizer);
    run[5] = static_cast<float>(o.top_k);
    run[6] = step_cap(o.max_output_tokens, notes);
    for (int t = 0; t < T; ++t) run[kRunHeader + t] = static_cast<float>(ids[t]);
    return o;
}

std::vector<float> slice(const std::vector<float>& v, size_t at, size_t n) {
    return std::vector<float>(v.begin() + at, v.begin() + at + n);
}

// Rows [0, rows) of a strided record: cols floats each, `stride` apart.
std::vector<float> rows_of(const std::vector<float>& v, size_t at, size_t rows, size_t cols, size_t stride) {
    std::vector<float> out;
    out.reserve(rows * cols);
    for (size_t r = 0; r < rows; ++r) out.insert(out.end(), v.begin() + at + r * stride, v.begin() + at + r * stride + cols);
    return out;
}

// Steps' tokens, logits and probs (the part every run reads back), or the error of a bad header.
bool parse_steps(const std::vector<float>& o, uint32_t Umax, uint32_t Smax, uint32_t o_tokens, uint32_t o_logits,
                 uint32_t o_probs, uint32_t V, GpuDecode& g, int* steps, int* T) {
    *steps = static_cast<int>(o[0]);
    *T = static_cast<int>(o[1]);
    if (*steps < 1 || *steps > static_cast<int>(Umax) || *T < 1 || *T > static_cast<int>(Smax)) {
        g.error = "the GPU decode returned " + std::to_string(*steps) + " steps over " + std::to_string(*T) + " words";
        return false;
    }
    for (int t = 0; t < *steps; ++t) {
        GpuStep s;
        s.token = static_cast<int>(o[o_tokens + t]);
        s.logits = slice(o, o_logits + size_t(t) * V, V);
        s.probs = slice(o, o_probs + size_t(t) * V, V);
        g.steps.push_back(std::move(s));
    }
    return true;
}

}  // namespace attn::gpu::decoding
