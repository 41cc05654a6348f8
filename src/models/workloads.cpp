// workloads.cpp: see workloads.h (the names, the computations and the input generator are described
// there, and this file follows that description line by line).
#include "models/workloads.h"

#include "core/rng.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace attn {

namespace {

constexpr int kMaxDim = 65536;

[[noreturn]] void bad_name(const std::string& name, const std::string& why) {
    throw std::invalid_argument("parse_workload: bad workload name \"" + name + "\": " + why +
                                "; expected pool_b<B>_t<T>_h<H>, mha_d<D>_h<heads>_t<T> or lstm_step_h<H> "
                                "(e.g. pool_b32_t100_h64, mha_d64_h4_t128, lstm_step_h64)");
}

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> parts(1);
    for (char c : s) {
        if (c == sep) parts.emplace_back();
        else parts.back() += c;
    }
    return parts;
}

// "t100" with prefix "t" -> 100; anything else (missing digits, a sign, a leading zero, > kMaxDim) throws.
int parse_dim(const std::string& name, const std::string& part, const char* prefix) {
    const size_t p = std::strlen(prefix);
    if (part.compare(0, p, prefix) != 0 || part.size() == p)
        bad_name(name, "expected \"" + std::string(prefix) + "<n>\", got \"" + part + "\"");
    const std::string digits = part.substr(p);
    for (char c : digits)
        if (c < '0' || c > '9') bad_name(name, "\"" + part + "\": \"" + digits + "\" is not a positive integer");
    if (digits[0] == '0' || digits.size() > 5 || std::stoi(digits) > kMaxDim)
        bad_name(name, "\"" + part + "\": sizes go from 1 to " + std::to_string(kMaxDim));
    return std::stoi(digits);
}

std::vector<float> draw(Rng& rng, long n, float lo, float hi) {
    std::vector<float> v(n);
    for (float& x : v) x = rng.uniform(lo, hi);
    return v;
}

long product(const std::vector<int>& shape) {
    long n = 1;
    for (int d : shape) n *= d;
    return n;
}

}  // namespace

Workload parse_workload(const std::string& name) {
    const std::vector<std::string> p = split(name, '_');
    Workload w;
    w.name = name;
    if (p[0] == "pool") {
        if (p.size() != 4) bad_name(name, "pool takes three sizes");
        w.kind = WorkloadKind::Pool;
        w.B = parse_dim(name, p[1], "b");
        w.T = parse_dim(name, p[2], "t");
        w.H = parse_dim(name, p[3], "h");
    } else if (p[0] == "mha") {
        if (p.size() != 4) bad_name(name, "mha takes three sizes");
        w.kind = WorkloadKind::Mha;
        w.D = parse_dim(name, p[1], "d");
        w.heads = parse_dim(name, p[2], "h");
        w.T = parse_dim(name, p[3], "t");
        if (w.D % w.heads != 0)
            bad_name(name, "d (" + std::to_string(w.D) + ") must be a multiple of the number of heads (" +
                               std::to_string(w.heads) + ")");
    } else if (p[0] == "lstm" && p.size() >= 2 && p[1] == "step") {
        if (p.size() != 3) bad_name(name, "lstm_step takes one size");
        w.kind = WorkloadKind::LstmStep;
        w.H = parse_dim(name, p[2], "h");
    } else {
        bad_name(name, "unknown kind \"" + p[0] + "\"");
    }
    return w;
}

long Workload::output_size() const {
    switch (kind) {
        case WorkloadKind::Pool: return long(B) * H;
        case WorkloadKind::Mha: return long(T) * D;
        case WorkloadKind::LstmStep: return 2L * H;
    }
    return 0;
}

double Workload::flops() const {
    const double b = B, t = T, h = H, d = D;
    switch (kind) {
        // energy (T H H multiply-adds per sequence), scores (T H), context (T H)
        case WorkloadKind::Pool: return 2.0 * b * t * (h * h + 2.0 * h);
        // Q, K, V and output projections (4 T D D), scores and context over all heads (2 T T D)
        case WorkloadKind::Mha: return 2.0 * (4.0 * t * d * d + 2.0 * t * t * d);
        // one [4H, 2H] matvec
        case WorkloadKind::LstmStep: return 2.0 * (4.0 * h) * (2.0 * h);
    }
    return 0;
}

double Workload::memory_bytes() const {
    const double b = B, t = T, h = H, d = D, dh = heads > 0 ? D / heads : 0;
    double floats = 0;
    switch (kind) {
        // X, W1, b1, w2, b2; weights [B, T], scratch [T, H]
        case WorkloadKind::Pool: floats = b * t * h + h * h + 2 * h + 1 + b * t + t * h; break;
        // X, Wq..Wo and bq..bo; q, k, v, head_out [T, dh]; attn [T, T]; concat [T, D]
        case WorkloadKind::Mha: floats = t * d + 4 * (d * d + d) + 4 * t * dh + t * t + t * d; break;
        // x, h_prev, c_prev, W_ih, W_hh, b; w_cat [4H, 2H], xh [2H], pre [4H], gates [4H]
        case WorkloadKind::LstmStep: floats = 3 * h + 8 * h * h + 4 * h + 8 * h * h + 2 * h + 8 * h; break;
    }
    // the output, counted in double: output_size() is a long, 32 bits in wasm, and B H or T D may not fit
    const double output = kind == WorkloadKind::Pool ? b * h : kind == WorkloadKind::Mha ? t * d : 2 * h;
    return 4.0 * (floats + output);
}

void check_workload_memory(const Workload& w) {
    const double need = w.memory_bytes();
    if (need <= kMaxWorkloadBytes) return;
    const double gib = 1024.0 * 1024.0 * 1024.0;
    char size[32];
    std::snprintf(size, sizeof size, "%.1f GiB", need / gib);
    throw std::length_error("workload " + w.name + " needs " + size +
                            " of memory (inputs, buffers and output); at most " +
                            std::to_string(static_cast<int>(kMaxWorkloadBytes / gib)) +
                            " GiB can be allocated: choose smaller sizes");
}

struct WorkloadInstance::Buffers {
    // pool
    std::vector<float> weights, scratch;
    // mha
    std::vector<float> q, k, v, attn, head_out, concat;
    // lstm
    std::vector<float> w_cat, xh, pre, gates;
};

namespace {
const Workload& checked(const Workload& w) {
    check_workload_memory(w);  // before the first allocation
    return w;
}
}  // namespace

WorkloadInstance::WorkloadInstance(const Workload& w) : w_(checked(w)), buf_(std::make_unique<Buffers>()) {
    Rng rng(seed_from_name(w.name));
    auto add = [&](const char* name, std::vector<int> shape, float lo, float hi) {
        const long n = product(shape);
        inputs_.push_back({name, std::move(shape), draw(rng, n, lo, hi)});
    };
    switch (w.kind) {
        case WorkloadKind::Pool: {
            const float a = 1.0f / std::sqrt(static_cast<float>(w.H));
            add("X", {w.B, w.T, w.H}, -1.0f, 1.0f);
            add("W1", {w.H, w.H}, -a, a);
            add("b1", {w.H}, -a, a);
            add("w2", {w.H}, -a, a);
            add("b2", {}, -a, a);
            buf_->weights.resize(size_t(w.B) * w.T);
            buf_->scratch.resize(size_t(w.T) * w.H);
            break;
        }
        case WorkloadKind::Mha: {
            const float a = 1.0f / std::sqrt(static_cast<float>(w.D));
            add("X", {w.T, w.D}, -1.0f, 1.0f);
            for (const char* p : {"q", "k", "v", "o"}) {
                add((std::string("W") + p).c_str(), {w.D, w.D}, -a, a);
                add((std::string("b") + p).c_str(), {w.D}, -a, a);
            }
            const size_t dh = size_t(w.D / w.heads);
            buf_->q.resize(w.T * dh);
            buf_->k.resize(w.T * dh);
            buf_->v.resize(w.T * dh);
            buf_->head_out.resize(w.T * dh);
            buf_->attn.resize(size_t(w.T) * w.T);
            buf_->concat.resize(size_t(w.T) * w.D);
            break;
        }
        case WorkloadKind::LstmStep: {
            const float a = 1.0f / std::sqrt(static_cast<float>(w.H));
            add("x", {w.H}, -1.0f, 1.0f);
            add("h_prev", {w.H}, -1.0f, 1.0f);
            add("c_prev", {w.H}, -1.0f, 1.0f);
            add("W_ih", {4 * w.H, w.H}, -a, a);
            add("W_hh", {4 * w.H, w.H}, -a, a);
            add("b", {4 * w.H}, -a, a);
            // [W_ih | W_hh] as one [4H, 2H] matrix and [x; h_prev] as one [2H] vector: one matvec
            const int H = w.H;
            const float* wih = input("W_ih").data.data();
            const float* whh = input("W_hh").data.data();
            buf_->w_cat.resize(size_t(4 * H) * 2 * H);
            for (int r = 0; r < 4 * H; ++r) {
                std::memcpy(&buf_->w_cat[size_t(r) * 2 * H], wih + size_t(r) * H, sizeof(float) * H);
                std::memcpy(&buf_->w_cat[size_t(r) * 2 * H + H], whh + size_t(r) * H, sizeof(float) * H);
            }
            buf_->xh = input("x").data;
            buf_->xh.insert(buf_->xh.end(), input("h_prev").data.begin(), input("h_prev").data.end());
            buf_->pre.resize(4 * size_t(H));
            buf_->gates.resize(4 * size_t(H));
            break;
        }
    }
    output_.resize(w.output_size());
}

WorkloadInstance::~WorkloadInstance() = default;

const WorkloadTensor& WorkloadInstance::input(const std::string& name) const {
    for (const WorkloadTensor& t : inputs_)
        if (t.name == name) return t;
    throw std::out_of_range("workload " + w_.name + " has no input \"" + name + "\"");
}

const std::vector<float>& WorkloadInstance::run(Backend backend) {
    Buffers& b = *buf_;
    switch (w_.kind) {
        case WorkloadKind::Pool: {
            kernels::attention_pool(backend, input("X").data.data(), input("W1").data.data(), input("b1").data.data(),
                                    input("w2").data.data(), input("b2").data[0], b.weights.data(), output_.data(),
                                    b.scratch.data(), w_.B, w_.T, w_.H);
            break;
        }
        case WorkloadKind::Mha: {
            const int T = w_.T, D = w_.D, dh = D / w_.heads;
            const float* X = input("X").data.data();
            const float *Wq = input("Wq").data.data(), *Wk = input("Wk").data.data(), *Wv = input("Wv").data.data();
            const float *bq = input("bq").data.data(), *bk = input("bk").data.data(), *bv = input("bv").data.data();
            const float scale = 1.0f / std::sqrt(static_cast<float>(dh));
            for (int h = 0; h < w_.heads; ++h) {
                // this head's projections: rows [h dh, (h+1) dh) of each weight, i.e. its columns of Q, K, V
                const size_t off = size_t(h) * dh;
                kernels::matmul_nt(backend, X, Wq + off * D, bq + off, b.q.data(), T, D, dh);
                kernels::matmul_nt(backend, X, Wk + off * D, bk + off, b.k.data(), T, D, dh);
                kernels::matmul_nt(backend, X, Wv + off * D, bv + off, b.v.data(), T, D, dh);
                kernels::attention_head(backend, b.q.data(), b.k.data(), b.v.data(), nullptr, scale, b.attn.data(),
                                        b.head_out.data(), T, T, dh, dh);
                for (int t = 0; t < T; ++t)  // concatenation: this head's columns of [T, D]
                    std::memcpy(&b.concat[size_t(t) * D + off], &b.head_out[size_t(t) * dh], sizeof(float) * dh);
            }
            kernels::matmul_nt(backend, b.concat.data(), input("Wo").data.data(), input("bo").data.data(),
                               output_.data(), T, D, D);
            break;
        }
        case WorkloadKind::LstmStep: {
            const int H = w_.H;
            kernels::matvec(backend, b.w_cat.data(), b.xh.data(), input("b").data.data(), b.pre.data(), 4 * H, 2 * H);
            kernels::lstm_gates(backend, b.pre.data(), input("c_prev").data.data(), b.gates.data(), output_.data(),
                                output_.data() + H, H);
            break;
        }
    }
    return output_;
}

std::vector<float> run_workload(const Workload& w, Backend backend) {
    WorkloadInstance inst(w);
    return inst.run(backend);
}

}  // namespace attn
