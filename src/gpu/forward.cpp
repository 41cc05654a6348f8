// forward.cpp: see forward.h. The dispatch counts are part of the contract (the benchmark reports
// them): MHA 2, pooling 2, LSTM step 1, each with a single readback.
#include "gpu/forward.h"

#include "gpu/params.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

namespace attn::gpu {

namespace {

uint32_t groups(long n, long per) { return static_cast<uint32_t>((n + per - 1) / per); }

bool fits(double floats, const char* what, std::string* error) {
    if (floats * 4 <= kMaxBufferBytes) return true;
    *error = std::string(what) + " would need " + std::to_string(static_cast<long>(floats * 4 / 1048576)) +
             " MiB, more than one WebGPU storage binding holds (128 MiB)";
    return false;
}

}  // namespace

bool build_mha(Plan& plan, const MhaInputs& in, std::string* error) {
    const int T = in.T, D = in.D, heads = in.heads;
    if (T < 1 || D < 1 || heads < 1 || D % heads != 0) {
        *error = "mha: bad shape T=" + std::to_string(T) + " D=" + std::to_string(D) + " heads=" + std::to_string(heads);
        return false;
    }
    const int dh = D / heads;
    if (!fits(double(heads) * T * T + double(T) * D, "the attention weights", error) || !fits(3.0 * T * D, "Q|K|V", error))
        return false;

    // The three projections as one: W_qkv = [Wq; Wk; Wv] is [3D, D], so Q|K|V = X W_qkv^T + b_qkv
    // is a single matmul_nt whose row t holds q_t, k_t, v_t side by side.
    std::vector<float> w_qkv(size_t(3) * D * D), b_qkv(size_t(3) * D);
    const float* W[3] = {in.Wq, in.Wk, in.Wv};
    const float* b[3] = {in.bq, in.bk, in.bv};
    for (int p = 0; p < 3; ++p) {
        std::memcpy(&w_qkv[size_t(p) * D * D], W[p], sizeof(float) * D * D);
        std::memcpy(&b_qkv[size_t(p) * D], b[p], sizeof(float) * D);
    }
    const int x = plan.storage(uint64_t(T) * D, "X");
    plan.upload_each_run(x, in.X, uint64_t(T) * D);
    const int wqkv = plan.storage(w_qkv, "W_qkv");
    const int bqkv = plan.storage(b_qkv, "b_qkv");
    const int qkv = plan.storage(uint64_t(T) * 3 * D, "QKV");
    const int wo = plan.storage(in.Wo, uint64_t(D) * D, "Wo");
    const int bo = plan.storage(in.bo, uint64_t(D), "bo");
    // the attention weights [heads, T, T], then the concatenated heads [T, D]
    const int weights = plan.storage(uint64_t(heads) * T * T + uint64_t(T) * D, "attention weights | concat");
    const int y = plan.storage(uint64_t(T) * D, "Y");

    const MatmulParams proj = {uint32_t(T), uint32_t(D), uint32_t(3 * D), 1};
    const int proj_u = plan.uniform(proj, "qkv projection");
    AttentionParams att = {};
    att.tq = T;
    att.tk = T;
    att.dk = dh;
    att.dv = dh;
    att.heads = heads;
    att.scale = 1.0f / std::sqrt(static_cast<float>(dh));
    att.d_model = D;
    att.q_stride = att.k_stride = att.v_stride = 3 * D;
    att.q_offset = 0;
    att.k_offset = D;
    att.v_offset = 2 * D;
    att.concat_offset = heads * T * T;
    const int att_u = plan.uniform(att, "mha rows");

    // dispatch 1: Q|K|V for every row; dispatch 2: per row, every head and the output projection
    plan.dispatch(Kernel::MatmulNT, {proj_u, x, wqkv, bqkv, qkv}, groups(3 * D, 32), groups(T, 32));
    plan.dispatch(Kernel::MhaRows, {att_u, qkv, qkv, qkv, weights, y, wo, bo}, groups(T, 64));
    plan.read_back(y, 0, uint64_t(T) * D);
    return plan.finish(error);
}

bool build_pool(Plan& plan, const PoolInputs& in, bool with_weights, std::string* error) {
    const long rows = long(in.B) * in.T;
    if (in.B < 1 || in.T < 1 || in.H < 1) {
        *error = "pool: bad shape";
        return false;
    }
    if (!fits(double(rows) * in.H, "X", error)) return false;
    const int x = plan.storage(uint64_t(rows) * in.H, "X");
    plan.upload_each_run(x, in.X, uint64_t(rows) * in.H);
    const int w1 = plan.storage(in.W1, uint64_t(in.H) * in.H, "W1");
    const int b1 = plan.storage(in.b1, uint64_t(in.H), "b1");
    const int w2 = plan.storage(in.w2, uint64_t(in.H), "w2");
    const int scores = plan.storage(uint64_t(rows), "scores");
    const int weights = plan.storage(uint64_t(rows), "weights");
    const int out = plan.storage(uint64_t(in.B) * in.H, "context");
    const PoolParams p = {uint32_t(in.B), uint32_t(in.T), uint32_t(in.H), in.b2};
    const int u = plan.uniform(p, "pool");
    // dispatch 1: energies and scores of every (b, t); dispatch 2: softmax over t and the context
    plan.dispatch(Kernel::PoolScores, {u, x, w1, b1, w2, scores, x, w1}, groups(rows, 64));
    plan.dispatch(Kernel::PoolContext, {u, x, scores, weights, out}, groups(in.B, 64));
    plan.read_back(out, 0, uint64_t(in.B) * in.H);
    if (with_weights) plan.read_back(weights, 0, uint64_t(rows));
    return plan.finish(error);
}

bool build_lstm_step(Plan& plan, const LstmStepInputs& in, bool with_gates, std::string* error) {
    const int H = in.H;
    if (H < 1) {
        *error = "lstm_step: bad shape";
        return false;
    }
    // [W_ih | W_hh] as one [4H, 2H] matrix and [x; h_prev] as one vector: one product per gate row
    std::vector<float> w_cat(size_t(4) * H * 2 * H);
    for (int r = 0; r < 4 * H; ++r) {
        std::memcpy(&w_cat[size_t(r) * 2 * H], in.W_ih + size_t(r) * H, sizeof(float) * H);
        std::memcpy(&w_cat[size_t(r) * 2 * H + H], in.W_hh + size_t(r) * H, sizeof(float) * H);
    }
    const int xh = plan.storage(uint64_t(2) * H, "x|h_prev");
    plan.upload_each_run(xh, in.x, uint64_t(H), 0);
    plan.upload_each_run(xh, in.h_prev, uint64_t(H), uint64_t(H));
    const int c_prev = plan.storage(uint64_t(H), "c_prev");
    plan.upload_each_run(c_prev, in.c_prev, uint64_t(H));
    const int w = plan.storage(w_cat, "W_ih|W_hh");
    const int bias = plan.storage(in.b, uint64_t(4) * H, "b");
    const int gates = plan.storage(uint64_t(4) * H, "gates");
    const int h = plan.storage(uint64_t(H), "h");
    const int c = plan.storage(uint64_t(H), "c");
    const LstmParams p = {uint32_t(H), uint32_t(2 * H), 0, 0};
    const int u = plan.uniform(p, "lstm cell");
    plan.dispatch(Kernel::LstmCell, {u, xh, c_prev, gates, h, c, w, bias}, groups(H, 64));
    plan.read_back(h, 0, uint64_t(H));
    plan.read_back(c, 0, uint64_t(H));
    if (with_gates) plan.read_back(gates, 0, uint64_t(4) * H);
    return plan.finish(error);
}

PackedTensors::PackedTensors(WeightPacker& packer, const std::vector<TensorView>& list) : pk(packer) {
    for (const TensorView& v : list) {
        views[v.name] = v;
        at[v.name] = pk.add(v.data, static_cast<size_t>(v.size));
    }
}

uint32_t PackedTensors::sum(const std::string& a, const std::string& b) {
    const TensorView& x = views.at(a);
    const TensorView& y = views.at(b);
    Vec s = Vec::Zero(std::max(x.size, y.size));
    for (long i = 0; i < x.size; ++i) s[i] += x.data[i];
    for (long i = 0; i < y.size; ++i) s[i] += y.data[i];
    return pk.add(s);
}

bool build_sensor(Plan& plan, const SensorModel& m, int B, const float* values, std::string* error) {
    const SensorModelConfig& c = m.config;
    if (c.hidden > 64 || c.steps > 256 || c.classes > 16 || c.channels > 16 || B < 1) {
        *error = "sensor_forward handles H <= 64, T <= 256, K <= 16, C <= 16 (the model has H " +
                 std::to_string(c.hidden) + ", T " + std::to_string(c.steps) + ", K " + std::to_string(c.classes) + ")";
        return false;
    }
    if (!fits(2.0 * B * c.steps * c.hidden, "the LSTM outputs and energies", error)) return false;
    std::vector<float> w;
    WeightPacker pk{w};
    SensorParams p = {};
    p.B = B, p.T = c.steps, p.C = c.channels, p.H = c.hidden, p.K = c.classes;
    p.mean = pk.add(m.norm_mean);
    p.stdev = pk.add(m.norm_std);
    PackedTensors t(pk, sensor_model_tensors(m));
    p.w_ih = t("lstm.weight_ih_l0");
    p.w_hh = t("lstm.weight_hh_l0");
    p.b = t.sum("lstm.bias_ih_l0", "lstm.bias_hh_l0");
    p.w1 = t("attention.proj.weight");
    p.b1 = t("attention.proj.bias");
    p.w2 = t("attention.score.weight");
    p.b2 = t("attention.score.bias");
    p.wc = t("classifier.weight");
    p.bc = t("classifier.bias");
    const uint64_t n_values = uint64_t(B) * c.steps * c.channels;
    const int u = plan.uniform(p, "sensor params");
    const int wb = plan.storage(w, "sensor weights");
    const int vb = plan.storage(n_values, "sensor values");
    plan.upload_each_run(vb, values, n_values);
    const int sb = plan.storage(uint64_t(2) * B * c.steps * c.hidden, "sensor scratch");
    const int ob = plan.storage(uint64_t(B) * (c.classes + c.steps), "sensor out");
    plan.dispatch(Kernel::SensorForward, {u, wb, vb, sb, ob}, static_cast<uint32_t>(B));
    plan.read_back(ob, 0, uint64_t(B) * (c.classes + c.steps));
    return plan.finish(error);
}

}  // namespace attn::gpu
