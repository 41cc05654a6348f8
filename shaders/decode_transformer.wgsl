// decode_transformer.wgsl: a whole greedy decode of the tiny Transformer (models/transformer.h: pre-LN
// encoder-decoder, sinusoidal positions, sqrt(d) embedding scale, ReLU feed-forward, output tied to
// the target embedding) in ONE dispatch of ONE workgroup: the encoder over the source, each decoder
// layer's cross-attention keys and values, then step after step one new decoder row through every
// layer (its self-attention keys and values appended to a per-layer cache), the logits, the softmax
// and the argmax, whose token every invocation reads (workgroupUniformLoad) as the next input.
// The CPU reruns the decoder over the whole prefix at each step; row t depends only on rows <= t, so
// caching the earlier rows' keys and values computes the same numbers.
// Not the kernel-level multi-head attention (attention.wgsl). Test: tests/e2e/webgpu.test.mjs.
//
// Every attention head, for query row i: scores_j = q_i . k_j, scaled = scores * factor (1/sqrt(dh)
// unless scaling is off, over the temperature), soft / hard / top-k weights over the visible keys
// (the decoder's own keys are those of rows <= t, so its causal mask drops nothing here), context =
// sum_j w_j v_j. A head switched off (run buffer flags) is computed, recorded, and left out of the
// concatenation (it contributes 0 to the output projection), as nn/attention_multihead.cpp does.
//
// Bindings (group 0)
//   0  uniform             Params: sizes and offsets (272 bytes, gpu::DecodeTransformerParams)
//   1  storage, read       w    the positions table [Pmax, d], the nudge direction [d], then every
//                               parameter in the order of the model's one parameter list
//                               (transformer_tensors; packed by src/gpu/decode_transformer.cpp)
//   2  storage, read       run  [8 + Smax + 3 L heads]: S, nudge position (-1: none), nudge amount,
//                               factor, normalizer (0 soft, 1 hard, 2 top-k), k, step cap, 0, source
//                               ids, head flags (1 on, 0 off) of enc.l.self, dec.l.self, dec.l.cross
//   3  storage, read_write s    scratch (offsets in Params)
//   4  storage, read_write out  [0] steps, [1] S; tokens [Umax], logits [Umax, V], probs [Umax, V]; the
//                               encoder's heads; every step's heads; the decoder's keys and values;
//                               the encoder's keys and values
// Dispatch geometry
//   one workgroup of 256 invocations: (1, 1, 1).
//
// uses: lib/decode.wgsl lib/softmax.wgsl  (appended by src/gpu/embed_shaders.cmake)

const WG: u32 = 256u;

struct Params {
  d: u32, heads: u32, dh: u32, F: u32,
  Lenc: u32, Ldec: u32, V: u32, Smax: u32,
  Umax: u32, sos: u32, eos: u32, Tk: u32,
  emb_scale: f32, pe: u32, nudge_dir: u32, src_embed: u32,
  tgt_embed: u32, out_bias: u32, enc_norm: u32, dec_norm: u32,
  enc_layers: u32, dec_layers: u32, s_x: u32, s_a: u32,
  s_q: u32, s_k: u32, s_v: u32, s_cat: u32,
  s_ff: u32, s_ck: u32, s_cv: u32, s_sk: u32,
  s_sv: u32, o_tokens: u32, o_logits: u32, o_probs: u32,
  o_enc: u32, o_dec: u32, o_self_kv: u32, o_cross_kv: u32,
  o_enc_kv: u32, enc_stride: u32, dec_stride: u32, _pad0: u32,
  // where each part of a layer starts, from the layer's start (gpu::DecodeTransformerParams enc_rel,
  // dec_rel, from the model's parameter list): layer norms (gamma, then beta), Linears (W, then b)
  e_ln1: u32, e_q: u32, e_k: u32, e_v: u32,
  e_o: u32, e_ln2: u32, e_up: u32, e_down: u32,
  d_ln1: u32, d_q: u32, d_k: u32, d_v: u32,
  d_o: u32, d_ln2: u32, d_cq: u32, d_ck: u32,
  d_cv: u32, d_co: u32, d_ln3: u32, d_up: u32,
  d_down: u32, _pad1: u32, _pad2: u32, _pad3: u32,
}

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> w: array<f32>;
@group(0) @binding(2) var<storage, read> run: array<f32>;
@group(0) @binding(3) var<storage, read_write> s: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

// Where layer l starts: the host gives the first layer's offset and the stride (nothing here knows
// a tensor's size; every offset comes from the model's parameter list).
fn enc_layer(l: u32) -> u32 { return P.enc_layers + l * P.enc_stride; }
fn dec_layer(l: u32) -> u32 { return P.dec_layers + l * P.dec_stride; }

// Layer norm of `rows` rows of width d (eps 1e-5, biased variance), one invocation per row, in the
// CPU's order: mean, variance, then each entry.
fn layernorm(lid: u32, g: u32, rows: u32, xo: u32, yo: u32) {
  let d = P.d;
  for (var r = lid; r < rows; r += WG) {
    var mean = 0.0;
    for (var k = 0u; k < d; k++) { mean += s[xo + r * d + k]; }
    mean /= f32(d);
    var v = 0.0;
    for (var k = 0u; k < d; k++) { let c = s[xo + r * d + k] - mean; v += c * c; }
    let rstd = 1.0 / sqrt(v / f32(d) + 1e-5);
    for (var k = 0u; k < d; k++) { s[yo + r * d + k] = (s[xo + r * d + k] - mean) * rstd * w[g + k] + w[g + d + k]; }
  }
  storageBarrier();
}

// y[r, o] (+)= b[o] + W[o, :] . x[r, :] for r < rows, o < n_out; W [n_out, n_in] at wo, b right after it.
// relu: max(0, .) on the result. add: accumulate into y (a residual) instead of writing it.
fn linear(lid: u32, wo: u32, rows: u32, n_out: u32, n_in: u32, xo: u32, yo: u32, relu: bool, add: bool) {
  let bo = wo + n_out * n_in;
  for (var i = lid; i < rows * n_out; i += WG) {
    let r = i / n_out;
    let o = i % n_out;
    var acc = w[bo + o];
    for (var k = 0u; k < n_in; k++) { acc += w[wo + o * n_in + k] * s[xo + r * n_in + k]; }
    if (relu) { acc = max(acc, 0.0); }
    if (add) { s[yo + r * n_out + o] += acc; } else { s[yo + r * n_out + o] = acc; }
  }
  storageBarrier();
}

// Stages 2-6 of head h for query rows [0, nq) over keys [0, nk) (keys and values in s, row stride d):
// each (head, row) pair by one invocation. rec: where its record goes in out (q [dh], scores, scaled,
// weights [Tk], context [dh] per (head, row)), rec_rows rows per head. flag_at: its head flags in run.
fn attention(lid: u32, nq: u32, nk: u32, qo: u32, ko: u32, vo: u32, rec: u32, rec_rows: u32, flag_at: u32) {
  let d = P.d;
  let dh = P.dh;
  let Tk = P.Tk;
  let factor = run[3];
  let normalizer = u32(run[4]);
  let k_keep = u32(run[5]);
  let rec_size = 2u * dh + 3u * Tk;
  for (var i = lid; i < P.heads * nq; i += WG) {
    let h = i / nq;
    let r = i % nq;
    let base = rec + (h * rec_rows + r) * rec_size;
    let sc = base + dh;
    let scl = sc + Tk;
    let wt = scl + Tk;
    let cx = wt + Tk;
    for (var c = 0u; c < dh; c++) { out[base + c] = s[qo + r * d + h * dh + c]; }
    for (var j = 0u; j < nk; j++) {
      var acc = 0.0;
      for (var c = 0u; c < dh; c++) { acc += s[qo + r * d + h * dh + c] * s[ko + j * d + h * dh + c]; }
      out[sc + j] = acc;
      out[scl + j] = acc * factor;
    }
    normalize_row(scl, wt, nk, normalizer, k_keep);
    let on = run[flag_at + h] > 0.5;
    for (var c = 0u; c < dh; c++) {
      var acc = 0.0;
      for (var j = 0u; j < nk; j++) { acc += out[wt + j] * s[vo + j * d + h * dh + c]; }
      out[cx + c] = acc;
      s[P.s_cat + r * d + h * dh + c] = select(0.0, acc, on);
    }
  }
  storageBarrier();
}

// Logits, probs and the argmax (first of ties) of the decoder row at s[P.s_a] for step t.
fn output_step(lid: u32, t: u32) -> u32 {
  let V = P.V;
  let d = P.d;
  let lg = P.o_logits + t * V;
  var m = -3.0e38;
  for (var v = lid; v < V; v += WG) {
    var acc = w[P.out_bias + v];
    for (var k = 0u; k < d; k++) { acc += w[P.tgt_embed + v * d + k] * s[P.s_a + k]; }
    out[lg + v] = acc;
    m = max(m, acc);
  }
  return softmax_argmax(lid, lg, P.o_probs + t * V, V, m, P.o_tokens + t);
}

@compute @workgroup_size(256, 1, 1)
fn decode_transformer(@builtin(local_invocation_index) lid: u32) {
  let S = uniform_u32(lid, u32(run[0]));
  let cap = uniform_u32(lid, u32(run[6]));
  let d = P.d;
  let H = P.heads;
  let flags = 8u + P.Smax;  // head flags in run: enc.l.self, then dec.l.self, then dec.l.cross
  let enc_rec = P.heads * P.Smax * (2u * P.dh + 3u * P.Tk);  // one encoder layer's records
  let step_rec = 2u * P.Ldec * P.heads * (2u * P.dh + 3u * P.Tk);  // one decoder step's records

  // 1. embed: sqrt(d) E[src] (+ the nudge) + PE
  for (var i = lid; i < S * d; i += WG) {
    let r = i / d;
    let c = i % d;
    var x = w[P.src_embed + u32(run[8u + r]) * d + c] * P.emb_scale;
    if (run[1] >= 0.0 && u32(run[1]) == r) { x += run[2] * w[P.nudge_dir + c]; }
    s[P.s_x + i] = x + w[P.pe + r * d + c];
  }
  storageBarrier();

  // 2. encoder layers, then memory = LN_enc(x) in s_a
  for (var l = 0u; l < P.Lenc; l++) {
    let base = enc_layer(l);
    layernorm(lid, base + P.e_ln1, S, P.s_x, P.s_a);
    linear(lid, base + P.e_q, S, d, d, P.s_a, P.s_q, false, false);
    linear(lid, base + P.e_k, S, d, d, P.s_a, P.s_k, false, false);
    linear(lid, base + P.e_v, S, d, d, P.s_a, P.s_v, false, false);
    for (var i = lid; i < S * d; i += WG) {  // this layer's keys and values, for the trace
      out[P.o_enc_kv + l * 2u * P.Smax * d + i] = s[P.s_k + i];
      out[P.o_enc_kv + (l * 2u + 1u) * P.Smax * d + i] = s[P.s_v + i];
    }
    attention(lid, S, S, P.s_q, P.s_k, P.s_v, P.o_enc + l * enc_rec, P.Smax, flags + l * H);
    linear(lid, base + P.e_o, S, d, d, P.s_cat, P.s_x, false, true);
    layernorm(lid, base + P.e_ln2, S, P.s_x, P.s_a);
    linear(lid, base + P.e_up, S, P.F, d, P.s_a, P.s_ff, true, false);
    linear(lid, base + P.e_down, S, d, P.F, P.s_ff, P.s_x, false, true);
  }
  layernorm(lid, P.enc_norm, S, P.s_x, P.s_a);
  // each decoder layer's cross-attention keys and values, from the memory
  for (var l = 0u; l < P.Ldec; l++) {
    linear(lid, dec_layer(l) + P.d_ck, S, d, d, P.s_a, P.s_ck + l * P.Smax * d, false, false);
    linear(lid, dec_layer(l) + P.d_cv, S, d, d, P.s_a, P.s_cv + l * P.Smax * d, false, false);
  }

  // 3-4. decode: one new row per step through every layer, then the output
  var input = P.sos;
  var steps = 0u;
  for (var t = 0u; t < cap; t++) {
    for (var c = lid; c < d; c += WG) {
      s[P.s_x + c] = w[P.tgt_embed + input * d + c] * P.emb_scale + w[P.pe + t * d + c];
    }
    storageBarrier();
    let rec = P.o_dec + t * step_rec;
    for (var l = 0u; l < P.Ldec; l++) {
      let base = dec_layer(l);
      let self_kv = P.s_sk + l * P.Umax * d;  // rows 0..t of this layer's self-attention keys
      let self_v = P.s_sv + l * P.Umax * d;
      // A. masked self-attention over rows 0..t
      layernorm(lid, base + P.d_ln1, 1u, P.s_x, P.s_a);
      linear(lid, base + P.d_q, 1u, d, d, P.s_a, P.s_q, false, false);
      linear(lid, base + P.d_k, 1u, d, d, P.s_a, self_kv + t * d, false, false);
      linear(lid, base + P.d_v, 1u, d, d, P.s_a, self_v + t * d, false, false);
      attention(lid, 1u, t + 1u, P.s_q, self_kv, self_v, rec + (2u * l) * H * (2u * P.dh + 3u * P.Tk), 1u,
                flags + (P.Lenc + l) * H);
      linear(lid, base + P.d_o, 1u, d, d, P.s_cat, P.s_x, false, true);
      // B. cross-attention over the memory
      layernorm(lid, base + P.d_ln2, 1u, P.s_x, P.s_a);
      linear(lid, base + P.d_cq, 1u, d, d, P.s_a, P.s_q, false, false);
      attention(lid, 1u, S, P.s_q, P.s_ck + l * P.Smax * d, P.s_cv + l * P.Smax * d,
                rec + (2u * l + 1u) * H * (2u * P.dh + 3u * P.Tk), 1u, flags + (P.Lenc + P.Ldec + l) * H);
      linear(lid, base + P.d_co, 1u, d, d, P.s_cat, P.s_x, false, true);
      // C. feed-forward
      layernorm(lid, base + P.d_ln3, 1u, P.s_x, P.s_a);
      linear(lid, base + P.d_up, 1u, P.F, d, P.s_a, P.s_ff, true, false);
      linear(lid, base + P.d_down, 1u, d, P.F, P.s_ff, P.s_x, false, true);
    }
    layernorm(lid, P.dec_norm, 1u, P.s_x, P.s_a);
    let token = output_step(lid, t);
    steps = t + 1u;
    if (token == P.eos) { break; }
    input = token;
  }
  // the decoder's keys and values (self: rows 0..steps-1 of each layer; cross: S rows), for the trace
  for (var i = lid; i < P.Ldec * P.Umax * d; i += WG) {
    out[P.o_self_kv + i] = s[P.s_sk + i];
    out[P.o_self_kv + P.Ldec * P.Umax * d + i] = s[P.s_sv + i];
  }
  for (var i = lid; i < P.Ldec * P.Smax * d; i += WG) {
    out[P.o_cross_kv + i] = s[P.s_ck + i];
    out[P.o_cross_kv + P.Ldec * P.Smax * d + i] = s[P.s_cv + i];
  }
  if (lid == 0u) {
    out[0] = f32(steps);
    out[1] = f32(S);
  }
}
