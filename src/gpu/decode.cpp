// decode.cpp: see decode.h. One plan per (model, trace or not), kept by the Runtime: the packed
// weights are uploaded when it is built; the run buffer (source ids and options) before each run.
// Runs of one plan go one at a time through a small queue here, so each uploads its own inputs.
#include "gpu/decode.h"

#include "gpu/params.h"
#include "gpu/runtime.h"
#include "models/seq2seq_lstm.h"
#include "nn/attention.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <map>
#include <memory>

namespace attn::gpu {

namespace {

constexpr int kRunHeader = 8;  // the run buffer: T, nudge position, nudge amount, factor, normalizer, k, cap, 0

// What an LSTM decode plan was built with, and the inputs of the run in flight.
struct LstmDecode {
    Seq2SeqConfig config;
    DecodeLstmParams p = {};
    std::vector<float> weights;
    std::vector<float> run;  // kRunHeader + Tmax, rewritten before each run
    uint32_t out_floats = 0, logits_end = 0;
};

// Packs tensors one after another into a float array and remembers where each starts.
struct Packer {
    std::vector<float>& to;
    uint32_t add(const float* data, size_t n) {
        const uint32_t at = static_cast<uint32_t>(to.size());
        to.insert(to.end(), data, data + n);
        return at;
    }
    uint32_t add(const Mat& m) { return add(m.data(), static_cast<size_t>(m.size())); }
    uint32_t add(const Vec& v) { return add(v.data(), static_cast<size_t>(v.size())); }
    // An LSTM cell's two biases, summed (pre = W_ih x + W_hh h + (b_ih + b_hh)); zeros without bias.
    uint32_t add_bias(const LstmCell& c) {
        Vec b = Vec::Zero(c.W_hh.rows());
        if (c.b_ih.size()) b += c.b_ih;
        if (c.b_hh.size()) b += c.b_hh;
        return add(b);
    }
};

void pack_lstm(Packer& pk, const Lstm& lstm, uint32_t* wih, uint32_t* whh, uint32_t* b) {
    for (int l = 0; l < lstm.num_layers(); ++l) {
        wih[l] = pk.add(lstm.layers[l].W_ih);
        whh[l] = pk.add(lstm.layers[l].W_hh);
        b[l] = pk.add_bias(lstm.layers[l]);
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

    Packer pk{d.weights};
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

    // scratch
    uint32_t at = 0;
    auto take = [&at](uint32_t n) { const uint32_t o = at; at += std::max(n, 1u); return o; };
    p.s_x = take(Tmax * E);
    p.s_seq = take(L * 2 * Tmax * H);
    p.s_uk = take(Tmax * Da);
    p.s_enc = take(L * 4 * H);
    p.s_h = take(L * S);
    p.s_c = take(L * S);
    p.s_pre = take(4 * std::max(H, S));
    p.s_in = take(E + Hk);
    p.s_feat = take(F);
    p.s_hid = take(O);
    p.s_wq = take(Da);
    const uint32_t scratch = at;
    // output: header, tokens, logits, probs (what every run reads back), then the trace
    at = 4;
    p.o_tokens = take(Umax);
    p.o_logits = take(Umax * V);
    p.o_probs = take(Umax * V);
    d.logits_end = at;
    p.o_keys = take(Tmax * Hk);
    p.o_query = take(Umax * S);
    p.o_scores = take(Umax * Tmax);
    p.o_scaled = take(Umax * Tmax);
    p.o_weights = take(Umax * Tmax);
    p.o_context = take(Umax * Hk);
    p.o_energies = take(Umax * Tmax * Da);
    d.out_floats = at;

    d.run.assign(kRunHeader + Tmax, 0.0f);
    const int u = plan.uniform(p, "decode_lstm params");
    const int wb = plan.storage(d.weights, "decode_lstm weights");
    const int rb = plan.storage(d.run.size(), "decode_lstm run");
    plan.upload_each_run(rb, d.run.data(), d.run.size());
    const int sb = plan.storage(scratch, "decode_lstm scratch");
    const int ob = plan.storage(d.out_floats, "decode_lstm out");
    plan.dispatch(Kernel::DecodeLstm, {u, wb, rb, sb, ob}, 1);
    plan.read_back(ob, 0, trace ? d.out_floats : d.logits_end);
    return plan.finish(error);
}

// The run buffer for source ids under options, as Seq2SeqLstm::run reads them (its notes say the same).
void fill_lstm_run(LstmDecode& d, const std::vector<int>& ids, const RunOptions& o, std::vector<std::string>& notes) {
    std::fill(d.run.begin(), d.run.end(), 0.0f);
    const int T = std::min<int>(static_cast<int>(ids.size()), static_cast<int>(d.p.Tmax));
    d.run[0] = static_cast<float>(T);
    const bool nudge = o.nudge_position >= 0 && o.nudge_position < T && std::isfinite(o.nudge_amount);
    d.run[1] = nudge ? static_cast<float>(o.nudge_position) : -1.0f;
    d.run[2] = nudge ? o.nudge_amount : 0.0f;
    AttentionOptions a;
    a.score = d.config.score();
    a.scaling = o.scaling;
    float temperature = o.temperature;
    if (!std::isfinite(temperature) || temperature <= 0.0f) temperature = 1.0f;
    temperature = std::max(temperature, 1e-4f);  // as seq2seq_lstm.cpp's kMinTemperature
    d.run[3] = attention_scale(a, d.config.key_dim()) / temperature;
    d.run[4] = o.normalizer == Normalizer::Soft ? 0.0f : o.normalizer == Normalizer::Hard ? 1.0f : 2.0f;
    d.run[5] = static_cast<float>(std::max(1, o.top_k));
    int cap = std::clamp(o.max_output_tokens, 1, 256);
    if (cap > kGpuMaxSteps) {
        notes.push_back("the GPU decode records at most " + std::to_string(kGpuMaxSteps) + " steps");
        cap = kGpuMaxSteps;
    }
    d.run[6] = static_cast<float>(cap);
    for (int t = 0; t < T; ++t) d.run[kRunHeader + t] = static_cast<float>(ids[t]);
}

std::vector<float> slice(const std::vector<float>& v, size_t at, size_t n) {
    return std::vector<float>(v.begin() + at, v.begin() + at + n);
}

GpuDecode parse_lstm(const LstmDecode& d, const RunResult& r, bool trace) {
    GpuDecode g;
    const DecodeLstmParams& p = d.p;
    const std::vector<float>& o = r.data;
    const int steps = static_cast<int>(o[0]), T = static_cast<int>(o[1]);
    if (steps < 1 || steps > static_cast<int>(p.Umax) || T < 1 || T > static_cast<int>(p.Tmax)) {
        g.error = "the GPU decode returned " + std::to_string(steps) + " steps over " + std::to_string(T) + " words";
        return g;
    }
    if (trace) g.keys = slice(o, p.o_keys, size_t(T) * p.Hk);
    for (int t = 0; t < steps; ++t) {
        GpuStep s;
        s.token = static_cast<int>(o[p.o_tokens + t]);
        s.logits = slice(o, p.o_logits + size_t(t) * p.V, p.V);
        s.probs = slice(o, p.o_probs + size_t(t) * p.V, p.V);
        if (trace) {
            GpuAttention a;
            a.form = "cross";
            a.query = slice(o, p.o_query + size_t(t) * p.S, p.S);
            a.scores = slice(o, p.o_scores + size_t(t) * p.Tmax, T);
            a.scaled = slice(o, p.o_scaled + size_t(t) * p.Tmax, T);
            a.weights = slice(o, p.o_weights + size_t(t) * p.Tmax, T);
            a.context = slice(o, p.o_context + size_t(t) * p.Hk, p.Hk);
            if (p.Da > 0) a.energies = slice(o, p.o_energies + size_t(t) * p.Tmax * p.Da, size_t(T) * p.Da);
            s.attention.push_back(std::move(a));
        }
        g.steps.push_back(std::move(s));
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
    GpuDecode fail;
    if (!lstm) {
        fail.error = "the GPU decode does not know the architecture of " + model->info().name;
        return finish(model, trace, req, std::move(fail));
    }
    std::string error;
    Plan* plan = Runtime::instance().plan(key, [&](Plan& pl, std::shared_ptr<void>* owner, std::string* err) {
        auto d = std::make_shared<LstmDecode>();
        *owner = d;
        return build_lstm_decode(pl, *lstm, trace, *d, err);
    }, &error);
    if (!plan) {
        fail.error = error;
        return finish(model, trace, req, std::move(fail));
    }
    auto d = std::static_pointer_cast<LstmDecode>(Runtime::instance().owner(key));
    std::vector<std::string> notes;
    fill_lstm_run(*d, req.ids, req.options, notes);
    q.busy = true;
    const int dispatches = plan->dispatch_count(), readbacks = plan->readback_count();
    plan->run([model, trace, d, notes, dispatches, readbacks](RunResult r) {
        Queue& q = queues()[plan_key(*model, trace)];
        GpuDecode g;
        if (r.error.empty()) g = parse_lstm(*d, r, trace);
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
    queues()[plan_key(model, trace)].waiting.push_back({source_ids, options, std::move(done)});
    pump(&model, trace);
}

DecodeComparison compare_decode(const GpuDecode& gpu, const Translation& cpu) {
    DecodeComparison c;
    if (gpu.steps.size() != cpu.steps.size()) c.same_tokens = false;
    double err = 0, ref = 0;
    for (size_t t = 0; t < gpu.steps.size() && t < cpu.steps.size(); ++t) {
        const GpuStep& g = gpu.steps[t];
        const DecodeStep& s = cpu.steps[t];
        if (g.token != s.token) c.same_tokens = false;
        const std::string step = "step " + std::to_string(t) + " ";
        diff(c, g.logits, s.logits.data(), std::min(g.logits.size(), s.logits.size()), step + "logits");
        diff(c, g.probs, s.probs.data(), std::min(g.probs.size(), s.probs.size()), step + "probs");
        for (size_t i = 0; i < g.logits.size() && i < s.logits.size(); ++i) {
            err += (double(g.logits[i]) - s.logits[i]) * (double(g.logits[i]) - s.logits[i]);
            ref += double(s.logits[i]) * s.logits[i];
        }
        for (size_t a = 0; a < g.attention.size() && a < s.attention.size(); ++a) {
            const GpuAttention& ga = g.attention[a];
            const AttentionTrace& ca = s.attention[a];
            const std::string call = step + ca.form + " layer " + std::to_string(ca.layer) + " head " + std::to_string(ca.head) + " ";
            const long row = ca.scores.rows() - 1;  // the step's query row (the last)
            diff(c, ga.query, ca.query.row(ca.query.rows() - 1).data(), ca.query.cols(), call + "query");
            diff(c, ga.scores, ca.scores.row(row).data(), ca.scores.cols(), call + "scores");
            diff(c, ga.scaled, ca.scaled.row(row).data(), ca.scaled.cols(), call + "scaled");
            diff(c, ga.weights, ca.weights.row(row).data(), ca.weights.cols(), call + "weights");
            diff(c, ga.context, ca.context.row(ca.context.rows() - 1).data(), ca.context.cols(), call + "context");
            if (!ga.energies.empty() && !ca.energies.empty())
                diff(c, ga.energies, ca.energies.back().data(), ca.energies.back().size(), call + "energies");
        }
    }
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
        for (size_t a = 0; a < g.attention.size() && a < s.attention.size(); ++a) {
            const GpuAttention& ga = g.attention[a];
            AttentionTrace& ca = s.attention[a];
            const long row = ca.scores.rows() - 1;
            auto put = [](Mat& m, long r, const std::vector<float>& v) {
                for (long j = 0; j < m.cols() && j < static_cast<long>(v.size()); ++j) m(r, j) = v[j];
            };
            put(ca.query, ca.query.rows() - 1, ga.query);
            put(ca.scores, row, ga.scores);
            put(ca.scaled, row, ga.scaled);
            put(ca.weights, row, ga.weights);
            put(ca.context, ca.context.rows() - 1, ga.context);
            ca.masked = ca.mask.size() ? Mat(ca.scaled + ca.mask) : ca.scaled;
            if (!ga.energies.empty() && !ca.energies.empty()) {
                Mat& e = ca.energies.back();
                for (long i = 0; i < e.size() && i < static_cast<long>(ga.energies.size()); ++i) e.data()[i] = ga.energies[i];
            }
            if (!gpu.keys.empty() && ca.keys.size() == static_cast<long>(gpu.keys.size())) {
                std::copy(gpu.keys.begin(), gpu.keys.end(), ca.keys.data());
                ca.values = ca.keys;  // keys = values: the encoder outputs
            }
        }
    }
}

}  // namespace attn::gpu
