// transformer_block.cpp: see transformer_block.h. Each backward walks its forward's sub-blocks in
// reverse: the residual connection hands the gradient on unchanged and adds what flows back through
// the sub-block and its layer norm.
#include "nn/transformer_block.h"

#include "core/rng.h"

namespace attn {

void EncoderLayerGrad::zero_like(const EncoderLayer& p) {
    self_norm.zero_like(p.self_norm);
    self.zero_like(p.self);
    ff_norm.zero_like(p.ff_norm);
    ff.zero_like(p.ff);
}

void DecoderLayerGrad::zero_like(const DecoderLayer& p) {
    self_norm.zero_like(p.self_norm);
    self.zero_like(p.self);
    cross_norm.zero_like(p.cross_norm);
    cross.zero_like(p.cross);
    ff_norm.zero_like(p.ff_norm);
    ff.zero_like(p.ff);
}

EncoderLayer encoder_layer_init(Rng& rng, int d_model, int heads, int ff_hidden) {
    EncoderLayer p;
    p.self_norm = layernorm_init(d_model);
    p.self = multihead_init(rng, d_model, heads);
    p.ff_norm = layernorm_init(d_model);
    p.ff = feedforward_init(rng, d_model, ff_hidden);
    return p;
}

DecoderLayer decoder_layer_init(Rng& rng, int d_model, int heads, int ff_hidden) {
    DecoderLayer p;
    p.self_norm = layernorm_init(d_model);
    p.self = multihead_init(rng, d_model, heads);
    p.cross_norm = layernorm_init(d_model);
    p.cross = multihead_init(rng, d_model, heads);
    p.ff_norm = layernorm_init(d_model);
    p.ff = feedforward_init(rng, d_model, ff_hidden);
    return p;
}

Mat encoder_layer_forward(const EncoderLayer& p, const AttentionOptions& o, const Mat& x, EncoderLayerCache* cache,
                          Trace* trace, int layer) {
    EncoderLayerCache local;
    EncoderLayerCache& c = cache ? *cache : local;
    // A. self-attention over the normed sequence, added to the residual stream
    c.a = layernorm_forward(p.self_norm, x);
    c.x1 = x + multihead_self_attention_forward(p.self, o, c.a, cache ? &c.self : nullptr, trace, layer);
    // C. feed-forward, row by row
    c.f = layernorm_forward(p.ff_norm, c.x1);
    Mat out = c.x1 + feedforward_forward(p.ff, c.f, cache ? &c.ff : nullptr, o.backend);
    if (cache) c.x = x;
    return out;
}

Mat encoder_layer_backward(const EncoderLayer& p, const AttentionOptions& o, const EncoderLayerCache& c,
                           const Mat& dout, EncoderLayerGrad& grad) {
    // C backward: dx1 = dout (residual) + the path through FF and LN_ff
    const Mat df = feedforward_backward(p.ff, c.f, c.ff, dout, grad.ff, o.backend);
    const Mat dx1 = dout + layernorm_backward(p.ff_norm, c.x1, df, grad.ff_norm);
    // A backward: dx = dx1 (residual) + the path through MHA and LN_self
    const Mat da = multihead_self_attention_backward(p.self, o, c.a, c.self, dx1, grad.self);
    return dx1 + layernorm_backward(p.self_norm, c.x, da, grad.self_norm);
}

Mat decoder_layer_forward(const DecoderLayer& p, const AttentionOptions& self_o, const AttentionOptions& cross_o,
                          const Mat& y, const Mat& memory, DecoderLayerCache* cache, Trace* trace, int layer) {
    DecoderLayerCache local;
    DecoderLayerCache& c = cache ? *cache : local;
    // A. masked self-attention: position t reads positions 0..t of the decoder's own sequence
    c.a = layernorm_forward(p.self_norm, y);
    c.y1 = y + multihead_self_attention_forward(p.self, self_o, c.a, cache ? &c.self : nullptr, trace, layer);
    // B. cross-attention: the decoder's queries over the encoder's keys and values
    c.b = layernorm_forward(p.cross_norm, c.y1);
    c.y2 = c.y1 + multihead_cross_attention_forward(p.cross, cross_o, c.b, memory, cache ? &c.cross : nullptr, trace,
                                                    layer);
    // C. feed-forward, row by row
    c.f = layernorm_forward(p.ff_norm, c.y2);
    Mat out = c.y2 + feedforward_forward(p.ff, c.f, cache ? &c.ff : nullptr, self_o.backend);
    if (cache) c.y = y;
    return out;
}

DecoderLayerInputGrad decoder_layer_backward(const DecoderLayer& p, const AttentionOptions& self_o,
                                             const AttentionOptions& cross_o, const Mat& memory,
                                             const DecoderLayerCache& c, const Mat& dout, DecoderLayerGrad& grad) {
    // C backward
    const Mat df = feedforward_backward(p.ff, c.f, c.ff, dout, grad.ff, self_o.backend);
    const Mat dy2 = dout + layernorm_backward(p.ff_norm, c.y2, df, grad.ff_norm);
    // B backward: the queries' path returns to the residual stream, the keys' and values' to memory
    MultiHeadCrossInputGrad gb = multihead_cross_attention_backward(p.cross, cross_o, c.b, memory, c.cross, dy2,
                                                                    grad.cross);
    const Mat dy1 = dy2 + layernorm_backward(p.cross_norm, c.y1, gb.dXq, grad.cross_norm);
    // A backward
    const Mat da = multihead_self_attention_backward(p.self, self_o, c.a, c.self, dy1, grad.self);
    DecoderLayerInputGrad g;
    g.dy = dy1 + layernorm_backward(p.self_norm, c.y, da, grad.self_norm);
    g.dmemory = std::move(gb.dXkv);
    return g;
}

}  // namespace attn
