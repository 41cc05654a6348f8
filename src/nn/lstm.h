// lstm.h: the LSTM of the encoder-decoder models (PyTorch's nn.LSTM layout and gate order i, f, g, o):
// one cell, one step through a stack of layers, and a whole sequence (forward or reversed), each with
// its backward (backpropagation through time, into the inputs and the initial states).
// Not batched, no dropout, no projections; a bidirectional encoder is two runs (see LstmDirection).
// Test: tests/unit/test_nn_lstm.cpp (double-precision recomputation, finite differences, backends).
//
// Dimension legend
//   In  input width of layer 0 (an embedding width); layers above take H
//   H   hidden size: the width of h (short-term memory) and c (long-term memory)
//   L   number of stacked layers
//   T   time steps of a sequence
//
// One cell step (pass numbers as in the code):
//   step 1: pre[4H]  = W_ih x + b_ih + W_hh h_prev + b_hh        (rows in the order i, f, g, o)
//   step 2: i, f, o  = sigmoid(pre_i, pre_f, pre_o);  g = tanh(pre_g)
//   step 3: c        = f * c_prev + i * g                           (forget some, write some)
//   step 4: h        = o * tanh(c)                                  (what the step shows outside)
//
// Decoders run one step at a time and feed their own output back. The pattern:
//   forward:  state = init; for t: steps[t] = lstm_step_forward(lstm, x_t, state); state = steps[t].state_after();
//   backward: dstate = gradient w.r.t. the last state (or zero);
//             for t from last to first:
//                 g = lstm_step_backward(lstm, steps[t], dout_t, dstate, grad);
//                 dstate = g.dstate;   // flows into the step before (and, after t = 0, into init)
//                 if x_t was step t-1's output, add g.dx to that step's dout before handling it
//   lstm_forward / lstm_backward compute exactly this loop over a given input sequence (the same kernels
//   on the same values), keeping each layer's gates, h and c as rows of sequence matrices (LstmRun)
//   rather than as one cache per step.
#pragma once

#include "core/tensor.h"
#include "kernels/kernels.h"

#include <vector>

namespace attn {

class Rng;

// ---- one cell ------------------------------------------------------------------------------------

struct LstmCell {
    Mat W_ih;  // [4H, In]  PyTorch's weight_ih_l{k}: rows are the i, f, g, o blocks of H each
    Mat W_hh;  // [4H, H]   weight_hh_l{k}
    Vec b_ih;  // [4H]      bias_ih_l{k}; empty (with b_hh) for a cell without bias
    Vec b_hh;  // [4H]      bias_hh_l{k}
    int input_size() const { return static_cast<int>(W_ih.cols()); }
    int hidden_size() const { return static_cast<int>(W_hh.cols()); }
    long parameter_count() const { return W_ih.size() + W_hh.size() + b_ih.size() + b_hh.size(); }
};

// Step 1's weight gradients held back (LstmGrad::defer_weights): one row per cell step of dpre (w.r.t. the
// pre-activations), the step's input and its h_prev, for dW_ih += dpre^T x and dW_hh += dpre^T h_prev.
struct LstmPendingRows {
    Mat dpre;      // [capacity, 4H]
    Mat x;         // [capacity, In]
    Mat h_prev;    // [capacity, H]
    long rows = 0;  // the rows in use, from the first
};

struct LstmCellGrad {
    Mat dW_ih;  // [4H, In]
    Mat dW_hh;  // [4H, H]
    Vec db_ih;  // [4H] (empty when the cell has no bias)
    Vec db_hh;  // [4H]
    LstmPendingRows pending;  // with LstmGrad::defer_weights: what dW_ih and dW_hh have yet to add
    void zero_like(const LstmCell& cell);  // resize to cell's shapes and fill with 0 (nothing pending)
};

// What one cell step read and computed: everything its backward needs, and what the page shows.
struct LstmCellCache {
    Vec x;       // [In]  the input
    Vec h_prev;  // [H]   short-term memory before the step
    Vec c_prev;  // [H]   long-term memory before the step
    Vec gates;   // [4H]  i, f, g, o after their nonlinearities (step 2)
    Vec c;       // [H]   long-term memory after the step (step 3)
    Vec h;       // [H]   short-term memory after the step, the cell's output (step 4)
};

// Gradients w.r.t. the three inputs of one cell step.
struct LstmCellInputGrad {
    Vec dx;       // [In]
    Vec dh_prev;  // [H]
    Vec dc_prev;  // [H]
};

// Weights and biases drawn uniform in [-1/sqrt(H), 1/sqrt(H)], as PyTorch initializes nn.LSTM.
LstmCell lstm_cell_init(Rng& rng, int input_size, int hidden_size, bool bias = true);

// x[In], h_prev[H], c_prev[H] -> the step's cache (h and c inside). Throws ShapeError on a shape
// mismatch and NonFiniteError when x, h_prev or c_prev holds a NaN or Inf.
LstmCellCache lstm_cell_forward(const LstmCell& cell, const Vec& x, const Vec& h_prev, const Vec& c_prev,
                                Backend backend = Backend::Scalar);
// Given dh[H] and dc[H], the gradients w.r.t. the step's h and c (an empty Vec counts as zero):
// accumulates into grad and returns the gradients w.r.t. x, h_prev and c_prev.
LstmCellInputGrad lstm_cell_backward(const LstmCell& cell, const LstmCellCache& cache, const Vec& dh, const Vec& dc,
                                     LstmCellGrad& grad, Backend backend = Backend::Scalar);

// ---- a stack of layers -----------------------------------------------------------------------------

struct Lstm {
    std::vector<LstmCell> layers;  // [L], bottom first: layer 0 reads the input, layer l > 0 reads layer l-1's h
    int num_layers() const { return static_cast<int>(layers.size()); }
    int input_size() const { return layers.front().input_size(); }
    int hidden_size() const { return layers.front().hidden_size(); }
    long parameter_count() const;
};

struct LstmGrad {
    std::vector<LstmCellGrad> layers;  // [L]
    // The backward passes keep step 1's weight-gradient rows (LstmCellGrad::pending) instead of adding
    // them into dW_ih and dW_hh; lstm_grad_flush adds them all at once. A trainer that sums a batch of
    // examples sets it: dW is then read and written once per batch, not once per sequence, and the sums
    // are the same to the bit (the rows are added in the order they came, as without it).
    bool defer_weights = false;
    void zero_like(const Lstm& lstm);
};

// Adds every pending row into dW_ih and dW_hh (kernels::ger_rows), leaving none; discard: drops them
// (a batch that failed).
void lstm_grad_flush(LstmGrad& grad, Backend backend, bool discard = false);

// The memories of every layer at one moment (PyTorch's (h_n, c_n) without the batch dimension).
struct LstmState {
    Mat h;  // [L, H]  short-term memory (hidden state), row l is layer l
    Mat c;  // [L, H]  long-term memory (cell state)
};

Lstm lstm_init(Rng& rng, int input_size, int hidden_size, int num_layers, bool bias = true);
LstmState lstm_zero_state(const Lstm& lstm);  // h = c = 0, PyTorch's default initial state

// ---- one time step through every layer (decoders) --------------------------------------------------

struct LstmStep {
    std::vector<LstmCellCache> layers;  // [L], bottom first
    const Vec& out() const { return layers.back().h; }  // [H] the top layer's h
    LstmState state_before() const;                      // [L, H] each
    LstmState state_after() const;                       // [L, H] each
};

// Gradients w.r.t. the inputs of one step.
struct LstmStepInputGrad {
    Vec dx;             // [In]
    LstmState dbefore;  // [L, H] each: w.r.t. the state the step started from
};

// x[In] and the state before the step ([L, H] each) -> the step's caches.
LstmStep lstm_step_forward(const Lstm& lstm, const Vec& x, const LstmState& before,
                           Backend backend = Backend::Scalar);
// Given dout[H] (w.r.t. the top layer's h; empty counts as zero) and dafter ([L, H] each, w.r.t. the
// state after the step, including the top layer's h again; empty Mats count as zero): accumulates into
// grad and returns the gradients w.r.t. x and the state before.
LstmStepInputGrad lstm_step_backward(const Lstm& lstm, const LstmStep& step, const Vec& dout,
                                     const LstmState& dafter, LstmGrad& grad, Backend backend = Backend::Scalar);

// ---- a whole sequence --------------------------------------------------------------------------------

// Reverse reads x[T-1] first and x[0] last; its outputs are still stored at the row of the input they
// read, so row t of a Forward run and row t of a Reverse run (with its own weights) sit side by side:
// a bidirectional encoder concatenates them ([T, 2H]), as PyTorch's bidirectional=True does.
enum class LstmDirection { Forward, Reverse };

// Everything lstm_forward computed: what models read, and the backward's cache. Row t of every
// sequence matrix is the step that read x[t] (for Reverse, the first step processed is row T-1).
struct LstmRun {
    LstmDirection direction = LstmDirection::Forward;
    Mat out;               // [T, H] the top layer's h (h[L-1])
    std::vector<Mat> h;    // [L] x [T, H] every layer's short-term memory after each step
    std::vector<Mat> c;    // [L] x [T, H] every layer's long-term memory after each step
    std::vector<Mat> gates;  // [L] x [T, 4H] each step's i, f, g, o after their nonlinearities (step 2)
    Mat x;                 // [T, In] the input sequence, as read
    LstmState init;        // [L, H] each: the state before the first step processed
    LstmState final;       // [L, H] each: the state after the last step processed (x[T-1], or x[0] if Reverse)
};

// The gradient of the loss w.r.t. what an LstmRun exposes. Any member left empty counts as zero, so a
// caller fills only what its loss reads. Gradients given for the same value twice (out and h[L-1], or
// final and the last row of h/c) add up.
struct LstmRunGrad {
    Mat dout;              // [T, H] w.r.t. run.out
    std::vector<Mat> dh;   // [L] x [T, H] w.r.t. run.h (for models that read lower layers too)
    std::vector<Mat> dc;   // [L] x [T, H] w.r.t. run.c (attention over long-term memories)
    LstmState dfinal;      // [L, H] each, w.r.t. run.final (a decoder that started from it)
};

// Gradients w.r.t. the inputs of a run.
struct LstmInputGrad {
    Mat dx;              // [T, In]
    LstmState dinit;     // [L, H] each: w.r.t. the initial state (flows on into an encoder's final state)
};

// x[T, In], from the given initial state ([L, H] each) -> the run. Throws NonFiniteError when x or the
// initial state holds a NaN or Inf, ShapeError on a shape mismatch.
LstmRun lstm_forward(const Lstm& lstm, const Mat& x, const LstmState& init,
                     LstmDirection direction = LstmDirection::Forward, Backend backend = Backend::Scalar);
// The same from the zero state.
LstmRun lstm_forward(const Lstm& lstm, const Mat& x, LstmDirection direction = LstmDirection::Forward,
                     Backend backend = Backend::Scalar);
// Backpropagation through time: accumulates into grad and returns dx and dinit.
LstmInputGrad lstm_backward(const Lstm& lstm, const LstmRun& run, const LstmRunGrad& drun, LstmGrad& grad,
                            Backend backend = Backend::Scalar);

}  // namespace attn
