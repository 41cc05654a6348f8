// train_run.h: one training from random weights, as the page runs it: the tasks a learner can pick
// (a table: toy pairs, reversal, copy, English -> Spanish, Hindi -> English, each generated here with a
// fixed held-out split), the models they train (a table), the settings and their bounds, and TrainRun,
// which steps the shared Trainer a batch at a time and keeps what a learner watches: the loss of every
// step, held-out loss and exact match, the alignment of a probe sentence now and as snapshots since
// step 0 (for the Transformer, every decoder layer's cross-attention heads too). Not the loop itself
// (trainer.h) and not a view: plain C++, the same natively and in wasm.
// Test: tests/unit/test_train_run.cpp.
#pragma once

#include "core/safetensors.h"
#include "core/tensor.h"
#include "models/sensor_model.h"
#include "models/seq2seq_lstm.h"
#include "models/transformer.h"
#include "train/trainer.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace attn {

class TrainModel;        // the model a translation task trains, whatever its architecture (train_run.cpp)
class SensorTrainModel;  // the sensor task's model and its series (train_run.cpp)

// The shape the probe's alignment should take once the task is learned (what pattern_mass measures).
enum class TrainPattern : int {
    None = 0,      // no fixed shape (translation: words align where the languages put them)
    Diagonal,      // copy: output word i reads input word i
    AntiDiagonal,  // reversal: output word i reads input word T-1-i
    Event,         // the sensor: the pooling's weights fall on the injected event's window (kSensorAttentionMargin)
};

const char* train_pattern_name(TrainPattern p);  // "none", "diagonal", "anti-diagonal", "event"

// What a task asks of a model: a sentence for a sentence (the encoder-decoders), or a class for a series
// (seed 000's sensor classifier: its probe is a held-out series, its alignment the pooling's weights over time).
enum class TrainKind : int { Translate = 0, Classify };
const char* train_kind_name(TrainKind k);  // "translate", "classify"

struct TrainTaskRow {
    const char* id;           // "toy", "reverse", "copy", "en-es", "hi-en", "sensor"
    const char* description;  // one line, English (the page's strings table has the shown words)
    const char* probe;        // the probe a run starts with: a sentence, or the sensor's held-out series number
    TrainPattern pattern;
    TrainKind kind;
};
// The tasks, in the order the page lists them.
const std::vector<TrainTaskRow>& train_tasks();
const TrainTaskRow* find_train_task(std::string_view id);  // nullptr when unknown

enum class TrainArch : int {
    Seq2Seq = 0,  // an LSTM encoder-decoder with one attention (models/seq2seq_lstm.h)
    Transformer,  // the tiny Transformer (models/transformer.h): multi-head scaled dot-product attention
    SensorPool,   // seed 000's classifier (models/sensor_model.h): an LSTM, attention pooling over time, a linear layer
};

struct TrainModelRow {
    const char* id;           // "lstm-dot", ..., "bahdanau", "transformer", "sensor-lstm"
    const char* description;  // one line, English
    TrainArch arch;
    TrainKind kind;           // the tasks it trains on: Seq2Seq and Transformer translate, SensorPool classifies
    Seq2SeqStyle style;       // Seq2Seq: StatQuest's or Bahdanau's
    ScoreFn score;            // statquest: Seq2SeqConfig::statquest_score; bahdanau: additive; transformer: scaled dot
};
const std::vector<TrainModelRow>& train_models();
int train_max_layers(const TrainModelRow& m);  // the most layers it may have (bahdanau, sensor-lstm: 1; transformer: per side)
// Which settings a model reads: embed (the LSTMs; the Transformer's width is hidden), heads (the
// Transformer), the normalizer (the LSTMs: the Transformer trains with softmax).
bool train_model_uses(const TrainModelRow& m, std::string_view setting);
const TrainModelRow* find_train_model(std::string_view id);  // nullptr when unknown

// The bounds keep a step interactive (a few milliseconds on one core) and the model small.
struct TrainBounds {
    static constexpr int kMinWidth = 2, kMaxWidth = 64;  // embed and hidden
    static constexpr int kMinLayers = 1, kMaxLayers = 2;  // bahdanau: 1
    static constexpr int kMinBatch = 1, kMaxBatch = 64;
    static constexpr float kMinLr = 1e-4f, kMaxLr = 0.1f;
    static constexpr int kMaxProbeTokens = 8;
    static constexpr int kMinTopK = 1, kMaxTopK = 8;  // top-k's k (the longest sentence of a task has 8 words)
    static constexpr int kMinHeads = 1, kMaxHeads = 4;  // the Transformer's heads per block; hidden is a multiple
    static constexpr int kSensorTrainSeries = 2000;      // the sensor task's training series: generator indices [0, 2000)
    static constexpr int kSensorHeldOutSeries = 200;     // its held-out series (the probe is one): kSensorHeldOutFirst + [0, 200)
};

struct TrainSettings {
    std::string task = "reverse";
    std::string model = "lstm-dot";
    int embed = 16;
    int hidden = 32;
    int layers = 1;
    int heads = 2;  // the Transformer: heads per attention block (its width, hidden, is a multiple of it)
    int batch = 16;
    float lr = 0.01f;
    // Stage 5 as the model trains: a row of the lab's normalizers table (nn/normalizers.h); top_k is read
    // by the normalizers that use k. Hard attention trains too, but its weights pass no gradient back
    // to the scores: only what reads the context learns.
    Normalizer normalizer = Normalizer::Soft;
    int top_k = 2;
    uint64_t seed = 1;
    Backend backend = Backend::Simd;  // the forward and backward passes' kernels (scalar: the reference)
    std::string probe;                // empty: the task's probe (the sensor's: a held-out series number, "0" to "199")

    // Throws std::invalid_argument naming the setting, its bounds and the value found.
    void validate() const;
};

// One example set of a task: the pairs a run trains on and the held-out pairs it is measured on; the
// sensor task's are series (from generate_sensor_sample(kSensorDataSeed, index)), its pairs empty.
struct TaskData {
    std::vector<Pair> train, held_out;
    std::vector<SensorSample> train_series, held_out_series;
};
// Generates the task's pairs; the same on every call and machine (the held-out split is fixed, whatever
// the run's seed). Throws std::invalid_argument for an unknown task.
TaskData make_task_data(std::string_view task);

// Held-out loss and exact match (the sensor: accuracy and attention near the event) at one step.
struct TrainEval {
    int step = 0;
    double loss = 0.0;         // mean teacher-forced loss per held-out pair (the sensor: cross-entropy per series)
    double exact_match = 0.0;  // fraction of held-out pairs translated exactly (greedy); the sensor: accuracy
    double near_event = -1.0;  // the sensor: mean attention within kSensorAttentionMargin of the event (-1: not the sensor)
};

// The probe's alignment at one step: [output words + <EOS>, input words], teacher-forced on the probe's
// target, rows summing to 1; the sensor's: [1, T], the pooling's weights over the series' steps. For the Transformer, the alignment is the last decoder layer's cross-attention
// averaged over its heads, and heads holds every decoder layer's cross-attention heads (layer by layer, head
// by head: layers x heads matrices of the alignment's shape); empty for the LSTM models.
struct TrainSnapshot {
    int step = 0;
    double loss = 0.0;  // the mean training loss of the steps since the previous snapshot (step 0: none)
    Mat alignment;
    std::vector<Mat> heads;
    // The probe it is of (the probe may change during a run): its source (the sensor's: the series
    // number), and for a translation task its words, the alignment's columns and rows (output + <EOS>).
    std::string probe;
    std::vector<std::string> source_tokens, target_tokens;
};

// Settings from the page's JSON object ({"task", "model", "embed", "hidden", "layers", "heads", "batch", "lr",
// "normalizer", "top_k", "seed", "backend", "probe"}; every key optional, the defaults above). Throws std::invalid_argument in the project's
// words for malformed JSON, an unknown key or a value of the wrong type ("hidden must be an integer").
// Bounds are TrainSettings::validate's (TrainRun checks them).
TrainSettings train_settings_from_json(std::string_view json);

class TrainRun {
public:
    // Generates the task's data, builds the vocabularies from its training pairs and initializes the model
    // from settings.seed. Throws std::invalid_argument for settings out of bounds (validate).
    explicit TrainRun(const TrainSettings& settings);
    ~TrainRun();

    // One mini-batch and one Adam update; then held-out evaluation every eval_every() steps and a snapshot
    // when the schedule says so. Returns the step's mean example loss.
    double step();

    const TrainSettings& settings() const { return settings_; }
    const TrainTaskRow& task() const { return *task_; }
    bool classifies() const { return task_->kind == TrainKind::Classify; }
    int steps() const { return trainer_->steps(); }
    long examples() const { return trainer_->examples(); }  // fewer than steps x batch: an epoch's last batch, the toy's two pairs
    int train_pairs() const;     // training pairs (the sensor: series)
    int held_out_pairs() const;  // held-out pairs measured at each evaluation (the sensor: series)
    const std::vector<double>& losses() const { return trainer_->step_losses(); }
    const std::vector<TrainEval>& evals() const { return evals_; }
    int eval_every() const { return eval_every_; }

    // The probe: its source and target (the target a reversal or copy implies, the pair's own target when
    // the probe is one of the task's pairs, else the model's greedy output at the time it was set, at most
    // kMaxProbeTokens words) and its
    // alignment now. set_probe throws std::invalid_argument for an empty probe or one longer than
    // kMaxProbeTokens; words the vocabulary lacks are read as <UNK>.
    void set_probe(const std::string& source);
    const std::string& probe_source() const { return probe_source_; }
    const std::string& probe_target() const { return probe_target_; }
    const Translation& probe() const { fresh(); return probe_; }
    // The sensor: the probe is a held-out series, by its number (set_probe takes "0" to "199" and throws
    // std::invalid_argument for anything else), and what the model made of it. Its source is the number,
    // its target the series' event, probe_run the model's run now.
    int probe_series() const { return probe_series_; }
    const SensorSample& probe_sample() const;
    const SensorRun& probe_run() const { fresh(); return probe_sensor_; }
    // The share of the probe's attention on the task's pattern (mean over output words, <EOS> left out):
    // 1 when every output word reads exactly its input word. The sensor: the pooling's weight within
    // kSensorAttentionMargin steps of the event. -1 for a task without a pattern, and a series without an event.
    double pattern_mass() const;

    // Snapshots from step 0: every step at first, then thinned as the run goes on (at most kMaxSnapshots
    // kept, evenly spaced in steps), so the timeline always spans the whole run.
    static constexpr int kMaxSnapshots = 128;
    const std::vector<TrainSnapshot>& snapshots() const { return snapshots_; }

    // The model as it is now (any Translator; throws std::logic_error for the sensor's), and its
    // architecture's own type (nullptr for the others).
    const Translator& model() const;
    const Seq2SeqLstm* seq2seq() const;
    const Transformer* transformer() const;
    const SensorModel* sensor() const;
    // The Transformer's grid now: decoder layers, heads per layer (0 and 0 for the LSTM models).
    int grid_layers() const;
    int grid_heads() const;
    // The model as a file, named `name`, with its training record and held-out metrics in the metadata.
    SafetensorsFile to_file(const std::string& name) const;

    // What the page shows, as JSON: settings, step, examples, pairs, the step losses after since_step
    // ("losses_from": the step of the first), every held-out evaluation and every snapshot after since_step
    // (all of them when since_step is 0; each names its probe, and a translation task's its words) with the
    // steps of all the snapshots kept ("snapshot_steps": the run thins them), and the probe (tokens,
    // target, alignment, greedy output, pattern mass).
    std::string state_json(int since_step) const;

private:
    void evaluate();
    // The probe's run is the model's now whenever it is read: a step marks it stale, and a read (a
    // snapshot, a state, an accessor) runs it again first. One forced pass per read instead of per step.
    void refresh_probe() const;
    void fresh() const {
        if (probe_stale_) refresh_probe();
    }
    RunOptions as_trained() const;  // the run's backend and Stage 5: how it evaluates and draws the probe
    // [steps, source tokens]: each step's weights (the Transformer: the last layer's cross heads' mean).
    Mat probe_alignment(const Translation& t) const;
    std::vector<Mat> probe_heads(const Translation& t) const;  // the Transformer's cross heads; else empty
    void take_snapshot();

    TrainSettings settings_;
    const TrainTaskRow* task_;
    TaskData data_;
    std::vector<Pair> held_out_;  // the pairs measured (a fixed subset of data_.held_out)
    std::unique_ptr<TrainModel> model_;
    std::vector<std::vector<int>> src_ids_, tgt_ids_, held_src_, held_tgt_;
    std::unique_ptr<SensorTrainModel> sensor_;  // the sensor task's model and series (model_ is then null)
    std::unique_ptr<Trainer> trainer_;
    std::vector<TrainEval> evals_;
    int eval_every_ = 10;
    std::string probe_source_, probe_target_;
    mutable Translation probe_;
    mutable bool probe_stale_ = false;
    int probe_series_ = 0;
    mutable SensorRun probe_sensor_;
    std::vector<TrainSnapshot> snapshots_;
    int snapshot_every_ = 1;
    size_t loss_mark_ = 0;  // losses_ index of the first step since the last snapshot
};

}  // namespace attn
