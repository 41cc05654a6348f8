// trainer.h: what every model's training shares: the corpus pairs, a deterministic training loop
// (shuffle from a seed, mini-batches accumulated example by example, global-norm clipping, Adam with
// a linear learning-rate decay), and greedy exact-match evaluation. Single-threaded on purpose: the
// same seed and binary give bit-identical weights. Not a model: models bring their own forward and
// backward through the example_loss callback. Test: tests/unit/test_trainer.cpp.
#pragma once

#include "models/translator.h"
#include "nn/optim.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace attn {

struct Pair {
    std::string source, target;
};
// One `source<TAB>target` per line (UTF-8). Throws std::runtime_error naming the file and line.
std::vector<Pair> load_pairs(const std::string& path);

struct TrainConfig {
    uint64_t seed = 1;
    int epochs = 10;            // passes over the examples
    int batch_size = 16;        // examples whose gradients are averaged into one Adam step
    AdamConfig adam;            // adam.lr is the starting rate; adam.max_grad_norm clips
    float final_lr_fraction = 0.1f;  // the rate decays linearly to lr * this at the last step
    int log_every_steps = 100;  // on_progress is called every this many steps (and at the end)
};

struct TrainLog {
    std::vector<double> step_losses;  // mean example loss of every step, in order
    int steps = 0;
    double seconds = 0.0;
};

// example_loss(i): forward and backward of example i, ADDING its gradients into the params' grads,
// returning its loss. The loop zeroes the grads before each step and divides them by the batch size.
// on_progress(step, mean loss over the last log_every_steps steps), may be empty.
TrainLog train_loop(const TrainConfig& config, const ParamList& params, int example_count,
                    const std::function<double(int)>& example_loss,
                    const std::function<void(int, double)>& on_progress = {});

// The fraction of pairs whose greedy translation equals the target exactly (after normalization).
double exact_match_accuracy(const Translator& model, const std::vector<Pair>& pairs, const RunOptions& options);

}  // namespace attn
