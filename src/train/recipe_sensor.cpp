// recipe_sensor.cpp: the "sensor" recipe of attn_trainer: seed 000's LSTM + attention pooling trained
// from scratch on the sensor-data generator, evaluated on the held-out range, written with its metrics.
// Not the model (models/sensor_model.h). Run: build/native-release/attn_trainer [--quick] sensor
// (under /usr/bin/time for the figure in the file's "training" record). Test: test_models_sensor.cpp
// loads the shipped file and re-evaluates it.
//
// Budget: the LSTM over 100 steps, forward and backward one series at a time, is nearly all of the
// cost; the training set size and the epochs are what keep the run within two minutes single-threaded
// (the hidden size is seed 000's 64).
#include "models/sensor_model.h"
#include "train/recipe.h"
#include "train/trainer.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <vector>

namespace attn {
namespace {

struct SensorRecipeConfig {
    int train_count;     // training series: indices [0, train_count) of kSensorDataSeed
    int epochs;
    int batch_size;
    double lr;           // Adam's starting rate; decays linearly to lr * final_lr_fraction
    double final_lr_fraction;
    double max_grad_norm;
    uint64_t init_seed;  // the weights' initialization
    uint64_t shuffle_seed;
    Backend backend;     // kernels of the forward passes while training
};

// 4,000 series x 6 epochs / batch 16 = 1,500 Adam steps. Measured with
// `/usr/bin/time build/native-release/attn_trainer sensor` on this project's shared 2-core machine:
// 16 s of CPU (user), 47 s elapsed while other jobs ran; held-out accuracy 0.9855, attention near the
// event 0.681. Other runs of this recipe, for the spread (not used to pick the shipped one): init
// seeds 2 and 3 gave accuracy 1.000 and 0.9995, attention 0.819 and 0.598; 6,000 series gave 0.9985
// and 0.622 in 23 s of CPU. Attention near a sensor_drift stays low in every run (0.27-0.41): the
// drifted reading keeps its offset to the end, so every later step shows the drift as plainly as
// its ramp does, and the pooling spreads its weight over them.
constexpr SensorRecipeConfig kFull{4000, 6, 16, 3e-3, 0.1, 1.0, 1, 2, Backend::Simd};
constexpr SensorRecipeConfig kQuick{400, 1, 16, 3e-3, 0.1, 1.0, 1, 2, Backend::Simd};
static_assert(kFull.train_count <= kSensorTrainIndexLimit && kQuick.train_count <= kSensorTrainIndexLimit,
              "training indices must stay below the held-out range");

nlohmann::json evaluation_json(const SensorModel& m, const SensorEvaluation& e, uint64_t first) {
    nlohmann::json per_class = nlohmann::json::object();
    for (int k = 0; k < m.config.classes; ++k) {
        nlohmann::json c{{"samples", e.class_samples[k]},
                         {"accuracy", e.class_samples[k] ? double(e.class_correct[k]) / e.class_samples[k] : 0.0}};
        if (k != static_cast<int>(SensorEvent::Normal)) c["attention_near_event"] = e.class_attention[k];
        per_class[m.class_names[k]] = c;
    }
    return {{"first_index", first},
            {"samples", e.samples},
            {"correct", e.correct},
            {"accuracy", e.accuracy},
            {"localized_samples", e.localized},
            {"attention_near_event", e.attention_near_event},
            {"per_class", per_class}};
}

void print_evaluation(const char* what, const SensorModel& m, const SensorEvaluation& e) {
    std::printf("  %s: accuracy %.4f (%d/%d), attention within %d steps of the event %.4f (%d series)\n", what,
                e.accuracy, e.correct, e.samples, kSensorAttentionMargin, e.attention_near_event, e.localized);
    for (int k = 0; k < m.config.classes; ++k)
        std::printf("    %-16s %4d series, accuracy %.3f, attention near event %.3f\n", m.class_names[k].c_str(),
                    e.class_samples[k], e.class_samples[k] ? double(e.class_correct[k]) / e.class_samples[k] : 0.0,
                    e.class_attention[k]);
}

int train_sensor(const RecipeArgs& args) {
    const SensorRecipeConfig rc = args.quick ? kQuick : kFull;

    // data: the first train_count indices of the training range, as normalized series
    std::vector<Mat> values(rc.train_count);
    std::vector<int> labels(rc.train_count);
    for (int i = 0; i < rc.train_count; ++i) {
        SensorSample s = generate_sensor_sample(kSensorDataSeed, static_cast<uint64_t>(i));
        values[i] = std::move(s.values);
        labels[i] = static_cast<int>(s.event);
    }
    Vec mean, std;
    sensor_normalization_stats(values, &mean, &std);
    SensorModel model = sensor_model_init(SensorModelConfig{}, rc.init_seed, mean, std);
    std::vector<Mat> inputs(rc.train_count);
    for (int i = 0; i < rc.train_count; ++i) inputs[i] = sensor_model_normalize(model, values[i]);
    const SensorParameterCounts counts = sensor_parameter_counts(model);
    std::printf("  %d training series (indices [0, %d) of seed %llu), %ld parameters (LSTM %ld, pooling %ld = %ld + %ld, "
                "classifier %ld)\n",
                rc.train_count, rc.train_count, static_cast<unsigned long long>(kSensorDataSeed), counts.total,
                counts.lstm, counts.pool, counts.pool_proj, counts.pool_score, counts.classifier);

    // training
    SensorModelGrad grad;
    grad.zero_like(model);
    const ParamList params = sensor_model_params(model, grad);
    TrainConfig tc;
    tc.seed = rc.shuffle_seed;
    tc.epochs = rc.epochs;
    tc.batch_size = rc.batch_size;
    tc.adam.lr = static_cast<float>(rc.lr);
    tc.adam.max_grad_norm = static_cast<float>(rc.max_grad_norm);
    tc.final_lr_fraction = static_cast<float>(rc.final_lr_fraction);
    tc.log_every_steps = 50;
    const int steps_per_epoch = (rc.train_count + rc.batch_size - 1) / rc.batch_size;
    const TrainLog log = train_loop(
        tc, params, rc.train_count,
        [&](int i) { return sensor_model_loss(model, inputs[i], labels[i], &grad, rc.backend); },
        [&](int step, double loss) {
            std::printf("  step %5d/%d  epoch %d  loss %.4f\n", step, steps_per_epoch * rc.epochs,
                        (step - 1) / steps_per_epoch + 1, loss);
            std::fflush(stdout);
        });
    double last_epoch_loss = 0.0;
    for (int s = log.steps - steps_per_epoch; s < log.steps; ++s) last_epoch_loss += log.step_losses[s];
    last_epoch_loss /= steps_per_epoch;
    std::printf("  trained %d steps in %.1f s, mean loss of the last epoch %.4f\n", log.steps, log.seconds,
                last_epoch_loss);

    // evaluation on held-out series (the Scalar kernels: the reference the tests re-evaluate with)
    const SensorEvaluation held_out = evaluate_sensor_model(model, kSensorDataSeed, kSensorHeldOutFirst,
                                                            kSensorHeldOutCount, Backend::Scalar);
    const SensorEvaluation subset = evaluate_sensor_model(model, kSensorDataSeed, kSensorHeldOutFirst,
                                                          kSensorTestSubsetCount, Backend::Scalar);
    print_evaluation("held-out", model, held_out);
    print_evaluation("test subset", model, subset);

    model.info.metrics_json =
        nlohmann::json{{"data_seed", kSensorDataSeed},
                       {"backend", backend_name(Backend::Scalar)},
                       {"attention_margin_steps", kSensorAttentionMargin},
                       {"attention_classes", "every class but normal"},
                       {"held_out", evaluation_json(model, held_out, kSensorHeldOutFirst)},
                       {"test_subset", evaluation_json(model, subset, kSensorHeldOutFirst)}}
            .dump();
    model.info.training_json = nlohmann::json{{"data_seed", kSensorDataSeed},
                                              {"train_first_index", 0},
                                              {"train_count", rc.train_count},
                                              {"init_seed", rc.init_seed},
                                              {"shuffle_seed", rc.shuffle_seed},
                                              {"epochs", rc.epochs},
                                              {"batch_size", rc.batch_size},
                                              {"steps", log.steps},
                                              {"optimizer", "adam"},
                                              {"lr", rc.lr},
                                              {"final_lr_fraction", rc.final_lr_fraction},
                                              {"max_grad_norm", rc.max_grad_norm},
                                              {"backend", backend_name(rc.backend)},
                                              {"quick", args.quick},
                                              {"seconds", log.seconds},
                                              {"first_step_loss", log.step_losses.front()},
                                              {"last_epoch_loss", last_epoch_loss}}
                                   .dump();
    save_sensor_model(model, args.out_path);
    const bool ok = held_out.accuracy >= 0.9 && held_out.attention_near_event >= 0.5;
    std::printf("  bars (accuracy >= 0.90, attention near event >= 0.50): %s\n", ok ? "met" : "NOT met");
    return 0;
}

}  // namespace
}  // namespace attn

ATTN_RECIPE(sensor, "sensor", "seed 000: LSTM + attention pooling (4,225 parameters) classifying well-sensor events",
            attn::train_sensor);
