// decode_lstm.wgsl: a whole greedy decode of an LSTM encoder-decoder with attention (models/
// seq2seq_lstm.h, both styles) in ONE dispatch of ONE workgroup: the encoder over the source, the
// decoder's start state, then step after step the decoder LSTM, the attention (stages 1-6), the
// output layer, the softmax and the argmax, until <EOS> or the step cap. The token chosen at a step
// is read back by every invocation (workgroupUniformLoad) as the next step's input, so nothing
// returns to the CPU between steps: a decode is one dispatch and one readback.
// For models this small (hidden sizes up to 64, a dozen source words) one workgroup is enough and
// keeps every step's dependence on the previous one inside the GPU; the barriers order the passes.
// Not the kernel-level LSTM and attention (lstm.wgsl, attention.wgsl).
// Test: tests/e2e/webgpu.test.mjs (every shipped LSTM model against the scalar reference).
//
// StatQuest style (style 0), step t: h_t = LSTM_dec(embed(y_{t-1})) (stacked), query = top h_t,
//   scores_j = query . key_j, context = sum_j w_j key_j, logits = out([context; h_t]).
// Bahdanau style (style 1), step t: query = s_{t-1}.h, e_tj = tanh(W query + U key_j + b),
//   scores_j = v . e_tj, context c_t, s_t = LSTM_dec([embed(y_{t-1}); c_t]),
//   logits = out(tanh(out_hidden([s_t.h; c_t])) or [s_t.h; c_t]).
// Both: scaled = scores * factor (1/sqrt(Hk) when scaling is on, over the temperature), then soft,
// hard (one-hot at the first best) or top-k (softmax over the k best, ties to the lower index).
//
// Bindings (group 0)
//   0  uniform             Params: sizes, offsets into w, s and out (352 bytes, gpu::DecodeLstmParams)
//   1  storage, read       w    every weight, packed by src/gpu/decode_lstm.cpp (LSTM biases b_ih + b_hh summed)
//   2  storage, read       run  [8 + Tmax]: T, nudge position (-1: none), nudge amount, factor,
//                               normalizer (0 soft, 1 hard, 2 top-k), k, step cap, 0, source ids
//   3  storage, read_write s    scratch: embedded source, encoder sequences and states, decoder
//                               states, pre-activations, the decoder input, features, hidden
//   4  storage, read_write out  [0] steps taken, [1] T; then (offsets in Params) logits [Umax, V],
//                               probs [Umax, V], tokens [Umax], keys [Tmax, Hk], and per step the
//                               query [S], scores, scaled, weights [Tmax], context [Hk], energies [Tmax, Da]
// Dispatch geometry
//   one workgroup of 256 invocations: (1, 1, 1).
//
// uses: lib/activations.wgsl lib/decode.wgsl lib/softmax.wgsl  (appended by src/gpu/embed_shaders.cmake)

const WG: u32 = 256u;

struct Params {
  style: u32, layers: u32, E: u32, H: u32,
  bidir: u32, S: u32, Da: u32, O: u32,
  V: u32, Tmax: u32, Umax: u32, start_token: u32,
  eos: u32, Hk: u32, F: u32, nudge_dir: u32,
  src_embed: u32, tgt_embed: u32, bridge_w: u32, bridge_b: u32,
  att_w: u32, att_u: u32, att_b: u32, att_v: u32,
  outh_w: u32, outh_b: u32, out_w: u32, out_b: u32,
  enc_wih: vec4<u32>, enc_whh: vec4<u32>, enc_b: vec4<u32>,
  rev_wih: vec4<u32>, rev_whh: vec4<u32>, rev_b: vec4<u32>,
  dec_wih: vec4<u32>, dec_whh: vec4<u32>, dec_b: vec4<u32>,
  s_x: u32, s_seq: u32, s_uk: u32, s_enc: u32,
  s_h: u32, s_c: u32, s_pre: u32, s_in: u32,
  s_feat: u32, s_hid: u32, s_wq: u32, _pad0: u32,
  o_logits: u32, o_probs: u32, o_tokens: u32, o_keys: u32,
  o_query: u32, o_scores: u32, o_scaled: u32, o_weights: u32,
  o_context: u32, o_energies: u32, _pad1: u32, _pad2: u32,
}

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> w: array<f32>;
@group(0) @binding(2) var<storage, read> run: array<f32>;
@group(0) @binding(3) var<storage, read_write> s: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

// One LSTM cell step, gate order i, f, g, o: pre = W_ih x + W_hh h + b, then c and h in place.
fn lstm_step(lid: u32, wih: u32, whh: u32, b: u32, n_in: u32, H: u32, xo: u32, ho: u32, co: u32) {
  for (var r = lid; r < 4u * H; r += WG) {
    var acc = w[b + r];
    let wi = wih + r * n_in;
    for (var k = 0u; k < n_in; k++) { acc += w[wi + k] * s[xo + k]; }
    let wh = whh + r * H;
    for (var k = 0u; k < H; k++) { acc += w[wh + k] * s[ho + k]; }
    s[P.s_pre + r] = acc;
  }
  storageBarrier();
  for (var u = lid; u < H; u += WG) {
    let ig = sigmoid_stable(s[P.s_pre + u]);
    let fg = sigmoid_stable(s[P.s_pre + H + u]);
    let gg = tanh_stable(s[P.s_pre + 2u * H + u]);
    let og = sigmoid_stable(s[P.s_pre + 3u * H + u]);
    let cell = fg * s[co + u] + ig * gg;  // long-term memory
    s[co + u] = cell;
    s[ho + u] = og * tanh_stable(cell);   // short-term memory
  }
  storageBarrier();
}

// Encoder state of (layer, direction): h at the returned offset, c H floats later.
fn enc_state(l: u32, d: u32) -> u32 { return P.s_enc + (l * 2u + d) * 2u * P.H; }
// Output sequence of (layer, direction): [Tmax, H].
fn enc_seq(l: u32, d: u32) -> u32 { return P.s_seq + (l * 2u + d) * P.Tmax * P.H; }

// Stages 2-6 for step t on the query at s[qo]: scores, scaled, weights and context in out; the
// context also at s[co].
fn attend(lid: u32, t: u32, T: u32, qo: u32, co: u32) {
  let Hk = P.Hk;
  let sc = P.o_scores + t * P.Tmax;
  if (P.style == 0u) {
    for (var j = lid; j < T; j += WG) {  // dot
      var acc = 0.0;
      for (var k = 0u; k < Hk; k++) { acc += s[qo + k] * out[P.o_keys + j * Hk + k]; }
      out[sc + j] = acc;
    }
  } else {
    let Da = P.Da;
    for (var a = lid; a < Da; a += WG) {  // W query (no bias)
      var acc = 0.0;
      for (var k = 0u; k < P.S; k++) { acc += w[P.att_w + a * P.S + k] * s[qo + k]; }
      s[P.s_wq + a] = acc;
    }
    storageBarrier();
    let en = P.o_energies + t * P.Tmax * Da;
    for (var i = lid; i < T * Da; i += WG) {
      out[en + i] = tanh_stable(s[P.s_wq + i % Da] + s[P.s_uk + i]);
    }
    storageBarrier();
    for (var j = lid; j < T; j += WG) {
      var acc = 0.0;
      for (var a = 0u; a < Da; a++) { acc += w[P.att_v + a] * out[en + j * Da + a]; }
      out[sc + j] = acc;
    }
  }
  storageBarrier();
  if (lid == 0u) {  // a dozen keys: one invocation, in the CPU's order
    let factor = run[3];
    let normalizer = u32(run[4]);
    let k_keep = u32(run[5]);
    let scl = P.o_scaled + t * P.Tmax;
    let wt = P.o_weights + t * P.Tmax;
    for (var j = 0u; j < T; j++) { out[scl + j] = out[sc + j] * factor; }
    normalize_row(scl, wt, T, normalizer, k_keep);
  }
  storageBarrier();
  let cx = P.o_context + t * Hk;
  for (var d = lid; d < Hk; d += WG) {
    var acc = 0.0;
    for (var j = 0u; j < T; j++) { acc += out[P.o_weights + t * P.Tmax + j] * out[P.o_keys + j * Hk + d]; }
    out[cx + d] = acc;
    s[co + d] = acc;
  }
  storageBarrier();
}

// Stage 7: logits, probs and the argmax (the first of ties, as the CPU) of step t. Returns the token.
fn output_step(lid: u32, t: u32) -> u32 {
  var feat = P.s_feat;
  var n = P.F;
  if (P.O > 0u) {
    for (var o = lid; o < P.O; o += WG) {
      var acc = w[P.outh_b + o];
      for (var k = 0u; k < P.F; k++) { acc += w[P.outh_w + o * P.F + k] * s[P.s_feat + k]; }
      s[P.s_hid + o] = tanh_stable(acc);
    }
    storageBarrier();
    feat = P.s_hid;
    n = P.O;
  }
  let V = P.V;
  let lg = P.o_logits + t * V;
  var m = -3.0e38;
  for (var v = lid; v < V; v += WG) {
    var acc = w[P.out_b + v];
    for (var k = 0u; k < n; k++) { acc += w[P.out_w + v * n + k] * s[feat + k]; }
    out[lg + v] = acc;
    m = max(m, acc);
  }
  return softmax_argmax(lid, lg, P.o_probs + t * V, V, m, P.o_tokens + t);
}

@compute @workgroup_size(256, 1, 1)
fn decode_lstm(@builtin(local_invocation_index) lid: u32) {
  let T = uniform_u32(lid, u32(run[0]));
  let cap = uniform_u32(lid, u32(run[6]));
  let E = P.E;
  let H = P.H;
  let S = P.S;
  let L = P.layers;
  let Hk = P.Hk;

  // the source embeddings, with the nudge on one of them
  for (var i = lid; i < T * E; i += WG) {
    let t = i / E;
    let e = i % E;
    var x = w[P.src_embed + u32(run[8u + t]) * E + e];
    if (run[1] >= 0.0 && u32(run[1]) == t) { x += run[2] * w[P.nudge_dir + e]; }
    s[P.s_x + i] = x;
  }
  // encoder states start at zero
  for (var i = lid; i < L * 4u * H; i += WG) { s[P.s_enc + i] = 0.0; }
  storageBarrier();

  // the encoder: each direction a stack of layers, each layer over the whole sequence
  let dirs = select(1u, 2u, P.bidir == 1u);
  for (var d = 0u; d < dirs; d++) {
    for (var l = 0u; l < L; l++) {
      let wih = select(P.enc_wih[l], P.rev_wih[l], d == 1u);
      let whh = select(P.enc_whh[l], P.rev_whh[l], d == 1u);
      let b = select(P.enc_b[l], P.rev_b[l], d == 1u);
      let n_in = select(H, E, l == 0u);
      let st = enc_state(l, d);
      for (var i = 0u; i < T; i++) {
        let t = select(i, T - 1u - i, d == 1u);
        let xo = select(enc_seq(l - 1u, d) + t * H, P.s_x + t * E, l == 0u);
        lstm_step(lid, wih, whh, b, n_in, H, xo, st, st + H);
        for (var u = lid; u < H; u += WG) { s[enc_seq(l, d) + t * H + u] = s[st + u]; }
        storageBarrier();
      }
    }
  }
  // keys = values = the top layer's outputs, [forward; reverse] per position
  for (var i = lid; i < T * Hk; i += WG) {
    let t = i / Hk;
    let k = i % Hk;
    let d = select(0u, 1u, k >= H);
    out[P.o_keys + i] = s[enc_seq(L - 1u, d) + t * H + k - d * H];
  }
  storageBarrier();

  // the decoder's start state
  if (P.style == 0u) {  // the encoder's final (h, c) of every layer
    for (var i = lid; i < L * S; i += WG) {
      let l = i / S;
      let u = i % S;
      s[P.s_h + i] = s[enc_state(l, 0u) + u];
      s[P.s_c + i] = s[enc_state(l, 0u) + H + u];
    }
  } else {  // h = tanh(bridge(h_last)), c = 0; h_last from the encoder that ended on the first word
    let last = enc_state(L - 1u, dirs - 1u);
    for (var u = lid; u < S; u += WG) {
      var acc = w[P.bridge_b + u];
      for (var k = 0u; k < H; k++) { acc += w[P.bridge_w + u * H + k] * s[last + k]; }
      s[P.s_h + u] = tanh_stable(acc);
      s[P.s_c + u] = 0.0;
    }
    // U key_j + b, the query-independent half of the energies
    for (var i = lid; i < T * P.Da; i += WG) {
      let j = i / P.Da;
      let a = i % P.Da;
      var acc = w[P.att_b + a];
      for (var k = 0u; k < Hk; k++) { acc += w[P.att_u + a * Hk + k] * out[P.o_keys + j * Hk + k]; }
      s[P.s_uk + i] = acc;
    }
  }
  storageBarrier();

  var input = P.start_token;
  var steps = 0u;
  for (var t = 0u; t < cap; t++) {
    let y = P.tgt_embed + input * E;
    if (P.style == 0u) {
      for (var e = lid; e < E; e += WG) { s[P.s_in + e] = w[y + e]; }
      storageBarrier();
      for (var l = 0u; l < L; l++) {
        let xo = select(P.s_h + (l - 1u) * S, P.s_in, l == 0u);
        let n_in = select(S, E, l == 0u);
        lstm_step(lid, P.dec_wih[l], P.dec_whh[l], P.dec_b[l], n_in, S, xo, P.s_h + l * S, P.s_c + l * S);
      }
      let top = P.s_h + (L - 1u) * S;
      for (var u = lid; u < S; u += WG) {
        out[P.o_query + t * S + u] = s[top + u];
        s[P.s_feat + Hk + u] = s[top + u];  // features = [context; h_t]
      }
      storageBarrier();
      attend(lid, t, T, top, P.s_feat);
    } else {
      for (var u = lid; u < S; u += WG) { out[P.o_query + t * S + u] = s[P.s_h + u]; }
      storageBarrier();
      attend(lid, t, T, P.s_h, P.s_in + E);  // the decoder reads [embed(y); c_t]
      for (var e = lid; e < E; e += WG) { s[P.s_in + e] = w[y + e]; }
      storageBarrier();
      lstm_step(lid, P.dec_wih[0], P.dec_whh[0], P.dec_b[0], E + Hk, S, P.s_in, P.s_h, P.s_c);
      for (var i = lid; i < S + Hk; i += WG) {  // features = [s_t.h; c_t]
        s[P.s_feat + i] = select(s[P.s_in + E + i - S], s[P.s_h + i], i < S);
      }
      storageBarrier();
    }
    let token = output_step(lid, t);
    steps = t + 1u;
    if (token == P.eos) { break; }
    input = token;
  }
  if (lid == 0u) {
    out[0] = f32(steps);
    out[1] = f32(T);
  }
}
