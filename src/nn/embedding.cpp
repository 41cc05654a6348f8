// embedding.cpp: see embedding.h.
#include "nn/embedding.h"

#include "core/check.h"
#include "core/rng.h"

#include <stdexcept>
#include <string>

namespace attn {

namespace {

void check_ids(const char* op, const std::vector<int>& ids, int V) {
    for (size_t t = 0; t < ids.size(); ++t) {
        if (ids[t] < 0 || ids[t] >= V)
            throw std::out_of_range(std::string(op) + ": token id " + std::to_string(ids[t]) + " at position " +
                                    std::to_string(t) + " is out of range for vocabulary size V = " + std::to_string(V) +
                                    " (valid ids are 0 to V - 1)");
    }
}

}  // namespace

void EmbeddingGrad::zero_like(const Embedding& e) { dtable = Mat::Zero(e.table.rows(), e.table.cols()); }

Embedding embedding_init(Rng& rng, int vocab_size, int dim) {
    Embedding e;
    e.table = rng.normal_mat(vocab_size, dim);
    return e;
}

Mat embedding_forward(const Embedding& e, const std::vector<int>& ids) {
    check_ids("embedding_forward", ids, e.vocab_size());
    const int T = static_cast<int>(ids.size());
    Mat out(T, e.dim());
    for (int t = 0; t < T; ++t) out.row(t) = e.table.row(ids[t]);
    return out;
}

void embedding_backward(const Embedding& e, const std::vector<int>& ids, const Mat& dout, EmbeddingGrad& grad) {
    check_ids("embedding_backward", ids, e.vocab_size());
    check_shape("embedding_backward", "dout", dout, "table", e.table,
                dout.rows() == static_cast<long>(ids.size()) && dout.cols() == e.table.cols());
    check_shape("embedding_backward", "dtable", grad.dtable, "table", e.table,
                grad.dtable.rows() == e.table.rows() && grad.dtable.cols() == e.table.cols());
    for (size_t t = 0; t < ids.size(); ++t) grad.dtable.row(ids[t]) += dout.row(static_cast<long>(t));
}

}  // namespace attn
