// decode.cpp: see decode.h. One plan per (model, trace or not), kept by the Runtime: the packed
// weights are uploaded when it is built; the run buffer (source ids and options) before each run.
// Runs of one plan go one at a time through a small queue here, so each uploads its own inputs.
#include "gpu/decode.h"

#include "gpu/forward.h"
#include "gpu/params.h"
#include "gpu/runtime.h"
#include "models/seq2seq_lstm.h"
#include "models/transformer.h"
#include "nn/positional.h"
#include "nn/attention.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <tuple>

namespace attn::gpu {

namespace {

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

// The step cap of a run: max_output_tokens within [1, kGpuMaxSteps].
float step_cap(int max_output_tokens, std::vector<std::string>& notes) {
    int cap = std::clamp(max_output_tokens, 1, 256);
    if (cap > kGpuMaxSteps) {
        notes.push_back("the GPU decode records at most " + std::to_string(kGpuMaxSteps) + " steps");
        cap = kGpuMaxSteps;
    }
    return static_cast<float>(cap);
}

// Stage 5's branch in normalize_row (shaders/lib/decode.wgsl), from the normalizers table.
float normalizer_code(Normalizer n) { return static_cast<float>(normalizer_info(n).gpu_code); }

// The run buffer's header and source ids (at most max_source of them), as both shaders read it;
// factor is stage 3's scale / temperature. Returns the source length.
int fill_run_header(std::vector<float>& run, const std::vector<int>& ids, uint32_t max_source, const RunOptions& o,
                    float factor, std::vector<std::string>& notes) {
    std::fill(run.begin(), run.end(), 0.0f);
    const int T = std::min<int>(static_cast<int>(ids.size()), static_cast<int>(max_source));
    run[0] = static_cast<float>(T);
    const bool nudge = o.nudge_position >= 0 && o.nudge_position < T && std::isfinite(o.nudge_amount);
    run[1] = nudge ? static_cast<float>(o.nudge_position) : -1.0f;
    run[2] = nudge ? o.nudge_amount : 0.0f;
    run[3] = factor;
    run[4] = normalizer_code(o.normalizer);
    run[5] = static_cast<float>(std::max(1, o.top_k));
    run[6] = step_cap(o.max_output_tokens, notes);
    for (int t = 0; t < T; ++t) run[kRunHeader + t] = static_cast<float>(ids[t]);
    return T;
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

struct LstmDecode final : DecodeData {
    bool fill(const std::vector<int>& ids, const RunOptions& o, std::vector<std::string>& notes, std::string*) override;
    GpuDecode parse(const RunResult& r, bool trace) const override;
    Seq2SeqConfig config;
    DecodeLstmParams p = {};
};

void pack_lstm(WeightPacker& pk, const Lstm& lstm, uint32_t* wih, uint32_t* whh, uint32_t* b) {
    for (int l = 0; l < lstm.num_layers(); ++l) {
        wih[l] = pk.add(lstm.layers[l].W_ih);
        whh[l] = pk.add(lstm.layers[l].W_hh);
        b[l] = pk.add_lstm_bias(lstm.layers[l]);
    }
}

bool build_lstm_decode(Plan& plan, const Seq2SeqLstm& m, bool trace, LstmDecode& d, std::string* error) {
    const Seq2SeqConfig& c = m.config();
    const Seq2SeqWeights& w = m.weights();
    if (c.layers > 4) {
        *error = "the GPU decode handles at most 4 LSTM layers; " + m.info().name + " has " + std::to_string(c.layers);
        return false;
    }
    d.config = c;
    DecodeLstmParams& p = d.p;
    const uint32_t E = c.embed, H = c.hidden, S = c.decoder_hidden, Hk = c.key_dim(), F = c.feature_dim();
    const uint32_t Da = c.attention_dim, O = c.output_hidden, L = c.layers;
    const uint32_t V = m.target_vocab().size(), Tmax = c.max_source_tokens, Umax = kGpuMaxSteps;
    p.style = c.style == Seq2SeqStyle::StatQuest ? 0 : 1;
    p.layers = L, p.E = E, p.H = H, p.bidir = c.bidirectional ? 1 : 0, p.S = S, p.Da = Da, p.O = O;
    p.V = V, p.Tmax = Tmax, p.Umax = Umax, p.start_token = c.start_token(), p.eos = Vocab::kEos;
    p.Hk = Hk, p.F = F;

    WeightPacker pk{d.weights};
    p.nudge_dir = pk.add(nudge_direction(static_cast<int>(E)));
    p.src_embed = pk.add(w.src_embed.table);
    p.tgt_embed = pk.add(w.tgt_embed.table);
    pack_lstm(pk, w.encoder, p.enc_wih, p.enc_whh, p.enc_b);
    if (c.bidirectional) pack_lstm(pk, w.encoder_reverse, p.rev_wih, p.rev_whh, p.rev_b);
    pack_lstm(pk, w.decoder, p.dec_wih, p.dec_whh, p.dec_b);
    if (c.style == Seq2SeqStyle::Bahdanau) {
        p.bridge_w = pk.add(w.bridge.W);
        p.bridge_b = pk.add(w.bridge.b);
        p.att_w = pk.add(w.score.W.W);
        p.att_u = pk.add(w.score.U.W);
        p.att_b = pk.add(w.score.U.b);
        p.att_v = pk.add(w.score.v);
    }
    if (O > 0) {
        p.outh_w = pk.add(w.output_hidden.W);
        p.outh_b = pk.add(w.output_hidden.b);
    }
    p.out_w = pk.add(w.output.W);
    p.out_b = pk.add(w.output.b);

    Layout sc;  // scratch
    p.s_x = sc.take(Tmax * E);
    p.s_seq = sc.take(L * 2 * Tmax * H);
    p.s_uk = sc.take(Tmax * Da);
    p.s_enc = sc.take(L * 4 * H);
    p.s_h = sc.take(L * S);
    p.s_c = sc.take(L * S);
    p.s_pre = sc.take(4 * std::max(H, S));
    p.s_in = sc.take(E + Hk);
    p.s_feat = sc.take(F);
    p.s_hid = sc.take(O);
    p.s_wq = sc.take(Da);
    Layout out{4};  // output: header, tokens, logits, probs (what every run reads back), then the trace
    p.o_tokens = out.take(Umax);
    p.o_logits = out.take(Umax * V);
    p.o_probs = out.take(Umax * V);
    d.logits_end = out.at;
    p.o_keys = out.take(Tmax * Hk);
    p.o_query = out.take(Umax * S);
    p.o_scores = out.take(Umax * Tmax);
    p.o_scaled = out.take(Umax * Tmax);
    p.o_weights = out.take(Umax * Tmax);
    p.o_context = out.take(Umax * Hk);
    p.o_energies = out.take(Umax * Tmax * Da);
    d.out_floats = out.at;
    d.run.assign(kRunHeader + Tmax, 0.0f);
    return d.record(plan, Kernel::DecodeLstm, p, sc.at, trace, error);
}

// The run buffer for source ids under options, as Seq2SeqLstm::run reads them (its notes say the same).
bool LstmDecode::fill(const std::vector<int>& ids, const RunOptions& o, std::vector<std::string>& notes, std::string*) {
    AttentionOptions a;
    a.score = config.score();
    a.scaling = o.scaling;
    float temperature = o.temperature;
    if (!std::isfinite(temperature) || temperature <= 0.0f) temperature = 1.0f;
    temperature = std::max(temperature, 1e-4f);  // as seq2seq_lstm.cpp's kMinTemperature
    fill_run_header(run, ids, p.Tmax, o, attention_scale(a, config.key_dim()) / temperature, notes);
    return true;
}

GpuDecode LstmDecode::parse(const RunResult& r, bool trace) const {
    GpuDecode g;
    const std::vector<float>& o = r.data;
    int steps = 0, T = 0;
    if (!parse_steps(o, p.Umax, p.Tmax, p.o_tokens, p.o_logits, p.o_probs, p.V, g, &steps, &T) || !trace) return g;
    const std::vector<float> keys = slice(o, p.o_keys, size_t(T) * p.Hk);
    for (int t = 0; t < steps; ++t) {
        GpuAttention a;
        a.query = slice(o, p.o_query + size_t(t) * p.S, p.S);
        a.scores = slice(o, p.o_scores + size_t(t) * p.Tmax, T);
        a.scaled = slice(o, p.o_scaled + size_t(t) * p.Tmax, T);
        a.weights = slice(o, p.o_weights + size_t(t) * p.Tmax, T);
        a.context = slice(o, p.o_context + size_t(t) * p.Hk, p.Hk);
        a.keys = a.values = keys;  // keys = values: the encoder outputs
        if (p.Da > 0) a.energies = slice(o, p.o_energies + size_t(t) * p.Tmax * p.Da, size_t(T) * p.Da);
        g.steps[t].attention.push_back(std::move(a));
    }
    return g;
}

// ---- the Transformer -------------------------------------------------------------------------------

struct TransformerDecode final : DecodeData {
    bool fill(const std::vector<int>& ids, const RunOptions& o, std::vector<std::string>& notes,
              std::string* error) override;
    GpuDecode parse(const RunResult& r, bool trace) const override;
    TransformerConfig config;
    DecodeTransformerParams p = {};
    uint32_t rec_size() const { return 2 * p.dh + 3 * p.Tk; }
};

void pack_linear(WeightPacker& pk, const Linear& l) {
    pk.add(l.W);
    if (l.b.size()) pk.add(l.b);
    else pk.add(Vec(Vec::Zero(l.W.rows())));
}
void pack_norm(WeightPacker& pk, const LayerNorm& n) {
    pk.add(n.gamma);
    pk.add(n.beta);
}
void pack_mha(WeightPacker& pk, const MultiHeadAttention& m) {
    for (const Linear* l : {&m.query, &m.key, &m.value, &m.out}) pack_linear(pk, *l);
}
void pack_ff(WeightPacker& pk, const FeedForward& f) {
    pack_linear(pk, f.up);
    pack_linear(pk, f.down);
}

bool build_transformer_decode(Plan& plan, const Transformer& m, bool trace, TransformerDecode& d, std::string* error) {
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
    p.src_embed = pk.add(w.src_embed.table);
    p.tgt_embed = pk.add(w.tgt_embed.table);
    p.out_bias = pk.add(w.out_bias);
    p.enc_norm = static_cast<uint32_t>(d.weights.size());
    pack_norm(pk, w.encoder_norm);
    p.dec_norm = static_cast<uint32_t>(d.weights.size());
    pack_norm(pk, w.decoder_norm);
    p.enc_layers = static_cast<uint32_t>(d.weights.size());
    for (const EncoderLayer& l : w.encoder) {
        pack_norm(pk, l.self_norm);
        pack_mha(pk, l.self);
        pack_norm(pk, l.ff_norm);
        pack_ff(pk, l.ff);
    }
    p.dec_layers = static_cast<uint32_t>(d.weights.size());
    for (const DecoderLayer& l : w.decoder) {
        pack_norm(pk, l.self_norm);
        pack_mha(pk, l.self);
        pack_norm(pk, l.cross_norm);
        pack_mha(pk, l.cross);
        pack_norm(pk, l.ff_norm);
        pack_ff(pk, l.ff);
    }
    const uint32_t per_enc = 4 * D + 4 * (D * D + D) + 2 * F * D + F + D;
    const uint32_t per_dec = 6 * D + 8 * (D * D + D) + 2 * F * D + F + D;
    if (d.weights.size() != p.dec_layers + per_dec * p.Ldec || p.dec_layers != p.enc_layers + per_enc * p.Lenc) {
        *error = "the Transformer's parameters do not have the sizes the GPU decode packs";
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

// The run buffer, as Transformer::run reads the options (the same refusals, the same notes' facts).
bool TransformerDecode::fill(const std::vector<int>& ids, const RunOptions& o, std::vector<std::string>& notes,
                             std::string* error) {
    if (!(std::isfinite(o.temperature) && o.temperature > 0.0f)) {
        *error = "temperature must be a finite number > 0: nothing run";
        return false;
    }
    if (normalizer_info(o.normalizer).uses_k && o.top_k < 1) {
        *error = "top_k must be >= 1: nothing run";
        return false;
    }
    AttentionOptions a;
    a.score = ScoreFn::ScaledDot;
    a.scaling = o.scaling;
    fill_run_header(run, ids, p.Smax, o, attention_scale(a, static_cast<int>(p.dh)) / o.temperature, notes);
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

// The runs waiting for a plan, one in flight at a time, each with its own inputs.
struct Request {
    std::vector<int> ids;
    RunOptions options;
    std::function<void(GpuDecode)> done;
};
struct Queue {
    std::deque<Request> waiting;
    bool busy = false;
};
std::map<std::string, Queue>& queues() {
    static std::map<std::string, Queue> q;
    return q;
}

std::string plan_key(const Translator& model, bool trace) {
    return "decode:" + model.info().name + (trace ? ":trace" : ":logits");
}

void pump(const Translator* model, bool trace);

void finish(const Translator* model, bool trace, Request& req, GpuDecode g) {
    auto done = std::move(req.done);
    queues()[plan_key(*model, trace)].busy = false;
    queues()[plan_key(*model, trace)].waiting.pop_front();
    done(std::move(g));
    pump(model, trace);
}

void pump(const Translator* model, bool trace) {
    const std::string key = plan_key(*model, trace);
    Queue& q = queues()[key];
    if (q.busy || q.waiting.empty()) return;
    Request& req = q.waiting.front();
    const auto* lstm = dynamic_cast<const Seq2SeqLstm*>(model);
    const auto* transformer = dynamic_cast<const Transformer*>(model);
    GpuDecode fail;
    if (!lstm && !transformer) {
        fail.error = "the GPU decode does not know the architecture of " + model->info().name;
        return finish(model, trace, req, std::move(fail));
    }
    std::string error;
    Plan* plan = Runtime::instance().plan(key, [&](Plan& pl, std::shared_ptr<void>* owner, std::string* err) {
        if (lstm) {
            auto d = std::make_shared<LstmDecode>();
            *owner = std::static_pointer_cast<DecodeData>(d);
            return build_lstm_decode(pl, *lstm, trace, *d, err);
        }
        auto d = std::make_shared<TransformerDecode>();
        *owner = std::static_pointer_cast<DecodeData>(d);
        return build_transformer_decode(pl, *transformer, trace, *d, err);
    }, &error);
    if (!plan) {
        fail.error = error;
        return finish(model, trace, req, std::move(fail));
    }
    // the owner was stored as a shared_ptr<DecodeData> converted to shared_ptr<void>
    auto d = std::static_pointer_cast<DecodeData>(Runtime::instance().owner(key));
    std::vector<std::string> notes;
    if (!d->fill(req.ids, req.options, notes, &error)) {
        fail.error = error;
        return finish(model, trace, req, std::move(fail));
    }
    q.busy = true;
    const int dispatches = plan->dispatch_count(), readbacks = plan->readback_count();
    plan->run([model, trace, d, notes, dispatches, readbacks](RunResult r) {
        Queue& q = queues()[plan_key(*model, trace)];
        GpuDecode g;
        if (r.error.empty()) g = d->parse(r, trace);
        else g.error = r.error;
        g.notes = notes;
        g.elapsed_ms = r.elapsed_ms;
        g.dispatches = dispatches;
        g.readbacks = readbacks;
        finish(model, trace, q.waiting.front(), std::move(g));
    });
}

void diff(DecodeComparison& c, const std::vector<float>& gpu, const float* cpu, size_t n, const std::string& where) {
    for (size_t i = 0; i < n && i < gpu.size(); ++i) {
        const double e = std::fabs(double(gpu[i]) - double(cpu[i]));
        if (!(e <= c.max_abs_diff)) {  // NaN counts as the largest
            c.max_abs_diff = std::isnan(e) ? INFINITY : e;
            c.where = where;
        }
    }
}

}  // namespace

void decode_on_gpu(const Translator& model, const std::vector<int>& source_ids, const RunOptions& options, bool trace,
                   std::function<void(GpuDecode)> done) {
    if (source_ids.empty()) {
        GpuDecode g;
        g.error = "empty input: there is nothing to decode";
        return done(std::move(g));
    }
    if (normalizer_info(options.normalizer).gpu_code < 0) {
        GpuDecode g;
        g.error = std::string("the ") + normalizer_name(options.normalizer) + " normalizer has no GPU path";
        return done(std::move(g));
    }
    queues()[plan_key(model, trace)].waiting.push_back({source_ids, options, std::move(done)});
    pump(&model, trace);
}

namespace {

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
    double err = 0, ref = 0;
    for (size_t t = 0; t < gpu.steps.size() && t < cpu.steps.size(); ++t) {
        const GpuStep& g = gpu.steps[t];
        const DecodeStep& s = cpu.steps[t];
        const std::string step = "step " + std::to_string(t) + " ";
        diff(c, g.logits, s.logits.data(), std::min(g.logits.size(), s.logits.size()), step + "logits");
        diff(c, g.probs, s.probs.data(), std::min(g.probs.size(), s.probs.size()), step + "probs");
        for (size_t i = 0; i < g.logits.size() && i < s.logits.size(); ++i) {
            err += (double(g.logits[i]) - s.logits[i]) * (double(g.logits[i]) - s.logits[i]);
            ref += double(s.logits[i]) * s.logits[i];
        }
        for (size_t a = 0; a < g.attention.size() && a < s.attention.size(); ++a)
            compare_call(c, g.attention[a], s.attention[a], step + call_name(s.attention[a]));
    }
    for (size_t a = 0; a < gpu.encoder_attention.size() && a < cpu.encoder_attention.size(); ++a)
        compare_call(c, gpu.encoder_attention[a], cpu.encoder_attention[a], "encoder " + call_name(cpu.encoder_attention[a]));
    c.nmse = ref > 0 ? err / ref : err;
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
