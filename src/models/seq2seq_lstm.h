// seq2seq_lstm.h: the LSTM encoder-decoder translators with attention (architecture "seq2seq_lstm"),
// in two decoder styles chosen by the config in the model file: StatQuest's (seed 002: dot-product
// attention between the top decoder output and the top encoder outputs) and Bahdanau's (seed 003:
// additive attention queried by the previous decoder state, whose context feeds the next state).
// Inference (greedy, traced), the teacher-forced loss with its full backward (BPTT through decoder and
// encoder), and the model file's reader and writer. Not the training recipes (src/train/recipe_seq2seq.cpp).
// Test: tests/unit/test_models_seq2seq.cpp (shipped models, gradient check, loader, bad input, traces).
//
// Dimension legend
//   Vs, Vt   source and target vocabulary sizes (the four special tokens included)
//   E        embedding width (source and target tables alike)
//   H        encoder LSTM hidden size (per direction)
//   Hk       key = value width: H, or 2H for a bidirectional encoder ([forward; reverse] per position)
//   S        decoder LSTM hidden size (statquest: S = H, the decoder starts from the encoder's state)
//   L        stacked LSTM layers, in the encoder and in the decoder alike (bahdanau: 1)
//   Da       width of the additive energies (bahdanau)
//   F        features the output reads: statquest [context; h_t] (Hk + S), bahdanau [s_t; c_t] (S + Hk)
//   O        width of the optional tanh layer before the logits (0: none)
//   T        source tokens the encoder read;  U  decoder steps (target tokens + the final <EOS>)
//
// StatQuest style, decoder step t (the first input is <EOS>, as in the video):
//   h_t        = top output of LSTM_dec(embed_tgt(y_{t-1}), state_{t-1}),  state_{-1} = encoder's final (h, c)
//   Stage 1    query = h_t [1, S];  keys = values = top encoder outputs [T, H]
//   Stage 2    scores_j = h_t . k_j                      (dot; trained without 1/sqrt(H); or, as the config
//                                                        says, cosine, scaled_dot with 1/sqrt(H) in stage 3,
//                                                        or general, h_t . (W k_j) with W [S, H])
//   Stage 5-6  weights = softmax(scores) (or the config's normalizer);  context = sum_j weights_j k_j
//   Stage 7    logits = out([context; h_t])  (through tanh(out_hidden(.)) when O > 0);  probs = softmax
// Bahdanau style, decoder step t (the first input is <SOS>):
//   Stage 1    query = s_{t-1}.h [1, S];  keys = values = encoder annotations h_j [T, Hk]
//   Stage 2    e_tj = v . tanh(W s_{t-1} + U h_j + b)    (additive; the energies are recorded)
//   Stage 5-6  a_t = softmax(e_t) (or the config's normalizer);  c_t = sum_j a_tj h_j
//              s_t = LSTM_dec([embed_tgt(y_{t-1}); c_t], s_{t-1}),   s_{-1} = (tanh(bridge(h_last)), 0)
//              where h_last is the reverse encoder's state after reading the whole source (h<-_1 of the
//              paper), or the forward encoder's final state when the encoder is one-directional
//   Stage 7    logits = out([s_t.h; c_t])  (through tanh(out_hidden(.)) when O > 0);  probs = softmax
#pragma once

#include "core/safetensors.h"
#include "core/vocab.h"
#include "models/translator.h"
#include "nn/attention.h"
#include "nn/embedding.h"
#include "nn/linear.h"
#include "nn/lstm.h"
#include "nn/optim.h"

#include <memory>
#include <string>
#include <vector>

namespace attn {

class Rng;

enum class Seq2SeqStyle : int {
    StatQuest = 0,  // seed 002: dot attention over [context; decoder output]; start token <EOS>
    Bahdanau,       // seed 003: additive attention on s_{t-1}; context into the decoder; start token <SOS>
};
const char* seq2seq_style_name(Seq2SeqStyle s);  // "statquest", "bahdanau"

// The hyperparameters: the model file's "config" metadata, which decides every tensor's shape.
struct Seq2SeqConfig {
    Seq2SeqStyle style = Seq2SeqStyle::StatQuest;
    int embed = 2;               // E
    int hidden = 2;              // H
    int layers = 2;              // L (bahdanau: 1)
    bool bidirectional = false;  // bahdanau only: a reverse encoder as well
    int decoder_hidden = 2;      // S (statquest: must equal H)
    int attention_dim = 0;       // Da (bahdanau: > 0; statquest: 0)
    int output_hidden = 0;       // O
    int max_source_tokens = 12;  // longer input is cut (Translation::truncated)
    // statquest only: how the decoder output scores each encoder output. Dot as in the video; cosine and
    // scaled_dot (q.k / sqrt(H)) have no weights of their own either, so the tensors are the same;
    // general (Luong's q . (W k)) adds one, attention.W [S, H].
    ScoreFn statquest_score = ScoreFn::Dot;
    // Stage 5 as trained: a row of the normalizers table (nn/normalizers.h), soft in every shipped model;
    // top_k is read when the normalizer uses k. The file's "normalizer" (written when not soft) and
    // "top_k" (written when the normalizer uses k) keys; a file without them was trained with soft.
    Normalizer normalizer = Normalizer::Soft;
    int top_k = 2;

    int key_dim() const { return bidirectional ? 2 * hidden : hidden; }  // Hk
    int feature_dim() const { return key_dim() + decoder_hidden; }       // F
    int start_token() const { return style == Seq2SeqStyle::StatQuest ? Vocab::kEos : Vocab::kSos; }
    ScoreFn score() const { return style == Seq2SeqStyle::StatQuest ? statquest_score : ScoreFn::Additive; }

    // Throws FormatError naming `source` and the offending key when a value is out of range or the
    // style's constraints do not hold (statquest: one direction, S = H, Da = 0; bahdanau: L = 1, Da > 0).
    void validate(const std::string& source) const;
    std::string to_json() const;  // every key (normalizer and top_k when they apply): the whole configuration
    // Strict: every key required (but normalizer and top_k, which a file may lack: soft), no unknown key,
    // integers where integers are due. FormatError naming `source` (e.g. "statquest.safetensors metadata
    // config") and the key.
    static Seq2SeqConfig from_json(const std::string& text, const std::string& source);
};

// Every parameter, PyTorch layouts (Linear [out, in], LSTM gates i, f, g, o).
struct Seq2SeqWeights {
    Embedding src_embed;    // [Vs, E]
    Embedding tgt_embed;    // [Vt, E]
    Lstm encoder;           // L layers, input E, hidden H
    Lstm encoder_reverse;   // bidirectional only (else no layers): reads the source backwards
    Lstm decoder;           // statquest: L layers, input E, hidden S;  bahdanau: 1 layer, input E + Hk
    Linear bridge;          // bahdanau: [S, H] + [S]: s_{-1}.h = tanh(bridge(h_last))
    ScoreWeights score;     // bahdanau: W [Da, S] (no bias), U [Da, Hk] + b [Da], v [Da]; statquest general:
                            // W [S, H] (no bias); else empty
    Linear output_hidden;   // O > 0: [O, F] + [O]
    Linear output;          // [Vt, O or F] + [Vt]
};

struct Seq2SeqGrad {
    EmbeddingGrad src_embed, tgt_embed;
    LstmGrad encoder, encoder_reverse, decoder;
    LinearGrad bridge;
    ScoreWeightsGrad score;
    LinearGrad output_hidden, output;
    void zero_like(const Seq2SeqWeights& w);
};

// Weights for the config, initialized as PyTorch initializes each layer (embeddings N(0, 1); LSTM,
// Linear and additive attention uniform in +-1/sqrt(fan)), drawn from rng in the order of
// seq2seq_tensor_specs. Throws FormatError when the config is invalid (see validate).
Seq2SeqWeights seq2seq_init(Rng& rng, const Seq2SeqConfig& config, int src_vocab, int tgt_vocab);
long seq2seq_parameter_count(const Seq2SeqWeights& w);

// Every tensor of a model, by its name in the file ("embed.src", "encoder.l0.W_ih", ...) and its shape,
// in file order: what the loader checks before it allocates anything. Vec tensors have one dimension.
struct Seq2SeqTensorSpec {
    std::string name;
    std::vector<int64_t> shape;
};
std::vector<Seq2SeqTensorSpec> seq2seq_tensor_specs(const Seq2SeqConfig& config, int src_vocab, int tgt_vocab);
// The same tensors as (parameter, gradient) pairs for Adam, in the same order and with the same names.
ParamList seq2seq_params(Seq2SeqWeights& w, Seq2SeqGrad& g);
// The parameter list in the file's order: embed.src, embed.tgt, each LSTM stack's layers (W_ih, W_hh,
// b_ih, b_hh), then bridge, attention (statquest general: attention.W) and output_hidden when the
// model has them, output. Written once
// (visit_tensors in seq2seq_lstm.cpp), as llm.c's param_sizes: the file, the gradients (seq2seq_params,
// Seq2SeqGrad::zero_like), the parameter count and the GPU packing (gpu/decode_lstm.cpp) derive from it.
// seq2seq_tensor_specs states the shapes a config implies, for the loader to check before it allocates;
// the constructor compares the two.
std::vector<TensorView> seq2seq_tensors(const Seq2SeqWeights& w);

// Teacher forcing on one pair of id sequences: the decoder reads start, y_0 .. y_{n-1} and is scored
// on y_0 .. y_{n-1}, <EOS> (mean cross-entropy over those n + 1 steps). When grad != nullptr, the
// gradients of that loss are ADDED into it (backpropagation through the decoder and the encoder).
// source must not be empty; ids must lie in the vocabularies (else std::out_of_range).
double seq2seq_loss(const Seq2SeqConfig& config, const Seq2SeqWeights& w, const std::vector<int>& source,
                    const std::vector<int>& target, Seq2SeqGrad* grad, Backend backend);

class Seq2SeqLstm final : public Translator {
public:
    // info.architecture is set to "seq2seq_lstm", info.config_json to config.to_json() and
    // info.parameter_count to the weights' count. Throws FormatError when the config is invalid and
    // ShapeError when a weight's shape does not follow from the config and the vocabularies.
    Seq2SeqLstm(ModelInfo info, const Seq2SeqConfig& config, Vocab source_vocab, Vocab target_vocab,
                Seq2SeqWeights weights);

    const ModelInfo& info() const override { return info_; }
    const Vocab& source_vocab() const override { return src_vocab_; }
    const Vocab& target_vocab() const override { return tgt_vocab_; }
    int max_source_tokens() const override { return config_.max_source_tokens; }
    Translation translate(const std::string& text, const RunOptions& options) const override;
    // The steps read <start>, then each target word; one step per target word plus a last one (which
    // should choose <EOS>). Each step's token is still the model's own argmax; output_tokens are the
    // given target's words (the rows of the alignment the page draws).
    Translation force(const std::string& source, const std::string& target, const RunOptions& options) const override;

    const Seq2SeqConfig& config() const { return config_; }
    const Seq2SeqWeights& weights() const { return weights_; }
    Seq2SeqWeights& mutable_weights() { return weights_; }  // training updates them in place
    // Training and evaluation record their numbers here before the file is written.
    void set_metrics(const std::string& metrics_json, const std::string& training_json);

    // Source text -> ids the way translate reads it (cut to max_source_tokens).
    std::vector<int> encode_source(const std::string& text) const;
    // Target text -> ids (no <EOS>).
    std::vector<int> encode_target(const std::string& text) const;

private:
    Translation run(const std::string& source, const std::string* forced_target, const RunOptions& options) const;

    ModelInfo info_;
    Seq2SeqConfig config_;
    Vocab src_vocab_, tgt_vocab_;
    Seq2SeqWeights weights_;
};

// The file: metadata (ModelInfo, vocab_src, vocab_tgt) and every tensor of seq2seq_tensor_specs.
SafetensorsFile seq2seq_to_file(const Seq2SeqLstm& model);
// Full validation: architecture, config (strict), vocabularies, every tensor by name with the shape the
// config and vocabularies imply, finite values, no unexpected tensor, parameter_count. Throws
// FormatError naming the file, the tensor or key, and what was expected vs found.
std::unique_ptr<Seq2SeqLstm> load_seq2seq_lstm_model(const SafetensorsFile& f);
std::unique_ptr<Translator> load_seq2seq_lstm(const SafetensorsFile& f);

}  // namespace attn
