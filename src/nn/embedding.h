// embedding.h: a lookup table from token ids to vectors (PyTorch's nn.Embedding), forward and backward.
// Not a tokenizer (core/tokenizer) and not positional information (nn/positional.h).
// Test: tests/unit/test_nn_embedding.cpp (lookup, scatter-add by finite differences, bad ids).
//
// Dimension legend
//   V   vocabulary size (rows of the table)
//   D   embedding width
//   T   number of token ids looked up (time steps)
#pragma once

#include "core/tensor.h"

#include <vector>

namespace attn {

class Rng;

struct Embedding {
    Mat table;  // [V, D]: row v is the vector of token v
    int vocab_size() const { return static_cast<int>(table.rows()); }
    int dim() const { return static_cast<int>(table.cols()); }
    long parameter_count() const { return table.size(); }
};

struct EmbeddingGrad {
    Mat dtable;  // [V, D]
    void zero_like(const Embedding& e);  // resize to e's shape and fill with 0
};

// Entries drawn from N(0, 1), as PyTorch initializes nn.Embedding.
Embedding embedding_init(Rng& rng, int vocab_size, int dim);

// ids[T] -> out[T, D], out[t] = table[ids[t]]. An id outside [0, V) throws std::out_of_range naming
// the id, its position and V.
Mat embedding_forward(const Embedding& e, const std::vector<int>& ids);
// Given ids[T] and dout[T, D]: scatter-adds dtable[ids[t]] += dout[t] (a repeated id collects the
// gradient of every position that used it). Token ids have no gradient, so nothing is returned.
void embedding_backward(const Embedding& e, const std::vector<int>& ids, const Mat& dout, EmbeddingGrad& grad);

}  // namespace attn
