// decode_transformer.cpp: the GPU decode plan of the Transformer (shaders/decode_transformer.wgsl):
// packs the weights, lays out scratch and output, fills the run buffer (with the head flags) and
// parses every head's records. Not the queue (decode_queue.cpp). Test: tests/e2e/webgpu.test.mjs.
#include "gpu/decode_plan.h"

#include "gpu/forward.h"
#include "gpu/params.h"
#include "models/transformer.h"
#include "nn/attention.h"
#include "nn/positional.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <tuple>

namespace attn::gpu::decoding {

namespace {

struct TransformerDecode final : DecodeData {
    bool fill(const std::vector<int>& ids, const RunOptions& o, std::vector<std::string>& notes,
              std::string* error) override;
    GpuDecode parse(const RunResult& r, bool trace) const override;
    TransformerConfig config;
    DecodeTransformerParams p = {};
    uint32_t rec_size() const { return 2 * p.dh + 3 * p.Tk; }
};

// Where each of the model's tensors went in the packed buffer, by its name in the parameter list.
struct Offsets {
    std::map<std::string, uint32_t> at;
    std::map<std::string, long> size;
    std::string missing;  // the first name asked for that the list does not have
    uint32_t operator()(const std::string& name) {
        const auto it = at.find(name);
        if (it != at.end()) return it->second;
        if (missing.empty()) missing = name;
        return 0;
    }
};

// The offsets of one layer's tensors relative to the layer's first one, in the order the shader's
// Params lists them; Linear biases must follow their weights and betas their gammas (the shader
// reads b at W + size(W), beta at gamma + d), which the parameter list's order gives.
bool layer_offsets(Offsets& off, const std::string& layer, const std::vector<std::string>& parts, uint32_t* rel,
                   std::string* error) {
    const uint32_t base = off(layer + "." + parts[0] + ".gamma");
    for (size_t i = 0; i < parts.size(); ++i) {
        const bool norm = parts[i].find("norm") != std::string::npos;
        const std::string first = layer + "." + parts[i] + (norm ? ".gamma" : ".W");
        const std::string second = layer + "." + parts[i] + (norm ? ".beta" : ".b");
        rel[i] = off(first) - base;
        if (off.missing.empty() && off(second) != off(first) + off.size[first]) {
            *error = "the GPU decode reads " + second + " right after " + first + "; the parameter list has it elsewhere";
            return false;
        }
    }
    if (!off.missing.empty()) {
        *error = "the GPU decode needs the tensor " + off.missing + ", which the Transformer's parameter list lacks";
        return false;
    }
    return true;
}

bool build_transformer_plan(Plan& plan, const Transformer& m, bool trace, TransformerDecode& d, std::string* error) {
    const TransformerConfig& c = m.config();
    const TransformerWeights& w = m.weights();
    if (w.encoder_norm.eps != 1e-5f || w.decoder_norm.eps != 1e-5f) {
        *error = "the GPU decode assumes layer norms with eps 1e-5";
        return false;
    }
    d.config = c;
    DecodeTransformerParams& p = d.p;
    const uint32_t D = c.d_model, F = c.ff_hidden, V = m.target_vocab().size();
    const uint32_t Smax = c.max_source_tokens, Umax = kGpuMaxSteps, Pmax = std::max(Smax, Umax);
    p.d = D, p.heads = c.heads, p.dh = D / c.heads, p.F = F;
    p.Lenc = c.encoder_layers, p.Ldec = c.decoder_layers, p.V = V, p.Smax = Smax;
    p.Umax = Umax, p.sos = Vocab::kSos, p.eos = Vocab::kEos, p.Tk = Pmax;
    p.emb_scale = std::sqrt(static_cast<float>(D));  // as transformer.cpp's embedding_scale

    WeightPacker pk{d.weights};
    p.pe = pk.add(sinusoidal_positional_encoding(static_cast<int>(Pmax), static_cast<int>(D)));
    p.nudge_dir = pk.add(nudge_direction(static_cast<int>(D)));
    // Every parameter, in the order of the model's one parameter list (transformer_tensors: the file's
    // order); the shader is given where each part is, and never recomputes a size.
    Offsets off;
    for (const TensorView& t : transformer_tensors(w)) {
        off.at[t.name] = pk.add(t.data, static_cast<size_t>(t.size));
        off.size[t.name] = t.size;
    }
    p.src_embed = off("src_embed");
    p.tgt_embed = off("tgt_embed");
    p.out_bias = off("out_bias");
    p.enc_norm = off("enc.norm.gamma");
    p.dec_norm = off("dec.norm.gamma");
    const std::vector<std::string> enc_parts = {"self_norm", "self.query", "self.key", "self.value", "self.out",
                                                "ff_norm", "ff.up", "ff.down"};
    const std::vector<std::string> dec_parts = {"self_norm", "self.query", "self.key", "self.value", "self.out",
                                                "cross_norm", "cross.query", "cross.key", "cross.value", "cross.out",
                                                "ff_norm", "ff.up", "ff.down"};
    // Each layer's parts at the same distances from its start, layers a fixed stride apart.
    for (const auto& [prefix, L, parts, rel, first, stride] :
         {std::tuple{std::string("enc."), p.Lenc, &enc_parts, p.enc_rel, &p.enc_layers, &p.enc_stride},
          std::tuple{std::string("dec."), p.Ldec, &dec_parts, p.dec_rel, &p.dec_layers, &p.dec_stride}}) {
        *first = off(prefix + "0.self_norm.gamma");
        *stride = L > 1 ? off(prefix + "1.self_norm.gamma") - *first : 0;
        for (uint32_t l = 0; l < L; ++l) {
            uint32_t mine[16] = {};
            const std::string layer = prefix + std::to_string(l);
            if (!layer_offsets(off, layer, *parts, mine, error)) return false;
            const bool same = std::equal(mine, mine + parts->size(), rel) || l == 0;
            if (l == 0) std::copy(mine, mine + parts->size(), rel);
            if (!same || off(layer + ".self_norm.gamma") != *first + l * *stride) {
                *error = "the GPU decode needs every " + prefix + " layer laid out alike; " + layer + " differs";
                return false;
            }
        }
    }
    if (!off.missing.empty()) {
        *error = "the GPU decode needs the tensor " + off.missing + ", which the Transformer's parameter list lacks";
        return false;
    }

    Layout sc;  // scratch
    p.s_x = sc.take(Smax * D);
    p.s_a = sc.take(Smax * D);
    p.s_q = sc.take(Smax * D);
    p.s_k = sc.take(Smax * D);
    p.s_v = sc.take(Smax * D);
    p.s_cat = sc.take(Smax * D);
    p.s_ff = sc.take(Smax * F);
    p.s_ck = sc.take(p.Ldec * Smax * D);
    p.s_cv = sc.take(p.Ldec * Smax * D);
    p.s_sk = sc.take(p.Ldec * Umax * D);
    p.s_sv = sc.take(p.Ldec * Umax * D);
    Layout out{4};  // output: header, tokens, logits, probs (what every run reads back), then the trace
    p.o_tokens = out.take(Umax);
    p.o_logits = out.take(Umax * V);
    p.o_probs = out.take(Umax * V);
    d.logits_end = out.at;
    p.o_enc = out.take(p.Lenc * p.heads * Smax * d.rec_size());
    p.o_dec = out.take(Umax * 2 * p.Ldec * p.heads * d.rec_size());
    p.o_self_kv = out.take(2 * p.Ldec * Umax * D);
    p.o_cross_kv = out.take(2 * p.Ldec * Smax * D);
    p.o_enc_kv = out.take(2 * p.Lenc * Smax * D);
    d.out_floats = out.at;
    d.run.assign(kRunHeader + Smax + 3 * std::max(p.Lenc, p.Ldec) * p.heads, 0.0f);
    return d.record(plan, Kernel::DecodeTransformer, p, sc.at, trace, error);
}

// The run buffer, with the options resolved as Transformer::run resolves them.
bool TransformerDecode::fill(const std::vector<int>& ids, const RunOptions& o, std::vector<std::string>& notes,
                             std::string* error) {
    AttentionOptions a;
    a.score = ScoreFn::ScaledDot;
    a.scaling = o.scaling;
    fill_run_header(run, ids, p.Smax, o, attention_scale(a, static_cast<int>(p.dh)), notes);
    // head flags: enc.l.self, dec.l.self, dec.l.cross (a mask of the wrong size is ignored, as on the CPU)
    const uint32_t flags = kRunHeader + p.Smax, H = p.heads;
    auto put = [&](const std::string& block, uint32_t at) {
        const auto it = o.head_mask.find(block);
        for (uint32_t h = 0; h < H; ++h)
            run[at + h] = (it == o.head_mask.end() || it->second.size() != H || it->second[h]) ? 1.0f : 0.0f;
    };
    for (uint32_t l = 0; l < p.Lenc; ++l) put("enc." + std::to_string(l) + ".self", flags + l * H);
    for (uint32_t l = 0; l < p.Ldec; ++l) {
        put("dec." + std::to_string(l) + ".self", flags + (p.Lenc + l) * H);
        put("dec." + std::to_string(l) + ".cross", flags + (p.Lenc + p.Ldec + l) * H);
    }
    return true;
}

GpuDecode TransformerDecode::parse(const RunResult& r, bool trace) const {
    GpuDecode g;
    const std::vector<float>& o = r.data;
    int steps = 0, S = 0;
    if (!parse_steps(o, p.Umax, p.Smax, p.o_tokens, p.o_logits, p.o_probs, p.V, g, &steps, &S) || !trace) return g;
    const size_t D = p.d, dh = p.dh, rs = rec_size(), H = p.heads;
    // head h's columns of rows [0, rows) of a [*, D] matrix at `at`
    auto head_cols = [&](size_t at, size_t rows, size_t h) {
        std::vector<float> m;
        for (size_t r = 0; r < rows; ++r) m.insert(m.end(), o.begin() + at + r * D + h * dh, o.begin() + at + r * D + (h + 1) * dh);
        return m;
    };
    // a call's records: rows query rows of one head, nk keys
    auto call = [&](size_t rec, size_t rows, size_t nk) {
        GpuAttention a;
        a.query = rows_of(o, rec, rows, dh, rs);
        a.scores = rows_of(o, rec + dh, rows, nk, rs);
        a.scaled = rows_of(o, rec + dh + p.Tk, rows, nk, rs);
        a.weights = rows_of(o, rec + dh + 2 * p.Tk, rows, nk, rs);
        a.context = rows_of(o, rec + dh + 3 * p.Tk, rows, dh, rs);
        return a;
    };
    for (size_t l = 0; l < p.Lenc; ++l)
        for (size_t h = 0; h < H; ++h) {
            GpuAttention a = call(p.o_enc + (l * H + h) * p.Smax * rs, S, S);
            a.keys = head_cols(p.o_enc_kv + l * 2 * p.Smax * D, S, h);
            a.values = head_cols(p.o_enc_kv + (l * 2 + 1) * p.Smax * D, S, h);
            g.encoder_attention.push_back(std::move(a));
        }
    const size_t step_rec = 2 * p.Ldec * H * rs;
    for (int t = 0; t < steps; ++t)
        for (size_t l = 0; l < p.Ldec; ++l)
            for (size_t form = 0; form < 2; ++form)  // causal self, then cross
                for (size_t h = 0; h < H; ++h) {
                    const size_t nk = form == 0 ? size_t(t) + 1 : size_t(S);
                    GpuAttention a = call(p.o_dec + t * step_rec + ((2 * l + form) * H + h) * rs, 1, nk);
                    if (form == 0) {
                        a.keys = head_cols(p.o_self_kv + l * p.Umax * D, nk, h);
                        a.values = head_cols(p.o_self_kv + (p.Ldec + l) * p.Umax * D, nk, h);
                    } else {
                        a.keys = head_cols(p.o_cross_kv + l * p.Smax * D, nk, h);
                        a.values = head_cols(p.o_cross_kv + (p.Ldec + l) * p.Smax * D, nk, h);
                    }
                    g.steps[t].attention.push_back(std::move(a));
                }
    return g;
}

}  // namespace

bool build_transformer_decode(Plan& plan, const Transformer& m, bool trace, std::shared_ptr<DecodeData>* owner,
                              std::string* error) {
    auto d = std::make_shared<TransformerDecode>();
    *owner = d;
    return build_transformer_plan(plan, m, trace, *d, error);
}

}  // namespace attn::gpu::decoding
