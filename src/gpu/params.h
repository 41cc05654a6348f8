// params.h: the C++ mirrors of every WGSL uniform struct in shaders/*.wgsl, field for field. The
// sizes are asserted, because a mismatch would not fail anywhere: the shader would read garbage.
// Not the bindings (pipelines.cpp lists those). Test: tests/e2e/webgpu.test.mjs (gpu self-check).
#pragma once

#include <cstdint>

namespace attn::gpu {

// matmul.wgsl: C[M,N] = A[M,K] B^T (+ bias)
struct MatmulParams {
    uint32_t M, K, N, has_bias;
};
static_assert(sizeof(MatmulParams) == 16, "matmul.wgsl Params is 16 bytes");

// attention.wgsl: mha_rows
struct AttentionParams {
    uint32_t tq, tk, dk, dv;
    uint32_t heads, d_model;
    float scale;
    uint32_t concat_offset;
    uint32_t q_stride, q_offset, k_stride, k_offset;
    uint32_t v_stride, v_offset, pad0, pad1;
};
static_assert(sizeof(AttentionParams) == 64, "attention.wgsl Params is 64 bytes");

// lstm.wgsl: lstm_cell
struct LstmParams {
    uint32_t hidden, n_in, pad0, pad1;
};
static_assert(sizeof(LstmParams) == 16, "lstm.wgsl Params is 16 bytes");

// pool.wgsl: pool_scores and pool_context
struct PoolParams {
    uint32_t batch, steps, hidden;
    float b2;
};
static_assert(sizeof(PoolParams) == 16, "pool.wgsl Params is 16 bytes");

// decode_lstm.wgsl: a whole LSTM encoder-decoder decode. Offsets count floats: into the weights
// (w), the scratch buffer (s_*) and the output (o_*); per-layer weights by layer (at most 4).
struct DecodeLstmParams {
    uint32_t style, layers, E, H;
    uint32_t bidir, S, Da, O;
    uint32_t V, Tmax, Umax, start_token;
    uint32_t eos, Hk, F, nudge_dir;
    uint32_t src_embed, tgt_embed, bridge_w, bridge_b;
    uint32_t att_w, att_u, att_b, att_v;
    uint32_t outh_w, outh_b, out_w, out_b;
    uint32_t enc_wih[4], enc_whh[4], enc_b[4];
    uint32_t rev_wih[4], rev_whh[4], rev_b[4];
    uint32_t dec_wih[4], dec_whh[4], dec_b[4];
    uint32_t s_x, s_seq, s_uk, s_enc;
    uint32_t s_h, s_c, s_pre, s_in;
    uint32_t s_feat, s_hid, s_wq, pad0;
    uint32_t o_logits, o_probs, o_tokens, o_keys;
    uint32_t o_query, o_scores, o_scaled, o_weights;
    uint32_t o_context, o_energies, pad1, pad2;
};
static_assert(sizeof(DecodeLstmParams) == 352, "decode_lstm.wgsl Params is 352 bytes");

// decode_transformer.wgsl: a whole Transformer decode. Offsets count floats (w, s_*, out o_*).
struct DecodeTransformerParams {
    uint32_t d, heads, dh, F;
    uint32_t Lenc, Ldec, V, Smax;
    uint32_t Umax, sos, eos, Tk;
    float emb_scale;
    uint32_t pe, nudge_dir, src_embed;
    uint32_t tgt_embed, out_bias, enc_norm, dec_norm;
    uint32_t enc_layers, dec_layers, s_x, s_a;
    uint32_t s_q, s_k, s_v, s_cat;
    uint32_t s_ff, s_ck, s_cv, s_sk;
    uint32_t s_sv, o_tokens, o_logits, o_probs;
    uint32_t o_enc, o_dec, o_self_kv, o_cross_kv;
    uint32_t o_enc_kv, enc_stride, dec_stride, pad0;
    // Each part of a layer from the layer's start, from the model's parameter list (never recomputed
    // in WGSL). Encoder: self_norm, self.query, self.key, self.value, self.out, ff_norm, ff.up, ff.down;
    // decoder: self_norm, self.query/key/value/out, cross_norm, cross.query/key/value/out, ff_norm,
    // ff.up, ff.down (a norm's gamma, a Linear's W; beta and b follow them).
    uint32_t enc_rel[8];
    uint32_t dec_rel[13];
    uint32_t pad1, pad2, pad3;
};
static_assert(sizeof(DecodeTransformerParams) == 272, "decode_transformer.wgsl Params is 272 bytes");

// sensor_forward.wgsl: seed 000's sensor classifier, one workgroup per series. Offsets into w.
struct SensorParams {
    uint32_t B, T, C, H;
    uint32_t K, mean, stdev, w_ih;
    uint32_t w_hh, b, w1, b1;
    uint32_t w2, b2, wc, bc;
};
static_assert(sizeof(SensorParams) == 64, "sensor_forward.wgsl Params is 64 bytes");

}  // namespace attn::gpu
