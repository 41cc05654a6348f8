// forward.h: whole forward passes recorded into a Plan, each in as few dispatches as the data flow
// allows, with one readback: multi-head attention (2 dispatches: Q|K|V projection, then every head
// and the output projection), seed 000's attention pooling (2), one LSTM step (1), additive
// attention scores (3: two projections, then energies and scores), the sensor classifier (1).
// Weights are uploaded once when the plan is built; the input named in each struct's comment is
// re-uploaded on every run. Not the CPU paths: the same computations on the CPU are in
// kernels/ and models/workloads. Test: tests/e2e/webgpu.test.mjs (against kernels::ref).
#pragma once

#include "gpu/plan.h"
#include "models/sensor_model.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace attn::gpu {

// Multi-head self-attention on X[T,D], heads of Dh = D / heads, no mask (models/workloads.h, mha):
// Q = X Wq^T + bq (K, V alike), per head softmax(Q_h K_h^T / sqrt(Dh)) V_h, heads concatenated,
// Y = concat Wo^T + bo. Weights [D,D] are PyTorch [out, in]. Reads back Y [T, D].
struct MhaInputs {
    int T = 0, D = 0, heads = 0;
    const float* X = nullptr;  // [T, D], re-uploaded on every run (must outlive the plan)
    const float *Wq = nullptr, *bq = nullptr, *Wk = nullptr, *bk = nullptr;
    const float *Wv = nullptr, *bv = nullptr, *Wo = nullptr, *bo = nullptr;
};
bool build_mha(Plan& plan, const MhaInputs& in, std::string* error);

// Seed 000's pooling on X[B,T,H] (kernels::attention_pool). Reads back out [B, H], then, when
// with_weights, the weights [B, T].
struct PoolInputs {
    int B = 0, T = 0, H = 0;
    const float* X = nullptr;  // [B, T, H], re-uploaded on every run
    const float *W1 = nullptr, *b1 = nullptr, *w2 = nullptr;
    float b2 = 0.0f;
};
bool build_pool(Plan& plan, const PoolInputs& in, bool with_weights, std::string* error);

// One LSTM step, input size = hidden size = H (models/workloads.h, lstm_step): pre = W_ih x +
// W_hh h_prev + b, gates i, f, g, o. Reads back h [H] then c [H], then, when with_gates, gates [4H].
struct LstmStepInputs {
    int H = 0;
    const float* x = nullptr;  // [H], re-uploaded on every run
    const float *h_prev = nullptr, *c_prev = nullptr;  // [H] each, re-uploaded on every run
    const float *W_ih = nullptr, *W_hh = nullptr, *b = nullptr;  // [4H, H], [4H, H], [4H]
};
bool build_lstm_step(Plan& plan, const LstmStepInputs& in, bool with_gates, std::string* error);

// Seed 000's sensor classifier on B series values[B*T, C] (physical units; must outlive the plan,
// re-uploaded on every run): one workgroup per series, 1 dispatch. Reads back probs [B, K], then the
// attention weights [B, T] (models/decode_workload.h's sensor_b<B> output).
bool build_sensor(Plan& plan, const SensorModel& m, int B, const float* values, std::string* error);

// A whole model's weights in one float array (one storage buffer): tensors appended one after
// another, each add returning where it starts (the offsets a shader's Params carry).
struct WeightPacker {
    std::vector<float>& to;
    uint32_t add(const float* data, size_t n) {
        const uint32_t at = static_cast<uint32_t>(to.size());
        to.insert(to.end(), data, data + n);
        return at;
    }
    uint32_t add(const Mat& m) { return add(m.data(), static_cast<size_t>(m.size())); }
    uint32_t add(const Vec& v) { return add(v.data(), static_cast<size_t>(v.size())); }
};

// A model's one parameter list (seq2seq_tensors, sensor_model_tensors: the file's order) appended to
// a WeightPacker, then found by name: the shader is given where each part is and never recomputes a
// size. sum() appends the one tensor a plan computes rather than copies: an LSTM cell's two biases,
// summed (pre = W_ih x + W_hh h + (b_ih + b_hh)), as the shaders read one bias per gate row.
struct PackedTensors {
    PackedTensors(WeightPacker& pk, const std::vector<TensorView>& list);
    uint32_t operator()(const std::string& name) const { return at.at(name); }
    uint32_t sum(const std::string& a, const std::string& b);
    WeightPacker& pk;
    std::map<std::string, TensorView> views;
    std::map<std::string, uint32_t> at;
};

// The largest buffer these forwards make (a larger shape is refused with a message).
constexpr double kMaxBufferBytes = 128.0 * 1024 * 1024;  // WebGPU's default maxStorageBufferBindingSize

}  // namespace attn::gpu
