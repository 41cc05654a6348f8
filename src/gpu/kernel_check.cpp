// kernel_check.cpp: see kernel_check.h. Each case draws its inputs from a fixed Rng, computes the
// expected outputs with kernels::ref (composing reference kernels where no single one exists, as
// for additive attention and multi-head attention), records the same computation into a Plan, and
// compares what comes back.
#include "gpu/kernel_check.h"

#include "core/rng.h"
#include "gpu/forward.h"
#include "gpu/params.h"
#include "gpu/plan.h"
#include "kernels/kernels.h"

#include <cmath>
#include <cstring>
#include <deque>
#include <limits>
#include <memory>

namespace attn::gpu {

void compare(const float* gpu, const float* ref, long n, double* nmse, double* max_abs_diff) {
    double err = 0, norm = 0, worst = 0;
    for (long i = 0; i < n; ++i) {
        const double d = double(gpu[i]) - double(ref[i]);
        err += d * d;
        norm += double(ref[i]) * ref[i];
        worst = std::fmax(worst, std::fabs(d));
        if (std::isnan(gpu[i]) != std::isnan(ref[i])) worst = std::numeric_limits<double>::infinity();
    }
    *nmse = norm > 0 ? err / norm : err;
    if (std::isinf(worst)) *nmse = std::numeric_limits<double>::infinity();
    *max_abs_diff = worst;
}

namespace {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();

// One case's data: inputs stay alive as long as the plan (some are re-uploaded on every run).
struct CaseState {
    CaseState(Context& c, const PipelineCache& p) : plan(c, p) {}
    Plan plan;
    std::deque<std::vector<float>> keep;
    std::vector<std::pair<std::string, std::vector<float>>> expected;  // in readback order
    Rng rng{0};
    std::vector<float>& random(long n, float scale) {
        keep.emplace_back(n);
        for (float& v : keep.back()) v = rng.uniform(-scale, scale);
        return keep.back();
    }
    // The CPU's -inf as the shaders' masked sentinel.
    std::vector<float>& for_gpu(const std::vector<float>& v) {
        keep.push_back(v);
        for (float& x : keep.back())
            if (std::isinf(x) && x < 0) x = kMaskedSentinel;
        return keep.back();
    }
};

struct CaseDef {
    std::string kernel, shape;
    std::function<bool(CaseState&, std::string*)> build;
};

uint32_t groups(long n, long per) { return static_cast<uint32_t>((n + per - 1) / per); }
std::string dims(std::initializer_list<std::pair<const char*, long>> d) {
    std::string s;
    for (const auto& [k, v] : d) s += (s.empty() ? "" : " ") + std::string(k) + "=" + std::to_string(v);
    return s;
}

// An additive mask [rows, cols]: -inf (dropped) with probability `drop`, otherwise a small bias;
// the row `full_row` (if >= 0) entirely dropped.
std::vector<float> make_mask(Rng& rng, int rows, int cols, float drop, int full_row) {
    std::vector<float> m(size_t(rows) * cols);
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c)
            m[size_t(r) * cols + c] = (r == full_row || rng.uniform() < drop) ? kNegInf : rng.uniform(-0.5f, 0.5f);
    return m;
}

CaseDef matmul_case(bool nt, int M, int K, int N, bool bias) {
    return {nt ? "matmul_nt" : "matmul_nn", dims({{"M", M}, {"K", K}, {"N", N}}) + (bias ? " bias" : ""),
            [=](CaseState& s, std::string* error) {
                const auto& A = s.random(long(M) * K, 1.0f);
                const auto& B = s.random(long(N) * K, 1.0f);
                const auto& b = s.random(N, 1.0f);
                std::vector<float> C(size_t(M) * N);
                if (nt) kernels::ref::matmul_nt(A.data(), B.data(), bias ? b.data() : nullptr, C.data(), M, K, N);
                else kernels::ref::matmul(A.data(), B.data(), bias ? b.data() : nullptr, C.data(), M, K, N);
                s.expected.push_back({"C", C});
                Plan& p = s.plan;
                const int u = p.uniform(MatmulParams{uint32_t(M), uint32_t(K), uint32_t(N), bias ? 1u : 0u}, "params");
                const int a = p.storage(A, "A"), bb = p.storage(B, "B"), bi = p.storage(b, "bias");
                const int c = p.storage(uint64_t(M) * N, "C");
                p.dispatch(nt ? Kernel::MatmulNT : Kernel::MatmulNN, {u, a, bb, bi, c}, groups(N, 32), groups(M, 32));
                p.read_back(c, 0, uint64_t(M) * N);
                return p.finish(error);
            }};
}

CaseDef softmax_case(int rows, int cols, float temperature, bool masked) {
    return {"softmax_rows",
            dims({{"rows", rows}, {"cols", cols}}) + " T=" + std::to_string(temperature).substr(0, 4) +
                (masked ? " mask (row 0 fully masked)" : ""),
            [=](CaseState& s, std::string* error) {
                const auto& x = s.random(long(rows) * cols, 4.0f);
                std::vector<float> mask = masked ? make_mask(s.rng, rows, cols, 0.3f, rows > 1 ? 0 : -1)
                                                 : std::vector<float>(size_t(rows) * cols, 0.0f);
                std::vector<float> y(x);
                for (size_t i = 0; i < y.size(); ++i) y[i] += mask[i];
                kernels::ref::softmax_rows(y.data(), rows, cols, temperature);
                s.expected.push_back({"y", y});
                Plan& p = s.plan;
                const int u = p.uniform(SoftmaxParams{uint32_t(rows), uint32_t(cols), 1.0f / temperature, masked ? 1u : 0u},
                                        "params");
                const int xb = p.storage(x, "x"), mb = p.storage(s.for_gpu(mask), "mask");
                const int yb = p.storage(uint64_t(rows) * cols, "y");
                p.dispatch(Kernel::SoftmaxRows, {u, xb, mb, yb}, uint32_t(rows));
                p.read_back(yb, 0, uint64_t(rows) * cols);
                return p.finish(error);
            }};
}

CaseDef attention_case(int tq, int tk, int dk, int dv, int heads, bool masked) {
    return {"attention_head",
            dims({{"Tq", tq}, {"Tk", tk}, {"Dk", dk}, {"Dv", dv}, {"heads", heads}}) +
                (masked ? " causal+random mask, row 1 fully masked" : ""),
            [=](CaseState& s, std::string* error) {
                const auto& q = s.random(long(tq) * heads * dk, 1.0f);
                const auto& k = s.random(long(tk) * heads * dk, 1.0f);
                const auto& v = s.random(long(tk) * heads * dv, 1.0f);
                std::vector<float> mask(size_t(tq) * tk, 0.0f);
                if (masked) {
                    mask = make_mask(s.rng, tq, tk, 0.2f, tq > 1 ? 1 : -1);
                    for (int i = 0; i < tq; ++i)
                        for (int j = 0; j < tk; ++j)
                            if (j > i + (tk - tq)) mask[size_t(i) * tk + j] = kNegInf;  // causal
                }
                const float scale = 1.0f / std::sqrt(float(dk));
                std::vector<float> weights(size_t(heads) * tq * tk), out(size_t(tq) * heads * dv);
                std::vector<float> qh(size_t(tq) * dk), kh(size_t(tk) * dk), vh(size_t(tk) * dv), oh(size_t(tq) * dv);
                for (int h = 0; h < heads; ++h) {  // the reference per head, on contiguous slices
                    for (int i = 0; i < tq; ++i) std::memcpy(&qh[size_t(i) * dk], &q[(size_t(i) * heads + h) * dk], 4 * dk);
                    for (int j = 0; j < tk; ++j) {
                        std::memcpy(&kh[size_t(j) * dk], &k[(size_t(j) * heads + h) * dk], 4 * dk);
                        std::memcpy(&vh[size_t(j) * dv], &v[(size_t(j) * heads + h) * dv], 4 * dv);
                    }
                    kernels::ref::attention_head(qh.data(), kh.data(), vh.data(), masked ? mask.data() : nullptr, scale,
                                                 &weights[size_t(h) * tq * tk], oh.data(), tq, tk, dk, dv);
                    for (int i = 0; i < tq; ++i) std::memcpy(&out[(size_t(i) * heads + h) * dv], &oh[size_t(i) * dv], 4 * dv);
                }
                s.expected.push_back({"weights", weights});
                s.expected.push_back({"context", out});
                Plan& p = s.plan;
                AttentionParams a = {};
                a.tq = tq;
                a.tk = tk;
                a.dk = dk;
                a.dv = dv;
                a.heads = heads;
                a.has_mask = masked ? 1 : 0;
                a.scale = scale;
                a.q_stride = a.k_stride = heads * dk;
                a.v_stride = a.out_stride = heads * dv;
                const int u = p.uniform(a, "params");
                const int qb = p.storage(q, "q"), kb = p.storage(k, "k"), vb = p.storage(v, "v");
                const int mb = p.storage(s.for_gpu(mask), "mask");
                const int wb = p.storage(weights.size(), "weights"), ob = p.storage(out.size(), "out");
                p.dispatch(Kernel::AttentionHead, {u, qb, kb, vb, mb, wb, ob}, groups(tq, 64), uint32_t(heads));
                p.read_back(wb, 0, weights.size());
                p.read_back(ob, 0, out.size());
                return p.finish(error);
            }};
}

CaseDef additive_case(int tq, int tk, int ds, int dh, int da) {
    return {"additive_energies", dims({{"Tq", tq}, {"Tk", tk}, {"Ds", ds}, {"Dh", dh}, {"Da", da}}),
            [=](CaseState& s, std::string* error) {
                const auto& S = s.random(long(tq) * ds, 1.0f);   // decoder states (queries)
                const auto& Hk = s.random(long(tk) * dh, 1.0f);  // encoder states (keys)
                const auto& W = s.random(long(da) * ds, 1.0f / std::sqrt(float(ds)));
                const auto& bW = s.random(da, 0.5f);
                const auto& U = s.random(long(da) * dh, 1.0f / std::sqrt(float(dh)));
                const auto& v = s.random(da, 1.0f / std::sqrt(float(da)));
                std::vector<float> ws(size_t(tq) * da), uh(size_t(tk) * da);
                kernels::ref::matmul_nt(S.data(), W.data(), bW.data(), ws.data(), tq, ds, da);
                kernels::ref::matmul_nt(Hk.data(), U.data(), nullptr, uh.data(), tk, dh, da);
                std::vector<float> energies(size_t(tq) * tk * da), scores(size_t(tq) * tk);
                for (int i = 0; i < tq; ++i)
                    for (int j = 0; j < tk; ++j) {
                        float* e = &energies[(size_t(i) * tk + j) * da];
                        for (int a = 0; a < da; ++a) e[a] = ws[size_t(i) * da + a] + uh[size_t(j) * da + a];
                        kernels::ref::vtanh(e, e, da);
                        kernels::ref::matvec(v.data(), e, nullptr, &scores[size_t(i) * tk + j], 1, da);
                    }
                s.expected.push_back({"energies", energies});
                s.expected.push_back({"scores", scores});
                Plan& p = s.plan;
                const int sb = p.storage(S, "S"), hb = p.storage(Hk, "H"), wb = p.storage(W, "W");
                const int bwb = p.storage(bW, "bW"), ub = p.storage(U, "U"), vb = p.storage(v, "v");
                const int wsb = p.storage(ws.size(), "W s"), uhb = p.storage(uh.size(), "U h");
                const int eb = p.storage(energies.size(), "energies"), scb = p.storage(scores.size(), "scores");
                const int u1 = p.uniform(MatmulParams{uint32_t(tq), uint32_t(ds), uint32_t(da), 1}, "W s");
                const int u2 = p.uniform(MatmulParams{uint32_t(tk), uint32_t(dh), uint32_t(da), 0}, "U h");
                const int u3 = p.uniform(AdditiveParams{uint32_t(tq), uint32_t(tk), uint32_t(da), 0}, "additive");
                p.dispatch(Kernel::MatmulNT, {u1, sb, wb, bwb, wsb}, groups(da, 32), groups(tq, 32));
                p.dispatch(Kernel::MatmulNT, {u2, hb, ub, bwb, uhb}, groups(da, 32), groups(tk, 32));
                p.dispatch(Kernel::AdditiveEnergies, {u3, wsb, uhb, vb, eb, scb}, uint32_t(tk), uint32_t(tq));
                p.read_back(eb, 0, energies.size());
                p.read_back(scb, 0, scores.size());
                return p.finish(error);
            }};
}

CaseDef lstm_gates_case(int rows, int H) {
    return {"lstm_gates", dims({{"rows", rows}, {"H", H}}), [=](CaseState& s, std::string* error) {
                const auto& pre = s.random(long(rows) * 4 * H, 3.0f);
                const auto& c_prev = s.random(long(rows) * H, 1.0f);
                std::vector<float> gates(size_t(rows) * 4 * H), h(size_t(rows) * H), c(size_t(rows) * H);
                for (int r = 0; r < rows; ++r)
                    kernels::ref::lstm_gates(&pre[size_t(r) * 4 * H], &c_prev[size_t(r) * H], &gates[size_t(r) * 4 * H],
                                             &h[size_t(r) * H], &c[size_t(r) * H], H);
                s.expected.push_back({"gates", gates});
                s.expected.push_back({"h", h});
                s.expected.push_back({"c", c});
                Plan& p = s.plan;
                const int u = p.uniform(LstmParams{uint32_t(H), uint32_t(rows), 0, 0}, "params");
                const int pb = p.storage(pre, "pre"), cpb = p.storage(c_prev, "c_prev");
                const int gb = p.storage(gates.size(), "gates"), hb = p.storage(h.size(), "h"), cb = p.storage(c.size(), "c");
                p.dispatch(Kernel::LstmGates, {u, pb, cpb, gb, hb, cb}, groups(long(rows) * H, 64));
                p.read_back(gb, 0, gates.size());
                p.read_back(hb, 0, h.size());
                p.read_back(cb, 0, c.size());
                return p.finish(error);
            }};
}

CaseDef lstm_step_case(int H) {
    return {"lstm_step_forward", dims({{"H", H}}), [=](CaseState& s, std::string* error) {
                const float a = 1.0f / std::sqrt(float(H));
                LstmStepInputs in;
                in.H = H;
                in.x = s.random(H, 1.0f).data();
                in.h_prev = s.random(H, 1.0f).data();
                in.c_prev = s.random(H, 1.0f).data();
                in.W_ih = s.random(4L * H * H, a).data();
                in.W_hh = s.random(4L * H * H, a).data();
                in.b = s.random(4L * H, a).data();
                // reference: pre = W_ih x + W_hh h_prev + b, then the gates
                std::vector<float> pre(size_t(4) * H), pre_h(size_t(4) * H);
                kernels::ref::matvec(in.W_ih, in.x, in.b, pre.data(), 4 * H, H);
                kernels::ref::matvec(in.W_hh, in.h_prev, nullptr, pre_h.data(), 4 * H, H);
                for (int i = 0; i < 4 * H; ++i) pre[i] += pre_h[i];
                std::vector<float> gates(size_t(4) * H), h(H), c(H);
                kernels::ref::lstm_gates(pre.data(), in.c_prev, gates.data(), h.data(), c.data(), H);
                s.expected.push_back({"h", h});
                s.expected.push_back({"c", c});
                s.expected.push_back({"gates", gates});
                return build_lstm_step(s.plan, in, true, error);
            }};
}

CaseDef pool_case(int B, int T, int H) {
    return {"pool_forward", dims({{"B", B}, {"T", T}, {"H", H}}), [=](CaseState& s, std::string* error) {
                const float a = 1.0f / std::sqrt(float(H));
                PoolInputs in;
                in.B = B;
                in.T = T;
                in.H = H;
                in.X = s.random(long(B) * T * H, 1.0f).data();
                in.W1 = s.random(long(H) * H, a).data();
                in.b1 = s.random(H, a).data();
                in.w2 = s.random(H, a).data();
                in.b2 = s.rng.uniform(-a, a);
                std::vector<float> weights(size_t(B) * T), out(size_t(B) * H), scratch(size_t(T) * H);
                kernels::ref::attention_pool(in.X, in.W1, in.b1, in.w2, in.b2, weights.data(), out.data(), scratch.data(),
                                             B, T, H);
                s.expected.push_back({"out", out});
                s.expected.push_back({"weights", weights});
                return build_pool(s.plan, in, true, error);
            }};
}

CaseDef mha_case(int T, int D, int heads) {
    return {"mha_forward", dims({{"T", T}, {"D", D}, {"heads", heads}}), [=](CaseState& s, std::string* error) {
                const float a = 1.0f / std::sqrt(float(D));
                MhaInputs in;
                in.T = T;
                in.D = D;
                in.heads = heads;
                in.X = s.random(long(T) * D, 1.0f).data();
                const float** params[] = {&in.Wq, &in.bq, &in.Wk, &in.bk, &in.Wv, &in.bv, &in.Wo, &in.bo};
                for (int i = 0; i < 8; ++i) *params[i] = s.random(i % 2 == 0 ? long(D) * D : D, a).data();
                // reference: per head, its rows of Wq, Wk, Wv give its columns of Q, K, V
                const int dh = D / heads;
                std::vector<float> q(size_t(T) * dh), k(q.size()), v(q.size()), o(q.size()), w(size_t(T) * T);
                std::vector<float> concat(size_t(T) * D), y(size_t(T) * D);
                for (int h = 0; h < heads; ++h) {
                    const size_t off = size_t(h) * dh;
                    kernels::ref::matmul_nt(in.X, in.Wq + off * D, in.bq + off, q.data(), T, D, dh);
                    kernels::ref::matmul_nt(in.X, in.Wk + off * D, in.bk + off, k.data(), T, D, dh);
                    kernels::ref::matmul_nt(in.X, in.Wv + off * D, in.bv + off, v.data(), T, D, dh);
                    kernels::ref::attention_head(q.data(), k.data(), v.data(), nullptr, 1.0f / std::sqrt(float(dh)),
                                                 w.data(), o.data(), T, T, dh, dh);
                    for (int t = 0; t < T; ++t) std::memcpy(&concat[size_t(t) * D + off], &o[size_t(t) * dh], 4 * dh);
                }
                kernels::ref::matmul_nt(concat.data(), in.Wo, in.bo, y.data(), T, D, D);
                s.expected.push_back({"Y", y});
                return build_mha(s.plan, in, error);
            }};
}

std::vector<CaseDef> all_cases() {
    return {
        matmul_case(true, 1, 1, 1, true),        matmul_case(true, 3, 17, 5, false),
        matmul_case(true, 17, 65, 33, true),     matmul_case(true, 65, 257, 17, true),
        matmul_case(true, 40, 64, 192, true),    matmul_case(false, 1, 1, 1, false),
        matmul_case(false, 17, 65, 33, true),    matmul_case(false, 65, 17, 257, false),
        softmax_case(1, 1, 1.0f, false),         softmax_case(3, 17, 0.5f, true),
        softmax_case(17, 65, 2.0f, true),        softmax_case(5, 257, 1.0f, true),
        softmax_case(2, 1000, 1.0f, false),      attention_case(1, 1, 1, 1, 1, false),
        attention_case(3, 17, 5, 7, 2, true),    attention_case(17, 65, 16, 16, 4, true),
        attention_case(5, 257, 33, 3, 1, true),  additive_case(1, 1, 1, 1, 1),
        additive_case(3, 17, 5, 7, 9),           additive_case(4, 65, 16, 32, 65),
        lstm_gates_case(1, 1),                   lstm_gates_case(3, 17),
        lstm_gates_case(2, 65),                  lstm_step_case(1),
        lstm_step_case(17),                      lstm_step_case(64),
        pool_case(1, 1, 1),                      pool_case(3, 17, 5),
        pool_case(2, 65, 33),                    pool_case(4, 100, 64),
        mha_case(1, 4, 1),                       mha_case(17, 12, 3),
        mha_case(33, 64, 4),
    };
}

// Runs the cases one after another (each waits for its readback), then answers.
struct Runner : std::enable_shared_from_this<Runner> {
    Runner(Context& c, const PipelineCache& p) : ctx(c), pipelines(p) {}
    Context& ctx;
    const PipelineCache& pipelines;
    std::vector<CaseDef> cases;
    size_t next = 0;
    std::vector<CheckResult> results;
    std::function<void(std::vector<CheckResult>)> done;

    void step() {
        while (next < cases.size()) {
            const CaseDef& def = cases[next];
            auto state = std::make_shared<CaseState>(ctx, pipelines);
            state->rng = Rng(seed_from_name(def.kernel + " " + def.shape));
            CheckResult result;
            result.kernel = def.kernel;
            result.shape = def.shape;
            ++next;
            std::string error;
            if (!ctx.alive()) error = "the WebGPU device is gone";
            else if (!def.build(*state, &error) && error.empty()) error = "the plan could not be built";
            if (!error.empty()) {
                result.error = error;
                results.push_back(result);
                continue;
            }
            result.dispatches = state->plan.dispatch_count();
            auto self = shared_from_this();
            state->plan.run([self, state, result](RunResult run) mutable {
                if (!run.error.empty()) {
                    result.error = run.error;
                } else {
                    size_t at = 0;
                    for (const auto& [name, values] : state->expected) {
                        CheckOutput out;
                        out.name = name;
                        out.size = static_cast<long>(values.size());
                        if (at + values.size() > run.data.size()) {
                            result.error = "the readback is shorter than expected";
                            break;
                        }
                        compare(run.data.data() + at, values.data(), out.size, &out.nmse, &out.max_abs_diff);
                        at += values.size();
                        result.outputs.push_back(out);
                    }
                }
                self->results.push_back(std::move(result));
                self->step();
            });
            return;  // the next case starts when this one's numbers are back
        }
        if (done) {
            auto finished = std::move(done);
            done = nullptr;
            finished(std::move(results));
        }
    }
};

}  // namespace

void check_kernels(Context& ctx, const PipelineCache& pipelines, const std::string& filter,
                   std::function<void(std::vector<CheckResult>)> done) {
    auto runner = std::make_shared<Runner>(ctx, pipelines);
    for (CaseDef& c : all_cases())
        if (filter.empty() || c.kernel.find(filter) != std::string::npos) runner->cases.push_back(std::move(c));
    runner->done = std::move(done);
    runner->step();
}

}  // namespace attn::gpu
