// trainer.cpp: see trainer.h.
#include "train/trainer.h"

#include "core/tokenizer.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <numeric>
#include <stdexcept>

namespace attn {

std::vector<Pair> load_pairs(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("load_pairs: cannot open " + path);
    std::vector<Pair> pairs;
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) continue;
        const auto tab = line.find('\t');
        if (tab == std::string::npos || line.find('\t', tab + 1) != std::string::npos)
            throw std::runtime_error(path + ":" + std::to_string(n) + ": expected source<TAB>target");
        pairs.push_back({line.substr(0, tab), line.substr(tab + 1)});
    }
    return pairs;
}

Trainer::Trainer(const TrainConfig& config, ParamList params, int example_count)
    : config_(config), params_(std::move(params)), example_count_(example_count), rng_(config.seed) {
    if (example_count <= 0 || config.batch_size <= 0 || config.epochs <= 0)
        throw std::invalid_argument("train_loop: need examples, a batch size and epochs > 0");
    steps_per_epoch_ = (example_count + config.batch_size - 1) / config.batch_size;
    total_steps_ = steps_per_epoch_ * config.epochs;
    order_.resize(example_count);
    std::iota(order_.begin(), order_.end(), 0);
    shuffle();
}

void Trainer::shuffle() {
    // Fisher-Yates with our own generator: std::shuffle's algorithm is not fixed by the standard. Each
    // epoch shuffles the previous epoch's order further.
    for (int i = example_count_ - 1; i > 0; --i)
        std::swap(order_[i], order_[static_cast<int>(rng_.next_u64() % static_cast<uint64_t>(i + 1))]);
}

float Trainer::next_lr() const {
    const float progress = std::min(1.0f, static_cast<float>(steps_) / static_cast<float>(std::max(1, total_steps_ - 1)));
    return config_.adam.lr * (1.0f - (1.0f - config_.final_lr_fraction) * progress);
}

std::vector<int> Trainer::next_batch() const {
    if (done()) return {};
    const int first = (steps_ % steps_per_epoch_) * config_.batch_size;
    const int last = std::min(example_count_, first + config_.batch_size);
    return std::vector<int>(order_.begin() + first, order_.begin() + last);
}

double Trainer::step(const ExampleLoss& example_loss, const std::function<void(bool)>& finish_batch) {
    if (done()) throw std::logic_error("Trainer::step: all " + std::to_string(total_steps_) + " steps are done");
    const std::vector<int> batch = next_batch();
    // Adam leaves the gradients at zero; zeroed here only at first and after a step that threw
    if (!grads_zero_) zero_grads(params_);
    grads_zero_ = false;
    double loss = 0.0;
    try {
        for (int i : batch) loss += example_loss(i);
    } catch (...) {
        if (finish_batch) finish_batch(false);
        throw;
    }
    if (finish_batch) finish_batch(true);
    AdamConfig adam = config_.adam;
    adam.lr = next_lr();
    adam_step(adam, adam_, params_, 1.0f / static_cast<float>(batch.size()));  // the batch's mean gradient
    grads_zero_ = true;
    loss /= static_cast<double>(batch.size());
    losses_.push_back(loss);
    ++steps_;
    examples_ += static_cast<long>(batch.size());
    if (!done() && steps_ % steps_per_epoch_ == 0) shuffle();
    return loss;
}

TrainLog train_loop(const TrainConfig& config, const ParamList& params, int example_count,
                    const ExampleLoss& example_loss,
                    const std::function<void(int, double)>& on_progress) {
    const auto start = std::chrono::steady_clock::now();
    Trainer trainer(config, params, example_count);
    double window = 0.0;
    int window_steps = 0;
    while (!trainer.done()) {
        window += trainer.step(example_loss);
        ++window_steps;
        const int steps = trainer.steps();
        if (on_progress && (steps % config.log_every_steps == 0 || trainer.done())) {
            on_progress(steps, window / window_steps);
            window = 0.0;
            window_steps = 0;
        }
    }
    TrainLog log;
    log.step_losses = trainer.step_losses();
    log.steps = trainer.steps();
    log.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return log;
}

double exact_match_accuracy(const Translator& model, const std::vector<Pair>& pairs, const RunOptions& options) {
    if (pairs.empty()) return 0.0;
    RunOptions o = options;
    o.record_trace = false;
    int correct = 0;
    for (const Pair& p : pairs) {
        if (model.translate(p.source, o).output_text == normalize_text(p.target)) ++correct;
    }
    return static_cast<double>(correct) / static_cast<double>(pairs.size());
}

}  // namespace attn
