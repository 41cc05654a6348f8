// workloads.h: named compute workloads with fixed pseudo-random inputs, the same on every machine:
// what the benchmarks time (tests/bench) and what the page can run to compare backends.
// Not trained models (weights are random) and not a trace: a run returns only its final output.
// Test: tests/unit/test_workloads.cpp (parsing, sizes, simd vs scalar, mha against double).
//
// Names (every <n> a decimal integer from 1 to 65536, no sign, no leading zero):
//   pool_b<B>_t<T>_h<H>     seed 000's attention pooling over an LSTM output X[B,T,H]:
//                           energy = tanh(X W1^T + b1), score = energy w2 + b2, softmax over t,
//                           context[b,:] = sum_t weight[b,t] X[b,t,:]   (kernels::attention_pool)
//                           output: context [B, H]
//   mha_d<D>_h<NH>_t<T>     multi-head self-attention forward on X[T,D], NH heads of Dh = D/NH
//                           (D % NH == 0), no mask: Q = X Wq^T + bq, K, V alike (Linear D->D);
//                           head h takes columns [h Dh, (h+1) Dh) of Q, K, V (computed directly
//                           from rows h Dh.. of Wq, Wk, Wv), kernels::attention_head with scale
//                           1/sqrt(Dh); heads concatenated in order to [T, D]; Y = concat Wo^T + bo
//                           output: Y [T, D]
//   lstm_step_h<H>          one LSTM cell step with input size = hidden size = H:
//                           pre = W_ih x + W_hh h_prev + b (as one matvec of [W_ih | W_hh] [4H, 2H]
//                           with [x; h_prev]), then kernels::lstm_gates (gate order i, f, g, o)
//                           output: h [H] followed by c [H]
//
// How the inputs are generated (an outside harness can reproduce them bit for bit):
//   rng = Rng(seed_from_name(name)) from core/rng.h: SplitMix64 whose seed is the FNV-1a 64-bit hash
//   of the name's bytes. Each value is drawn as u = float(next_u64() >> 40) * 2^-24 (exact), then
//   lo + (hi - lo) * u evaluated in float. Tensors are filled row-major, one after another, in this
//   order, with a = 1.0f / sqrtf(fan_in) computed in float (PyTorch's Linear initialization range):
//   pool:  X [B,T,H] in [-1,1); W1 [H,H], b1 [H], w2 [H], b2 (one value) in [-a,a), fan_in = H
//   mha:   X [T,D] in [-1,1); Wq [D,D], bq [D], Wk, bk, Wv, bv, Wo, bo in [-a,a), fan_in = D
//   lstm:  x [H], h_prev [H], c_prev [H] in [-1,1); W_ih [4H,H], W_hh [4H,H], b [4H] in [-a,a),
//          fan_in = H
#pragma once

#include "kernels/kernels.h"

#include <memory>
#include <string>
#include <vector>

namespace attn {

enum class WorkloadKind { Pool, Mha, LstmStep };

struct Workload {
    std::string name;  // as parsed, e.g. "mha_d64_h4_t128"; the seed of its inputs
    WorkloadKind kind = WorkloadKind::Pool;
    int B = 0, T = 0, H = 0;  // pool: batch, time steps, hidden; mha: T; lstm: H
    int D = 0, heads = 0;     // mha: model width, number of heads
    long output_size() const;  // number of floats run() returns
    // Floating-point operations of one run, a multiply-add counted as 2 (matmuls, dots, weighted
    // sums); exp/tanh/sigmoid and the softmax normalization are not counted. For GFLOP/s.
    double flops() const;
    // Bytes a WorkloadInstance holds: inputs, run buffers and output (float32), counted before
    // anything is allocated. For the check below and for the error message.
    double memory_bytes() const;
};

// The most a workload may hold. The page's WebAssembly memory cannot grow past 2 GiB (Emscripten's
// default maximum) and the page's own data lives there too, so 1 GiB; natively the same, so every
// build answers the same name the same way.
constexpr double kMaxWorkloadBytes = 1024.0 * 1024.0 * 1024.0;
// Throws std::length_error when w.memory_bytes() > kMaxWorkloadBytes, naming the size it would need,
// e.g. "workload mha_d65536_h1_t65536 needs 192.0 GiB of memory (inputs, buffers and output); at most
// 1 GiB can be allocated: choose smaller sizes". WorkloadInstance calls it before allocating.
void check_workload_memory(const Workload& w);

// Throws std::invalid_argument naming the bad name and the expected forms.
Workload parse_workload(const std::string& name);

// One input tensor of a workload, in generation order.
struct WorkloadTensor {
    std::string name;        // "X", "W1", "bq", ...
    std::vector<int> shape;  // row-major; {} for a scalar
    std::vector<float> data;
};

// A workload with its inputs generated once and every buffer a run needs, so that repeated runs
// (a benchmark loop) generate and allocate nothing.
class WorkloadInstance {
public:
    explicit WorkloadInstance(const Workload& w);
    ~WorkloadInstance();
    WorkloadInstance(const WorkloadInstance&) = delete;
    WorkloadInstance& operator=(const WorkloadInstance&) = delete;

    const Workload& workload() const { return w_; }
    const std::vector<WorkloadTensor>& inputs() const { return inputs_; }
    const WorkloadTensor& input(const std::string& name) const;  // throws std::out_of_range
    // Runs the workload once with the backend; the output stays valid until the next run.
    const std::vector<float>& run(Backend backend);

private:
    struct Buffers;
    Workload w_;
    std::vector<WorkloadTensor> inputs_;
    std::unique_ptr<Buffers> buf_;
    std::vector<float> output_;
};

// Generates the inputs and runs once: WorkloadInstance(w).run(backend), copied out.
std::vector<float> run_workload(const Workload& w, Backend backend);

}  // namespace attn
