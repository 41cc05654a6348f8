// check.h: the engine's errors. A shape mismatch names the operation and both shapes; a NaN or Inf
// is stopped where it would otherwise spread silently. Not for control flow inside kernels.
// Test: tests/unit/test_core.cpp.
#pragma once

#include "core/tensor.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace attn {

struct ShapeError : std::invalid_argument {
    using std::invalid_argument::invalid_argument;
};
struct NonFiniteError : std::domain_error {
    using std::domain_error::domain_error;
};

// check_shape("attention_forward_dot", "query", q, "keys", k, q.size() == k.cols())
template <class A, class B>
void check_shape(const char* op, const char* name_a, const A& a, const char* name_b, const B& b, bool ok) {
    if (!ok)
        throw ShapeError(std::string(op) + ": shape mismatch: " + name_a + " " + shape_str(a) + " vs " +
                         name_b + " " + shape_str(b));
}

// Throws NonFiniteError naming the op, the tensor and the first bad index.
void check_finite(const char* op, const char* name, const float* x, long n);
inline void check_finite(const char* op, const char* name, const Mat& m) {
    check_finite(op, name, m.data(), m.size());
}
inline void check_finite(const char* op, const char* name, const Vec& v) {
    check_finite(op, name, v.data(), v.size());
}

}  // namespace attn
