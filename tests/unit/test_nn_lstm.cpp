// test_nn_lstm.cpp: the LSTM cell, a step through the stack and whole sequences (both directions)
// against a double-precision recomputation written here from the equations; every backward (cell,
// step-wise decoder, BPTT into inputs and initial states, encoder-to-decoder) by finite differences;
// gate order by hand; Scalar vs Simd, forward and backward; shape and NaN/Inf errors.
#include "core/check.h"
#include "core/compare.h"
#include "core/rng.h"
#include "gradcheck.h"
#include "nn/lstm.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace attn {
namespace {

// ---- an independent reference: the LSTM equations in double, one unit at a time --------------------

double sigmoid_d(double z) { return 1.0 / (1.0 + std::exp(-z)); }

struct RefCell {
    std::vector<double> gates, h, c;  // [4H], [H], [H]
};

RefCell reference_cell(const LstmCell& cell, const std::vector<double>& x, const std::vector<double>& h_prev,
                       const std::vector<double>& c_prev) {
    const int H = cell.hidden_size(), In = cell.input_size();
    RefCell r;
    r.gates.resize(4 * H);
    r.h.resize(H);
    r.c.resize(H);
    for (int u = 0; u < H; ++u) {
        double pre[4];
        for (int q = 0; q < 4; ++q) {  // q = 0..3 is the gate i, f, g, o
            const int row = q * H + u;
            double z = cell.b_ih.size() ? double(cell.b_ih[row]) + double(cell.b_hh[row]) : 0.0;
            for (int k = 0; k < In; ++k) z += double(cell.W_ih(row, k)) * x[k];
            for (int k = 0; k < H; ++k) z += double(cell.W_hh(row, k)) * h_prev[k];
            pre[q] = z;
        }
        const double i = sigmoid_d(pre[0]), f = sigmoid_d(pre[1]), g = std::tanh(pre[2]), o = sigmoid_d(pre[3]);
        r.gates[u] = i;
        r.gates[H + u] = f;
        r.gates[2 * H + u] = g;
        r.gates[3 * H + u] = o;
        r.c[u] = f * c_prev[u] + i * g;
        r.h[u] = o * std::tanh(r.c[u]);
    }
    return r;
}

std::vector<double> to_d(const Vec& v) { return std::vector<double>(v.data(), v.data() + v.size()); }
template <class Row>
std::vector<double> row_d(const Row& r) {
    std::vector<double> out(r.size());
    for (long k = 0; k < r.size(); ++k) out[k] = r(k);
    return out;
}

struct RefRun {
    std::vector<MatD> h, c;  // [L] x [T, H]
    MatD final_h, final_c;   // [L, H]
};

RefRun reference_run(const Lstm& lstm, const Mat& x, const LstmState& init, bool reverse) {
    const int L = lstm.num_layers(), H = lstm.hidden_size();
    const long T = x.rows();
    RefRun r;
    r.h.assign(L, MatD(T, H));
    r.c.assign(L, MatD(T, H));
    r.final_h = init.h.cast<double>();
    r.final_c = init.c.cast<double>();
    for (long s = 0; s < T; ++s) {
        const long t = reverse ? T - 1 - s : s;
        std::vector<double> input = row_d(x.row(t));
        for (int l = 0; l < L; ++l) {
            const RefCell k = reference_cell(lstm.layers[l], input, row_d(r.final_h.row(l)), row_d(r.final_c.row(l)));
            for (int u = 0; u < H; ++u) {
                r.final_h(l, u) = r.h[l](t, u) = k.h[u];
                r.final_c(l, u) = r.c[l](t, u) = k.c[u];
            }
            input = k.h;
        }
    }
    return r;
}

double max_abs_diff(const Mat& a, const MatD& b) {
    EXPECT_EQ(a.rows(), b.rows());
    EXPECT_EQ(a.cols(), b.cols());
    if (a.rows() != b.rows() || a.cols() != b.cols()) return INFINITY;
    return compare(a.data(), b.data(), static_cast<long>(a.size())).max_abs;
}

LstmState random_state(Rng& rng, int L, int H) { return LstmState{rng.normal_mat(L, H), rng.normal_mat(L, H)}; }

Vec random_vec(Rng& rng, int n) { return rng.normal_mat(n, 1).col(0); }

// ---- one cell -----------------------------------------------------------------------------------------

TEST(LstmCell, ForwardMatchesDoublePrecisionEquations) {
    Rng rng(21);
    const LstmCell cell = lstm_cell_init(rng, 5, 4);
    const Vec x = random_vec(rng, 5), h_prev = random_vec(rng, 4), c_prev = random_vec(rng, 4);
    const LstmCellCache k = lstm_cell_forward(cell, x, h_prev, c_prev);
    const RefCell r = reference_cell(cell, to_d(x), to_d(h_prev), to_d(c_prev));
    // One step: float sums of 9 terms and float exp/tanh, all of size ~1; 2e-6 is a few ulps of headroom.
    for (int q = 0; q < 16; ++q) EXPECT_NEAR(k.gates[q], r.gates[q], 2e-6) << "gate " << q;
    for (int u = 0; u < 4; ++u) {
        EXPECT_NEAR(k.c[u], r.c[u], 2e-6) << "c " << u;
        EXPECT_NEAR(k.h[u], r.h[u], 2e-6) << "h " << u;
    }
    EXPECT_EQ(k.x, x);  // the cache holds the step's inputs for the backward
    EXPECT_EQ(k.h_prev, h_prev);
    EXPECT_EQ(k.c_prev, c_prev);
}

TEST(LstmCell, GateOrderIsInputForgetCellOutputAsInPyTorch) {
    // Weights zero, biases saturating one gate block at a time: the rows of block q (q*H .. q*H+H-1)
    // must act as gate i, f, g, o for q = 0, 1, 2, 3. Sigmoid(+-30) and tanh(30) are 1 or 0 in float.
    const int H = 2;
    LstmCell cell;
    cell.W_ih = Mat::Zero(4 * H, 3);
    cell.W_hh = Mat::Zero(4 * H, H);
    cell.b_hh = Vec::Zero(4 * H);
    auto set_blocks = [&](float i, float f, float g, float o) {
        cell.b_ih = Vec(4 * H);
        cell.b_ih << i, i, f, f, g, g, o, o;
    };
    const Vec x = Vec::Ones(3), h_prev = Vec::Zero(H);
    Vec c_prev(H);
    c_prev << 0.5f, -0.25f;

    set_blocks(30, -30, 30, 30);  // write g = 1, forget everything, show it: c = 1, h = tanh(1)
    LstmCellCache k = lstm_cell_forward(cell, x, h_prev, c_prev);
    for (int u = 0; u < H; ++u) {
        EXPECT_FLOAT_EQ(k.c[u], 1.0f);
        EXPECT_FLOAT_EQ(k.h[u], std::tanh(1.0f));
    }
    set_blocks(-30, 30, 30, 30);  // write nothing, keep everything: c = c_prev
    k = lstm_cell_forward(cell, x, h_prev, c_prev);
    for (int u = 0; u < H; ++u) EXPECT_FLOAT_EQ(k.c[u], c_prev[u]);
    set_blocks(30, -30, -30, 30);  // the candidate g is tanh(-30) = -1
    k = lstm_cell_forward(cell, x, h_prev, c_prev);
    for (int u = 0; u < H; ++u) EXPECT_FLOAT_EQ(k.c[u], -1.0f);
    set_blocks(30, -30, 30, -30);  // output gate closed: h = 0 while c = 1
    k = lstm_cell_forward(cell, x, h_prev, c_prev);
    for (int u = 0; u < H; ++u) {
        EXPECT_FLOAT_EQ(k.c[u], 1.0f);
        EXPECT_NEAR(k.h[u], 0.0f, 1e-12f);
    }
}

TEST(LstmCell, BackwardMatchesFiniteDifferences) {
    Rng rng(22);
    LstmCell cell = lstm_cell_init(rng, 3, 4);
    Vec x = random_vec(rng, 3), h_prev = random_vec(rng, 4), c_prev = random_vec(rng, 4);
    const Vec Rh = random_vec(rng, 4), Rc = random_vec(rng, 4);
    LstmCellGrad g;
    g.zero_like(cell);
    const LstmCellInputGrad d = lstm_cell_backward(cell, lstm_cell_forward(cell, x, h_prev, c_prev), Rh, Rc, g);
    auto loss = [&] {
        const LstmCellCache k = lstm_cell_forward(cell, x, h_prev, c_prev);
        return testing::weighted_sum(k.h, Rh) + testing::weighted_sum(k.c, Rc);
    };
    testing::expect_grad_near("dW_ih", cell.W_ih, g.dW_ih, loss, testing::kTightGrad);
    testing::expect_grad_near("dW_hh", cell.W_hh, g.dW_hh, loss, testing::kTightGrad);
    testing::expect_grad_near("db_ih", cell.b_ih, g.db_ih, loss, testing::kTightGrad);
    testing::expect_grad_near("db_hh", cell.b_hh, g.db_hh, loss, testing::kTightGrad);
    testing::expect_grad_near("dx", x, d.dx, loss, testing::kTightGrad);
    testing::expect_grad_near("dh_prev", h_prev, d.dh_prev, loss, testing::kTightGrad);
    testing::expect_grad_near("dc_prev", c_prev, d.dc_prev, loss, testing::kTightGrad);
}

TEST(LstmCell, WithoutBiasMatchesEquationsAndGradients) {
    Rng rng(23);
    LstmCell cell = lstm_cell_init(rng, 3, 2, /*bias=*/false);
    EXPECT_EQ(cell.b_ih.size(), 0);
    EXPECT_EQ(cell.parameter_count(), 4 * 2 * (3 + 2));
    Vec x = random_vec(rng, 3);
    const Vec h_prev = random_vec(rng, 2), c_prev = random_vec(rng, 2), Rh = random_vec(rng, 2);
    const LstmCellCache k = lstm_cell_forward(cell, x, h_prev, c_prev);
    const RefCell r = reference_cell(cell, to_d(x), to_d(h_prev), to_d(c_prev));
    for (int u = 0; u < 2; ++u) EXPECT_NEAR(k.h[u], r.h[u], 2e-6);
    LstmCellGrad g;
    g.zero_like(cell);
    const LstmCellInputGrad d = lstm_cell_backward(cell, k, Rh, Vec(), g);  // empty dc counts as zero
    EXPECT_EQ(g.db_ih.size(), 0);
    auto loss = [&] { return testing::weighted_sum(lstm_cell_forward(cell, x, h_prev, c_prev).h, Rh); };
    testing::expect_grad_near("dW_ih", cell.W_ih, g.dW_ih, loss, testing::kTightGrad);
    testing::expect_grad_near("dW_hh", cell.W_hh, g.dW_hh, loss, testing::kTightGrad);
    testing::expect_grad_near("dx", x, d.dx, loss, testing::kTightGrad);
}

TEST(Lstm, ParameterCountsAreThoseOfPyTorch) {
    // torch.nn.LSTM(10, 20) has 4*20*(10+20) + 2*4*20 = 2560 parameters; num_layers=2 adds
    // 4*20*(20+20) + 2*4*20 = 3360 for the second layer.
    Rng rng(24);
    EXPECT_EQ(lstm_cell_init(rng, 10, 20).parameter_count(), 2560);
    const Lstm lstm = lstm_init(rng, 10, 20, 2);
    EXPECT_EQ(lstm.num_layers(), 2);
    EXPECT_EQ(lstm.input_size(), 10);
    EXPECT_EQ(lstm.hidden_size(), 20);
    EXPECT_EQ(lstm.layers[1].input_size(), 20);
    EXPECT_EQ(lstm.parameter_count(), 2560 + 3360);
    // PyTorch's initialization bound 1/sqrt(H)
    const float bound = 1.0f / std::sqrt(20.0f);
    EXPECT_LE(lstm.layers[1].W_hh.cwiseAbs().maxCoeff(), bound);
    EXPECT_LE(lstm.layers[0].b_hh.cwiseAbs().maxCoeff(), bound);
}

// ---- whole sequences -----------------------------------------------------------------------------------

class LstmBothDirections : public ::testing::TestWithParam<LstmDirection> {};

TEST_P(LstmBothDirections, SequenceMatchesDoublePrecisionRecomputation) {
    const LstmDirection dir = GetParam();
    Rng rng(31);
    const Lstm lstm = lstm_init(rng, 3, 4, 2);
    const Mat x = rng.normal_mat(5, 3);
    const LstmState init = random_state(rng, 2, 4);
    const LstmRun run = lstm_forward(lstm, x, init, dir);
    const RefRun ref = reference_run(lstm, x, init, dir == LstmDirection::Reverse);
    // Five steps of float rounding that the recurrence carries along (its gains are below 1 here):
    // still far below 1e-5, which is far below any real mistake (a wrong gate or step order is ~1e-1).
    const double tol = 1e-5;
    ASSERT_EQ(run.h.size(), 2u);
    ASSERT_EQ(run.c.size(), 2u);
    for (int l = 0; l < 2; ++l) {
        EXPECT_LT(max_abs_diff(run.h[l], ref.h[l]), tol) << "layer " << l;
        EXPECT_LT(max_abs_diff(run.c[l], ref.c[l]), tol) << "layer " << l;
    }
    EXPECT_LT(max_abs_diff(run.out, ref.h[1]), tol);
    EXPECT_LT(max_abs_diff(run.final.h, ref.final_h), tol);
    EXPECT_LT(max_abs_diff(run.final.c, ref.final_c), tol);
    EXPECT_EQ(run.init.h, init.h);
    EXPECT_EQ(run.init.c, init.c);
    EXPECT_EQ(run.x, x);  // what the backward reads
    ASSERT_EQ(run.gates.size(), 2u);
    for (int l = 0; l < 2; ++l) {
        EXPECT_EQ(run.gates[l].rows(), 5) << "layer " << l;  // [T, 4H]; their values: the backward's tests
        EXPECT_EQ(run.gates[l].cols(), 16) << "layer " << l;
    }
}

TEST_P(LstmBothDirections, BackwardThroughTimeMatchesFiniteDifferences) {
    // The loss reads every thing a run exposes: top outputs, a lower layer's h, every layer's c at every
    // step (attention over long-term memories) and the final state (a decoder started from it).
    const LstmDirection dir = GetParam();
    Rng rng(32);
    Lstm lstm = lstm_init(rng, 3, 3, 2);
    Mat x = rng.normal_mat(4, 3);
    LstmState init = random_state(rng, 2, 3);
    LstmRunGrad R;
    R.dout = rng.normal_mat(4, 3);
    R.dh = {rng.normal_mat(4, 3), Mat()};  // layer 1's h is `out`, already weighted above
    R.dc = {rng.normal_mat(4, 3), rng.normal_mat(4, 3)};
    R.dfinal = random_state(rng, 2, 3);
    auto loss = [&] {
        const LstmRun run = lstm_forward(lstm, x, init, dir);
        return testing::weighted_sum(run.out, R.dout) + testing::weighted_sum(run.h[0], R.dh[0]) +
               testing::weighted_sum(run.c[0], R.dc[0]) + testing::weighted_sum(run.c[1], R.dc[1]) +
               testing::weighted_sum(run.final.h, R.dfinal.h) + testing::weighted_sum(run.final.c, R.dfinal.c);
    };
    LstmGrad g;
    g.zero_like(lstm);
    const LstmInputGrad d = lstm_backward(lstm, lstm_forward(lstm, x, init, dir), R, g);
    for (int l = 0; l < 2; ++l) {
        SCOPED_TRACE("layer " + std::to_string(l));
        testing::expect_grad_near("dW_ih", lstm.layers[l].W_ih, g.layers[l].dW_ih, loss, testing::kTightGrad);
        testing::expect_grad_near("dW_hh", lstm.layers[l].W_hh, g.layers[l].dW_hh, loss, testing::kTightGrad);
        testing::expect_grad_near("db_ih", lstm.layers[l].b_ih, g.layers[l].db_ih, loss, testing::kTightGrad);
        testing::expect_grad_near("db_hh", lstm.layers[l].b_hh, g.layers[l].db_hh, loss, testing::kTightGrad);
    }
    testing::expect_grad_near("dx", x, d.dx, loss, testing::kTightGrad);
    testing::expect_grad_near("dinit.h", init.h, d.dinit.h, loss, testing::kTightGrad);
    testing::expect_grad_near("dinit.c", init.c, d.dinit.c, loss, testing::kTightGrad);
}

INSTANTIATE_TEST_SUITE_P(Lstm, LstmBothDirections,
                         ::testing::Values(LstmDirection::Forward, LstmDirection::Reverse),
                         [](const ::testing::TestParamInfo<LstmDirection>& info) {
                             return info.param == LstmDirection::Forward ? std::string("Forward")
                                                                         : std::string("Reverse");
                         });

TEST(Lstm, BackwardWithOnlyTopOutputsGradient) {
    // The common case: the loss reads only `out`; every other member of LstmRunGrad stays empty.
    Rng rng(33);
    Lstm lstm = lstm_init(rng, 2, 3, 3);
    Mat x = rng.normal_mat(6, 2);
    const Mat R = rng.normal_mat(6, 3);
    auto loss = [&] { return testing::weighted_sum(lstm_forward(lstm, x).out, R); };
    LstmGrad g;
    g.zero_like(lstm);
    LstmRunGrad drun;
    drun.dout = R;
    const LstmInputGrad d = lstm_backward(lstm, lstm_forward(lstm, x), drun, g);
    testing::expect_grad_near("layers[0].dW_ih", lstm.layers[0].W_ih, g.layers[0].dW_ih, loss, testing::kTightGrad);
    testing::expect_grad_near("layers[2].dW_hh", lstm.layers[2].W_hh, g.layers[2].dW_hh, loss, testing::kTightGrad);
    testing::expect_grad_near("dx", x, d.dx, loss, testing::kTightGrad);
    // From the zero state the initial memories still receive a gradient (they are inputs too).
    EXPECT_GT(d.dinit.h.cwiseAbs().maxCoeff(), 0.0f);
}

TEST(Lstm, StepwiseRunIsTheSequenceRun) {
    // A decoder steps by hand; the result must be the sequence run's, bit for bit (same code path).
    Rng rng(34);
    const Lstm lstm = lstm_init(rng, 3, 4, 2);
    const Mat x = rng.normal_mat(5, 3);
    const LstmState init = random_state(rng, 2, 4);
    const LstmRun run = lstm_forward(lstm, x, init);
    LstmState state = init;
    for (int t = 0; t < 5; ++t) {
        const LstmStep step = lstm_step_forward(lstm, x.row(t).transpose(), state);
        EXPECT_EQ(step.state_before().h, state.h);
        EXPECT_EQ(Mat(step.out().transpose()), Mat(run.out.row(t)));
        state = step.state_after();
        for (int l = 0; l < 2; ++l) {
            EXPECT_EQ(Mat(state.h.row(l)), Mat(run.h[l].row(t)));
            EXPECT_EQ(Mat(state.c.row(l)), Mat(run.c[l].row(t)));
        }
    }
    EXPECT_EQ(state.h, run.final.h);
    EXPECT_EQ(state.c, run.final.c);
}

TEST(Lstm, ReverseRunIsTheForwardRunOfTheReversedInput) {
    // What a bidirectional encoder's second half must be: row t of the reverse run is the state after
    // reading x[T-1] .. x[t].
    Rng rng(35);
    const Lstm lstm = lstm_init(rng, 3, 4, 2);
    const Mat x = rng.normal_mat(5, 3);
    const Mat x_reversed = x.colwise().reverse();
    const LstmRun rev = lstm_forward(lstm, x, LstmDirection::Reverse);
    const LstmRun fwd = lstm_forward(lstm, x_reversed, LstmDirection::Forward);
    EXPECT_EQ(rev.out, Mat(fwd.out.colwise().reverse()));
    EXPECT_EQ(rev.c[0], Mat(fwd.c[0].colwise().reverse()));
    EXPECT_EQ(rev.final.h, fwd.final.h);
    EXPECT_EQ(rev.final.c, fwd.final.c);
    // ... and it is not the forward run of x (the direction is really used).
    EXPECT_GT((rev.out - lstm_forward(lstm, x).out).cwiseAbs().maxCoeff(), 1e-3f);
}

TEST(Lstm, EncoderFinalStateReceivesTheDecodersGradient) {
    // Seq2seq without attention: the decoder starts from the encoder's final (h, c) of every layer.
    // The decoder's dinit is the encoder's dfinal; the encoder's inputs and weights must see the loss.
    Rng rng(36);
    Lstm enc = lstm_init(rng, 3, 3, 2);
    const Lstm dec = lstm_init(rng, 2, 3, 2);
    Mat src = rng.normal_mat(3, 3);
    const Mat tgt = rng.normal_mat(2, 2);
    const Mat R = rng.normal_mat(2, 3);
    auto loss = [&] {
        const LstmRun e = lstm_forward(enc, src);
        return testing::weighted_sum(lstm_forward(dec, tgt, e.final).out, R);
    };
    const LstmRun e = lstm_forward(enc, src);
    const LstmRun d = lstm_forward(dec, tgt, e.final);
    LstmGrad gdec, genc;
    gdec.zero_like(dec);
    genc.zero_like(enc);
    LstmRunGrad ddec;
    ddec.dout = R;
    LstmRunGrad denc;
    denc.dfinal = lstm_backward(dec, d, ddec, gdec).dinit;
    const LstmInputGrad din = lstm_backward(enc, e, denc, genc);
    testing::expect_grad_near("enc.layers[0].dW_ih", enc.layers[0].W_ih, genc.layers[0].dW_ih, loss, testing::kTightGrad);
    testing::expect_grad_near("enc.layers[1].db_hh", enc.layers[1].b_hh, genc.layers[1].db_hh, loss, testing::kTightGrad);
    testing::expect_grad_near("dsrc", src, din.dx, loss, testing::kTightGrad);
}

TEST(Lstm, StepwiseDecoderFeedingItsOutputBackMatchesFiniteDifferences) {
    // A decoder whose next input is its own last output (In == H): the step-wise backward pattern of
    // lstm.h, where step t+1's dx joins the gradient of step t's output.
    Rng rng(37);
    const int L = 2, H = 3, T = 4;
    Lstm lstm = lstm_init(rng, H, H, L);
    Vec x0 = random_vec(rng, H);
    LstmState init = random_state(rng, L, H);
    std::vector<Vec> R;
    for (int t = 0; t < T; ++t) R.push_back(random_vec(rng, H));
    auto run = [&] {
        std::vector<LstmStep> steps;
        LstmState state = init;
        Vec x = x0;
        for (int t = 0; t < T; ++t) {
            steps.push_back(lstm_step_forward(lstm, x, state));
            state = steps.back().state_after();
            x = steps.back().out();  // feed the output back
        }
        return steps;
    };
    auto loss = [&] {
        const std::vector<LstmStep> steps = run();
        double s = 0;
        for (int t = 0; t < T; ++t) s += testing::weighted_sum(steps[t].out(), R[t]);
        return s;
    };
    const std::vector<LstmStep> steps = run();
    LstmGrad g;
    g.zero_like(lstm);
    LstmState dstate{Mat::Zero(L, H), Mat::Zero(L, H)};
    Vec dfed_back = Vec::Zero(H);  // gradient w.r.t. step t's output through step t+1's input
    for (int t = T - 1; t >= 0; --t) {
        const LstmStepInputGrad d = lstm_step_backward(lstm, steps[t], R[t] + dfed_back, dstate, g);
        dstate = d.dbefore;
        dfed_back = d.dx;
    }
    const Vec dx0 = dfed_back;
    for (int l = 0; l < L; ++l) {
        SCOPED_TRACE("layer " + std::to_string(l));
        testing::expect_grad_near("dW_ih", lstm.layers[l].W_ih, g.layers[l].dW_ih, loss, testing::kTightGrad);
        testing::expect_grad_near("dW_hh", lstm.layers[l].W_hh, g.layers[l].dW_hh, loss, testing::kTightGrad);
        testing::expect_grad_near("db_ih", lstm.layers[l].b_ih, g.layers[l].db_ih, loss, testing::kTightGrad);
    }
    testing::expect_grad_near("dx0", x0, dx0, loss, testing::kTightGrad);
    testing::expect_grad_near("dinit.h", init.h, dstate.h, loss, testing::kTightGrad);
    testing::expect_grad_near("dinit.c", init.c, dstate.c, loss, testing::kTightGrad);
}

TEST(Lstm, EmptySequencePassesTheStateThrough) {
    Rng rng(38);
    const Lstm lstm = lstm_init(rng, 3, 2, 2);
    const LstmState init = random_state(rng, 2, 2);
    const LstmRun run = lstm_forward(lstm, Mat(0, 3), init);
    EXPECT_EQ(run.out.rows(), 0);
    EXPECT_EQ(run.final.h, init.h);
    EXPECT_EQ(run.final.c, init.c);
    LstmGrad g;
    g.zero_like(lstm);
    LstmRunGrad drun;
    drun.dfinal = random_state(rng, 2, 2);
    const LstmInputGrad d = lstm_backward(lstm, run, drun, g);
    EXPECT_EQ(d.dx.rows(), 0);
    EXPECT_EQ(d.dinit.h, drun.dfinal.h);
    EXPECT_EQ(d.dinit.c, drun.dfinal.c);
}

TEST(Lstm, ScalarAndSimdBackendsAgreeOnForward) {
    // Odd sizes so that vector loops need their leftovers. The SIMD kernels reorder sums and approximate
    // exp/tanh/sigmoid (bounds ~2.5e-7 relative, stated in kernels_simd.cpp). Measured with the SIMD
    // branch's kernels (commit 8a73d7c): at most 1.5e-7 (AVX2+FMA) and 2.7e-7 (wasm simd128) on h, c and
    // the gates over these 7 steps. 1e-5 leaves ~40x headroom; a wrong gate or a missed leftover moves
    // them by ~1e-1.
    Rng rng(39);
    const Lstm lstm = lstm_init(rng, 17, 9, 2);
    const Mat x = rng.normal_mat(7, 17);
    const LstmState init = random_state(rng, 2, 9);
    for (LstmDirection dir : {LstmDirection::Forward, LstmDirection::Reverse}) {
        const LstmRun a = lstm_forward(lstm, x, init, dir, Backend::Scalar);
        const LstmRun b = lstm_forward(lstm, x, init, dir, Backend::Simd);
        ASSERT_GT(a.out.cwiseAbs().maxCoeff(), 1e-2f);  // the comparison is about something
        const float tol = 1e-5f;
        EXPECT_LT((a.out - b.out).cwiseAbs().maxCoeff(), tol);
        for (int l = 0; l < 2; ++l) {
            EXPECT_LT((a.h[l] - b.h[l]).cwiseAbs().maxCoeff(), tol) << "layer " << l;
            EXPECT_LT((a.c[l] - b.c[l]).cwiseAbs().maxCoeff(), tol) << "layer " << l;
        }
        EXPECT_LT((a.final.c - b.final.c).cwiseAbs().maxCoeff(), tol);
        for (int l = 0; l < 2; ++l) EXPECT_LT((a.gates[l] - b.gates[l]).cwiseAbs().maxCoeff(), tol) << "layer " << l;
    }
}

TEST(Lstm, ScalarAndSimdBackendsAgreeOnBackward) {
    // The backward through time on each backend's kernels (lstm_gates_backward, ger, gemv_t), from
    // each backend's own forward. Differences: the forward's (above, 1e-5 at most), tanh(c) recomputed
    // (2.5e-7 relative) and the products' summation order. Measured at most 3.6e-7 (wasm simd128) on
    // these gradients, which reach 2.3; 1e-4 is far below a wrong gate's or a missed leftover's effect
    // (1.9 when the leftover loop of lstm_gates_backward read the wrong gate).
    Rng rng(41);
    const Lstm lstm = lstm_init(rng, 17, 9, 2);
    const Mat x = rng.normal_mat(7, 17);
    const LstmState init = random_state(rng, 2, 9);
    LstmRunGrad drun;
    drun.dout = rng.normal_mat(7, 9);
    drun.dfinal = random_state(rng, 2, 9);
    for (LstmDirection dir : {LstmDirection::Forward, LstmDirection::Reverse}) {
        LstmGrad ga, gb;
        ga.zero_like(lstm);
        gb.zero_like(lstm);
        const LstmInputGrad a = lstm_backward(lstm, lstm_forward(lstm, x, init, dir, Backend::Scalar), drun, ga,
                                              Backend::Scalar);
        const LstmInputGrad b = lstm_backward(lstm, lstm_forward(lstm, x, init, dir, Backend::Simd), drun, gb,
                                              Backend::Simd);
        ASSERT_GT(a.dx.cwiseAbs().maxCoeff(), 1e-1f);  // the comparison is about something
        const float tol = 1e-4f;
        EXPECT_LT((a.dx - b.dx).cwiseAbs().maxCoeff(), tol);
        EXPECT_LT((a.dinit.h - b.dinit.h).cwiseAbs().maxCoeff(), tol);
        EXPECT_LT((a.dinit.c - b.dinit.c).cwiseAbs().maxCoeff(), tol);
        for (int l = 0; l < 2; ++l) {
            const LstmCellGrad &p = ga.layers[l], &q = gb.layers[l];
            EXPECT_LT((p.dW_ih - q.dW_ih).cwiseAbs().maxCoeff(), tol) << "layer " << l;
            EXPECT_LT((p.dW_hh - q.dW_hh).cwiseAbs().maxCoeff(), tol) << "layer " << l;
            EXPECT_LT((p.db_ih - q.db_ih).cwiseAbs().maxCoeff(), tol) << "layer " << l;
            std::printf("layer %d: largest |dW_ih| %.3g, largest difference %.3g\n", l, p.dW_ih.cwiseAbs().maxCoeff(),
                        (p.dW_ih - q.dW_ih).cwiseAbs().maxCoeff());
        }
    }
}

TEST(Lstm, DeferredWeightGradientsAreTheSameSums) {
    // A trainer's batch: two sequences (one of them Reverse), then a decoder's steps one by one, all into
    // one LstmGrad. Deferred, the weight-gradient rows are added at the flush, in the order they came:
    // the same float operations in the same order as adding them at once, so equal to the bit, on
    // either backend. Everything else the backward computes is untouched by the choice.
    Rng rng(43);
    const Lstm lstm = lstm_init(rng, 5, 6, 2);
    const Mat x1 = rng.normal_mat(4, 5), x2 = rng.normal_mat(3, 5);
    const LstmState init = random_state(rng, 2, 6);
    LstmRunGrad d1, d2;
    d1.dout = rng.normal_mat(4, 6);
    d2.dout = rng.normal_mat(3, 6);
    d2.dfinal = random_state(rng, 2, 6);
    const Vec xs = rng.normal_mat(5, 1).col(0), dout = rng.normal_mat(6, 1).col(0);
    for (Backend backend : {Backend::Scalar, Backend::Simd}) {
        SCOPED_TRACE(backend_name(backend));
        LstmGrad now, later;
        now.zero_like(lstm);
        later.zero_like(lstm);
        later.defer_weights = true;
        for (LstmGrad* g : {&now, &later}) {
            lstm_backward(lstm, lstm_forward(lstm, x1, init, LstmDirection::Forward, backend), d1, *g, backend);
            lstm_backward(lstm, lstm_forward(lstm, x2, init, LstmDirection::Reverse, backend), d2, *g, backend);
            const LstmStep step = lstm_step_forward(lstm, xs, init, backend);
            lstm_step_backward(lstm, step, dout, init, *g, backend);
        }
        EXPECT_EQ(later.layers[0].pending.rows, 4 + 3 + 1);
        EXPECT_EQ(later.layers[0].dW_ih, Mat::Zero(24, 5));  // nothing added yet
        lstm_grad_flush(later, backend);
        EXPECT_EQ(later.layers[1].pending.rows, 0);
        for (int l = 0; l < 2; ++l) {
            EXPECT_GT(now.layers[l].dW_hh.cwiseAbs().maxCoeff(), 1e-2f);  // the comparison is about something
            EXPECT_EQ(later.layers[l].dW_ih, now.layers[l].dW_ih) << "layer " << l;
            EXPECT_EQ(later.layers[l].dW_hh, now.layers[l].dW_hh) << "layer " << l;
            EXPECT_EQ(later.layers[l].db_ih, now.layers[l].db_ih) << "layer " << l;
        }
        // a batch that failed: its rows are dropped, nothing is added
        const Mat before = later.layers[0].dW_ih;
        lstm_backward(lstm, lstm_forward(lstm, x1, init, LstmDirection::Forward, backend), d1, later, backend);
        lstm_grad_flush(later, backend, true);
        lstm_grad_flush(later, backend);
        EXPECT_EQ(later.layers[0].dW_ih, before);
    }
}

// ---- errors ---------------------------------------------------------------------------------------

TEST(Lstm, NonFiniteInputIsStoppedWhereItEnters) {
    Rng rng(40);
    const Lstm lstm = lstm_init(rng, 3, 2, 2);
    Mat x = rng.normal_mat(4, 3);
    x(2, 1) = std::nanf("");
    try {
        lstm_forward(lstm, x);
        FAIL() << "expected NonFiniteError";
    } catch (const NonFiniteError& e) {
        EXPECT_STREQ(e.what(), "lstm_forward: x[7] is NaN; refusing to let it spread");  // row 2, col 1
    }
    x(2, 1) = 0.0f;
    LstmState init = lstm_zero_state(lstm);
    init.c(1, 0) = INFINITY;
    try {
        lstm_forward(lstm, x, init);
        FAIL() << "expected NonFiniteError";
    } catch (const NonFiniteError& e) {
        EXPECT_STREQ(e.what(), "lstm_forward: init.c[2] is Inf; refusing to let it spread");
    }
    // A decoder stepping by hand feeds the cell directly: the cell checks too.
    Vec xs = Vec::Zero(3);
    xs[0] = -INFINITY;
    EXPECT_THROW(lstm_step_forward(lstm, xs, lstm_zero_state(lstm)), NonFiniteError);
    EXPECT_THROW(lstm_cell_forward(lstm.layers[0], xs, Vec::Zero(2), Vec::Zero(2)), NonFiniteError);
}

TEST(Lstm, ShapeMismatchNamesOpAndShapes) {
    Rng rng(41);
    const Lstm lstm = lstm_init(rng, 3, 2, 2);
    auto expect_message = [](const std::function<void()>& f, const std::string& message) {
        try {
            f();
            ADD_FAILURE() << "expected ShapeError: " << message;
        } catch (const ShapeError& e) {
            EXPECT_EQ(std::string(e.what()), message);
        }
    };
    expect_message([&] { lstm_forward(lstm, Mat::Zero(4, 5)); },
                   "lstm_forward: shape mismatch: x [4, 5] vs layers[0].W_ih [8, 3]");
    expect_message([&] { lstm_forward(lstm, Mat::Zero(4, 3), LstmState{Mat::Zero(1, 2), Mat::Zero(2, 2)}); },
                   "lstm_forward: shape mismatch: init.h [1, 2] vs [L, H] = [2, 2]");
    expect_message([&] { lstm_cell_forward(lstm.layers[0], Vec::Zero(3), Vec::Zero(5), Vec::Zero(2)); },
                   "lstm_cell_forward: shape mismatch: h_prev [5] vs W_hh [8, 2]");
    Lstm broken = lstm;
    broken.layers[1].W_ih = Mat::Zero(8, 3);  // layer 1 must read H = 2 values
    expect_message([&] { lstm_forward(broken, Mat::Zero(4, 3)); },
                   "lstm_forward: shape mismatch: layers[1].W_ih [8, 3] vs layers[0].W_hh [8, 2]");
    const LstmRun run = lstm_forward(lstm, Mat::Zero(4, 3));
    LstmGrad g;
    g.zero_like(lstm);
    LstmRunGrad drun;
    drun.dout = Mat::Zero(3, 2);
    expect_message([&] { lstm_backward(lstm, run, drun, g); },
                   "lstm_backward: shape mismatch: dout [3, 2] vs [T, H] = [4, 2]");
}

}  // namespace
}  // namespace attn
