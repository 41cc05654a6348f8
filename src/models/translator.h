// translator.h: what every translation model offers the page, the tests and the trainer: translate a
// text greedily, one token at a time, recording each decoder step's attention stage by stage, under
// the run-time tweaks of the lab (RunOptions). Not the models themselves (seq2seq_lstm.h,
// transformer.h) nor their training (src/train/). Test: tests/unit/test_models_*.cpp.
#pragma once

#include "core/said.h"
#include "core/vocab.h"
#include "nn/attention.h"
#include "trace/trace.h"

#include <map>
#include <string>
#include <vector>

namespace attn {

// One tensor of a model's parameter list (transformer_tensors, seq2seq_tensors): its name in the file
// and its floats (row-major).
struct TensorView {
    std::string name;
    const float* data = nullptr;
    long size = 0;
};

// The lab's tweaks. Each re-runs the model; a model that was not trained with a variant still runs it
// and says so through Translation::notes.
struct RunOptions {
    Backend backend = Backend::Simd;
    float temperature = 1.0f;                 // attention temperature (> 0): divides the scores in Stage 3
    Normalizer normalizer = Normalizer::Soft; // a row of the normalizers table (nn/normalizers.h)
    int top_k = 2;                            // normalizers that use k (top-k)
    Scaling scaling = Scaling::Auto;          // Auto: as the model was trained; On/Off overrides 1/sqrt(d)
    // Multi-head models: heads switched off, by block name ("enc.0.self", "dec.1.self", "dec.1.cross")
    // to a per-head flag (false = ablated). Missing blocks keep every head.
    std::map<std::string, std::vector<bool>> head_mask;
    // Nudge one source token's embedding: e += nudge_amount * u, u a fixed unit direction
    // (nudge_direction(dim)). nudge_position < 0: no nudge.
    int nudge_position = -1;
    float nudge_amount = 0.0f;
    int max_output_tokens = 24;               // decoding stops here if <EOS> never comes
    bool record_trace = true;                 // false: no AttentionTrace (faster; for evaluation)
};

// How a model's Stage 5 was trained: soft for every shipped model; a model trained in the page (or
// elsewhere) says otherwise in its file (Seq2SeqConfig::normalizer).
struct TrainedNormalizer {
    Normalizer normalizer = Normalizer::Soft;
    int top_k = 2;  // read when the normalizer uses k
};

// The note a model adds when it runs a normalizer other than the one it was trained with: "top-k (k = 2)
// attention (softmax over the k best keys only): the model was trained with soft attention; top_k is
// shown untrained". Empty when it runs as trained.
std::string normalizer_note(Normalizer n, int top_k, const TrainedNormalizer& trained = {});
// The same note as a stable id and arguments (core/said.h) for the interface; its text is normalizer_note's.
Said normalizer_said(Normalizer n, int top_k, const TrainedNormalizer& trained = {});

// The nudge direction: unit vector of the given width, fixed (Rng(seed_from_name("nudge")), normal).
Vec nudge_direction(int dim);

// One decoder step: the token it chose, its distribution, and every attention call it made.
struct DecodeStep {
    int token = 0;               // argmax of probs
    std::string word;            // vocab word of token
    float prob = 0.0f;           // probs[token]
    int input_token = 0;         // what the decoder read at this step (the previous output, or the start token)
    std::vector<float> probs;    // [V_tgt] the output softmax (Stage::Output)
    std::vector<float> logits;   // [V_tgt] before the softmax
    std::vector<AttentionTrace> attention;  // RNN: the one cross-attention call; transformer: every
                                            // decoder self- and cross-attention head, layer by layer
};

struct Translation {
    std::string model;                        // the model's name
    std::vector<std::string> source_tokens;   // the tokens the encoder read (after any cut), no <EOS>
    std::vector<int> source_ids;
    std::vector<UnknownWord> unknown;         // source words the vocabulary does not know (read as <UNK>)
    bool truncated = false;                   // the input was longer than max_source_tokens and was cut
    int max_source_tokens = 0;
    std::vector<DecodeStep> steps;            // one per output token, the last one chose <EOS> (if reached)
    std::vector<std::string> output_tokens;   // the words chosen, without <EOS>
    std::string output_text;                  // output_tokens joined by spaces
    std::vector<AttentionTrace> encoder_attention;  // transformer: encoder self-attention, every layer and head
    std::vector<std::string> notes;           // e.g. "trained with soft attention; hard is shown untrained"
    std::vector<Said> said;                   // the same notes as ids and arguments, for the interface's
                                              // language (said[i].text == notes[i]: add them with note())
    void note(Said s) {
        notes.push_back(s.text);
        said.push_back(std::move(s));
    }
};

// Name, architecture and numbers of a shipped model, kept in its safetensors metadata.
struct ModelInfo {
    std::string name;          // "statquest-toy", "statquest", "bahdanau", "transformer", "hindi"
    std::string architecture;  // "seq2seq_lstm", "transformer", "sensor_lstm_pool"
    std::string description;   // one line for the page
    std::string config_json;   // hyperparameters, as the model's loader reads them
    std::string metrics_json;  // measured held-out metrics, e.g. {"test_exact_match": 0.93, "test_pairs": 800}
    std::string training_json; // seed, steps, epochs, seconds, final loss
    long parameter_count = 0;
};

class Translator {
public:
    virtual ~Translator() = default;
    virtual const ModelInfo& info() const = 0;
    virtual const Vocab& source_vocab() const = 0;
    virtual const Vocab& target_vocab() const = 0;
    virtual int max_source_tokens() const = 0;
    // Greedy decoding of text. Never throws for any input text (empty input gives no steps and a note).
    virtual Translation translate(const std::string& text, const RunOptions& options) const = 0;
    // Teacher-forced run on a given target (no <EOS> needed): the steps read the target's tokens,
    // so attention can be inspected on a reference translation (alignment tests).
    virtual Translation force(const std::string& source, const std::string& target, const RunOptions& options) const = 0;
};

}  // namespace attn
