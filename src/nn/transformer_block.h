// transformer_block.h: the encoder and decoder layers of a pre-LN transformer (layer norm before each
// sub-block, the residual stream untouched between them; Xiong et al. 2020 show it trains without a
// warm-up, which our linear-decay schedule lacks). Forward and backward, traced head by head.
// Not the embeddings, positions, final norms or the output layer (models/transformer.h).
// Test: tests/unit/test_nn_transformer_block.cpp (finite differences through every parameter and
// input, causal independence from the future, head masks).
//
// Dimension legend
//   S   source length (encoder positions; the keys and values of cross-attention)
//   T   target length (decoder positions)
//   d   model width; h heads of width dh = d / h;  F  feed-forward width
//
// Encoder layer, x[S, d] -> x''[S, d]:
//   A. self-attention    a = LN_self(x);   x'  = x  + MHA_self(a)               (every position sees all)
//   C. feed-forward      f = LN_ff(x');    x'' = x' + FF(f)
// Decoder layer, y[T, d] and encoder memory m[S, d] -> y'''[T, d]:
//   A. masked self-att.  a = LN_self(y);   y'   = y   + MHA_self(a), causal mask  (no peeking ahead)
//   B. cross-attention   b = LN_cross(y'); y''  = y'  + MHA_cross(b over m)      (queries from the
//                                                                                 decoder, keys and
//                                                                                 values from m)
//   C. feed-forward      f = LN_ff(y'');   y''' = y'' + FF(f)
// Inside each MHA the numbered stages of nn/attention.h run per head (1 query and keys ... 6 context).
#pragma once

#include "core/tensor.h"
#include "nn/attention.h"
#include "nn/attention_multihead.h"
#include "nn/feedforward.h"
#include "nn/layernorm.h"
#include "trace/trace.h"

namespace attn {

class Rng;

struct EncoderLayer {
    LayerNorm self_norm;
    MultiHeadAttention self;
    LayerNorm ff_norm;
    FeedForward ff;
    long parameter_count() const {
        return self_norm.parameter_count() + self.parameter_count() + ff_norm.parameter_count() +
               ff.parameter_count();
    }
};
struct EncoderLayerGrad {
    LayerNormGrad self_norm;
    MultiHeadGrad self;
    LayerNormGrad ff_norm;
    FeedForwardGrad ff;
    void zero_like(const EncoderLayer& p);
};
struct EncoderLayerCache {
    Mat x, a, x1, f;  // the layer's input, the normed inputs of A and C, the residual stream after A
    MultiHeadCache self;
    FeedForwardCache ff;
};

struct DecoderLayer {
    LayerNorm self_norm;
    MultiHeadAttention self;
    LayerNorm cross_norm;
    MultiHeadAttention cross;
    LayerNorm ff_norm;
    FeedForward ff;
    long parameter_count() const {
        return self_norm.parameter_count() + self.parameter_count() + cross_norm.parameter_count() +
               cross.parameter_count() + ff_norm.parameter_count() + ff.parameter_count();
    }
};
struct DecoderLayerGrad {
    LayerNormGrad self_norm;
    MultiHeadGrad self;
    LayerNormGrad cross_norm;
    MultiHeadGrad cross;
    LayerNormGrad ff_norm;
    FeedForwardGrad ff;
    void zero_like(const DecoderLayer& p);
};
struct DecoderLayerCache {
    Mat y, a, y1, b, y2, f;  // inputs of the residual stream and of each sub-block, as in the legend
    MultiHeadCache self, cross;
    FeedForwardCache ff;
};

// Layer norms start at gamma = 1, beta = 0; attention and feed-forward Linears as linear_init.
EncoderLayer encoder_layer_init(Rng& rng, int d_model, int heads, int ff_hidden);
DecoderLayer decoder_layer_init(Rng& rng, int d_model, int heads, int ff_hidden);

// x[S, d] -> [S, d]. o: the attention options of the self-attention (its head_mask switches heads
// off); the feed-forward runs on o.backend too. trace: one call per head, form "self" (or "causal_self" if o masks), labelled `layer`.
Mat encoder_layer_forward(const EncoderLayer& p, const AttentionOptions& o, const Mat& x,
                          EncoderLayerCache* cache = nullptr, Trace* trace = nullptr, int layer = 0);
// dout[S, d] -> dx[S, d]; accumulates into grad. o as in the forward.
Mat encoder_layer_backward(const EncoderLayer& p, const AttentionOptions& o, const EncoderLayerCache& cache,
                           const Mat& dout, EncoderLayerGrad& grad);

// y[T, d], memory[S, d] -> [T, d]. self_o should carry MaskKind::Causal (the decoder of a translator
// must not see the words it has yet to write); cross_o is usually unmasked. The feed-forward runs on
// self_o.backend. trace: the self-attention
// heads ("causal_self"), then the cross-attention heads ("cross"), all labelled `layer`.
Mat decoder_layer_forward(const DecoderLayer& p, const AttentionOptions& self_o, const AttentionOptions& cross_o,
                          const Mat& y, const Mat& memory, DecoderLayerCache* cache = nullptr,
                          Trace* trace = nullptr, int layer = 0);
struct DecoderLayerInputGrad {
    Mat dy;       // [T, d]
    Mat dmemory;  // [S, d]
};
DecoderLayerInputGrad decoder_layer_backward(const DecoderLayer& p, const AttentionOptions& self_o,
                                             const AttentionOptions& cross_o, const Mat& memory,
                                             const DecoderLayerCache& cache, const Mat& dout,
                                             DecoderLayerGrad& grad);

}  // namespace attn
