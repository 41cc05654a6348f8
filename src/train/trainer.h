// trainer.h: what every model's training shares: the corpus pairs, a deterministic training loop
// (shuffle from a seed, mini-batches accumulated example by example, global-norm clipping, Adam with
// a linear learning-rate decay), and greedy exact-match evaluation. The loop is step-wise (Trainer: one
// batch at a time, resumable, its state inspectable), so attn_trainer, a page that trains while it
// draws and the tests drive the same code; train_loop runs it to the end. Single-threaded on purpose:
// the same seed and binary give bit-identical weights. Not a model: models bring their own forward and
// backward through the example_loss callback. Test: tests/unit/test_trainer.cpp.
#pragma once

#include "core/rng.h"
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
// returning its loss. Each step starts from zero grads (Adam leaves them so) and Adam reads their sum
// divided by the batch size. Between steps the grads are the trainer's: nothing else may write them.
using ExampleLoss = std::function<double(int)>;

// The training loop one step (one mini-batch, one Adam update) at a time. Between steps it holds
// everything the next step needs (the epoch's shuffled order, the generator, Adam's moments), so
// stepping it N times is exactly train_loop's first N steps, whoever calls and however long apart.
class Trainer {
public:
    // Throws std::invalid_argument unless example_count, batch_size and epochs are > 0.
    Trainer(const TrainConfig& config, ParamList params, int example_count);

    // One step: the next mini-batch's examples through example_loss, the averaged gradients, Adam at this
    // step's rate. Returns the step's mean example loss. Throws std::logic_error when done().
    // finish_batch(true), when given, runs after the batch's examples and before Adam reads the gradients
    // (a model that holds some back adds them then: lstm.h's defer_weights); finish_batch(false) when an
    // example threw, to drop what the batch held back.
    double step(const ExampleLoss& example_loss, const std::function<void(bool)>& finish_batch = {});
    bool done() const { return steps_ >= total_steps_; }

    // Where it is and what it did: steps taken and to take, the epoch under way (0-based), the rate of
    // the next step, the examples of the next step (in the shuffled order), and each step's loss.
    int steps() const { return steps_; }
    long examples() const { return examples_; }  // examples stepped through: an epoch's last batch may be short
    int total_steps() const { return total_steps_; }
    int steps_per_epoch() const { return steps_per_epoch_; }
    int epoch() const { return steps_ / steps_per_epoch_; }
    float next_lr() const;
    std::vector<int> next_batch() const;
    const std::vector<double>& step_losses() const { return losses_; }
    const TrainConfig& config() const { return config_; }

private:
    void shuffle();  // a new epoch's order

    TrainConfig config_;
    ParamList params_;
    int example_count_;
    int steps_per_epoch_;
    int total_steps_;
    int steps_ = 0;
    long examples_ = 0;
    Rng rng_;
    std::vector<int> order_;
    AdamState adam_;
    std::vector<double> losses_;
    bool grads_zero_ = false;  // the gradients are all zero (Adam left them so): the next step sums from them
};

// Runs a Trainer to the end. on_progress(step, mean loss over the last log_every_steps steps), may be empty.
TrainLog train_loop(const TrainConfig& config, const ParamList& params, int example_count,
                    const ExampleLoss& example_loss,
                    const std::function<void(int, double)>& on_progress = {});

// The fraction of pairs whose greedy translation equals the target exactly (after normalization).
double exact_match_accuracy(const Translator& model, const std::vector<Pair>& pairs, const RunOptions& options);

}  // namespace attn
