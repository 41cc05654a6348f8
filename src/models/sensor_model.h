// sensor_model.h: seed 000's well-sensor classifier, architecture "sensor_lstm_pool": an LSTM reads a
// normalized series, seed 000's attention pooling (nn/pooling.h; 4,225 parameters at H = 64) turns its
// outputs into one context vector, a linear layer scores the event classes. For the page: one series
// with its full attention trace, a generator sample by (seed, index), a batch; for the trainer: the
// loss with its backward; the file's loader (full validation) and writer.
// Not the training run (src/train/recipe_sensor.cpp) nor the data (sensor_data.h).
// Test: tests/unit/test_models_sensor.cpp.
//
// Dimension legend
//   B   batch (series)        T   time steps (100)       C   channels (4: pressure, temperature, flow, vibration)
//   H   hidden size (64)      K   event classes (5)
//
// The forward of one series, pass numbers as the page's stages (trace/trace.h) where they are attention's:
//   normalize: x[T, C]     = (values[T, C] - mean[C]) / std[C]          statistics of the training set, stored in the file
//   LSTM:      h[T, H]     = lstm(x)                                    one layer, zero initial state
//   pass 1-6:  query and keys, scores, scale, mask, softmax, context:  context[H] = attention_pool(h)
//              (energies, scores, no scale and no mask, softmax over time, weighted sum)
//   pass 7:    output:  logits[K] = classifier(context);  probs = softmax(logits);  predicted = argmax probs
// One of the pooling's 4,225 parameters does nothing: the score bias adds the same number to every
// step's score and a softmax over time ignores a shift, so its gradient is zero up to float rounding
// (test_models_sensor.cpp checks it). Adam divides by a gradient's own scale, so that rounding noise
// still moves it a little during training (by 0.02 in the shipped model): harmless, nothing reads it.
//
// Data (every sample from generate_sensor_sample(kSensorDataSeed, index)):
//   training   indices [0, kSensorTrainIndexLimit): the recipe uses a prefix [0, N) (N in its "training" record)
//   held-out   indices [kSensorHeldOutFirst, kSensorHeldOutFirst + kSensorHeldOutCount), disjoint from training
//   test set   the first kSensorTestSubsetCount held-out samples: small enough for a wasm unit test, and
//              evaluated and stored in the file alongside the full held-out figures
// Attention on the event: for a sample whose class has a localized event (every class but "normal"),
// the mass is the sum of the attention weights over steps within kSensorAttentionMargin of its event
// window [start - margin, start + width - 1 + margin].
#pragma once

#include "core/safetensors.h"
#include "models/sensor_data.h"
#include "models/translator.h"
#include "nn/linear.h"
#include "nn/lstm.h"
#include "nn/optim.h"
#include "nn/pooling.h"
#include "trace/trace.h"

#include <cstdint>
#include <string>
#include <vector>

namespace attn {

constexpr const char* kSensorArchitecture = "sensor_lstm_pool";

constexpr uint64_t kSensorDataSeed = 0;                 // the generator seed of training and held-out samples
constexpr uint64_t kSensorTrainIndexLimit = 1000000;    // training indices are below this
constexpr uint64_t kSensorHeldOutFirst = 1000000;       // held-out indices start here
constexpr int kSensorHeldOutCount = 2000;
constexpr int kSensorTestSubsetCount = 300;
constexpr int kSensorAttentionMargin = 5;               // steps either side of the event window

struct SensorModelConfig {
    int channels = kSensorChannels;   // C
    int steps = kSensorSteps;         // T: a series must have exactly this many steps
    int hidden = 64;                  // H: seed 000's hidden size
    int classes = kSensorEventCount;  // K
};

struct SensorModel {
    ModelInfo info;                          // name, architecture, description, config, metrics, training
    SensorModelConfig config;
    std::vector<std::string> class_names;    // [K] sensor_event_name order
    std::vector<std::string> channel_names;  // [C]
    std::vector<std::string> channel_units;  // [C]
    Vec norm_mean;                           // [C] per-channel mean of the training series
    Vec norm_std;                            // [C] per-channel standard deviation (> 0)
    Lstm lstm;                               // one layer: W_ih [4H, C], W_hh [4H, H], b_ih [4H], b_hh [4H]
    AttentionPool pool;                      // proj [H, H] + [H], score [1, H] + [1]
    Linear classifier;                       // [K, H] + [K]
};

// What the page's parameter panel shows, read from the model.
struct SensorParameterCounts {
    long lstm = 0;        // 4H (C + H) + 8H        = 17,920 at C = 4, H = 64
    long pool_proj = 0;   // H*H + H                = 4,160  (seed 000's first linear layer)
    long pool_score = 0;  // H + 1                  = 65     (seed 000's second linear layer)
    long pool = 0;        // pool_proj + pool_score = 4,225
    long classifier = 0;  // K*H + K                = 325 at K = 5
    long total = 0;
};
SensorParameterCounts sensor_parameter_counts(const SensorModel& m);

// A model with fresh weights (PyTorch's initializations through nn/*_init) drawn from seed, the
// generator's class and channel names, and the given normalization statistics ([C] each).
SensorModel sensor_model_init(const SensorModelConfig& config, uint64_t seed, const Vec& norm_mean,
                              const Vec& norm_std);

// Per-channel mean and standard deviation over every step of every series ([T, C] each), in double.
void sensor_normalization_stats(const std::vector<Mat>& series, Vec* mean, Vec* std);

// The normalization: values[T, C] in physical units -> x[T, C]. Throws ShapeError when values is not
// [config.steps, config.channels] and NonFiniteError (naming the step and channel) on a NaN or Inf.
Mat sensor_model_normalize(const SensorModel& m, const Mat& values);

// ---- the page ------------------------------------------------------------------------------------

struct SensorRunOptions {
    Backend backend = Backend::Simd;
};

// Everything one series went through, stage by stage.
struct SensorRun {
    Mat values;                   // [T, C] the series as given, physical units
    Mat inputs;                   // [T, C] after the normalization, what the LSTM read
    Mat lstm_out;                 // [T, H] the LSTM's outputs: the pooling's keys and values
    AttentionTrace attention;     // the pooling (form "pool"): energies [T, H], scores [1, T], weights [1, T], context [1, H]
    std::vector<float> logits;    // [K]
    std::vector<float> probs;     // [K]
    int predicted = 0;            // argmax of probs (the first on a tie)
    std::string predicted_name;   // class_names[predicted]
    SensorParameterCounts parameters;
};

// One series (see sensor_model_normalize for its errors).
SensorRun sensor_model_run(const SensorModel& m, const Mat& values, const SensorRunOptions& options = {});

struct SensorSampleRun {
    SensorSample sample;          // the generator's series and its recorded event
    SensorRun run;
    double attention_near_event = 0.0;  // mass within kSensorAttentionMargin of the event; 0 for "normal"
};
// The generator's sample (seed, index) through the model. Needs a model of the generator's shape
// (T = kSensorSteps, C = kSensorChannels), else ShapeError.
SensorSampleRun sensor_model_run_sample(const SensorModel& m, uint64_t seed, uint64_t index,
                                        const SensorRunOptions& options = {});

// Attention weights over time [T] (a Mat row or a Vec) -> the mass within `margin` steps of the
// sample's event window; 0 for a sample without an event.
double attention_mass_near_event(const float* weights, int T, const SensorSample& sample,
                                 int margin = kSensorAttentionMargin);

struct SensorBatch {
    Mat logits;                  // [B, K]
    Mat probs;                   // [B, K]
    Mat weights;                 // [B, T] attention over time
    std::vector<int> predicted;  // [B]
};
// values[B*T, C] (row b*T + t is series b at step t, the memory layout of a [B, T, C] tensor) ->
// probabilities, attention and predictions. The pooling runs fused over the whole batch.
SensorBatch sensor_model_classify_batch(const SensorModel& m, const Mat& values, Backend backend = Backend::Simd);

// ---- evaluation ----------------------------------------------------------------------------------

struct SensorEvaluation {
    int samples = 0, correct = 0;
    double accuracy = 0.0;                 // correct / samples
    int localized = 0;                     // samples whose class has a localized event
    double attention_near_event = 0.0;     // mean mass near the event over those samples
    std::vector<int> class_samples;        // [K]
    std::vector<int> class_correct;        // [K]
    std::vector<double> class_attention;   // [K] mean mass near the event per class (0 for "normal")
};
// The generator's samples [first, first + count) of seed, through sensor_model_classify_batch.
SensorEvaluation evaluate_sensor_model(const SensorModel& m, uint64_t seed, uint64_t first, int count,
                                       Backend backend = Backend::Scalar);

// ---- training ------------------------------------------------------------------------------------

struct SensorModelGrad {
    LstmGrad lstm;
    AttentionPoolGrad pool;
    LinearGrad classifier;
    void zero_like(const SensorModel& m);
};

// Every parameter with its gradient, named as in the file ("lstm.weight_ih_l0", ...), in file order.
// The list is written once (visit_tensors in sensor_model.cpp): these pairs, zero_like, the file,
// the loader and sensor_model_tensors derive from it.
ParamList sensor_model_params(SensorModel& m, SensorModelGrad& g);
// The same tensors' values by name, in file order: what the GPU packing (gpu/forward.cpp) reads.
std::vector<TensorView> sensor_model_tensors(const SensorModel& m);

// Cross-entropy of one normalized series x[T, C] against its class. With grad, the backward runs
// too and ADDS the gradient of this loss into grad (train_loop's example_loss contract). The forward
// and the backward both run on backend's kernels.
double sensor_model_loss(const SensorModel& m, const Mat& x, int target, SensorModelGrad* grad = nullptr,
                         Backend backend = Backend::Scalar);

// ---- the file ------------------------------------------------------------------------------------

// Tensors (PyTorch's names and shapes): lstm.weight_ih_l0 [4H, C], lstm.weight_hh_l0 [4H, H],
// lstm.bias_ih_l0 [4H], lstm.bias_hh_l0 [4H], attention.proj.weight [H, H], attention.proj.bias [H],
// attention.score.weight [1, H], attention.score.bias [1], classifier.weight [K, H], classifier.bias [K].
// Metadata: ModelInfo's keys (config {"channels","steps","hidden","classes"}), "class_names",
// "channel_names", "channel_units" (JSON arrays of strings), "normalization" {"mean": [C], "std": [C]}.
SafetensorsFile sensor_model_to_file(const SensorModel& m, const std::string& source);
void save_sensor_model(const SensorModel& m, const std::string& path);

// Validates everything and throws FormatError naming the source and what is wrong, expected vs found:
// architecture, config, names, statistics, every tensor's presence, dtype, shape and finiteness, no
// unexpected tensor, parameter_count.
SensorModel sensor_model_from_file(const SafetensorsFile& f);
SensorModel parse_sensor_model(const uint8_t* data, std::size_t size, const std::string& source);
SensorModel load_sensor_model(const std::string& path);

}  // namespace attn
