// transformer.cpp: see transformer.h. The forward pass is written once (encode, decode) and serves
// training (with caches), translation and teacher forcing (with traces); the backward mirrors it.
#include "models/transformer.h"

#include "models/translate_outline.h"

#include "core/check.h"
#include "core/format_error.h"
#include "core/rng.h"
#include "kernels/kernels.h"
#include "models/model_file.h"
#include "nn/loss.h"
#include "nn/positional.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <stdexcept>

namespace attn {

// ---------------------------------------------------------------------------------------------------
// config

namespace {

// The fixed choices of this implementation, written into every file and required when reading one.
const char* const kFixedChoices[][2] = {
    {"norm", "pre"},                   // layer norm before each sub-block (transformer_block.h)
    {"activation", "relu"},            // feed-forward nonlinearity
    {"positional", "sinusoidal"},      // nn/positional.h, added to the embeddings
    {"embedding_scale", "sqrt_d_model"},
    {"output", "tied_target_embedding"},
    {"score", "scaled_dot"},
};

struct IntKey {
    const char* name;
    int TransformerConfig::*field;
    int min, max;  // caps keep a hostile file from asking for gigabytes before any tensor is read
};
const IntKey kIntKeys[] = {
    {"d_model", &TransformerConfig::d_model, 1, 1024},
    {"heads", &TransformerConfig::heads, 1, 64},
    {"encoder_layers", &TransformerConfig::encoder_layers, 1, 16},
    {"decoder_layers", &TransformerConfig::decoder_layers, 1, 16},
    {"ff_hidden", &TransformerConfig::ff_hidden, 1, 8192},
    {"max_source_tokens", &TransformerConfig::max_source_tokens, 1, 1024},
};

void check_buildable(const TransformerConfig& c, const std::string& where) {
    for (const IntKey& k : kIntKeys) {
        const int v = c.*k.field;
        if (v < k.min || v > k.max)
            throw std::invalid_argument(where + ": " + k.name + " = " + std::to_string(v) + " is outside [" +
                                        std::to_string(k.min) + ", " + std::to_string(k.max) + "]");
    }
    if (c.d_model % c.heads != 0)
        throw std::invalid_argument(where + ": heads = " + std::to_string(c.heads) + " does not divide d_model = " +
                                    std::to_string(c.d_model));
}

}  // namespace

std::string transformer_config_to_json(const TransformerConfig& c) {
    nlohmann::json j;
    for (const IntKey& k : kIntKeys) j[k.name] = c.*k.field;
    for (const auto& kv : kFixedChoices) j[kv[0]] = kv[1];
    return j.dump();
}

TransformerConfig transformer_config_from_json(const std::string& text, const std::string& source) {
    // (not the parser's own message: a visitor's model file is refused in the project's words)
    const nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) throw FormatError(source + ": not valid JSON");
    if (!j.is_object()) throw FormatError(source + ": expected a JSON object, found " + j.type_name());
    TransformerConfig c;
    for (const IntKey& k : kIntKeys) {
        const auto it = j.find(k.name);
        if (it == j.end()) throw FormatError(source + ": missing key '" + k.name + "'");
        if (!it->is_number_integer())
            throw FormatError(source + ": '" + k.name + "' must be an integer, found " + it->dump());
        const long long v = it->get<long long>();
        if (v < k.min || v > k.max)
            throw FormatError(source + ": '" + k.name + "' = " + std::to_string(v) + ", expected " +
                              std::to_string(k.min) + " to " + std::to_string(k.max));
        c.*k.field = static_cast<int>(v);
    }
    for (const auto& kv : kFixedChoices) {
        const auto it = j.find(kv[0]);
        if (it == j.end()) throw FormatError(source + ": missing key '" + kv[0] + "'");
        if (!it->is_string() || it->get<std::string>() != kv[1])
            throw FormatError(source + ": '" + kv[0] + "' is " + it->dump() + ", this implementation runs \"" +
                              kv[1] + "\"");
    }
    if (c.d_model % c.heads != 0)
        throw FormatError(source + ": heads = " + std::to_string(c.heads) + " does not divide d_model = " +
                          std::to_string(c.d_model));
    return c;
}

// ---------------------------------------------------------------------------------------------------
// parameters

namespace {

// Visits every parameter in file order as fn(name, param, grad-or-null). W is TransformerWeights,
// const or not; g may be null (the writer and the loader have no gradients).
template <class W, class Fn>
void visit_tensors(W& w, TransformerGrads* g, Fn&& fn) {
    auto linear = [&](const std::string& n, auto& l, LinearGrad* dl) {
        fn(n + ".W", l.W, dl ? &dl->dW : nullptr);
        fn(n + ".b", l.b, dl ? &dl->db : nullptr);
    };
    auto norm = [&](const std::string& n, auto& ln, LayerNormGrad* dln) {
        fn(n + ".gamma", ln.gamma, dln ? &dln->dgamma : nullptr);
        fn(n + ".beta", ln.beta, dln ? &dln->dbeta : nullptr);
    };
    auto mha = [&](const std::string& n, auto& m, MultiHeadGrad* dm) {
        linear(n + ".query", m.query, dm ? &dm->query : nullptr);
        linear(n + ".key", m.key, dm ? &dm->key : nullptr);
        linear(n + ".value", m.value, dm ? &dm->value : nullptr);
        linear(n + ".out", m.out, dm ? &dm->out : nullptr);
    };
    auto ff = [&](const std::string& n, auto& f, FeedForwardGrad* df) {
        linear(n + ".up", f.up, df ? &df->up : nullptr);
        linear(n + ".down", f.down, df ? &df->down : nullptr);
    };
    fn(std::string("src_embed"), w.src_embed.table, g ? &g->src_embed.dtable : nullptr);
    fn(std::string("tgt_embed"), w.tgt_embed.table, g ? &g->tgt_embed.dtable : nullptr);
    fn(std::string("out_bias"), w.out_bias, g ? &g->dout_bias : nullptr);
    for (size_t l = 0; l < w.encoder.size(); ++l) {
        const std::string n = "enc." + std::to_string(l);
        EncoderLayerGrad* dl = g ? &g->encoder[l] : nullptr;
        norm(n + ".self_norm", w.encoder[l].self_norm, dl ? &dl->self_norm : nullptr);
        mha(n + ".self", w.encoder[l].self, dl ? &dl->self : nullptr);
        norm(n + ".ff_norm", w.encoder[l].ff_norm, dl ? &dl->ff_norm : nullptr);
        ff(n + ".ff", w.encoder[l].ff, dl ? &dl->ff : nullptr);
    }
    norm("enc.norm", w.encoder_norm, g ? &g->encoder_norm : nullptr);
    for (size_t l = 0; l < w.decoder.size(); ++l) {
        const std::string n = "dec." + std::to_string(l);
        DecoderLayerGrad* dl = g ? &g->decoder[l] : nullptr;
        norm(n + ".self_norm", w.decoder[l].self_norm, dl ? &dl->self_norm : nullptr);
        mha(n + ".self", w.decoder[l].self, dl ? &dl->self : nullptr);
        norm(n + ".cross_norm", w.decoder[l].cross_norm, dl ? &dl->cross_norm : nullptr);
        mha(n + ".cross", w.decoder[l].cross, dl ? &dl->cross : nullptr);
        norm(n + ".ff_norm", w.decoder[l].ff_norm, dl ? &dl->ff_norm : nullptr);
        ff(n + ".ff", w.decoder[l].ff, dl ? &dl->ff : nullptr);
    }
    norm("dec.norm", w.decoder_norm, g ? &g->decoder_norm : nullptr);
}

}  // namespace

long TransformerWeights::parameter_count() const {
    long n = 0;
    visit_tensors(*this, nullptr, [&](const std::string&, const auto& p, auto*) { n += static_cast<long>(p.size()); });
    return n;
}

// Layers first (the list names every layer's grads), then every gradient shaped as its parameter.
void TransformerGrads::zero_like(const TransformerWeights& w) {
    encoder.resize(w.encoder.size());
    decoder.resize(w.decoder.size());
    visit_tensors(w, this, [](const std::string&, const auto& p, auto* dp) {
        dp->setZero(p.rows(), p.cols());
    });
}

std::vector<TensorView> transformer_tensors(const TransformerWeights& w) {
    std::vector<TensorView> list;
    visit_tensors(w, nullptr, [&](const std::string& name, const auto& p, auto*) {
        list.push_back({name, p.data(), static_cast<long>(p.size())});
    });
    return list;
}

TransformerWeights transformer_init(Rng& rng, const TransformerConfig& c, int src_vocab, int tgt_vocab) {
    check_buildable(c, "transformer_init");
    if (src_vocab < Vocab::kSpecialCount || tgt_vocab < Vocab::kSpecialCount)
        throw std::invalid_argument("transformer_init: vocabularies need at least the " +
                                    std::to_string(Vocab::kSpecialCount) + " special tokens");
    TransformerWeights w;
    const float inv_sqrt_d = 1.0f / std::sqrt(static_cast<float>(c.d_model));
    w.src_embed = embedding_init(rng, src_vocab, c.d_model);
    w.src_embed.table *= inv_sqrt_d;
    w.tgt_embed = embedding_init(rng, tgt_vocab, c.d_model);
    w.tgt_embed.table *= inv_sqrt_d;
    w.out_bias = Vec::Zero(tgt_vocab);
    for (int l = 0; l < c.encoder_layers; ++l) w.encoder.push_back(encoder_layer_init(rng, c.d_model, c.heads, c.ff_hidden));
    w.encoder_norm = layernorm_init(c.d_model);
    for (int l = 0; l < c.decoder_layers; ++l) w.decoder.push_back(decoder_layer_init(rng, c.d_model, c.heads, c.ff_hidden));
    w.decoder_norm = layernorm_init(c.d_model);
    return w;
}

ParamList transformer_params(TransformerWeights& w, TransformerGrads& g) {
    if (g.encoder.size() != w.encoder.size() || g.decoder.size() != w.decoder.size()) g.zero_like(w);
    ParamList list;
    visit_tensors(w, &g, [&](const std::string& name, auto& p, auto* dp) { list.push_back(param_grad(name, p, *dp)); });
    return list;
}

// ---------------------------------------------------------------------------------------------------
// attention options

TransformerAttention transformer_training_attention(const TransformerConfig& c, Backend backend) {
    AttentionOptions o;
    o.score = ScoreFn::ScaledDot;
    o.backend = backend;
    TransformerAttention a;
    a.backend = backend;
    a.encoder_self.assign(c.encoder_layers, o);
    a.decoder_cross.assign(c.decoder_layers, o);
    o.mask = MaskKind::Causal;
    a.decoder_self.assign(c.decoder_layers, o);
    return a;
}

std::vector<std::string> transformer_block_names(const TransformerConfig& c) {
    std::vector<std::string> names;
    for (int l = 0; l < c.encoder_layers; ++l) names.push_back("enc." + std::to_string(l) + ".self");
    for (int l = 0; l < c.decoder_layers; ++l) {
        names.push_back("dec." + std::to_string(l) + ".self");
        names.push_back("dec." + std::to_string(l) + ".cross");
    }
    return names;
}

// ---------------------------------------------------------------------------------------------------
// forward and backward

namespace {

struct ForwardCache {
    std::vector<EncoderLayerCache> enc;
    Mat enc_out;  // [S, d] the last encoder layer's output, before LN_enc
    Mat memory;   // [S, d] LN_enc(enc_out): the keys and values of cross-attention
    std::vector<DecoderLayerCache> dec;
    Mat dec_out;  // [T, d] before LN_dec
    Mat hidden;   // [T, d] LN_dec(dec_out): what the output layer reads
};

float embedding_scale(const TransformerWeights& w) { return std::sqrt(static_cast<float>(w.src_embed.dim())); }

// 1. embed: sqrt(d) E[ids] + PE, and an optional nudge of one row (RunOptions::nudge_*).
Mat embed(const Embedding& e, const std::vector<int>& ids, float scale, int nudge_row = -1, const Vec* nudge = nullptr) {
    Mat x = embedding_forward(e, ids) * scale;
    if (nudge && nudge_row >= 0 && nudge_row < x.rows()) x.row(nudge_row) += nudge->transpose();
    x += sinusoidal_positional_encoding(static_cast<int>(ids.size()), e.dim());
    return x;
}

// 2. encoder: src[S] -> memory[S, d].
Mat encode(const TransformerWeights& w, const TransformerAttention& a, const std::vector<int>& src,
           ForwardCache* cache, Trace* trace, int nudge_row = -1, const Vec* nudge = nullptr) {
    Mat x = embed(w.src_embed, src, embedding_scale(w), nudge_row, nudge);
    if (cache) cache->enc.resize(w.encoder.size());
    for (size_t l = 0; l < w.encoder.size(); ++l)
        x = encoder_layer_forward(w.encoder[l], a.encoder_self[l], x, cache ? &cache->enc[l] : nullptr, trace,
                                  static_cast<int>(l));
    Mat memory = layernorm_forward(w.encoder_norm, x);
    if (cache) {
        cache->enc_out = std::move(x);
        cache->memory = memory;
    }
    return memory;
}

// 3-4. decoder and output layer: dec_in[T] over memory[S, d] -> logits[T, Vt].
Mat decode(const TransformerWeights& w, const TransformerAttention& a, const Mat& memory,
           const std::vector<int>& dec_in, ForwardCache* cache, Trace* trace) {
    Mat y = embed(w.tgt_embed, dec_in, embedding_scale(w));
    if (cache) cache->dec.resize(w.decoder.size());
    for (size_t l = 0; l < w.decoder.size(); ++l)
        y = decoder_layer_forward(w.decoder[l], a.decoder_self[l], a.decoder_cross[l], y, memory,
                                  cache ? &cache->dec[l] : nullptr, trace, static_cast<int>(l));
    Mat hidden = layernorm_forward(w.decoder_norm, y);
    // 4. output: logits = H E_tgt^T + b_out, the target embedding doubling as the output projection
    const int T = static_cast<int>(hidden.rows()), d = static_cast<int>(hidden.cols());
    const int V = w.tgt_embed.vocab_size();
    Mat logits(T, V);
    kernels::matmul_nt(a.backend, hidden.data(), w.tgt_embed.table.data(), w.out_bias.data(), logits.data(), T, d, V);
    if (cache) {
        cache->dec_out = std::move(y);
        cache->hidden = std::move(hidden);
    }
    return logits;
}

void check_attention_layers(const char* op, const TransformerWeights& w, const TransformerAttention& a) {
    if (a.encoder_self.size() != w.encoder.size() || a.decoder_self.size() != w.decoder.size() ||
        a.decoder_cross.size() != w.decoder.size())
        throw std::invalid_argument(std::string(op) + ": attention options for " +
                                    std::to_string(a.encoder_self.size()) + " encoder and " +
                                    std::to_string(a.decoder_self.size()) + "/" +
                                    std::to_string(a.decoder_cross.size()) + " decoder layers, the model has " +
                                    std::to_string(w.encoder.size()) + " and " + std::to_string(w.decoder.size()));
}

}  // namespace

double transformer_loss(const TransformerWeights& w, const TransformerAttention& a, const std::vector<int>& src,
                        const std::vector<int>& tgt, TransformerGrads* grads, Mat* logits_out) {
    const char* op = "transformer_loss";
    check_attention_layers(op, w, a);
    if (src.empty()) throw std::invalid_argument(std::string(op) + ": the source is empty");
    std::vector<int> dec_in{Vocab::kSos}, targets;
    for (int id : tgt) {
        dec_in.push_back(id);
        targets.push_back(id);
    }
    targets.push_back(Vocab::kEos);

    ForwardCache c;
    ForwardCache* cache = grads ? &c : nullptr;
    const Mat memory = encode(w, a, src, cache, nullptr);
    const Mat logits = decode(w, a, memory, dec_in, cache, nullptr);
    const CrossEntropy ce = cross_entropy_forward(logits, targets);
    if (logits_out) *logits_out = logits;
    if (!grads) return ce.loss;
    TransformerGrads& g = *grads;
    if (g.encoder.size() != w.encoder.size() || g.decoder.size() != w.decoder.size()) g.zero_like(w);

    // 4 backward: output layer (the tied table collects this gradient and, below, the embedding's)
    const Mat dlogits = cross_entropy_backward(ce);
    g.dout_bias += dlogits.colwise().sum().transpose();
    const int T = static_cast<int>(dlogits.rows()), V = static_cast<int>(dlogits.cols()), D = static_cast<int>(c.hidden.cols());
    kernels::gemm_tn(a.backend, dlogits.data(), c.hidden.data(), g.tgt_embed.dtable.data(), V, T, D, true);  // dtable += dlogits^T hidden
    Mat dhidden(T, D);
    kernels::gemm_nn(a.backend, dlogits.data(), w.tgt_embed.table.data(), dhidden.data(), T, V, D, false);  // dlogits table
    // 3 backward: decoder layers, last to first; every layer's cross-attention sends gradient to memory
    Mat dy = layernorm_backward(w.decoder_norm, c.dec_out, dhidden, g.decoder_norm);
    Mat dmemory = Mat::Zero(c.memory.rows(), c.memory.cols());
    for (size_t l = w.decoder.size(); l-- > 0;) {
        DecoderLayerInputGrad gl = decoder_layer_backward(w.decoder[l], a.decoder_self[l], a.decoder_cross[l],
                                                          c.memory, c.dec[l], dy, g.decoder[l]);
        dy = std::move(gl.dy);
        dmemory += gl.dmemory;
    }
    const float scale = embedding_scale(w);
    embedding_backward(w.tgt_embed, dec_in, dy * scale, g.tgt_embed);
    // 2 backward: encoder layers, last to first
    Mat dx = layernorm_backward(w.encoder_norm, c.enc_out, dmemory, g.encoder_norm);
    for (size_t l = w.encoder.size(); l-- > 0;)
        dx = encoder_layer_backward(w.encoder[l], a.encoder_self[l], c.enc[l], dx, g.encoder[l]);
    // 1 backward: the positions are constants; the embedding rows get sqrt(d) times the gradient
    embedding_backward(w.src_embed, src, dx * scale, g.src_embed);
    return ce.loss;
}

// ---------------------------------------------------------------------------------------------------
// the translator

Transformer::Transformer(ModelInfo info, Vocab source_vocab, Vocab target_vocab, const TransformerConfig& config,
                         TransformerWeights weights)
    : info_(std::move(info)),
      src_vocab_(std::move(source_vocab)),
      tgt_vocab_(std::move(target_vocab)),
      config_(config),
      weights_(std::move(weights)) {
    check_buildable(config_, "Transformer");
    if (weights_.src_embed.vocab_size() != src_vocab_.size() || weights_.tgt_embed.vocab_size() != tgt_vocab_.size() ||
        weights_.src_embed.dim() != config_.d_model || static_cast<int>(weights_.encoder.size()) != config_.encoder_layers ||
        static_cast<int>(weights_.decoder.size()) != config_.decoder_layers)
        throw std::invalid_argument("Transformer: the weights do not match the config and vocabularies");
    info_.architecture = kTransformerArchitecture;
    info_.config_json = transformer_config_to_json(config_);
    info_.parameter_count = weights_.parameter_count();
}

Translation Transformer::translate(const std::string& text, const RunOptions& options) const {
    return run(text, nullptr, options);
}

Translation Transformer::force(const std::string& source, const std::string& target, const RunOptions& options) const {
    return run(source, &target, options);
}

namespace {

std::string num(double x) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", x);
    return buf;
}

// One attention call cut to one query row (the decoder step's own), keys and values whole.
AttentionTrace query_row(const AttentionTrace& t, int row) {
    AttentionTrace r;
    r.kind = t.kind;
    r.form = t.form;
    r.normalizer = t.normalizer;
    r.mask_kind = t.mask_kind;
    r.layer = t.layer;
    r.head = t.head;
    r.item = t.item;
    r.top_k = t.top_k;
    r.window = t.window;
    r.query_offset = t.query_offset + row;
    r.ablated = t.ablated;
    r.scale = t.scale;
    r.temperature = t.temperature;
    r.query = t.query.row(row);
    r.keys = t.keys;
    r.values = t.values;
    r.scores = t.scores.row(row);
    r.scaled = t.scaled.row(row);
    if (t.mask.size()) r.mask = t.mask.row(row);
    r.masked = t.masked.row(row);
    r.weights = t.weights.row(row);
    r.context = t.context.row(row);
    if (static_cast<int>(t.energies.size()) > row) r.energies.push_back(t.energies[row]);
    return r;
}

// Stage 7: the distribution over the target vocabulary and the greedy choice (ties: lowest id).
DecodeStep output_step(const Vocab& vocab, const Mat& logits, int row, int input_token, Backend backend) {
    DecodeStep s;
    const Mat l = logits.row(row);
    const Mat p = softmax(l, 1.0f, backend);
    s.logits.assign(l.data(), l.data() + l.size());
    s.probs.assign(p.data(), p.data() + p.size());
    s.token = static_cast<int>(std::max_element(s.probs.begin(), s.probs.end()) - s.probs.begin());
    s.word = vocab.word(s.token);
    s.prob = s.probs[s.token];
    s.input_token = input_token;
    return s;
}

}  // namespace

Translation Transformer::run(const std::string& source, const std::string* target, const RunOptions& o_in) const {
    Translation tr;
    tr.model = info_.name;
    tr.max_source_tokens = config_.max_source_tokens;

    // 1. the source, as the encoder reads it (translate_outline.h)
    if (!read_source(src_vocab_, config_.max_source_tokens, source, tr)) return tr;
    const int n = static_cast<int>(tr.source_ids.size());
    // 2. the options under the one policy
    std::vector<Said> resolved;
    const RunOptions o = resolve_run_options(o_in, n, resolved);
    for (Said& r : resolved) tr.note(std::move(r));
    TransformerAttention a = transformer_training_attention(config_, o.backend);
    for (auto* blocks : {&a.encoder_self, &a.decoder_self, &a.decoder_cross})
        for (AttentionOptions& b : *blocks) {
            b.temperature = o.temperature;
            b.normalizer = o.normalizer;
            b.top_k = o.top_k;
            b.scaling = o.scaling;
        }
    const int dh = config_.d_model / config_.heads;
    if (o.scaling == Scaling::Off)
        tr.note(say("note.engine.scaling_off",
                    "scaling off: the model was trained with scores scaled by 1/sqrt(%s) = %s; unscaled, every softmax "
                    "is sharper than in training",
                    {std::to_string(dh), num(1.0 / std::sqrt(double(dh)))}));
    const std::vector<std::string> names = transformer_block_names(config_);
    for (const auto& [name, flags] : o.head_mask) {
        AttentionOptions* block = nullptr;
        for (int l = 0; l < config_.encoder_layers; ++l)
            if (name == "enc." + std::to_string(l) + ".self") block = &a.encoder_self[l];
        for (int l = 0; l < config_.decoder_layers; ++l) {
            if (name == "dec." + std::to_string(l) + ".self") block = &a.decoder_self[l];
            if (name == "dec." + std::to_string(l) + ".cross") block = &a.decoder_cross[l];
        }
        if (!block) {
            tr.note(say("note.engine.head_mask_no_block", "head_mask: no block named '%s' (blocks: %s); ignored",
                        {name, join_words(names)}));
            continue;
        }
        if (static_cast<int>(flags.size()) != config_.heads) {
            tr.note(say("note.engine.head_mask_count", "head_mask '%s' has %s flags, the block has %s heads; ignored",
                        {name, std::to_string(flags.size()), std::to_string(config_.heads)}));
            continue;
        }
        block->head_mask = flags;
        std::string off;
        for (int h = 0; h < config_.heads; ++h)
            if (!flags[h]) off += (off.empty() ? "" : ", ") + std::to_string(h);
        if (!off.empty()) tr.note(say("note.engine.heads_off", "%s: heads switched off: %s", {name, off}));
    }

    int nudge_row = -1;
    Vec nudge;
    if (o.nudge_position >= 0) {  // within the source and finite (resolve_run_options)
        nudge_row = o.nudge_position;
        nudge = o.nudge_amount * nudge_direction(config_.d_model);
    }

    try {
        // 1-2: embed and encode the source once
        Trace enc_trace;
        const Mat memory = encode(weights_, a, tr.source_ids, nullptr, o.record_trace ? &enc_trace : nullptr,
                                  nudge_row, nudge_row >= 0 ? &nudge : nullptr);
        tr.encoder_attention = std::move(enc_trace.calls);
        if (target) {
            // Teacher forcing: the decoder reads <SOS> and the reference, all positions at once.
            const EncodedText ref = encode_text(tgt_vocab_, *target);
            std::string unknown_tgt;
            for (const UnknownWord& u : ref.unknown) unknown_tgt += (unknown_tgt.empty() ? "'" : ", '") + u.word + "'";
            if (!unknown_tgt.empty())
                tr.note(say("note.engine.unknown_reference", "reference words not in the target vocabulary, read as <UNK>: %s",
                            {unknown_tgt}));
            std::vector<int> dec_in{Vocab::kSos};
            dec_in.insert(dec_in.end(), ref.ids.begin(), ref.ids.end());
            if (static_cast<int>(dec_in.size()) > o.max_output_tokens) {
                tr.note(say("note.engine.reference_cut", "the reference is cut to max_output_tokens = %s steps",
                            {std::to_string(o.max_output_tokens)}));
                dec_in.resize(o.max_output_tokens);
            }
            tr.note(say("note.engine.forced_transformer",
                        "teacher-forced: each step reads the reference; DecodeStep::token is the model's own choice"));
            Trace dec_trace;
            const Mat logits = decode(weights_, a, memory, dec_in, nullptr, o.record_trace ? &dec_trace : nullptr);
            for (int t = 0; t < static_cast<int>(dec_in.size()); ++t) {
                DecodeStep s = output_step(tgt_vocab_, logits, t, dec_in[t], o.backend);
                for (const AttentionTrace& call : dec_trace.calls) s.attention.push_back(query_row(call, t));
                tr.steps.push_back(std::move(s));
                if (t > 0) tr.output_tokens.push_back(tgt_vocab_.word(dec_in[t]));
            }
        } else {
            // Greedy decoding: each step reruns the decoder over <SOS> and the words chosen so far.
            std::vector<int> dec_in{Vocab::kSos};
            for (int t = 0; t < o.max_output_tokens; ++t) {
                Trace dec_trace;
                const Mat logits = decode(weights_, a, memory, dec_in, nullptr, o.record_trace ? &dec_trace : nullptr);
                DecodeStep s = output_step(tgt_vocab_, logits, t, dec_in[t], o.backend);
                for (const AttentionTrace& call : dec_trace.calls) s.attention.push_back(query_row(call, t));
                const int token = s.token;
                tr.steps.push_back(std::move(s));
                if (token == Vocab::kEos) break;
                tr.output_tokens.push_back(tgt_vocab_.word(token));
                dec_in.push_back(token);
            }
            if (tr.steps.back().token != Vocab::kEos)
                tr.note(step_cap_said(static_cast<int>(tr.steps.size())));
        }
    } catch (const std::exception& e) {
        // Only extreme tweaks get here (e.g. a temperature so small that the scaled scores overflow).
        tr.note(say("note.engine.stopped", "stopped: %s", {e.what()}));
    }
    tr.output_text = join_words(tr.output_tokens);
    return tr;
}

// ---------------------------------------------------------------------------------------------------
// file

namespace {

void read_tensor(const SafetensorsFile& f, const std::string& name, Mat& p) {
    p = f.require_mat(name, static_cast<int>(p.rows()), static_cast<int>(p.cols()));
}
void read_tensor(const SafetensorsFile& f, const std::string& name, Vec& p) {
    p = f.require_vec(name, static_cast<int>(p.size()));
}
template <class M>
void check_finite_tensor(const SafetensorsFile& f, const std::string& name, const M& p) {
    for (long i = 0; i < p.size(); ++i)
        if (!std::isfinite(p.data()[i]))
            throw FormatError("tensor '" + name + "' in " + f.source + ": expected finite values, found " +
                              num(p.data()[i]) + " at flat index " + std::to_string(i));
}

}  // namespace

std::unique_ptr<Transformer> transformer_from_file(const SafetensorsFile& f) {
    ModelInfo info = read_model_info(f, kTransformerArchitecture);
    const TransformerConfig c = transformer_config_from_json(info.config_json, f.source + " metadata config");
    Vocab src = read_vocab(f, "vocab_src");
    Vocab tgt = read_vocab(f, "vocab_tgt");
    // The shapes come from a freshly built model of this config; the values are then replaced.
    Rng shapes(0);
    TransformerWeights w = transformer_init(shapes, c, src.size(), tgt.size());
    std::set<std::string> expected;
    visit_tensors(w, nullptr, [&](const std::string& name, auto& p, auto*) {
        read_tensor(f, name, p);
        check_finite_tensor(f, name, p);
        expected.insert(name);
    });
    for (const StoredTensor& t : f.tensors)
        if (!expected.count(t.name))
            throw FormatError("tensor '" + t.name + "' in " + f.source + ": unexpected, a transformer of this config has " +
                              std::to_string(expected.size()) + " tensors and this is not one of them");
    if (info.parameter_count != w.parameter_count())
        throw FormatError(f.source + ": metadata parameter_count is " + std::to_string(info.parameter_count) +
                          ", the tensors hold " + std::to_string(w.parameter_count()));
    return std::make_unique<Transformer>(std::move(info), std::move(src), std::move(tgt), c, std::move(w));
}

std::unique_ptr<Translator> load_transformer(const SafetensorsFile& f) { return transformer_from_file(f); }

SafetensorsFile transformer_to_file(const Transformer& model) {
    SafetensorsFile f;
    f.source = model.info().name + ".safetensors";
    write_model_info(f, model.info());
    write_vocab(f, "vocab_src", model.source_vocab());
    write_vocab(f, "vocab_tgt", model.target_vocab());
    visit_tensors(model.weights(), nullptr, [&](const std::string& name, const auto& p, auto*) { f.add(name, p); });
    return f;
}

}  // namespace attn
