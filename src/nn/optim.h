// optim.h: Adam (Kingma & Ba 2015, with bias correction; optional weight decay in AdamW's decoupled
// form) over a list of (parameter, gradient) pairs, and global-norm gradient clipping. Deterministic:
// plain loops in a fixed order. Not a scheduler, not SGD or momentum variants.
// Test: tests/unit/test_nn_optim.cpp (hand-computed steps, exact clipping, a convex problem).
//
// Dimension legend
//   P   number of values of one parameter (a Mat or Vec flattened in storage order)
//
// One step, for every parameter value p with gradient g (t = 1, 2, ... counts steps):
//   step 0: g *= grad_scale; if max_grad_norm > 0 and ||all g||_2 > max_grad_norm:
//           g *= max_grad_norm / ||all g||_2   (both as steps 1-3 read g, which is then set to 0)
//   step 1: p -= lr * weight_decay * p                                    (decoupled weight decay)
//   step 2: m  = beta1 m + (1 - beta1) g;   v = beta2 v + (1 - beta2) g^2  (moment estimates)
//   step 3: p -= lr * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps)
#pragma once

#include "core/tensor.h"
#include "kernels/kernels.h"

#include <string>
#include <vector>

namespace attn {

// A parameter and its gradient, by address: the Mats and Vecs stay owned by the model and its *Grad
// structs, which must outlive the list (and must not be resized while it is in use).
struct ParamGrad {
    std::string name;  // for error messages: "encoder.layers[0].W_ih"
    float* param = nullptr;
    float* grad = nullptr;
    long size = 0;     // P
};
using ParamList = std::vector<ParamGrad>;

// Pair a parameter with its gradient; throws ShapeError (naming the parameter) when shapes differ.
ParamGrad param_grad(const std::string& name, Mat& param, Mat& grad);
ParamGrad param_grad(const std::string& name, Vec& param, Vec& grad);

void zero_grads(const ParamList& params);
// sqrt of the sum of squares of every gradient value (kernels::sum_squares: in double on the Scalar
// backend; float lanes summed in double on the Simd one).
double grad_global_norm(const ParamList& params, Backend backend = Backend::Scalar);
// If the global norm exceeds max_norm, scales every gradient by max_norm / norm so the global norm
// becomes max_norm (to float rounding); otherwise leaves them untouched. Returns the norm before.
// Throws NonFiniteError when a gradient holds a NaN or Inf (a norm of NaN cannot be clipped).
double clip_grad_norm(const ParamList& params, float max_norm, Backend backend = Backend::Scalar);

struct AdamConfig {
    float lr = 1e-3f;
    float beta1 = 0.9f;
    float beta2 = 0.999f;
    float eps = 1e-8f;
    float weight_decay = 0.0f;   // decoupled (AdamW); 0 is plain Adam
    float max_grad_norm = 0.0f;  // global-norm clipping before the step; 0 turns it off
    Backend backend = Backend::Scalar;  // the kernels of steps 0-3 (sum_squares, scale, adam_update)
};

// The moments of every parameter value, created at the first step; a list must keep the same
// parameters in the same order from step to step.
struct AdamState {
    long step = 0;          // t of the last completed step
    std::vector<Vec> m, v;  // [#params] x [P]
};

// One update of every parameter in the list, reading each gradient times grad_scale (a trainer's
// 1 / batch: summed gradients made their mean) and, when clipping, times the clipping factor too. Each
// gradient is consumed: left at zero, ready for the next step's sums. Checks every gradient for NaN/Inf
// before changing anything (the norm's pass finds them; then nothing is zeroed either). Returns the global norm of the scaled
// gradients before clipping, for logs. Every step runs on config.backend's kernels: adam_update gives
// the same values on either backend, the norm's sum differs by float rounding (kernels.h).
double adam_step(const AdamConfig& config, AdamState& state, const ParamList& params, float grad_scale = 1.0f);

}  // namespace attn
