// test_workloads.cpp: workload names (good and bad), output sizes, the documented input generator,
// Simd against Scalar on every family, and multi-head attention against a direct double computation.
// Run: ./build/native/unit_tests --gtest_filter='Workload*'
#include "core/compare.h"
#include "core/rng.h"
#include "models/workloads.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

namespace attn {
namespace {

TEST(Workload, ParsesEveryFamilyAndAnyShape) {
    const Workload p = parse_workload("pool_b32_t100_h64");
    EXPECT_EQ(p.kind, WorkloadKind::Pool);
    EXPECT_EQ(p.B, 32);
    EXPECT_EQ(p.T, 100);
    EXPECT_EQ(p.H, 64);
    EXPECT_EQ(p.output_size(), 32 * 64);
    EXPECT_DOUBLE_EQ(p.flops(), 2.0 * 32 * 100 * (64 * 64 + 2 * 64));

    const Workload m = parse_workload("mha_d64_h4_t128");
    EXPECT_EQ(m.kind, WorkloadKind::Mha);
    EXPECT_EQ(m.D, 64);
    EXPECT_EQ(m.heads, 4);
    EXPECT_EQ(m.T, 128);
    EXPECT_EQ(m.output_size(), 128 * 64);
    EXPECT_DOUBLE_EQ(m.flops(), 2.0 * (4.0 * 128 * 64 * 64 + 2.0 * 128 * 128 * 64));

    const Workload l = parse_workload("lstm_step_h64");
    EXPECT_EQ(l.kind, WorkloadKind::LstmStep);
    EXPECT_EQ(l.H, 64);
    EXPECT_EQ(l.output_size(), 2 * 64);

    const Workload odd = parse_workload("mha_d15_h5_t1");
    EXPECT_EQ(odd.D, 15);
    EXPECT_EQ(odd.heads, 5);
    EXPECT_EQ(odd.T, 1);
    EXPECT_EQ(parse_workload("pool_b1_t1_h65536").H, 65536);
    EXPECT_EQ(parse_workload("pool_b1_t1_h1").name, "pool_b1_t1_h1");
}

TEST(Workload, RejectsBadNamesWithAClearMessage) {
    for (const char* bad : {"", "pool", "pool_b32_t100", "pool_b0_t100_h64", "pool_b-1_t1_h1", "pool_b+1_t1_h1",
                            "pool_b01_t1_h1", "pool_b65537_t1_h1", "pool_b9999999999_t1_h1", "pool_t100_b32_h64",
                            "pool_b32_t100_h64_x", "pool_b32_t100_h", "pool_b3.5_t1_h1", "mha_d65_h4_t8", "mha_d64_h4_t",
                            "mha_d64_h0_t8", "mha_d64_t8_h4", "lstm_h64", "lstm_step", "lstm_step_h", "lstm_step_h64_h1",
                            "foo_b1", "POOL_b1_t1_h1", " pool_b1_t1_h1"}) {
        try {
            parse_workload(bad);
            ADD_FAILURE() << "accepted \"" << bad << "\"";
        } catch (const std::invalid_argument& e) {
            const std::string msg = e.what();
            EXPECT_NE(msg.find(std::string("\"") + bad + "\""), std::string::npos) << msg;
            EXPECT_NE(msg.find("expected pool_b<B>_t<T>_h<H>"), std::string::npos) << msg;
        }
    }
    try {
        parse_workload("mha_d65_h4_t8");
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("multiple of the number of heads"), std::string::npos) << e.what();
    }
}

// The generator as workloads.h documents it, written out again from the description.
std::vector<float> documented_draws(const std::string& name, long n, const std::vector<std::pair<long, float>>& ranges) {
    Rng rng(seed_from_name(name));
    std::vector<float> out;
    for (const auto& [count, a] : ranges)
        for (long i = 0; i < count; ++i) {
            const float u = static_cast<float>(rng.next_u64() >> 40) * (1.0f / 16777216.0f);
            out.push_back(-a + (a - -a) * u);
        }
    EXPECT_EQ(long(out.size()), n);
    return out;
}
std::vector<float> concat_inputs(const WorkloadInstance& inst) {
    std::vector<float> all;
    for (const WorkloadTensor& t : inst.inputs()) all.insert(all.end(), t.data.begin(), t.data.end());
    return all;
}

// The example: refused before allocating (an allocation of that size would abort the page),
// with the size it would need; workloads under the limit are untouched.
TEST(Workload, RefusesMoreMemoryThanThePageCanHaveWithTheSizeNeeded) {
    const Workload big = parse_workload("mha_d65536_h1_t65536");
    EXPECT_GT(big.memory_bytes(), 100.0 * (1 << 30));
    try {
        WorkloadInstance inst(big);
        ADD_FAILURE() << "a 100 GiB workload was allocated";
    } catch (const std::length_error& e) {
        EXPECT_STREQ(e.what(),
                     "workload mha_d65536_h1_t65536 needs 192.0 GiB of memory (inputs, buffers and output); "
                     "at most 1 GiB can be allocated: choose smaller sizes");
    }
    EXPECT_THROW(WorkloadInstance(parse_workload("pool_b1_t1_h65536")), std::length_error);  // W1 alone is 16 GiB
    EXPECT_THROW(WorkloadInstance(parse_workload("lstm_step_h65536")), std::length_error);
    // the sizes as documented: pool_b2_t3_h4 holds X 24, W1 16, b1 4, w2 4, b2 1, weights 6, scratch 12, output 8
    EXPECT_EQ(parse_workload("pool_b2_t3_h4").memory_bytes(), 4.0 * (24 + 16 + 4 + 4 + 1 + 6 + 12 + 8));
    EXPECT_LE(parse_workload("mha_d256_h4_t512").memory_bytes(), kMaxWorkloadBytes);
    EXPECT_NO_THROW(check_workload_memory(parse_workload("pool_b32_t100_h64")));
}

TEST(Workload, InputsFollowTheDocumentedGenerator) {
    {
        const WorkloadInstance inst(parse_workload("pool_b2_t3_h5"));
        const float a = 1.0f / std::sqrt(5.0f);
        ASSERT_EQ(inst.inputs().size(), 5u);
        EXPECT_EQ(inst.inputs()[0].name, "X");
        EXPECT_EQ(inst.inputs()[0].shape, (std::vector<int>{2, 3, 5}));
        EXPECT_EQ(inst.inputs()[4].name, "b2");
        EXPECT_EQ(inst.inputs()[4].data.size(), 1u);
        EXPECT_EQ(concat_inputs(inst), documented_draws("pool_b2_t3_h5", 30 + 25 + 5 + 5 + 1,
                                                        {{30, 1.0f}, {25, a}, {5, a}, {5, a}, {1, a}}));
    }
    {
        const WorkloadInstance inst(parse_workload("mha_d6_h2_t3"));
        const float a = 1.0f / std::sqrt(6.0f);
        std::vector<std::string> names;
        for (const auto& t : inst.inputs()) names.push_back(t.name);
        EXPECT_EQ(names, (std::vector<std::string>{"X", "Wq", "bq", "Wk", "bk", "Wv", "bv", "Wo", "bo"}));
        EXPECT_EQ(concat_inputs(inst), documented_draws("mha_d6_h2_t3", 18 + 4 * 42,
                                                        {{18, 1.0f}, {42 * 4, a}}));
    }
    {
        const WorkloadInstance inst(parse_workload("lstm_step_h3"));
        const float a = 1.0f / std::sqrt(3.0f);
        EXPECT_EQ(inst.input("W_hh").shape, (std::vector<int>{12, 3}));
        EXPECT_EQ(concat_inputs(inst), documented_draws("lstm_step_h3", 9 + 36 + 36 + 12, {{9, 1.0f}, {84, a}}));
    }
    EXPECT_THROW(WorkloadInstance(parse_workload("lstm_step_h3")).input("W1"), std::out_of_range);
}

TEST(Workload, OutputSizesAndDeterminism) {
    for (const char* name : {"pool_b2_t5_h3", "mha_d8_h2_t3", "lstm_step_h5", "mha_d3_h3_t1", "pool_b1_t1_h1"}) {
        const Workload w = parse_workload(name);
        for (Backend b : {Backend::Scalar, Backend::Simd}) {
            const std::vector<float> out = run_workload(w, b);
            EXPECT_EQ(long(out.size()), w.output_size()) << name;
            EXPECT_TRUE(std::all_of(out.begin(), out.end(), [](float x) { return std::isfinite(x); })) << name;
            WorkloadInstance inst(w);
            const std::vector<float> first = inst.run(b);
            EXPECT_EQ(inst.run(b), first) << name << ": a second run must give the same bits";
            EXPECT_EQ(out, first) << name;
        }
    }
    // different names, different inputs
    EXPECT_NE(run_workload(parse_workload("lstm_step_h4"), Backend::Scalar),
              std::vector<float>(run_workload(parse_workload("lstm_step_h4"), Backend::Scalar).size(), 0.0f));
    EXPECT_NE(WorkloadInstance(parse_workload("pool_b1_t2_h3")).inputs()[0].data,
              WorkloadInstance(parse_workload("pool_b1_t3_h3")).inputs()[0].data);
}

// Outputs are O(1) sums of a few hundred float products and the approximations of exp/tanh: the two
// backends agree to max abs 1e-5 and nmse 1e-10 (kernel-level bounds in test_kernels.cpp).
TEST(Workload, SimdAgreesWithScalar) {
    for (const char* name : {"pool_b32_t100_h64", "pool_b3_t17_h65", "mha_d64_h4_t128", "mha_d64_h4_t4", "mha_d12_h3_t17",
                             "mha_d65_h13_t33", "lstm_step_h64", "lstm_step_h17", "lstm_step_h1"}) {
        WorkloadInstance inst(parse_workload(name));
        const std::vector<float> ref = inst.run(Backend::Scalar);
        const std::vector<float> got = inst.run(Backend::Simd);
        ASSERT_EQ(got.size(), ref.size()) << name;
        const Difference d = compare(got.data(), ref.data(), static_cast<long>(ref.size()));
        EXPECT_LE(d.max_abs, 1e-5) << name << " at " << d.max_at;
        EXPECT_LE(d.nmse(), 1e-10) << name;
    }
}

// Multi-head self-attention in double, straight from the definition in workloads.h.
std::vector<double> mha_double(const WorkloadInstance& inst) {
    const Workload& w = inst.workload();
    const int T = w.T, D = w.D, dh = D / w.heads;
    auto lin = [&](const char* W, const char* b, const std::vector<double>& x) {  // x[T,D] W^T + b
        const auto& Wd = inst.input(W).data;
        const auto& bd = inst.input(b).data;
        std::vector<double> y(size_t(T) * D);
        for (int t = 0; t < T; ++t)
            for (int o = 0; o < D; ++o) {
                double s = bd[o];
                for (int i = 0; i < D; ++i) s += x[size_t(t) * D + i] * Wd[size_t(o) * D + i];
                y[size_t(t) * D + o] = s;
            }
        return y;
    };
    const auto& Xf = inst.input("X").data;
    const std::vector<double> X(Xf.begin(), Xf.end());
    const auto Q = lin("Wq", "bq", X), K = lin("Wk", "bk", X), V = lin("Wv", "bv", X);
    std::vector<double> concat(size_t(T) * D);
    for (int h = 0; h < w.heads; ++h)
        for (int i = 0; i < T; ++i) {
            std::vector<double> s(T);
            for (int j = 0; j < T; ++j) {
                double dot = 0;
                for (int d = 0; d < dh; ++d) dot += Q[size_t(i) * D + h * dh + d] * K[size_t(j) * D + h * dh + d];
                s[j] = dot / std::sqrt(double(dh));
            }
            const double mx = *std::max_element(s.begin(), s.end());
            double z = 0;
            for (double& v : s) z += (v = std::exp(v - mx));
            for (int d = 0; d < dh; ++d) {
                double c = 0;
                for (int j = 0; j < T; ++j) c += s[j] / z * V[size_t(j) * D + h * dh + d];
                concat[size_t(i) * D + h * dh + d] = c;
            }
        }
    return lin("Wo", "bo", concat);
}

TEST(Workload, MultiHeadAttentionMatchesDoubleDefinition) {
    // one head (the single-head computation), then several: both backends, max abs 2e-6 (O(1) outputs,
    // float sums of at most a few hundred terms)
    for (const char* name : {"mha_d8_h1_t5", "mha_d17_h1_t9", "mha_d16_h4_t7", "mha_d64_h4_t32"}) {
        WorkloadInstance inst(parse_workload(name));
        const std::vector<double> want = mha_double(inst);
        for (Backend b : {Backend::Scalar, Backend::Simd}) {
            const std::vector<float> got = inst.run(b);
            ASSERT_EQ(got.size(), want.size());
            const Difference d = compare(got.data(), want.data(), static_cast<long>(got.size()));
            EXPECT_LE(d.max_abs, 2e-6) << name << " " << backend_name(b) << " at " << d.max_at;
        }
    }
}

TEST(Workload, LstmStepMatchesDoubleDefinition) {
    WorkloadInstance inst(parse_workload("lstm_step_h5"));
    const int H = 5;
    const auto &x = inst.input("x").data, &h = inst.input("h_prev").data, &c = inst.input("c_prev").data;
    const auto &Wih = inst.input("W_ih").data, &Whh = inst.input("W_hh").data, &b = inst.input("b").data;
    std::vector<double> pre(4 * H);
    for (int r = 0; r < 4 * H; ++r) {
        pre[r] = b[r];
        for (int k = 0; k < H; ++k) pre[r] += double(Wih[r * H + k]) * x[k] + double(Whh[r * H + k]) * h[k];
    }
    auto sig = [](double v) { return 1.0 / (1.0 + std::exp(-v)); };
    for (Backend be : {Backend::Scalar, Backend::Simd}) {
        const std::vector<float> out = inst.run(be);
        for (int u = 0; u < H; ++u) {
            const double cn = sig(pre[H + u]) * c[u] + sig(pre[u]) * std::tanh(pre[2 * H + u]);
            EXPECT_NEAR(out[H + u], cn, 1e-6) << backend_name(be);
            EXPECT_NEAR(out[u], sig(pre[3 * H + u]) * std::tanh(cn), 1e-6) << backend_name(be);
        }
    }
}

}  // namespace
}  // namespace attn
