// decode_compare.cpp: the GPU decode beside the CPU's translation (decode.h): the largest difference
// and where it is, whether the tokens agree, and the GPU's numbers put in place of the CPU's. Not the
// decode itself (decode_queue.cpp). Test: tests/e2e/webgpu.test.mjs.
#include "gpu/decode.h"

#include "core/compare.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <tuple>

namespace attn::gpu {

namespace {

void diff(DecodeComparison& c, const std::vector<float>& gpu, const float* cpu, size_t n, const std::string& where) {
    const Difference d = compare(gpu.data(), cpu, static_cast<long>(std::min(n, gpu.size())));  // NaN: infinite
    if (d.max_abs > c.max_abs_diff) {
        c.max_abs_diff = d.max_abs;
        c.where = where + "[" + std::to_string(d.max_at) + "]";
    }
}

void compare_call(DecodeComparison& c, const GpuAttention& g, const AttentionTrace& t, const std::string& where) {
    diff(c, g.query, t.query.data(), g.query.size() == size_t(t.query.size()) ? g.query.size() : 0, where + "query");
    for (auto [gv, m, name] : {std::tuple{&g.scores, &t.scores, "scores"}, std::tuple{&g.scaled, &t.scaled, "scaled"},
                               std::tuple{&g.weights, &t.weights, "weights"}, std::tuple{&g.context, &t.context, "context"},
                               std::tuple{&g.keys, &t.keys, "keys"}, std::tuple{&g.values, &t.values, "values"}}) {
        if (gv->size() != size_t(m->size())) {
            if (!gv->empty()) {
                c.max_abs_diff = INFINITY;
                c.where = where + name + ": " + std::to_string(gv->size()) + " numbers, the CPU has " + std::to_string(m->size());
            }
            continue;
        }
        diff(c, *gv, m->data(), gv->size(), where + name);
    }
    if (!g.energies.empty() && !t.energies.empty() && g.energies.size() == size_t(t.energies.back().size()))
        diff(c, g.energies, t.energies.back().data(), g.energies.size(), where + "energies");
}

void apply_call(const GpuAttention& g, AttentionTrace& t) {
    auto put = [](Mat& m, const std::vector<float>& v) {
        if (!v.empty() && v.size() == size_t(m.size())) std::copy(v.begin(), v.end(), m.data());
    };
    put(t.query, g.query);
    put(t.scores, g.scores);
    put(t.scaled, g.scaled);
    put(t.weights, g.weights);
    put(t.context, g.context);
    put(t.keys, g.keys);
    put(t.values, g.values);
    t.masked = t.mask.size() ? Mat(t.scaled + t.mask) : t.scaled;  // stage 4 adds the mask (0 or -inf)
    if (!g.energies.empty() && !t.energies.empty()) put(t.energies.back(), g.energies);
}

std::string call_name(const AttentionTrace& t) {
    return t.form + " layer " + std::to_string(t.layer) + " head " + std::to_string(t.head) + " ";
}

}  // namespace

bool same_tokens(const GpuDecode& gpu, const Translation& cpu) {
    if (gpu.steps.size() != cpu.steps.size()) return false;
    for (size_t t = 0; t < gpu.steps.size(); ++t)
        if (gpu.steps[t].token != cpu.steps[t].token) return false;
    return true;
}

DecodeComparison compare_decode(const GpuDecode& gpu, const Translation& cpu) {
    DecodeComparison c;
    c.same_tokens = same_tokens(gpu, cpu);
    Difference logits;
    for (size_t t = 0; t < gpu.steps.size() && t < cpu.steps.size(); ++t) {
        const GpuStep& g = gpu.steps[t];
        const DecodeStep& s = cpu.steps[t];
        const std::string step = "step " + std::to_string(t) + " ";
        diff(c, g.logits, s.logits.data(), std::min(g.logits.size(), s.logits.size()), step + "logits");
        diff(c, g.probs, s.probs.data(), std::min(g.probs.size(), s.probs.size()), step + "probs");
        logits.add(g.logits.data(), s.logits.data(), static_cast<long>(std::min(g.logits.size(), s.logits.size())));
        for (size_t a = 0; a < g.attention.size() && a < s.attention.size(); ++a)
            compare_call(c, g.attention[a], s.attention[a], step + call_name(s.attention[a]));
    }
    for (size_t a = 0; a < gpu.encoder_attention.size() && a < cpu.encoder_attention.size(); ++a)
        compare_call(c, gpu.encoder_attention[a], cpu.encoder_attention[a], "encoder " + call_name(cpu.encoder_attention[a]));
    c.nmse = logits.nmse();
    return c;
}

void apply_decode(const GpuDecode& gpu, Translation& cpu) {
    for (size_t t = 0; t < gpu.steps.size() && t < cpu.steps.size(); ++t) {
        const GpuStep& g = gpu.steps[t];
        DecodeStep& s = cpu.steps[t];
        s.logits = g.logits;
        s.probs = g.probs;
        if (s.token >= 0 && s.token < static_cast<int>(s.probs.size())) s.prob = s.probs[s.token];
        for (size_t a = 0; a < g.attention.size() && a < s.attention.size(); ++a) apply_call(g.attention[a], s.attention[a]);
    }
    for (size_t a = 0; a < gpu.encoder_attention.size() && a < cpu.encoder_attention.size(); ++a)
        apply_call(gpu.encoder_attention[a], cpu.encoder_attention[a]);
}

}  // namespace attn::gpu
