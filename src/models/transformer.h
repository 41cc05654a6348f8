// transformer.h: the tiny Transformer translator (architecture "transformer"): an encoder-decoder of
// pre-LN layers (nn/transformer_block.h) with sinusoidal positions, multi-head scaled dot-product
// attention in three forms (encoder self-attention, masked decoder self-attention, cross-attention),
// and an output layer tied to the target embedding; greedy decoding from <SOS> to <EOS>, every head
// traced. Also its training step (forward and backward of one sentence pair), and its file: loader
// with full validation, writer. Not the training recipe (src/train/recipe_transformer.cpp).
// Test: tests/unit/test_models_transformer.cpp.
//
// Dimension legend
//   S    source length (tokens the encoder reads; no <EOS> is appended)
//   T    decoder length: <SOS> y1 .. yn, predicting y1 .. yn <EOS>
//   d    model width (d_model); h heads of width dh = d / h;  F  feed-forward width
//   Vs, Vt   source and target vocabulary sizes
//
// The forward pass, as the page walks it:
//   1. embed      x0 = sqrt(d) E_src[src] + PE[S]          E entries start at N(0, 1/d), so sqrt(d) E is
//                 y0 = sqrt(d) E_tgt[dec_in] + PE[T]       of the same size as the positions (and the
//                                                          tied output logits start near unit size)
//   2. encoder    x_l = EncoderLayer_l(x_{l-1});  memory = LN_enc(x_L)                [S, d]
//   3. decoder    y_l = DecoderLayer_l(y_{l-1}, memory) (causal self, cross, FF);  H = LN_dec(y_L)  [T, d]
//   4. output     logits = H E_tgt^T + b_out   [T, Vt];   probs = softmax(logits)  (Stage::Output)
// Decoding recomputes step 3-4 over the prefix <SOS> y1 .. y_t at each step t (a sentence is at most
// a few dozen tokens: simpler than a key/value cache and the very code that training runs).
//
// Traces. Translation::encoder_attention: every encoder self-attention head, [S, S], layer by layer.
// DecodeStep::attention at step t: layer by layer, the h heads of the masked self-attention
// ("causal_self") then the h heads of the cross-attention ("cross"), each cut to the step's query row
// (query_offset = t; one row of scores, mask and weights). In translate() the self-attention keys are
// the prefix 0..t (the future does not exist yet); in force() the decoder runs once over the whole
// reference, so its keys are all T positions and the recorded mask holds -inf (weight 0) on t+1..T-1.
#pragma once

#include "core/safetensors.h"
#include "models/translator.h"
#include "nn/embedding.h"
#include "nn/layernorm.h"
#include "nn/optim.h"
#include "nn/transformer_block.h"

#include <memory>
#include <string>
#include <vector>

namespace attn {

class Rng;

constexpr const char* kTransformerArchitecture = "transformer";

// Hyperparameters, stored as JSON in the file's "config". The fixed choices of this implementation
// (pre-LN, ReLU, sinusoidal positions, sqrt(d) embedding scale, tied output, scaled dot-product) are
// written too, and a file that asks for others is refused.
struct TransformerConfig {
    int d_model = 64;
    int heads = 4;
    int encoder_layers = 2;
    int decoder_layers = 2;
    int ff_hidden = 128;
    int max_source_tokens = 16;  // longer inputs are cut (Translation::truncated)
};
std::string transformer_config_to_json(const TransformerConfig& c);
// Throws FormatError naming `source` and the key that is missing, of the wrong type or out of range.
TransformerConfig transformer_config_from_json(const std::string& text, const std::string& source);

struct TransformerWeights {
    Embedding src_embed;  // [Vs, d]
    Embedding tgt_embed;  // [Vt, d]; also the output projection (tied): logits = H E_tgt^T + b_out
    Vec out_bias;         // [Vt]
    std::vector<EncoderLayer> encoder;
    LayerNorm encoder_norm;
    std::vector<DecoderLayer> decoder;
    LayerNorm decoder_norm;
    long parameter_count() const;
};
struct TransformerGrads {
    EmbeddingGrad src_embed, tgt_embed;
    Vec dout_bias;
    std::vector<EncoderLayerGrad> encoder;
    LayerNormGrad encoder_norm;
    std::vector<DecoderLayerGrad> decoder;
    LayerNormGrad decoder_norm;
    void zero_like(const TransformerWeights& w);
};

// Deterministic from rng: Linears as linear_init, embeddings N(0, 1/d), norms gamma 1 beta 0, b_out 0.
// Throws std::invalid_argument for a config that cannot be built (heads not dividing d_model, ...).
TransformerWeights transformer_init(Rng& rng, const TransformerConfig& c, int src_vocab, int tgt_vocab);

// Every parameter with its gradient, named as in the file ("enc.0.self.query.W", "tgt_embed", ...).
ParamList transformer_params(TransformerWeights& w, TransformerGrads& g);

// The parameter list in the file's order: src_embed, tgt_embed, out_bias, each encoder layer
// (self_norm, self.{query,key,value,out}, ff_norm, ff.{up,down}; a Linear as W then b, a norm as gamma
// then beta), enc.norm, each decoder layer (with cross_norm, cross.* after self), dec.norm. Written
// once (visit_tensors in transformer.cpp), as llm.c's param_sizes: the file, the gradients
// (transformer_params, zero_like), parameter_count and the GPU packing (gpu/decode_transformer.cpp)
// derive from it.
std::vector<TensorView> transformer_tensors(const TransformerWeights& w);

// The attention options of every block, by layer (each block's projections and feed-forward run on
// its options' backend), and the backend of the output layer.
struct TransformerAttention {
    Backend backend = Backend::Scalar;
    std::vector<AttentionOptions> encoder_self;   // [encoder_layers]
    std::vector<AttentionOptions> decoder_self;   // [decoder_layers], MaskKind::Causal
    std::vector<AttentionOptions> decoder_cross;  // [decoder_layers]
};
// As trained: scaled dot-product, soft, temperature 1, every head on.
TransformerAttention transformer_training_attention(const TransformerConfig& c, Backend backend);
// The block names RunOptions::head_mask uses: "enc.0.self", ..., "dec.0.self", "dec.0.cross", ...
std::vector<std::string> transformer_block_names(const TransformerConfig& c);

// Teacher-forced loss of one pair: mean cross-entropy of y1 .. yn <EOS> given src and <SOS> y1 .. yn.
// src: source ids (S >= 1); tgt: target ids without <SOS>/<EOS>. When grads is not null, ADDS the
// gradient of that loss to it (the contract of train_loop's example_loss). logits_out (optional)
// receives the [T, Vt] logits.
double transformer_loss(const TransformerWeights& w, const TransformerAttention& a, const std::vector<int>& src,
                        const std::vector<int>& tgt, TransformerGrads* grads = nullptr, Mat* logits_out = nullptr);

class Transformer : public Translator {
public:
    // info.config_json and parameter_count are overwritten from config and weights.
    Transformer(ModelInfo info, Vocab source_vocab, Vocab target_vocab, const TransformerConfig& config,
                TransformerWeights weights);

    const ModelInfo& info() const override { return info_; }
    const Vocab& source_vocab() const override { return src_vocab_; }
    const Vocab& target_vocab() const override { return tgt_vocab_; }
    int max_source_tokens() const override { return config_.max_source_tokens; }
    Translation translate(const std::string& text, const RunOptions& options) const override;
    Translation force(const std::string& source, const std::string& target, const RunOptions& options) const override;

    const TransformerConfig& config() const { return config_; }
    const TransformerWeights& weights() const { return weights_; }
    TransformerWeights& mutable_weights() { return weights_; }  // training in the page updates them in place
    ModelInfo& mutable_info() { return info_; }  // the recipe fills metrics and training after evaluating

private:
    Translation run(const std::string& source, const std::string* target, const RunOptions& options) const;

    ModelInfo info_;
    Vocab src_vocab_, tgt_vocab_;
    TransformerConfig config_;
    TransformerWeights weights_;
};

// Reads and checks a whole model: metadata (architecture "transformer", config, vocabularies,
// parameter_count), every tensor by name, dtype and shape, no tensor missing or left over, every
// value finite. Throws FormatError naming the file, the tensor or key, and what was expected vs found.
std::unique_ptr<Transformer> transformer_from_file(const SafetensorsFile& f);
std::unique_ptr<Translator> load_transformer(const SafetensorsFile& f);
// The file of a model: its weights by name and its metadata (ModelInfo, vocab_src, vocab_tgt).
SafetensorsFile transformer_to_file(const Transformer& model);

}  // namespace attn
