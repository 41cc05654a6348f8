// decode_lstm.cpp: the GPU decode plan of the LSTM encoder-decoders (shaders/decode_lstm.wgsl): packs
// the weights, lays out scratch and output, fills the run buffer and parses what comes back. Not the
// queue (decode_queue.cpp). Test: tests/e2e/webgpu.test.mjs (every shipped model against scalar).
#include "gpu/decode_plan.h"

#include "gpu/forward.h"
#include "gpu/params.h"
#include "models/seq2seq_lstm.h"
#include "nn/attention.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>

namespace attn::gpu::decoding {

namespace {

struct LstmDecode final : DecodeData {
    bool fill(const std::vector<int>& ids, const RunOptions& o, std::vector<std::string>& notes, std::string*) override;
    GpuDecode parse(const RunResult& r, bool trace) const override;
    Seq2SeqConfig config;
    DecodeLstmParams p = {};
};

// Each layer's W_ih and W_hh where the parameter list put them, and its two biases summed.
void pack_lstm(PackedTensors& t, const std::string& prefix, int layers, uint32_t* wih, uint32_t* whh, uint32_t* b) {
    for (int l = 0; l < layers; ++l) {
        const std::string p = prefix + ".l" + std::to_string(l) + ".";
        wih[l] = t(p + "W_ih");
        whh[l] = t(p + "W_hh");
        b[l] = t.sum(p + "b_ih", p + "b_hh");
    }
}

bool build_lstm_plan(Plan& plan, const Seq2SeqLstm& m, bool trace, LstmDecode& d, std::string* error) {
    const Seq2SeqConfig& c = m.config();
    const Seq2SeqWeights& w = m.weights();
    if (c.score() != ScoreFn::Dot && c.score() != ScoreFn::Additive) {  // shaders/decode_lstm.wgsl scores these two
        *error = "the GPU decode scores with dot or additive attention; " + m.info().name + " scores with " +
                 score_fn_name(c.score());
        return false;
    }
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
    PackedTensors t(pk, seq2seq_tensors(w));
    p.src_embed = t("embed.src");
    p.tgt_embed = t("embed.tgt");
    pack_lstm(t, "encoder", w.encoder.num_layers(), p.enc_wih, p.enc_whh, p.enc_b);
    if (c.bidirectional) pack_lstm(t, "encoder_reverse", w.encoder_reverse.num_layers(), p.rev_wih, p.rev_whh, p.rev_b);
    pack_lstm(t, "decoder", w.decoder.num_layers(), p.dec_wih, p.dec_whh, p.dec_b);
    if (c.style == Seq2SeqStyle::Bahdanau) {
        p.bridge_w = t("bridge.W");
        p.bridge_b = t("bridge.b");
        p.att_w = t("attention.W");
        p.att_u = t("attention.U");
        p.att_b = t("attention.b");
        p.att_v = t("attention.v");
    }
    if (O > 0) {
        p.outh_w = t("output_hidden.W");
        p.outh_b = t("output_hidden.b");
    }
    p.out_w = t("output.W");
    p.out_b = t("output.b");

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

// The run buffer for source ids under options, resolved as Seq2SeqLstm::run resolves them.
bool LstmDecode::fill(const std::vector<int>& ids, const RunOptions& o, std::vector<std::string>& notes, std::string*) {
    AttentionOptions a;
    a.score = config.score();
    a.scaling = o.scaling;
    fill_run_header(run, ids, p.Tmax, o, attention_scale(a, config.key_dim()), notes, {config.normalizer, config.top_k});
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

}  // namespace

bool build_lstm_decode(Plan& plan, const Seq2SeqLstm& m, bool trace, std::shared_ptr<DecodeData>* owner,
                       std::string* error) {
    auto d = std::make_shared<LstmDecode>();
    *owner = d;
    return build_lstm_plan(plan, m, trace, *d, error);
}

}  // namespace attn::gpu::decoding
