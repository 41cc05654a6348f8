// kernel_check.cpp: see kernel_check.h. Each case draws its inputs from a fixed Rng, computes the
// expected outputs with kernels::ref (composing reference kernels where no single one exists, as
// for multi-head attention), records the same computation into a Plan, and compares what comes back
// (core/compare.h).
#include "gpu/kernel_check.h"

#include "core/compare.h"
#include "core/rng.h"
#include "gpu/forward.h"
#include "gpu/params.h"
#include "gpu/plan.h"
#include "kernels/kernels.h"

#include <cmath>
#include <cstring>
#include <deque>
#include <memory>

namespace attn::gpu {

namespace {

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

CaseDef matmul_case(int M, int K, int N, bool bias) {
    return {"matmul_nt", dims({{"M", M}, {"K", K}, {"N", N}}) + (bias ? " bias" : ""),
            [=](CaseState& s, std::string* error) {
                const auto& A = s.random(long(M) * K, 1.0f);
                const auto& B = s.random(long(N) * K, 1.0f);
                const auto& b = s.random(N, 1.0f);
                std::vector<float> C(size_t(M) * N);
                kernels::ref::matmul_nt(A.data(), B.data(), bias ? b.data() : nullptr, C.data(), M, K, N);
                s.expected.push_back({"C", C});
                Plan& p = s.plan;
                const int u = p.uniform(MatmulParams{uint32_t(M), uint32_t(K), uint32_t(N), bias ? 1u : 0u}, "params");
                const int a = p.storage(A, "A"), bb = p.storage(B, "B"), bi = p.storage(b, "bias");
                const int c = p.storage(uint64_t(M) * N, "C");
                p.dispatch(Kernel::MatmulNT, {u, a, bb, bi, c}, groups(N, 32), groups(M, 32));
                p.read_back(c, 0, uint64_t(M) * N);
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
        matmul_case(1, 1, 1, true),     matmul_case(3, 17, 5, false), matmul_case(17, 65, 33, true),
        matmul_case(65, 257, 17, true), matmul_case(40, 64, 192, true),
        lstm_step_case(1),              lstm_step_case(17),           lstm_step_case(64),
        pool_case(1, 1, 1),             pool_case(3, 17, 5),          pool_case(2, 65, 33),
        pool_case(4, 100, 64),
        mha_case(1, 4, 1),              mha_case(17, 12, 3),          mha_case(33, 64, 4),
        mha_case(5, 65, 13),
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
                        const Difference d = compare(run.data.data() + at, values.data(), out.size);
                        out.nmse = d.nmse();
                        out.max_abs_diff = d.max_abs;
                        out.max_at = d.max_at;
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
