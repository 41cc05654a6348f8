// optim.cpp: see optim.h. Updates are computed in float per value, as PyTorch does; the bias
// corrections and the global norm in double.
#include "nn/optim.h"

#include "core/check.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace attn {

ParamGrad param_grad(const std::string& name, Mat& param, Mat& grad) {
    check_shape("param_grad", (name + " grad").c_str(), grad, name.c_str(), param,
                grad.rows() == param.rows() && grad.cols() == param.cols());
    return ParamGrad{name, param.data(), grad.data(), param.size()};
}

ParamGrad param_grad(const std::string& name, Vec& param, Vec& grad) {
    check_shape("param_grad", (name + " grad").c_str(), grad, name.c_str(), param, grad.size() == param.size());
    return ParamGrad{name, param.data(), grad.data(), param.size()};
}

void zero_grads(const ParamList& params) {
    for (const ParamGrad& p : params) std::fill(p.grad, p.grad + p.size, 0.0f);
}

static void check_grads_finite(const char* op, const ParamList& params) {
    for (const ParamGrad& p : params) check_finite(op, (p.name + " grad").c_str(), p.grad, p.size);
}

static double sum_of_squares(const ParamList& params, Backend backend) {
    double sq = 0.0;
    for (const ParamGrad& p : params) sq += kernels::sum_squares(backend, p.grad, p.size);
    return sq;
}

// The global norm, and the one pass that finds a NaN or Inf: a non-finite gradient makes the sum
// non-finite. Only then are the gradients read again, to name the first (check_finite throws); if they
// are all finite, a float square overflowed in the Simd sum, and the reference sums them in double.
static double checked_norm(const char* op, const ParamList& params, Backend backend) {
    double sq = sum_of_squares(params, backend);
    if (!std::isfinite(sq)) {
        check_grads_finite(op, params);
        sq = sum_of_squares(params, Backend::Scalar);
    }
    return std::sqrt(sq);
}

double grad_global_norm(const ParamList& params, Backend backend) {
    return std::sqrt(sum_of_squares(params, backend));
}

double clip_grad_norm(const ParamList& params, float max_norm, Backend backend) {
    const double norm = checked_norm("clip_grad_norm", params, backend);
    if (norm > max_norm) {
        const float s = static_cast<float>(double(max_norm) / norm);
        for (const ParamGrad& p : params) kernels::scale(backend, p.grad, p.size, s);
    }
    return norm;
}

double adam_step(const AdamConfig& config, AdamState& state, const ParamList& params, float grad_scale) {
    const char* op = "adam_step";
    if (state.step == 0) {
        state.m.clear();
        state.v.clear();
        for (const ParamGrad& p : params) {
            state.m.push_back(Vec::Zero(p.size));
            state.v.push_back(Vec::Zero(p.size));
        }
    }
    if (state.m.size() != params.size())
        throw ShapeError(std::string(op) + ": the list has " + std::to_string(params.size()) +
                         " parameters but the optimizer state was made for " + std::to_string(state.m.size()));
    for (size_t k = 0; k < params.size(); ++k) {
        if (state.m[k].size() != params[k].size)
            throw ShapeError(std::string(op) + ": shape mismatch: parameter " + params[k].name + " [" +
                             std::to_string(params[k].size) + "] vs its moments " + shape_str(state.m[k]));
    }
    // step 0: the norm of the gradients times grad_scale (its pass also refuses a NaN or Inf before
    // anything changes), and the factor that clips it, both applied as steps 1-3 read each gradient
    const double norm = checked_norm(op, params, config.backend) * std::abs(double(grad_scale));
    const bool clip = config.max_grad_norm > 0.0f && norm > config.max_grad_norm;
    const float scale = clip ? grad_scale * static_cast<float>(double(config.max_grad_norm) / norm) : grad_scale;
    const long t = ++state.step;
    const double bias1 = 1.0 - std::pow(double(config.beta1), double(t));
    const double bias2 = 1.0 - std::pow(double(config.beta2), double(t));
    kernels::AdamUpdate u;
    u.lr = config.lr;
    u.weight_decay = config.weight_decay;
    u.beta1 = config.beta1;
    u.beta2 = config.beta2;
    u.eps = config.eps;
    u.step_size = static_cast<float>(config.lr / bias1);
    u.inv_sqrt_bias2 = static_cast<float>(1.0 / std::sqrt(bias2));
    u.grad_scale = scale;
    // steps 1-3, value by value (kernels_ref.cpp's adam_update has them written out); each gradient left at 0
    for (size_t k = 0; k < params.size(); ++k) {
        const ParamGrad& p = params[k];
        kernels::adam_update(config.backend, u, p.param, p.grad, state.m[k].data(), state.v[k].data(), p.size);
    }
    return norm;
}

}  // namespace attn
