// feedforward.cpp: see feedforward.h.
#include "nn/feedforward.h"

#include "core/check.h"
#include "core/rng.h"

namespace attn {

void FeedForwardGrad::zero_like(const FeedForward& f) {
    up.zero_like(f.up);
    down.zero_like(f.down);
}

FeedForward feedforward_init(Rng& rng, int d_model, int hidden) {
    FeedForward f;
    f.up = linear_init(rng, d_model, hidden);
    f.down = linear_init(rng, hidden, d_model);
    return f;
}

static void check_feedforward(const char* op, const FeedForward& f, const Mat& x) {
    check_shape(op, "down.W", f.down.W, "up.W", f.up.W,
                f.down.W.cols() == f.up.W.rows() && f.down.W.rows() == f.up.W.cols());
    check_shape(op, "x", x, "up.W", f.up.W, x.cols() == f.up.W.cols());
}

Mat feedforward_forward(const FeedForward& f, const Mat& x, FeedForwardCache* cache, Backend backend) {
    check_feedforward("feedforward_forward", f, x);
    // step 1: up-projection to the hidden width
    Mat h = linear_forward(f.up, x, backend);
    // step 2: ReLU
    h = h.cwiseMax(0.0f);
    // step 3: down-projection back to the model width
    Mat y = linear_forward(f.down, h, backend);
    if (cache) cache->hidden = std::move(h);
    return y;
}

Mat feedforward_backward(const FeedForward& f, const Mat& x, const FeedForwardCache& cache, const Mat& dy,
                         FeedForwardGrad& grad, Backend backend) {
    const char* op = "feedforward_backward";
    check_feedforward(op, f, x);
    check_shape(op, "cache.hidden", cache.hidden, "x", x,
                cache.hidden.rows() == x.rows() && cache.hidden.cols() == f.hidden());
    check_shape(op, "dy", dy, "x", x, dy.rows() == x.rows() && dy.cols() == x.cols());
    // step 3 backward
    Mat dh = linear_backward(f.down, cache.hidden, dy, grad.down, backend);
    // step 2 backward: the ReLU passes the gradient where it was on (hidden > 0)
    dh = (cache.hidden.array() > 0.0f).select(dh, 0.0f);
    // step 1 backward
    return linear_backward(f.up, x, dh, grad.up, backend);
}

}  // namespace attn
