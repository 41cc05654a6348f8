// seq2seq_lstm.cpp: see seq2seq_lstm.h. The decoder steps are written as the page's stages; the
// backward walks the same steps in reverse (d-prefixed names are gradients of the loss).
#include "models/seq2seq_lstm.h"

#include "models/translate_outline.h"

#include "core/check.h"
#include "core/format_error.h"
#include "core/rng.h"
#include "core/tokenizer.h"
#include "models/model_file.h"
#include "nn/loss.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <stdexcept>

namespace attn {

namespace {

constexpr const char* kArchitecture = "seq2seq_lstm";
// Limits on config values: far above any model of this project, low enough that a corrupt config
// cannot ask for gigabytes before its tensors are checked.
constexpr int kMaxWidth = 1024;
constexpr int kMaxLayers = 4;
constexpr int kMaxSourceTokens = 1024;

std::string num(double x) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", x);
    return buf;
}

Mat row_of(const Vec& v) { return v.transpose(); }
Vec vec_of_row(const Mat& m, Eigen::Index r) { return m.row(r).transpose(); }

}  // namespace

const char* seq2seq_style_name(Seq2SeqStyle s) {
    switch (s) {
        case Seq2SeqStyle::StatQuest: return "statquest";
        case Seq2SeqStyle::Bahdanau: return "bahdanau";
    }
    return "unknown";
}

// ---- config ----------------------------------------------------------------------------------------

void Seq2SeqConfig::validate(const std::string& source) const {
    const auto range = [&](const char* key, long value, long lo, long hi) {
        if (value < lo || value > hi)
            throw FormatError(source + ": '" + key + "' must be in [" + std::to_string(lo) + ", " + std::to_string(hi) +
                              "], found " + std::to_string(value));
    };
    range("embed", embed, 1, kMaxWidth);
    range("hidden", hidden, 1, kMaxWidth);
    range("layers", layers, 1, kMaxLayers);
    range("decoder_hidden", decoder_hidden, 1, kMaxWidth);
    range("attention_dim", attention_dim, 0, kMaxWidth);
    range("output_hidden", output_hidden, 0, kMaxWidth);
    range("max_source_tokens", max_source_tokens, 1, kMaxSourceTokens);
    range("top_k", top_k, 1, kMaxSourceTokens);
    const auto need = [&](bool ok, const std::string& what) {
        if (!ok) throw FormatError(source + ": style '" + seq2seq_style_name(style) + "' needs " + what);
    };
    if (style == Seq2SeqStyle::StatQuest) {
        need(!bidirectional, "'bidirectional' false (the decoder starts from the encoder's state)");
        need(decoder_hidden == hidden, "'decoder_hidden' equal to 'hidden' (" + std::to_string(hidden) + "), found " +
                                           std::to_string(decoder_hidden));
        need(attention_dim == 0, "'attention_dim' 0 (its scores have no energies), found " +
                                     std::to_string(attention_dim));
        need(statquest_score == ScoreFn::Dot || statquest_score == ScoreFn::Cosine ||
                 statquest_score == ScoreFn::ScaledDot || statquest_score == ScoreFn::General,
             std::string("'score' dot, cosine, scaled_dot or general, found '") + score_fn_name(statquest_score) + "'");
    } else {
        need(layers == 1, "'layers' 1, found " + std::to_string(layers));
        need(attention_dim > 0, "'attention_dim' > 0 (the width of the additive energies)");
    }
}

std::string Seq2SeqConfig::to_json() const {
    nlohmann::ordered_json j;
    j["style"] = seq2seq_style_name(style);
    j["embed"] = embed;
    j["hidden"] = hidden;
    j["layers"] = layers;
    j["bidirectional"] = bidirectional;
    j["decoder_hidden"] = decoder_hidden;
    j["attention_dim"] = attention_dim;
    j["output_hidden"] = output_hidden;
    j["max_source_tokens"] = max_source_tokens;
    j["score"] = score_fn_name(score());
    // Stage 5 when it is not soft (a file without it was trained with soft attention, as every shipped one)
    if (normalizer != Normalizer::Soft) j["normalizer"] = normalizer_name(normalizer);
    if (normalizer_info(normalizer).uses_k) j["top_k"] = top_k;
    j["start_token"] = Vocab::kSpecialWords[start_token()];
    return j.dump();
}

Seq2SeqConfig Seq2SeqConfig::from_json(const std::string& text, const std::string& source) {
    const nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) throw FormatError(source + ": not valid JSON: " + text.substr(0, 80));
    if (!j.is_object()) throw FormatError(source + ": expected a JSON object, found " + std::string(j.type_name()));
    static const char* const kKeys[] = {"style",         "embed",         "hidden",           "layers",
                                        "bidirectional", "decoder_hidden", "attention_dim",   "output_hidden",
                                        "max_source_tokens", "score",     "normalizer",       "top_k",
                                        "start_token"};
    for (const auto& item : j.items()) {
        if (std::none_of(std::begin(kKeys), std::end(kKeys), [&](const char* k) { return item.key() == k; }))
            throw FormatError(source + ": unexpected key '" + item.key() + "'");
    }
    const auto field = [&](const char* key) -> const nlohmann::json& {
        const auto it = j.find(key);
        if (it == j.end()) throw FormatError(source + ": missing key '" + key + "'");
        return *it;
    };
    const auto integer = [&](const char* key) {
        const nlohmann::json& v = field(key);
        if (!v.is_number_integer())
            throw FormatError(source + ": '" + key + "' must be an integer, found " + v.dump());
        const int64_t x = v.get<int64_t>();  // validate() checks each key's range; here only that it fits an int
        if (x < -1000000 || x > 1000000)
            throw FormatError(source + ": '" + key + "' out of range, found " + std::to_string(x));
        return static_cast<int>(x);
    };
    const auto string = [&](const char* key) {
        const nlohmann::json& v = field(key);
        if (!v.is_string()) throw FormatError(source + ": '" + key + "' must be a string, found " + v.dump());
        return v.get<std::string>();
    };
    Seq2SeqConfig c;
    const std::string style = string("style");
    if (style == "statquest") c.style = Seq2SeqStyle::StatQuest;
    else if (style == "bahdanau") c.style = Seq2SeqStyle::Bahdanau;
    else throw FormatError(source + ": 'style' must be 'statquest' or 'bahdanau', found '" + style + "'");
    c.embed = integer("embed");
    c.hidden = integer("hidden");
    c.layers = integer("layers");
    const nlohmann::json& bidi = field("bidirectional");
    if (!bidi.is_boolean()) throw FormatError(source + ": 'bidirectional' must be true or false, found " + bidi.dump());
    c.bidirectional = bidi.get<bool>();
    c.decoder_hidden = integer("decoder_hidden");
    c.attention_dim = integer("attention_dim");
    c.output_hidden = integer("output_hidden");
    c.max_source_tokens = integer("max_source_tokens");
    // score: statquest's is dot, cosine, scaled_dot or general (validate says which); bahdanau's additive.
    const std::string score = string("score");
    if (c.style == Seq2SeqStyle::StatQuest && !parse_score_fn(score.c_str(), &c.statquest_score))
        throw FormatError(source + ": 'score' is not a score function: '" + score + "'");
    // normalizer and top_k: absent in files written before them (trained with soft attention)
    if (j.contains("normalizer")) {
        const std::string n = string("normalizer");
        if (!parse_normalizer(n.c_str(), &c.normalizer))
            throw FormatError(source + ": 'normalizer' must be one of " + normalizer_names() + ", found '" + n + "'");
    }
    if (j.contains("top_k")) c.top_k = integer("top_k");
    c.validate(source);
    if (score != score_fn_name(c.score()))
        throw FormatError(source + ": 'score' of style '" + style + "' is '" + score_fn_name(c.score()) + "', found '" +
                          score + "'");
    // start_token follows from the style; it is in the file for a reader's sake, and must agree.
    const std::string start = string("start_token");
    if (start != Vocab::kSpecialWords[c.start_token()])
        throw FormatError(source + ": 'start_token' of style '" + style + "' is '" +
                          Vocab::kSpecialWords[c.start_token()] + "', found '" + start + "'");
    return c;
}

// ---- tensors -------------------------------------------------------------------------------------------

namespace {

// Calls f(name, param, grad) for every tensor the weights hold, in file order; grad is nullptr when g
// is. Optional parts (reverse encoder, bridge, attention weights, tanh layer) are visited when present.
template <class Weights, class F>
void visit_tensors(Weights& w, Seq2SeqGrad* g, F&& f) {
    f(std::string("embed.src"), w.src_embed.table, g ? &g->src_embed.dtable : nullptr);
    f(std::string("embed.tgt"), w.tgt_embed.table, g ? &g->tgt_embed.dtable : nullptr);
    const auto lstm = [&](const char* prefix, auto& stack, LstmGrad* dstack) {
        for (size_t l = 0; l < stack.layers.size(); ++l) {
            const std::string p = std::string(prefix) + ".l" + std::to_string(l) + ".";
            LstmCellGrad* d = dstack ? &dstack->layers[l] : nullptr;
            f(p + "W_ih", stack.layers[l].W_ih, d ? &d->dW_ih : nullptr);
            f(p + "W_hh", stack.layers[l].W_hh, d ? &d->dW_hh : nullptr);
            f(p + "b_ih", stack.layers[l].b_ih, d ? &d->db_ih : nullptr);
            f(p + "b_hh", stack.layers[l].b_hh, d ? &d->db_hh : nullptr);
        }
    };
    lstm("encoder", w.encoder, g ? &g->encoder : nullptr);
    lstm("encoder_reverse", w.encoder_reverse, g ? &g->encoder_reverse : nullptr);
    lstm("decoder", w.decoder, g ? &g->decoder : nullptr);
    if (w.bridge.W.size()) {
        f(std::string("bridge.W"), w.bridge.W, g ? &g->bridge.dW : nullptr);
        f(std::string("bridge.b"), w.bridge.b, g ? &g->bridge.db : nullptr);
    }
    if (w.score.W.W.size() && !w.score.v.size())  // general: W [S, H] on the keys, no bias
        f(std::string("attention.W"), w.score.W.W, g ? &g->score.dW.dW : nullptr);
    if (w.score.v.size()) {
        f(std::string("attention.W"), w.score.W.W, g ? &g->score.dW.dW : nullptr);
        f(std::string("attention.U"), w.score.U.W, g ? &g->score.dU.dW : nullptr);
        f(std::string("attention.b"), w.score.U.b, g ? &g->score.dU.db : nullptr);
        f(std::string("attention.v"), w.score.v, g ? &g->score.dv : nullptr);
    }
    if (w.output_hidden.W.size()) {
        f(std::string("output_hidden.W"), w.output_hidden.W, g ? &g->output_hidden.dW : nullptr);
        f(std::string("output_hidden.b"), w.output_hidden.b, g ? &g->output_hidden.db : nullptr);
    }
    f(std::string("output.W"), w.output.W, g ? &g->output.dW : nullptr);
    f(std::string("output.b"), w.output.b, g ? &g->output.db : nullptr);
}

std::vector<int64_t> shape_of(const Mat& m) { return {m.rows(), m.cols()}; }
std::vector<int64_t> shape_of(const Vec& v) { return {v.size()}; }

}  // namespace

// The layers first (the list names every layer's gradient), then every gradient shaped as its parameter;
// the parts the weights lack (reverse encoder, bridge, attention weights, tanh layer) stay empty.
void Seq2SeqGrad::zero_like(const Seq2SeqWeights& w) {
    *this = Seq2SeqGrad{};
    encoder.layers.resize(w.encoder.layers.size());
    encoder_reverse.layers.resize(w.encoder_reverse.layers.size());
    decoder.layers.resize(w.decoder.layers.size());
    visit_tensors(w, this, [](const std::string&, const auto& p, auto* dp) { dp->setZero(p.rows(), p.cols()); });
}

std::vector<TensorView> seq2seq_tensors(const Seq2SeqWeights& w) {
    std::vector<TensorView> list;
    visit_tensors(w, nullptr, [&](const std::string& name, const auto& p, auto*) {
        list.push_back({name, p.data(), static_cast<long>(p.size())});
    });
    return list;
}

std::vector<Seq2SeqTensorSpec> seq2seq_tensor_specs(const Seq2SeqConfig& c, int Vs, int Vt) {
    const int64_t E = c.embed, H = c.hidden, S = c.decoder_hidden, Hk = c.key_dim(), F = c.feature_dim();
    std::vector<Seq2SeqTensorSpec> specs;
    specs.push_back({"embed.src", {Vs, E}});
    specs.push_back({"embed.tgt", {Vt, E}});
    const auto lstm = [&](const char* prefix, int layers, int64_t in, int64_t h) {
        for (int l = 0; l < layers; ++l) {
            const std::string p = std::string(prefix) + ".l" + std::to_string(l) + ".";
            specs.push_back({p + "W_ih", {4 * h, l == 0 ? in : h}});
            specs.push_back({p + "W_hh", {4 * h, h}});
            specs.push_back({p + "b_ih", {4 * h}});
            specs.push_back({p + "b_hh", {4 * h}});
        }
    };
    lstm("encoder", c.layers, E, H);
    if (c.bidirectional) lstm("encoder_reverse", c.layers, E, H);
    if (c.style == Seq2SeqStyle::StatQuest) {
        lstm("decoder", c.layers, E, S);
        if (c.statquest_score == ScoreFn::General) specs.push_back({"attention.W", {S, H}});  // q . (W k)
    } else {
        lstm("decoder", 1, E + Hk, S);
        specs.push_back({"bridge.W", {S, H}});
        specs.push_back({"bridge.b", {S}});
        specs.push_back({"attention.W", {c.attention_dim, S}});
        specs.push_back({"attention.U", {c.attention_dim, Hk}});
        specs.push_back({"attention.b", {c.attention_dim}});
        specs.push_back({"attention.v", {c.attention_dim}});
    }
    int64_t in = F;
    if (c.output_hidden > 0) {
        specs.push_back({"output_hidden.W", {c.output_hidden, F}});
        specs.push_back({"output_hidden.b", {c.output_hidden}});
        in = c.output_hidden;
    }
    specs.push_back({"output.W", {Vt, in}});
    specs.push_back({"output.b", {Vt}});
    return specs;
}

Seq2SeqWeights seq2seq_init(Rng& rng, const Seq2SeqConfig& c, int Vs, int Vt) {
    c.validate("seq2seq_init config");
    Seq2SeqWeights w;
    w.src_embed = embedding_init(rng, Vs, c.embed);
    w.tgt_embed = embedding_init(rng, Vt, c.embed);
    w.encoder = lstm_init(rng, c.embed, c.hidden, c.layers);
    if (c.bidirectional) w.encoder_reverse = lstm_init(rng, c.embed, c.hidden, c.layers);
    if (c.style == Seq2SeqStyle::StatQuest) {
        w.decoder = lstm_init(rng, c.embed, c.decoder_hidden, c.layers);
        if (c.statquest_score == ScoreFn::General)
            w.score = score_weights_init(rng, ScoreFn::General, c.decoder_hidden, c.hidden, 0);
    } else {
        w.decoder = lstm_init(rng, c.embed + c.key_dim(), c.decoder_hidden, 1);
        w.bridge = linear_init(rng, c.hidden, c.decoder_hidden);
        w.score = score_weights_init(rng, ScoreFn::Additive, c.decoder_hidden, c.key_dim(), c.attention_dim);
    }
    if (c.output_hidden > 0) w.output_hidden = linear_init(rng, c.feature_dim(), c.output_hidden);
    w.output = linear_init(rng, c.output_hidden > 0 ? c.output_hidden : c.feature_dim(), Vt);
    return w;
}

long seq2seq_parameter_count(const Seq2SeqWeights& w) {
    long n = 0;
    visit_tensors(w, nullptr, [&](const std::string&, const auto& p, auto*) { n += p.size(); });
    return n;
}

ParamList seq2seq_params(Seq2SeqWeights& w, Seq2SeqGrad& g) {
    ParamList list;
    visit_tensors(w, &g, [&](const std::string& name, auto& p, auto* dp) { list.push_back(param_grad(name, p, *dp)); });
    return list;
}

// ---- the pieces both passes share ---------------------------------------------------------------------

namespace {

// The encoder over the source embeddings X[T, E]: keys = values = [forward; reverse] outputs [T, Hk].
struct EncoderRun {
    LstmRun forward, reverse;  // reverse: bidirectional only
    Mat keys;                  // [T, Hk]
};

EncoderRun run_encoder(const Seq2SeqConfig& c, const Seq2SeqWeights& w, const Mat& X, Backend backend) {
    EncoderRun e;
    e.forward = lstm_forward(w.encoder, X, LstmDirection::Forward, backend);
    if (!c.bidirectional) {
        e.keys = e.forward.out;
        return e;
    }
    e.reverse = lstm_forward(w.encoder_reverse, X, LstmDirection::Reverse, backend);
    e.keys.resize(X.rows(), c.key_dim());
    e.keys << e.forward.out, e.reverse.out;
    return e;
}

// What the decoder starts from. StatQuest: the encoder's final (h, c) of every layer. Bahdanau:
// h = tanh(bridge(h_last)), c = 0, h_last the top h of the encoder that ended on the first word
// (the reverse one when there is one, as the paper's s_0 = tanh(W_s h<-_1)).
const Vec& bridge_source(const Seq2SeqConfig& c, const EncoderRun& e, Vec& storage) {
    storage = vec_of_row(c.bidirectional ? e.reverse.final.h : e.forward.final.h, c.layers - 1);
    return storage;
}

LstmState decoder_init(const Seq2SeqConfig& c, const Seq2SeqWeights& w, const EncoderRun& e, Backend backend) {
    if (c.style == Seq2SeqStyle::StatQuest) return e.forward.final;
    Vec h_last;
    bridge_source(c, e, h_last);
    LstmState s;
    s.h = linear_forward(w.bridge, row_of(h_last), backend);
    kernels::vtanh(backend, s.h.data(), s.h.data(), static_cast<int>(s.h.size()));
    s.c = Mat::Zero(1, c.decoder_hidden);
    return s;
}

// Stage 7 before the softmax: features[U, F] -> logits[U, Vt], through tanh(output_hidden(.)) when O > 0.
// hidden receives the tanh layer's output [U, O] (what the backward needs).
Mat output_forward(const Seq2SeqConfig& c, const Seq2SeqWeights& w, const Mat& features, Mat& hidden,
                   Backend backend) {
    if (c.output_hidden == 0) return linear_forward(w.output, features, backend);
    hidden = linear_forward(w.output_hidden, features, backend);
    kernels::vtanh(backend, hidden.data(), hidden.data(), static_cast<int>(hidden.size()));
    return linear_forward(w.output, hidden, backend);
}

// Backward of output_forward: dlogits[U, Vt] -> dfeatures[U, F].
Mat output_backward(const Seq2SeqConfig& c, const Seq2SeqWeights& w, const Mat& features, const Mat& hidden,
                    const Mat& dlogits, Seq2SeqGrad& g, Backend backend) {
    if (c.output_hidden == 0) return linear_backward(w.output, features, dlogits, g.output, backend);
    const Mat dhidden = linear_backward(w.output, hidden, dlogits, g.output, backend);
    const Mat dpre = (dhidden.array() * (1.0f - hidden.array().square())).matrix();  // tanh' = 1 - tanh^2
    return linear_backward(w.output_hidden, features, dpre, g.output_hidden, backend);
}

AttentionOptions trained_attention(const Seq2SeqConfig& c, Backend backend) {
    AttentionOptions o;
    o.score = c.score();
    o.normalizer = c.normalizer;
    o.top_k = c.top_k;
    o.backend = backend;
    return o;  // the config's normalizer, temperature 1, no scaling (Auto scales only scaled_dot), no mask
}

// Back through the encoder: dkeys[T, Hk] (from attention) and the gradients w.r.t. the states the decoder
// read (dfinal_forward: statquest's whole final state; dlast: bahdanau's bridge input) -> dX[T, E].
Mat encoder_backward(const Seq2SeqConfig& c, const Seq2SeqWeights& w, const EncoderRun& e, const Mat& dkeys,
                     const LstmState* dfinal_forward, const Vec* dlast, Seq2SeqGrad& g, Backend backend) {
    const int H = c.hidden, L = c.layers;
    LstmRunGrad df;
    df.dout = dkeys.leftCols(H);
    if (dfinal_forward) df.dfinal = *dfinal_forward;
    LstmRunGrad dr;
    if (dlast) {
        LstmRunGrad& target = c.bidirectional ? dr : df;
        target.dfinal.h = Mat::Zero(L, H);
        target.dfinal.h.row(L - 1) = dlast->transpose();
    }
    Mat dX = lstm_backward(w.encoder, e.forward, df, g.encoder, backend).dx;
    if (c.bidirectional) {
        dr.dout = dkeys.rightCols(H);
        dX += lstm_backward(w.encoder_reverse, e.reverse, dr, g.encoder_reverse, backend).dx;
    }
    return dX;
}

}  // namespace

// ---- training: teacher-forced loss and its backward ---------------------------------------------------

double seq2seq_loss(const Seq2SeqConfig& c, const Seq2SeqWeights& w, const std::vector<int>& source,
                    const std::vector<int>& target, Seq2SeqGrad* grad, Backend backend) {
    if (source.empty()) throw std::invalid_argument("seq2seq_loss: the source is empty");
    const int U = static_cast<int>(target.size()) + 1, S = c.decoder_hidden, Hk = c.key_dim(), E = c.embed;
    // the decoder reads start, y_0 .. y_{n-1} and must produce y_0 .. y_{n-1}, <EOS>
    std::vector<int> inputs(U), expected(U);
    inputs[0] = c.start_token();
    for (int t = 0; t + 1 < U; ++t) {
        inputs[t + 1] = target[t];
        expected[t] = target[t];
    }
    expected[U - 1] = Vocab::kEos;

    const Mat X = embedding_forward(w.src_embed, source);  // [T, E]
    const Mat Y = embedding_forward(w.tgt_embed, inputs);  // [U, E]
    const EncoderRun enc = run_encoder(c, w, X, backend);
    const AttentionOptions ao = trained_attention(c, backend);
    Mat features(U, c.feature_dim());

    // StatQuest: the decoder's inputs do not depend on attention, so the whole decoder runs first and
    // every step's attention is one call with U queries.
    LstmRun dec;
    AttentionCache cache;
    // Bahdanau: step by step, each query is the state the previous step left.
    std::vector<LstmStep> steps;
    std::vector<AttentionCache> caches;
    Mat queries;
    LstmState init;

    if (c.style == Seq2SeqStyle::StatQuest) {
        dec = lstm_forward(w.decoder, Y, enc.forward.final, LstmDirection::Forward, backend);
        const Mat context = attention_forward(ao, w.score, dec.out, enc.keys, enc.keys, &cache);  // [U, Hk]
        features << context, dec.out;
    } else {
        init = decoder_init(c, w, enc, backend);
        LstmState state = init;
        queries.resize(U, S);
        caches.resize(U);
        steps.reserve(U);
        Vec x(E + Hk);
        for (int t = 0; t < U; ++t) {
            queries.row(t) = state.h.row(0);
            const Mat context = attention_forward(ao, w.score, queries.row(t), enc.keys, enc.keys, &caches[t]);
            x << Y.row(t).transpose(), context.row(0).transpose();
            steps.push_back(lstm_step_forward(w.decoder, x, state, backend));
            state = steps.back().state_after();
            features.row(t) << steps.back().out().transpose(), context.row(0);
        }
    }
    Mat hidden;
    const Mat logits = output_forward(c, w, features, hidden, backend);
    const CrossEntropy ce = cross_entropy_forward(logits, expected);
    if (!grad) return ce.loss;

    Seq2SeqGrad& g = *grad;
    const Mat dlogits = cross_entropy_backward(ce);
    const Mat dfeatures = output_backward(c, w, features, hidden, dlogits, g, backend);  // [U, F]
    Mat dkeys = Mat::Zero(enc.keys.rows(), Hk);
    Mat dY(U, E);

    if (c.style == Seq2SeqStyle::StatQuest) {
        // features = [context; h_t]: the context goes back through attention, h_t both ways
        const Mat dcontext = dfeatures.leftCols(Hk);
        const AttentionInputGrad ag = attention_backward(ao, w.score, dec.out, enc.keys, enc.keys, cache, dcontext, g.score);
        LstmRunGrad ddec;
        ddec.dout = dfeatures.rightCols(S) + ag.dQ;
        const LstmInputGrad dg = lstm_backward(w.decoder, dec, ddec, g.decoder, backend);
        dY = dg.dx;
        dkeys = ag.dK + ag.dV;
        const Mat dX = encoder_backward(c, w, enc, dkeys, &dg.dinit, nullptr, g, backend);
        embedding_backward(w.src_embed, source, dX, g.src_embed);
    } else {
        // dstate: w.r.t. the state step t left (what step t+1 read, as its LSTM state and its query)
        LstmState dstate{Mat::Zero(1, S), Mat::Zero(1, S)};
        for (int t = U - 1; t >= 0; --t) {
            const Vec dout = vec_of_row(dfeatures.leftCols(S), t);  // features = [s_t.h; c_t]
            const LstmStepInputGrad sg = lstm_step_backward(w.decoder, steps[t], dout, dstate, g.decoder, backend);
            dY.row(t) = sg.dx.head(E).transpose();
            // c_t reached the output and the LSTM's input
            const Mat dcontext = dfeatures.row(t).rightCols(Hk) + sg.dx.tail(Hk).transpose();
            const AttentionInputGrad ag =
                attention_backward(ao, w.score, queries.row(t), enc.keys, enc.keys, caches[t], dcontext, g.score);
            dkeys += ag.dK + ag.dV;
            dstate = sg.dbefore;
            dstate.h.row(0) += ag.dQ.row(0);  // the query was s_{t-1}.h
        }
        // s_{-1}.h = tanh(bridge(h_last)); s_{-1}.c = 0 is a constant
        Vec h_last;
        bridge_source(c, enc, h_last);
        const Mat dpre = (dstate.h.array() * (1.0f - init.h.array().square())).matrix();  // [1, S]
        const Mat dlast = linear_backward(w.bridge, row_of(h_last), dpre, g.bridge, backend);  // [1, H]
        const Vec dlast_vec = vec_of_row(dlast, 0);
        const Mat dX = encoder_backward(c, w, enc, dkeys, nullptr, &dlast_vec, g, backend);
        embedding_backward(w.src_embed, source, dX, g.src_embed);
    }
    embedding_backward(w.tgt_embed, inputs, dY, g.tgt_embed);
    return ce.loss;
}

// ---- the translator ---------------------------------------------------------------------------------------

Seq2SeqLstm::Seq2SeqLstm(ModelInfo info, const Seq2SeqConfig& config, Vocab source_vocab, Vocab target_vocab,
                         Seq2SeqWeights weights)
    : info_(std::move(info)),
      config_(config),
      src_vocab_(std::move(source_vocab)),
      tgt_vocab_(std::move(target_vocab)),
      weights_(std::move(weights)) {
    config_.validate(info_.name + " config");
    // The weights must be exactly the tensors the config and vocabularies imply.
    const std::vector<Seq2SeqTensorSpec> specs = seq2seq_tensor_specs(config_, src_vocab_.size(), tgt_vocab_.size());
    std::vector<Seq2SeqTensorSpec> found;
    visit_tensors(weights_, nullptr,
                  [&](const std::string& name, const auto& p, auto*) { found.push_back({name, shape_of(p)}); });
    for (size_t i = 0; i < std::max(specs.size(), found.size()); ++i) {
        const std::string want = i < specs.size() ? specs[i].name + " " + shape_str(specs[i].shape) : "nothing";
        const std::string have = i < found.size() ? found[i].name + " " + shape_str(found[i].shape) : "nothing";
        if (want != have)
            throw ShapeError("Seq2SeqLstm '" + info_.name + "': tensor " + std::to_string(i) + " should be " + want +
                             ", found " + have);
    }
    info_.architecture = kArchitecture;
    info_.config_json = config_.to_json();
    info_.parameter_count = seq2seq_parameter_count(weights_);
}

void Seq2SeqLstm::set_metrics(const std::string& metrics_json, const std::string& training_json) {
    info_.metrics_json = metrics_json;
    info_.training_json = training_json;
}

std::vector<int> Seq2SeqLstm::encode_source(const std::string& text) const {
    std::vector<int> ids = encode_text(src_vocab_, text).ids;
    if (static_cast<int>(ids.size()) > config_.max_source_tokens) ids.resize(config_.max_source_tokens);
    return ids;
}

std::vector<int> Seq2SeqLstm::encode_target(const std::string& text) const { return encode_text(tgt_vocab_, text).ids; }

Translation Seq2SeqLstm::translate(const std::string& text, const RunOptions& options) const {
    return run(text, nullptr, options);
}

Translation Seq2SeqLstm::force(const std::string& source, const std::string& target, const RunOptions& options) const {
    return run(source, &target, options);
}

namespace {

std::string quoted_list(const std::vector<std::string>& words) {
    std::string s;
    for (const std::string& w : words) s += (s.empty() ? "'" : ", '") + w + "'";
    return s;
}

// The lab's options as this model runs them; every departure from how it was trained gets a note.
// The resolved options (resolve_run_options) as this model's attention runs them; the departures
// from how it was trained that only this architecture has get a note here.
AttentionOptions run_attention_options(const Seq2SeqConfig& c, const RunOptions& o, Translation& notes) {
    AttentionOptions a = trained_attention(c, o.backend);
    a.normalizer = o.normalizer;
    a.top_k = o.top_k;
    a.scaling = o.scaling;
    a.temperature = o.temperature;
    if (o.scaling == Scaling::On && c.score() != ScoreFn::ScaledDot) {  // scaled_dot was trained scaled
        const float scale = attention_scale(a, c.key_dim());
        notes.note(say("note.engine.scaling_on",
                       "scaling on: the %s scores are multiplied by 1/sqrt(%s) = %s; the model was trained without scaling",
                       {score_fn_name(c.score()), std::to_string(c.key_dim()), num(scale)}));
    }
    if (!o.head_mask.empty())
        notes.note(say("note.engine.head_mask_ignored",
                       "head mask ignored: this model has a single attention head (an LSTM encoder-decoder)"));
    return a;
}

int argmax(const std::vector<float>& p) {
    return static_cast<int>(std::max_element(p.begin(), p.end()) - p.begin());  // the first of ties
}

}  // namespace

Translation Seq2SeqLstm::run(const std::string& source, const std::string* forced_target,
                             const RunOptions& options_in) const {
    Translation out;
    out.model = info_.name;
    out.max_source_tokens = config_.max_source_tokens;

    // 1. the source, as the encoder reads it (translate_outline.h)
    if (!read_source(src_vocab_, config_.max_source_tokens, source, out)) return out;
    // 2. the options under the one policy
    std::vector<Said> resolved;
    const RunOptions options = resolve_run_options(options_in, static_cast<int>(out.source_ids.size()), resolved,
                                                   {config_.normalizer, config_.top_k});
    for (Said& n : resolved) out.note(std::move(n));

    // The target, when forced.
    std::vector<int> forced;
    if (forced_target) {
        const EncodedText t = encode_text(tgt_vocab_, *forced_target);
        forced = t.ids;
        for (const Token& tok : t.tokens) out.output_tokens.push_back(tok.text);
        std::vector<std::string> unknown_target;
        for (const UnknownWord& u : t.unknown) unknown_target.push_back(u.word);
        if (!unknown_target.empty())
            out.note(say("note.engine.unknown_target", "target words the model does not know, read as <UNK>: %s",
                         {quoted_list(unknown_target)}));
    }

    const AttentionOptions ao = run_attention_options(config_, options, out);
    int max_steps = options.max_output_tokens;
    if (forced_target) {
        if (static_cast<int>(forced.size()) + 1 > max_steps) {
            out.note(say("note.engine.target_cut", "the target was cut to %s words (max_output_tokens %s)",
                         {std::to_string(max_steps - 1), std::to_string(max_steps)}));
            forced.resize(std::max(0, max_steps - 1));
            out.output_tokens.resize(forced.size());
        }
        max_steps = static_cast<int>(forced.size()) + 1;
        out.note(say("note.engine.forced_lstm", "teacher-forced on the given target: each step reads the target's "
                     "previous word; its token is still the model's own choice"));
    }

    const Backend backend = options.backend;
    const int E = config_.embed, Hk = config_.key_dim();
    try {
        // The encoder, with the learner's nudge on one source embedding.
        Mat X = embedding_forward(weights_.src_embed, out.source_ids);
        if (options.nudge_position >= 0) {  // within the source and finite (resolve_run_options)
            const int p = options.nudge_position;
            X.row(p) += options.nudge_amount * nudge_direction(E).transpose();
            out.note(say("note.engine.nudged", "the embedding of source word %s ('%s') was nudged by %s along a fixed unit direction",
                         {std::to_string(p), out.source_tokens[p], num(options.nudge_amount)}));
        }
        const EncoderRun enc = run_encoder(config_, weights_, X, backend);
        LstmState state = decoder_init(config_, weights_, enc, backend);

        int input = config_.start_token();
        for (int t = 0; t < max_steps; ++t) {
            DecodeStep step;
            step.input_token = input;
            const Vec y = weights_.tgt_embed.table.row(input).transpose();  // [E] what this step reads
            Trace trace;
            Trace* tp = options.record_trace ? &trace : nullptr;
            Mat features(1, config_.feature_dim());
            if (config_.style == Seq2SeqStyle::StatQuest) {
                // the decoder LSTM reads the previous word; its top output h_t is the query
                const LstmStep ls = lstm_step_forward(weights_.decoder, y, state, backend);
                state = ls.state_after();
                const Mat query = row_of(ls.out());
                // Stages 1-6: query h_t, keys = values = top encoder outputs, dot scores, softmax, context
                const Mat context = attention_forward(ao, weights_.score, query, enc.keys, enc.keys, nullptr, tp);
                features << context, query;
            } else {
                // Stages 1-6: query s_{t-1}, additive scores over the annotations, softmax, context c_t
                const Mat query = state.h.topRows(1);
                const Mat context = attention_forward(ao, weights_.score, query, enc.keys, enc.keys, nullptr, tp);
                // then the decoder LSTM reads [y_{t-1}; c_t]
                Vec x(E + Hk);
                x << y, context.row(0).transpose();
                const LstmStep ls = lstm_step_forward(weights_.decoder, x, state, backend);
                state = ls.state_after();
                features << ls.out().transpose(), context;
            }
            // Stage 7: output distribution and the chosen word
            Mat hidden;
            const Mat logits = output_forward(config_, weights_, features, hidden, backend);
            const Mat probs = softmax(logits, 1.0f, backend);
            step.logits.assign(logits.data(), logits.data() + logits.size());
            step.probs.assign(probs.data(), probs.data() + probs.size());
            step.token = argmax(step.probs);
            step.word = tgt_vocab_.word(step.token);
            step.prob = step.probs[step.token];
            for (AttentionTrace& a : trace.calls) step.attention.push_back(std::move(a));
            out.steps.push_back(std::move(step));

            const int chosen = out.steps.back().token;
            if (forced_target) {
                if (t < static_cast<int>(forced.size())) input = forced[t];
                continue;
            }
            if (chosen == Vocab::kEos) break;
            out.output_tokens.push_back(out.steps.back().word);
            input = chosen;
        }
        if (!forced_target && (out.steps.empty() || out.steps.back().token != Vocab::kEos))
            out.note(step_cap_said(static_cast<int>(out.steps.size())));
    } catch (const std::exception& e) {
        // Only pathological options get here (e.g. a nudge so large that the LSTM overflows): the steps
        // computed so far are kept, and the page says why the run stopped.
        out.note(say("note.engine.run_stopped", "the run stopped: %s", {e.what()}));
    }
    out.output_text = join_words(out.output_tokens);
    return out;
}

// ---- the file -------------------------------------------------------------------------------------------

SafetensorsFile seq2seq_to_file(const Seq2SeqLstm& model) {
    SafetensorsFile f;
    f.source = model.info().name + ".safetensors";
    write_model_info(f, model.info());
    write_vocab(f, "vocab_src", model.source_vocab());
    write_vocab(f, "vocab_tgt", model.target_vocab());
    visit_tensors(model.weights(), nullptr, [&](const std::string& name, const auto& p, auto*) { f.add(name, p); });
    return f;
}

std::unique_ptr<Seq2SeqLstm> load_seq2seq_lstm_model(const SafetensorsFile& f) {
    const ModelInfo info = read_model_info(f, kArchitecture);
    const Seq2SeqConfig config = Seq2SeqConfig::from_json(info.config_json, f.source + " metadata config");
    Vocab src = read_vocab(f, "vocab_src");
    Vocab tgt = read_vocab(f, "vocab_tgt");

    // Every tensor is checked (name, dtype, shape, finite values) before anything is allocated.
    const std::vector<Seq2SeqTensorSpec> specs = seq2seq_tensor_specs(config, src.size(), tgt.size());
    std::set<std::string> expected;
    long count = 0;
    for (const Seq2SeqTensorSpec& s : specs) {
        const StoredTensor& t = f.require(s.name, DType::F32, s.shape);
        const std::vector<float> values = t.to_f32();
        for (size_t i = 0; i < values.size(); ++i)
            if (!std::isfinite(values[i]))
                throw FormatError("tensor '" + s.name + "' in " + f.source + ": expected finite values, found " +
                                  num(values[i]) + " at index " + std::to_string(i));
        expected.insert(s.name);
        count += static_cast<long>(t.element_count());
    }
    for (const StoredTensor& t : f.tensors)
        if (!expected.count(t.name))
            throw FormatError("tensor '" + t.name + "' in " + f.source + ": not a tensor of a seq2seq_lstm model of style '" +
                              seq2seq_style_name(config.style) + "' (expected " + std::to_string(specs.size()) +
                              " tensors, found " + std::to_string(f.tensors.size()) + ")");
    if (info.parameter_count != count)
        throw FormatError(f.source + ": metadata parameter_count is " + std::to_string(info.parameter_count) +
                          ", expected " + std::to_string(count) + " (the tensors' values)");

    Rng unused(0);  // the shapes come from init; every value is then replaced by the file's
    Seq2SeqWeights w = seq2seq_init(unused, config, src.size(), tgt.size());
    visit_tensors(w, nullptr, [&](const std::string& name, auto& p, auto*) {
        const std::vector<float> values = f.find(name)->to_f32();
        std::copy(values.begin(), values.end(), p.data());
    });
    return std::make_unique<Seq2SeqLstm>(info, config, std::move(src), std::move(tgt), std::move(w));
}

std::unique_ptr<Translator> load_seq2seq_lstm(const SafetensorsFile& f) { return load_seq2seq_lstm_model(f); }

}  // namespace attn
