// positional.h: the sinusoidal positional encoding of "Attention is all you need" (Vaswani et al.
// 2017, section 3.5), a fixed [T, D] table that a transformer adds to its token embeddings.
// Not learned (no parameters, so no backward: the gradient of x + PE w.r.t. x is the identity),
// not rotary or relative encodings. Test: tests/unit/test_nn_positional.cpp (hand values, the
// formula in double, the dot product depending only on the distance between positions).
//
// Dimension legend
//   T   positions 0 .. T-1
//   D   model width; column pairs (2i, 2i+1) share one frequency
//
//   PE[pos, 2i]   = sin(pos / base^(2i / D))
//   PE[pos, 2i+1] = cos(pos / base^(2i / D))       (base = 10000; for odd D the last column is a sin)
#pragma once

#include "core/tensor.h"

namespace attn {

constexpr double kPositionalBase = 10000.0;

// [T, D], computed in double and rounded once to float, so large positions stay exact to float
// precision. Throws std::invalid_argument when T or D is negative.
Mat sinusoidal_positional_encoding(int T, int D, double base = kPositionalBase);

}  // namespace attn
