// tensor.h: the engine's tensor types (Eigen, row-major so .data() is [rows, cols]) and shape text.
// Not a tensor library: models hold Mat/Vec and hand raw row-major pointers to kernels/.
// Test: tests/unit/test_core.cpp.
#pragma once

#include <Eigen/Core>

#include <string>

namespace attn {

// Row-major so that a [T, D] sequence is T contiguous rows of D floats, the layout every kernel takes.
using Mat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Vec = Eigen::VectorXf;  // a column; .data() is contiguous
using MatD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

inline std::string shape_str(const Mat& m) {
    return "[" + std::to_string(m.rows()) + ", " + std::to_string(m.cols()) + "]";
}
inline std::string shape_str(const Vec& v) { return "[" + std::to_string(v.size()) + "]"; }

}  // namespace attn
