// bench_train.cpp: training throughput natively, the number the page's training benchmark sets beside its
// own: for each task:model cell named (train.mjs names each task's default model; the Train view's sizes:
// hidden 32, embed 16, batch 16, seed 1), the examples per second of TrainRun (train/train_run.h, the code
// the page's worker runs) on the Scalar and the Simd backend, held-out evaluations and snapshots included,
// as in the page. Each backend runs the same number of examples per cell, alternating, and the fastest of
// the rounds counts. Prints one JSON object per cell on a line: {"task", "model", "simd", "scalar"}
// (examples/s). Not the report: tests/bench/browser/train.mjs runs it when the native-release tree has it,
// and prints the table.
// Test: ctest -R bench_train_quick, in tests/bench/CMakeLists.txt (16 examples a cell, under the sanitizers
// in make test's native tree).
//
// Usage: bench_train_native --cells=task:model,... [--examples=N] [--rounds=R]   (defaults 4800 and 3;
// train.mjs passes its own rows, so the list of cells is written once)
#include "train/train_run.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

struct Task {
    std::string task, model;
};

// Examples per second of one cell: a run from random weights, stepped through `examples` examples.
double rate(const Task& t, attn::Backend backend, long examples) {
    attn::TrainSettings s;
    s.task = t.task;
    s.model = t.model;
    s.hidden = 32;
    s.embed = 16;
    s.batch = 16;
    s.seed = 1;
    s.backend = backend;
    attn::TrainRun run(s);
    const long per_step = std::min<long>(s.batch, run.train_pairs());
    const long steps = (examples + per_step - 1) / per_step;
    const auto t0 = std::chrono::steady_clock::now();
    for (long i = 0; i < steps; ++i) run.step();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return static_cast<double>(run.examples()) / seconds;
}

}  // namespace

int main(int argc, char** argv) {
    long examples = 4800;
    int rounds = 3;
    std::vector<Task> cells;
    for (int i = 1; i < argc; ++i) {
        if (std::strncmp(argv[i], "--cells=", 8) == 0) {
            std::stringstream list(argv[i] + 8);
            for (std::string cell; std::getline(list, cell, ',');) {
                const size_t colon = cell.find(':');
                if (colon == std::string::npos) {
                    std::fprintf(stderr, "bench_train_native: a cell is task:model, not '%s'\n", cell.c_str());
                    return 2;
                }
                cells.push_back({cell.substr(0, colon), cell.substr(colon + 1)});
            }
        } else if (std::strncmp(argv[i], "--examples=", 11) == 0) examples = std::atol(argv[i] + 11);
        else if (std::strncmp(argv[i], "--rounds=", 9) == 0) rounds = std::atoi(argv[i] + 9);
        else {
            std::fprintf(stderr, "bench_train_native: unknown argument '%s' (--cells=task:model,..., --examples=N, --rounds=R)\n", argv[i]);
            return 2;
        }
    }
    if (examples < 1 || rounds < 1 || cells.empty()) {
        std::fprintf(stderr, "bench_train_native: name the cells (--cells=task:model,...); --examples and --rounds at least 1\n");
        return 2;
    }
    try {
        for (const Task& t : cells) {
            double simd = 0.0, scalar = 0.0;
            for (int r = 0; r < rounds; ++r) {
                simd = std::max(simd, rate(t, attn::Backend::Simd, examples));
                scalar = std::max(scalar, rate(t, attn::Backend::Scalar, examples));
            }
            std::printf("{\"task\": \"%s\", \"model\": \"%s\", \"simd\": %.1f, \"scalar\": %.1f}\n", t.task.c_str(),
                        t.model.c_str(), simd, scalar);
            std::fflush(stdout);
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_train_native: %s\n", e.what());
        return 1;
    }
    return 0;
}
