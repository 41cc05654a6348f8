// lstm.cpp: see lstm.h. The forward and backward of one cell go through kernels/ (Backend chosen by
// the caller): lstm_preactivations (lstm_forward: matmul_nt for the inputs of every step, then
// lstm_preactivations_h) and lstm_gates forward; lstm_gates_backward, ger (ger_rows for a whole sequence,
// or for a whole batch with LstmGrad::defer_weights) and gemv_t backward.
#include "nn/lstm.h"

#include "core/check.h"
#include "core/rng.h"

#include <cmath>
#include <string>

namespace attn {

namespace {

// A cell's own shapes agree: W_ih [4H, In], W_hh [4H, H], and both biases [4H] or both empty.
void check_cell(const char* op, const LstmCell& cell) {
    if (cell.W_hh.rows() != 4 * cell.W_hh.cols())
        throw ShapeError(std::string(op) + ": shape mismatch: W_hh " + shape_str(cell.W_hh) + " vs [4H, H] with H = " +
                         std::to_string(cell.W_hh.cols()));
    check_shape(op, "W_ih", cell.W_ih, "W_hh", cell.W_hh, cell.W_ih.rows() == cell.W_hh.rows());
    check_shape(op, "b_ih", cell.b_ih, "b_hh", cell.b_hh, cell.b_ih.size() == cell.b_hh.size());
    check_shape(op, "b_ih", cell.b_ih, "W_hh", cell.W_hh, cell.b_ih.size() == 0 || cell.b_ih.size() == cell.W_hh.rows());
}

// A stack is not empty, every layer has the same H, and layer l > 0 reads H values.
void check_stack(const char* op, const Lstm& lstm) {
    if (lstm.layers.empty()) throw ShapeError(std::string(op) + ": an Lstm needs at least one layer");
    for (int l = 0; l < lstm.num_layers(); ++l) {
        const LstmCell& cell = lstm.layers[l];
        check_cell(op, cell);
        if (l == 0) continue;
        const std::string w_ih = "layers[" + std::to_string(l) + "].W_ih";
        const std::string w_hh = "layers[" + std::to_string(l - 1) + "].W_hh";
        check_shape(op, w_ih.c_str(), cell.W_ih, w_hh.c_str(), lstm.layers[l - 1].W_hh,
                    cell.W_ih.cols() == lstm.layers[l - 1].W_hh.cols() && cell.W_hh.cols() == cell.W_ih.cols());
    }
}

// A state Mat is [L, H] (or, where `empty_ok`, empty: a gradient that counts as zero).
void check_state(const char* op, const char* name, const Mat& m, int L, int H, bool empty_ok) {
    if (empty_ok && m.size() == 0) return;
    if (m.rows() != L || m.cols() != H)
        throw ShapeError(std::string(op) + ": shape mismatch: " + name + " " + shape_str(m) + " vs [L, H] = [" +
                         std::to_string(L) + ", " + std::to_string(H) + "]");
}

// A per-step Mat is [T, H] (or empty).
void check_sequence(const char* op, const std::string& name, const Mat& m, long T, int H) {
    if (m.size() == 0) return;
    if (m.rows() != T || m.cols() != H)
        throw ShapeError(std::string(op) + ": shape mismatch: " + name + " " + shape_str(m) + " vs [T, H] = [" +
                         std::to_string(T) + ", " + std::to_string(H) + "]");
}

// The row of time step `s` of the processing order.
long time_index(LstmDirection direction, long s, long T) { return direction == LstmDirection::Forward ? s : T - 1 - s; }

}  // namespace

// ---- one cell ------------------------------------------------------------------------------------

void LstmCellGrad::zero_like(const LstmCell& cell) {
    dW_ih = Mat::Zero(cell.W_ih.rows(), cell.W_ih.cols());
    dW_hh = Mat::Zero(cell.W_hh.rows(), cell.W_hh.cols());
    db_ih = Vec::Zero(cell.b_ih.size());
    db_hh = Vec::Zero(cell.b_hh.size());
    pending = LstmPendingRows{};
}

LstmCell lstm_cell_init(Rng& rng, int input_size, int hidden_size, bool bias) {
    const float bound = 1.0f / std::sqrt(static_cast<float>(hidden_size));
    LstmCell cell;
    cell.W_ih = rng.uniform_mat(4 * hidden_size, input_size, -bound, bound);
    cell.W_hh = rng.uniform_mat(4 * hidden_size, hidden_size, -bound, bound);
    if (bias) {
        cell.b_ih = rng.uniform_mat(4 * hidden_size, 1, -bound, bound).col(0);
        cell.b_hh = rng.uniform_mat(4 * hidden_size, 1, -bound, bound).col(0);
    }
    return cell;
}

LstmCellCache lstm_cell_forward(const LstmCell& cell, const Vec& x, const Vec& h_prev, const Vec& c_prev,
                                Backend backend) {
    const char* op = "lstm_cell_forward";
    check_cell(op, cell);
    const int In = cell.input_size(), H = cell.hidden_size();
    check_shape(op, "x", x, "W_ih", cell.W_ih, x.size() == In);
    check_shape(op, "h_prev", h_prev, "W_hh", cell.W_hh, h_prev.size() == H);
    check_shape(op, "c_prev", c_prev, "W_hh", cell.W_hh, c_prev.size() == H);
    check_finite(op, "x", x);
    check_finite(op, "h_prev", h_prev);
    check_finite(op, "c_prev", c_prev);
    const bool bias = cell.b_ih.size() != 0;

    LstmCellCache k;
    k.x = x;
    k.h_prev = h_prev;
    k.c_prev = c_prev;
    // step 1: pre-activations of the four gates, from the input and from the previous short-term memory
    // (into k.gates, which step 2 then overwrites in place)
    k.gates.resize(4 * H);
    kernels::lstm_preactivations(backend, cell.W_ih.data(), x.data(), bias ? cell.b_ih.data() : nullptr,
                                 cell.W_hh.data(), h_prev.data(), bias ? cell.b_hh.data() : nullptr, k.gates.data(), H, In);
    // steps 2-4: gate nonlinearities, the new long-term memory c, the new short-term memory h
    k.c.resize(H);
    k.h.resize(H);
    kernels::lstm_gates(backend, k.gates.data(), c_prev.data(), k.gates.data(), k.h.data(), k.c.data(), H);
    return k;
}

namespace {

// A gradient fits its cell (and the cell's own shapes agree).
void check_cell_grad(const char* op, const LstmCell& cell, const LstmCellGrad& grad) {
    check_cell(op, cell);
    check_shape(op, "dW_ih", grad.dW_ih, "W_ih", cell.W_ih,
                grad.dW_ih.rows() == cell.W_ih.rows() && grad.dW_ih.cols() == cell.W_ih.cols());
    check_shape(op, "dW_hh", grad.dW_hh, "W_hh", cell.W_hh,
                grad.dW_hh.rows() == cell.W_hh.rows() && grad.dW_hh.cols() == cell.W_hh.cols());
    check_shape(op, "db_ih", grad.db_ih, "b_ih", cell.b_ih,
                grad.db_ih.size() == cell.b_ih.size() && grad.db_hh.size() == cell.b_hh.size());
}

// Room for n more pending rows (the capacity doubles, so a trainer's batches stop allocating soon);
// returns the first new row.
long pending_rows(LstmCellGrad& g, long n) {
    LstmPendingRows& p = g.pending;
    if (p.rows + n > p.dpre.rows()) {
        const long cap = std::max(p.rows + n, 2 * p.dpre.rows());
        p.dpre.conservativeResize(cap, g.dW_ih.rows());
        p.x.conservativeResize(cap, g.dW_ih.cols());
        p.h_prev.conservativeResize(cap, g.dW_hh.cols());
    }
    const long first = p.rows;
    p.rows += n;
    return first;
}

// What a cell step's backward reads, by address: an LstmCellCache's vectors, or rows of an LstmRun.
struct CellRead {
    const float* x;       // [In]
    const float* h_prev;  // [H]
    const float* c_prev;  // [H]
    const float* gates;   // [4H]
    const float* c;       // [H]
};

// lstm_cell_backward into the caller's memory: from dh[H] and dc[H] (nullptr: zero; their sizes checked
// by the caller), writes dpre[4H] (w.r.t. step 1's pre-activations), dx[In], dh_prev[H], dc_prev[H] (none
// may alias dh or dc) and adds the bias gradients; with `weights`, dW_ih += dpre x^T and
// dW_hh += dpre h_prev^T too (lstm_backward leaves them out, and adds them for a whole sequence at once).
void cell_backward(const LstmCell& cell, const CellRead& k, const float* dh, const float* dc, LstmCellGrad& grad,
                   Backend backend, bool weights, float* dpre, float* dx, float* dh_prev, float* dc_prev) {
    const int In = cell.input_size(), H = cell.hidden_size();
    // steps 4, 3, 2 backward: h = o * tanh(c), c = f * c_prev + i * g, the gate nonlinearities
    kernels::lstm_gates_backward(backend, k.gates, k.c_prev, k.c, dh, dc, dpre, dc_prev, H);
    // step 1 backward: pre = W_ih x + b_ih + W_hh h_prev + b_hh
    if (weights) {
        kernels::ger(backend, dpre, k.x, grad.dW_ih.data(), 4 * H, In);
        kernels::ger(backend, dpre, k.h_prev, grad.dW_hh.data(), 4 * H, H);
    }
    if (cell.b_ih.size()) {
        const Eigen::Map<const Vec> d(dpre, 4 * H);
        grad.db_ih += d;
        grad.db_hh += d;
    }
    kernels::gemv_t(backend, cell.W_ih.data(), dpre, dx, 4 * H, In, false);
    kernels::gemv_t(backend, cell.W_hh.data(), dpre, dh_prev, 4 * H, H, false);
}

// cell_backward into new vectors; defer: step 1's weight-gradient rows go to grad.pending (LstmGrad::defer_weights).
LstmCellInputGrad cell_backward(const LstmCell& cell, const LstmCellCache& k, const float* dh, const float* dc,
                                LstmCellGrad& grad, Backend backend, bool defer) {
    const char* op = "lstm_cell_backward";
    check_cell_grad(op, cell, grad);
    const int In = cell.input_size(), H = cell.hidden_size();
    check_shape(op, "cache.x", k.x, "W_ih", cell.W_ih, k.x.size() == In);
    check_shape(op, "cache.gates", k.gates, "W_hh", cell.W_hh,
                k.gates.size() == 4 * H && k.h_prev.size() == H && k.c_prev.size() == H && k.c.size() == H);
    LstmCellInputGrad out;
    out.dc_prev.resize(H);
    out.dx.resize(In);
    out.dh_prev.resize(H);
    const CellRead read{k.x.data(), k.h_prev.data(), k.c_prev.data(), k.gates.data(), k.c.data()};
    if (defer) {
        const long r = pending_rows(grad, 1);
        LstmPendingRows& p = grad.pending;
        p.x.row(r) = k.x.transpose();
        p.h_prev.row(r) = k.h_prev.transpose();
        cell_backward(cell, read, dh, dc, grad, backend, false, &p.dpre(r, 0), out.dx.data(), out.dh_prev.data(),
                      out.dc_prev.data());
        return out;
    }
    Vec dpre(4 * H);
    cell_backward(cell, read, dh, dc, grad, backend, true, dpre.data(), out.dx.data(), out.dh_prev.data(), out.dc_prev.data());
    return out;
}

}  // namespace

LstmCellInputGrad lstm_cell_backward(const LstmCell& cell, const LstmCellCache& k, const Vec& dh, const Vec& dc,
                                     LstmCellGrad& grad, Backend backend) {
    const char* op = "lstm_cell_backward";
    check_cell(op, cell);
    const int H = cell.hidden_size();
    check_shape(op, "dh", dh, "W_hh", cell.W_hh, dh.size() == 0 || dh.size() == H);
    check_shape(op, "dc", dc, "W_hh", cell.W_hh, dc.size() == 0 || dc.size() == H);
    return cell_backward(cell, k, dh.size() ? dh.data() : nullptr, dc.size() ? dc.data() : nullptr, grad, backend, false);
}

// ---- a stack of layers -----------------------------------------------------------------------------

long Lstm::parameter_count() const {
    long n = 0;
    for (const LstmCell& cell : layers) n += cell.parameter_count();
    return n;
}

void LstmGrad::zero_like(const Lstm& lstm) {
    layers.resize(lstm.layers.size());
    for (size_t l = 0; l < layers.size(); ++l) layers[l].zero_like(lstm.layers[l]);
}

void lstm_grad_flush(LstmGrad& grad, Backend backend, bool discard) {
    for (LstmCellGrad& g : grad.layers) {
        LstmPendingRows& p = g.pending;
        if (p.rows && !discard) {
            const int G = static_cast<int>(g.dW_ih.rows()), K = static_cast<int>(p.rows);
            kernels::ger_rows(backend, p.dpre.data(), p.x.data(), g.dW_ih.data(), G, K, static_cast<int>(g.dW_ih.cols()));
            kernels::ger_rows(backend, p.dpre.data(), p.h_prev.data(), g.dW_hh.data(), G, K, static_cast<int>(g.dW_hh.cols()));
        }
        p.rows = 0;
    }
}

Lstm lstm_init(Rng& rng, int input_size, int hidden_size, int num_layers, bool bias) {
    Lstm lstm;
    for (int l = 0; l < num_layers; ++l)
        lstm.layers.push_back(lstm_cell_init(rng, l == 0 ? input_size : hidden_size, hidden_size, bias));
    return lstm;
}

LstmState lstm_zero_state(const Lstm& lstm) {
    check_stack("lstm_zero_state", lstm);
    LstmState s;
    s.h = Mat::Zero(lstm.num_layers(), lstm.hidden_size());
    s.c = Mat::Zero(lstm.num_layers(), lstm.hidden_size());
    return s;
}

LstmState LstmStep::state_before() const {
    const long L = static_cast<long>(layers.size()), H = layers.front().h.size();
    LstmState s{Mat(L, H), Mat(L, H)};
    for (long l = 0; l < L; ++l) {
        s.h.row(l) = layers[l].h_prev.transpose();
        s.c.row(l) = layers[l].c_prev.transpose();
    }
    return s;
}

LstmState LstmStep::state_after() const {
    const long L = static_cast<long>(layers.size()), H = layers.front().h.size();
    LstmState s{Mat(L, H), Mat(L, H)};
    for (long l = 0; l < L; ++l) {
        s.h.row(l) = layers[l].h.transpose();
        s.c.row(l) = layers[l].c.transpose();
    }
    return s;
}

// ---- one time step through every layer -------------------------------------------------------------

LstmStep lstm_step_forward(const Lstm& lstm, const Vec& x, const LstmState& before, Backend backend) {
    const char* op = "lstm_step_forward";
    check_stack(op, lstm);
    const int L = lstm.num_layers(), H = lstm.hidden_size();
    check_state(op, "before.h", before.h, L, H, false);
    check_state(op, "before.c", before.c, L, H, false);
    LstmStep step;
    step.layers.resize(L);
    for (int l = 0; l < L; ++l) {  // layer 0 reads x; layer l reads the h that layer l-1 just computed
        step.layers[l] = lstm_cell_forward(lstm.layers[l], l == 0 ? x : step.layers[l - 1].h,
                                           before.h.row(l).transpose(), before.c.row(l).transpose(), backend);
    }
    return step;
}

LstmStepInputGrad lstm_step_backward(const Lstm& lstm, const LstmStep& step, const Vec& dout,
                                     const LstmState& dafter, LstmGrad& grad, Backend backend) {
    const char* op = "lstm_step_backward";
    check_stack(op, lstm);
    const int L = lstm.num_layers(), H = lstm.hidden_size();
    if (static_cast<int>(step.layers.size()) != L || static_cast<int>(grad.layers.size()) != L)
        throw ShapeError(std::string(op) + ": the Lstm has " + std::to_string(L) + " layers but the step has " +
                         std::to_string(step.layers.size()) + " and the grad " + std::to_string(grad.layers.size()));
    check_shape(op, "dout", dout, "W_hh", lstm.layers.back().W_hh, dout.size() == 0 || dout.size() == H);
    check_state(op, "dafter.h", dafter.h, L, H, true);
    check_state(op, "dafter.c", dafter.c, L, H, true);

    LstmStepInputGrad out;
    out.dbefore.h.resize(L, H);
    out.dbefore.c.resize(L, H);
    // The gradient reaching layer l's h from above: dout for the top layer, then each layer's dx.
    Vec dfrom_above = dout.size() ? dout : Vec::Zero(H);
    for (int l = L - 1; l >= 0; --l) {
        // dh: from above plus what reached this layer's h after the step (dfrom_above holds it); dc: the
        // row of dafter.c as it lies
        if (dafter.h.size()) dfrom_above += dafter.h.row(l).transpose();
        const float* dc = dafter.c.size() ? &dafter.c(l, 0) : nullptr;
        LstmCellInputGrad g =
            cell_backward(lstm.layers[l], step.layers[l], dfrom_above.data(), dc, grad.layers[l], backend, grad.defer_weights);
        out.dbefore.h.row(l) = g.dh_prev.transpose();
        out.dbefore.c.row(l) = g.dc_prev.transpose();
        dfrom_above = std::move(g.dx);
    }
    out.dx = std::move(dfrom_above);
    return out;
}

// ---- a whole sequence --------------------------------------------------------------------------------

LstmRun lstm_forward(const Lstm& lstm, const Mat& x, const LstmState& init, LstmDirection direction,
                     Backend backend) {
    const char* op = "lstm_forward";
    check_stack(op, lstm);
    const int L = lstm.num_layers(), H = lstm.hidden_size();
    check_shape(op, "x", x, "layers[0].W_ih", lstm.layers[0].W_ih, x.cols() == lstm.input_size());
    check_state(op, "init.h", init.h, L, H, false);
    check_state(op, "init.c", init.c, L, H, false);
    check_finite(op, "x", x);
    check_finite(op, "init.h", init.h);
    check_finite(op, "init.c", init.c);

    const long T = x.rows();
    LstmRun run;
    run.direction = direction;
    run.x = x;
    run.init = init;
    run.h.resize(L);
    run.c.resize(L);
    run.gates.resize(L);
    for (int l = 0; l < L; ++l) {
        run.h[l].resize(T, H);
        run.c[l].resize(T, H);
        run.gates[l].resize(T, 4 * H);
    }
    // Layer 0's input part of step 1 for every time step at once: pre_x[T, 4H] = x W_ih^T + b_ih
    const LstmCell& first = lstm.layers[0];
    Mat pre_x(T, 4 * H);
    kernels::matmul_nt(backend, x.data(), first.W_ih.data(), first.b_ih.size() ? first.b_ih.data() : nullptr,
                       pre_x.data(), static_cast<int>(T), lstm.input_size(), 4 * H);
    // lstm_step_forward's loop (lstm_cell_forward's kernels), each layer reading its state from the row
    // of the step before (the initial state's row before the first step) and writing its own rows
    for (long s = 0, t_before = 0; s < T; ++s) {
        const long t = time_index(direction, s, T);
        for (int l = 0; l < L; ++l) {
            const LstmCell& cell = lstm.layers[l];
            const bool bias = cell.b_ih.size() != 0;
            const float* h_prev = s == 0 ? &init.h(l, 0) : &run.h[l](t_before, 0);
            const float* c_prev = s == 0 ? &init.c(l, 0) : &run.c[l](t_before, 0);
            float* gates = &run.gates[l](t, 0);
            // step 1 (into the gates' row, which step 2 then overwrites in place)
            if (l == 0)
                kernels::lstm_preactivations_h(backend, &pre_x(t, 0), cell.W_hh.data(), h_prev,
                                               bias ? cell.b_hh.data() : nullptr, gates, H);
            else
                kernels::lstm_preactivations(backend, cell.W_ih.data(), &run.h[l - 1](t, 0), bias ? cell.b_ih.data() : nullptr,
                                             cell.W_hh.data(), h_prev, bias ? cell.b_hh.data() : nullptr, gates, H, H);
            // steps 2-4
            kernels::lstm_gates(backend, gates, c_prev, gates, &run.h[l](t, 0), &run.c[l](t, 0), H);
        }
        t_before = t;
    }
    run.out = run.h[L - 1];
    if (T == 0) {
        run.final = init;
    } else {
        const long last = time_index(direction, T - 1, T);
        run.final.h.resize(L, H);
        run.final.c.resize(L, H);
        for (int l = 0; l < L; ++l) {
            run.final.h.row(l) = run.h[l].row(last);
            run.final.c.row(l) = run.c[l].row(last);
        }
    }
    return run;
}

LstmRun lstm_forward(const Lstm& lstm, const Mat& x, LstmDirection direction, Backend backend) {
    check_stack("lstm_forward", lstm);  // before lstm_zero_state, so that an error names this op
    return lstm_forward(lstm, x, lstm_zero_state(lstm), direction, backend);
}

LstmInputGrad lstm_backward(const Lstm& lstm, const LstmRun& run, const LstmRunGrad& drun, LstmGrad& grad,
                            Backend backend) {
    const char* op = "lstm_backward";
    check_stack(op, lstm);
    const int L = lstm.num_layers(), H = lstm.hidden_size();
    const long T = run.x.rows();
    // the run is one of this Lstm's: its input [T, In], and per layer [T, H], [T, H], [T, 4H]
    const auto check_run = [&](const std::string& name, const Mat& m, long cols) {
        if (m.rows() != T || m.cols() != cols)
            throw ShapeError(std::string(op) + ": shape mismatch: run." + name + " " + shape_str(m) + " vs [" +
                             std::to_string(T) + ", " + std::to_string(cols) + "]");
    };
    check_run("x", run.x, lstm.input_size());
    if (static_cast<int>(run.h.size()) != L || static_cast<int>(run.c.size()) != L || static_cast<int>(run.gates.size()) != L)
        throw ShapeError(std::string(op) + ": the Lstm has " + std::to_string(L) + " layers but the run has " +
                         std::to_string(run.h.size()));
    for (int l = 0; l < L; ++l) {
        const std::string layer = "[" + std::to_string(l) + "]";
        check_run("h" + layer, run.h[l], H);
        check_run("c" + layer, run.c[l], H);
        check_run("gates" + layer, run.gates[l], 4 * H);
    }
    check_state(op, "run.init.h", run.init.h, L, H, false);
    check_state(op, "run.init.c", run.init.c, L, H, false);
    check_sequence(op, "dout", drun.dout, T, H);
    for (const std::vector<Mat>* per_layer : {&drun.dh, &drun.dc}) {
        const char* name = per_layer == &drun.dh ? "dh" : "dc";
        if (!per_layer->empty() && static_cast<int>(per_layer->size()) != L)
            throw ShapeError(std::string(op) + ": " + name + " has " + std::to_string(per_layer->size()) +
                             " layers but the Lstm has " + std::to_string(L));
        for (size_t l = 0; l < per_layer->size(); ++l)
            check_sequence(op, std::string(name) + "[" + std::to_string(l) + "]", (*per_layer)[l], T, H);
    }
    check_state(op, "dfinal.h", drun.dfinal.h, L, H, true);
    check_state(op, "dfinal.c", drun.dfinal.c, L, H, true);
    if (static_cast<int>(grad.layers.size()) != L)
        throw ShapeError(std::string(op) + ": the Lstm has " + std::to_string(L) + " layers but the grad " +
                         std::to_string(grad.layers.size()));
    for (int l = 0; l < L; ++l) check_cell_grad(op, lstm.layers[l], grad.layers[l]);

    // dstate: the gradient w.r.t. the state after the step being handled, walking back in time; each
    // cell overwrites its layer's rows with the gradient w.r.t. the state before it.
    LstmState dstate;
    dstate.h = drun.dfinal.h.size() ? drun.dfinal.h : Mat::Zero(L, H);
    dstate.c = drun.dfinal.c.size() ? drun.dfinal.c : Mat::Zero(L, H);
    LstmInputGrad out;
    out.dx.resize(T, lstm.input_size());
    // Step 1's weight gradients for the whole sequence at once, after the walk: row t of dpre[l] is the
    // step that read x[t], and kernels::ger_rows adds dpre_t x_t^T for t = 0, 1, ... (dW += sum_t
    // dpre_t x_t^T) straight from the run's rows, reading and writing dW once instead of T times. With
    // grad.defer_weights the rows go to the layer's pending rows instead, in the same order.
    std::vector<Mat> own(grad.defer_weights ? 0 : L);
    std::vector<float*> dpre(L);  // row 0 of each layer's [T, 4H]
    for (int l = 0; l < L; ++l) {
        if (grad.defer_weights) {
            LstmCellGrad& gl = grad.layers[l];
            const long r0 = pending_rows(gl, T);
            dpre[l] = T ? &gl.pending.dpre(r0, 0) : nullptr;
        } else {
            own[l].resize(T, 4 * H);
            dpre[l] = own[l].data();
        }
    }
    // What reaches the h of the cell being handled (from the loss above the top layer, from the layer
    // above, from the next step), its dc_prev, and its dx when a layer above the first reads it.
    Vec dh(H), dc_prev(H), dx_below(H);
    for (long s = T - 1; s >= 0; --s) {
        const long t = time_index(run.direction, s, T);
        const long t_before = s > 0 ? time_index(run.direction, s - 1, T) : -1;  // -1: the initial state
        // what the loss read directly from this step's memories joins what flows back from later steps
        for (int l = 0; l < L; ++l) {
            if (!drun.dh.empty() && drun.dh[l].size()) dstate.h.row(l) += drun.dh[l].row(t);
            if (!drun.dc.empty() && drun.dc[l].size()) dstate.c.row(l) += drun.dc[l].row(t);
        }
        if (drun.dout.size()) dh = drun.dout.row(t).transpose();
        else dh.setZero();
        for (int l = L - 1; l >= 0; --l) {
            // the step's cache: rows of the run (lstm_forward wrote them)
            const CellRead k{l == 0 ? &run.x(t, 0) : &run.h[l - 1](t, 0),
                             t_before < 0 ? &run.init.h(l, 0) : &run.h[l](t_before, 0),
                             t_before < 0 ? &run.init.c(l, 0) : &run.c[l](t_before, 0), &run.gates[l](t, 0),
                             &run.c[l](t, 0)};
            dh += dstate.h.row(l).transpose();
            float* dx = l == 0 ? &out.dx(t, 0) : dx_below.data();  // layer l > 0 reads H values
            cell_backward(lstm.layers[l], k, dh.data(), &dstate.c(l, 0), grad.layers[l], backend, false,
                          dpre[l] + t * 4 * H, dx, &dstate.h(l, 0), dc_prev.data());
            dstate.c.row(l) = dc_prev.transpose();
            if (l > 0) dh = dx_below;
        }
    }
    for (int l = 0; T > 0 && l < L; ++l) {
        LstmCellGrad& gl = grad.layers[l];
        const int steps = static_cast<int>(T), In = lstm.layers[l].input_size();
        // each step's input: layer 0's x or the h of the layer below, row for row; each step's h_prev: the
        // h one row over (the step processed before), and the initial state's for the first step processed
        // (row 0 of a Forward run, row T-1 of a Reverse one)
        const float* input = l == 0 ? run.x.data() : run.h[l - 1].data();
        const bool fwd = run.direction == LstmDirection::Forward;
        const long first = fwd ? 0 : T - 1;
        if (grad.defer_weights) {
            LstmPendingRows& p = gl.pending;
            const long r0 = p.rows - T;  // this sequence's rows, reserved above
            p.x.middleRows(r0, T) = Eigen::Map<const Mat>(input, T, In);
            p.h_prev.row(r0 + first) = run.init.h.row(l);
            if (T > 1) p.h_prev.middleRows(r0 + (fwd ? 1 : 0), T - 1) = run.h[l].middleRows(fwd ? 0 : 1, T - 1);
            continue;
        }
        // the same sums, in the same order (t = 0, 1, ...), added now
        kernels::ger_rows(backend, dpre[l], input, gl.dW_ih.data(), 4 * H, steps, In);
        const float* init_row = &run.init.h(l, 0);
        if (fwd) kernels::ger(backend, dpre[l], init_row, gl.dW_hh.data(), 4 * H, H);
        if (T > 1)
            kernels::ger_rows(backend, dpre[l] + (fwd ? 1 : 0) * 4 * H, &run.h[l](fwd ? 0 : 1, 0), gl.dW_hh.data(), 4 * H,
                              steps - 1, H);
        if (!fwd) kernels::ger(backend, dpre[l] + first * 4 * H, init_row, gl.dW_hh.data(), 4 * H, H);
    }
    out.dinit = std::move(dstate);
    return out;
}

}  // namespace attn
