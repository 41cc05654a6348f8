// bench_train.cpp: training throughput natively, the number the page's training benchmark sets beside its
// own: for each task's default model (the Train view's sizes: hidden 32, embed 16, batch 16, seed 1), the
// examples per second of TrainRun (train/train_run.h, the code the page's worker runs) on the Scalar and
// the Simd backend, held-out evaluations and snapshots included, as in the page. Each backend runs the
// same number of examples per cell, alternating, and the fastest of the rounds counts. Prints one JSON
// object per task on a line: {"task", "model", "simd", "scalar"} (examples/s). Not the report:
// tests/bench/browser/train.mjs runs it when the native-release tree has it, and prints the table.
// Test: ctest -R bench_train_quick, in tests/bench/CMakeLists.txt (16 examples a cell, under the sanitizers
// in make test's native tree).
//
// Usage: bench_train_native [--examples=N] [--rounds=R]   (defaults 4800 and 3, as train.mjs)
#include "train/train_run.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace {

struct Task {
    const char* task;
    const char* model;
};
// The browser benchmark's rows (tests/bench/browser/train.mjs): each task's default model.
const Task kTasks[] = {{"toy", "lstm-dot"}, {"reverse", "lstm-dot"}, {"hi-en", "bahdanau"}, {"en-es", "lstm-dot"},
                       {"sensor", "sensor-lstm"}};

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
    for (int i = 1; i < argc; ++i) {
        if (std::strncmp(argv[i], "--examples=", 11) == 0) examples = std::atol(argv[i] + 11);
        else if (std::strncmp(argv[i], "--rounds=", 9) == 0) rounds = std::atoi(argv[i] + 9);
        else {
            std::fprintf(stderr, "bench_train_native: unknown argument '%s' (--examples=N, --rounds=R)\n", argv[i]);
            return 2;
        }
    }
    if (examples < 1 || rounds < 1) {
        std::fprintf(stderr, "bench_train_native: --examples and --rounds must be at least 1\n");
        return 2;
    }
    try {
        for (const Task& t : kTasks) {
            double simd = 0.0, scalar = 0.0;
            for (int r = 0; r < rounds; ++r) {
                simd = std::max(simd, rate(t, attn::Backend::Simd, examples));
                scalar = std::max(scalar, rate(t, attn::Backend::Scalar, examples));
            }
            std::printf("{\"task\": \"%s\", \"model\": \"%s\", \"simd\": %.1f, \"scalar\": %.1f}\n", t.task, t.model, simd,
                        scalar);
            std::fflush(stdout);
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_train_native: %s\n", e.what());
        return 1;
    }
    return 0;
}
