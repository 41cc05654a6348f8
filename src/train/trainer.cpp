// trainer.cpp: see trainer.h.
#include "train/trainer.h"

#include "core/rng.h"
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

TrainLog train_loop(const TrainConfig& config, const ParamList& params, int example_count,
                    const std::function<double(int)>& example_loss,
                    const std::function<void(int, double)>& on_progress) {
    if (example_count <= 0 || config.batch_size <= 0 || config.epochs <= 0)
        throw std::invalid_argument("train_loop: need examples, a batch size and epochs > 0");
    const auto start = std::chrono::steady_clock::now();
    Rng rng(config.seed);
    std::vector<int> order(example_count);
    std::iota(order.begin(), order.end(), 0);
    const int steps_per_epoch = (example_count + config.batch_size - 1) / config.batch_size;
    const int total_steps = steps_per_epoch * config.epochs;
    AdamState state;
    AdamConfig adam = config.adam;
    TrainLog log;
    double window = 0.0;
    int window_steps = 0;
    for (int epoch = 0; epoch < config.epochs; ++epoch) {
        // Fisher-Yates with our own generator: std::shuffle's algorithm is not fixed by the standard.
        for (int i = example_count - 1; i > 0; --i)
            std::swap(order[i], order[static_cast<int>(rng.next_u64() % static_cast<uint64_t>(i + 1))]);
        for (int b = 0; b < steps_per_epoch; ++b) {
            const int first = b * config.batch_size;
            const int last = std::min(example_count, first + config.batch_size);
            zero_grads(params);
            double loss = 0.0;
            for (int k = first; k < last; ++k) loss += example_loss(order[k]);
            const float inv = 1.0f / static_cast<float>(last - first);
            for (const ParamGrad& p : params)
                for (long i = 0; i < p.size; ++i) p.grad[i] *= inv;
            const float progress = static_cast<float>(log.steps) / static_cast<float>(std::max(1, total_steps - 1));
            adam.lr = config.adam.lr * (1.0f - (1.0f - config.final_lr_fraction) * progress);
            adam_step(adam, state, params);
            loss /= (last - first);
            log.step_losses.push_back(loss);
            ++log.steps;
            window += loss;
            ++window_steps;
            if (on_progress && (log.steps % config.log_every_steps == 0 || log.steps == total_steps)) {
                on_progress(log.steps, window / window_steps);
                window = 0.0;
                window_steps = 0;
            }
        }
    }
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
