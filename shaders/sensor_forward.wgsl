// sensor_forward.wgsl: seed 000's sensor classifier (models/sensor_model.h) on a batch of series in
// ONE dispatch: one workgroup per series runs the normalization, the LSTM over every step, the
// attention pooling (energies tanh(W1 h_t + b1), scores w2 . energy_t + b2, softmax over time, the
// weighted sum of the LSTM outputs) and the classifier with its softmax. Not the kernel-level pooling
// of pool.wgsl (which starts from given LSTM outputs). Test: tests/e2e/webgpu.test.mjs.
//
// Bindings (group 0)
//   0  uniform             Params: sizes and offsets (64 bytes, gpu::SensorParams)
//   1  storage, read       w       mean [C], std [C], W_ih [4H, C], W_hh [4H, H], b_ih + b_hh [4H],
//                                  W1 [H, H], b1 [H], w2 [H], b2 [1], Wc [K, H], bc [K]
//   2  storage, read       values  [B, T, C] in physical units
//   3  storage, read_write s       per series: LSTM outputs [T, H], then energies [T, H]
//   4  storage, read_write out     probs [B, K], then attention weights [B, T]
// Dispatch geometry
//   one workgroup of 256 invocations per series: (B, 1, 1). H <= 64, T <= 256, K <= 16 (checked by
//   the host, src/gpu/forward.cpp).
//
// uses: lib/activations.wgsl lib/softmax.wgsl  (appended by src/gpu/embed_shaders.cmake)

const WG: u32 = 256u;

struct Params {
  B: u32, T: u32, C: u32, H: u32,
  K: u32, mean: u32, stdev: u32, w_ih: u32,
  w_hh: u32, b: u32, w1: u32, b1: u32,
  w2: u32, b2: u32, wc: u32, bc: u32,
}

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> w: array<f32>;
@group(0) @binding(2) var<storage, read> values: array<f32>;
@group(0) @binding(3) var<storage, read_write> s: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

var<workgroup> h: array<f32, 64>;
var<workgroup> c: array<f32, 64>;
var<workgroup> pre: array<f32, 256>;
var<workgroup> ctx: array<f32, 64>;
var<workgroup> x: array<f32, 16>;

fn sync() {
  storageBarrier();
  workgroupBarrier();
}

@compute @workgroup_size(256, 1, 1)
fn sensor_forward(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let b = wid.x;
  let T = P.T;
  let C = P.C;
  let H = P.H;
  let K = P.K;
  let outs = b * 2u * T * H;  // this series' LSTM outputs in s, then its energies
  let energies = outs + T * H;
  if (lid < H) { h[lid] = 0.0; c[lid] = 0.0; }
  sync();

  // the normalization and the LSTM, step by step (gate order i, f, g, o)
  for (var t = 0u; t < T; t++) {
    if (lid < C) { x[lid] = (values[(b * T + t) * C + lid] - w[P.mean + lid]) / w[P.stdev + lid]; }
    sync();
    for (var r = lid; r < 4u * H; r += WG) {
      var acc = w[P.b + r];
      for (var k = 0u; k < C; k++) { acc += w[P.w_ih + r * C + k] * x[k]; }
      for (var k = 0u; k < H; k++) { acc += w[P.w_hh + r * H + k] * h[k]; }
      pre[r] = acc;
    }
    sync();
    if (lid < H) {
      let cell = sigmoid_stable(pre[H + lid]) * c[lid] + sigmoid_stable(pre[lid]) * tanh_stable(pre[2u * H + lid]);
      c[lid] = cell;
      h[lid] = sigmoid_stable(pre[3u * H + lid]) * tanh_stable(cell);
      s[outs + t * H + lid] = h[lid];
    }
    sync();
  }

  // pass 2: scores: energies tanh(W1 h_t + b1), then w2 . energy_t + b2 (pass 1 is the LSTM's outputs)
  for (var i = lid; i < T * H; i += WG) {
    let t = i / H;
    let j = i % H;
    var acc = w[P.b1 + j];
    for (var k = 0u; k < H; k++) { acc += w[P.w1 + j * H + k] * s[outs + t * H + k]; }
    s[energies + i] = tanh_stable(acc);
  }
  sync();
  let wt = P.B * K + b * T;  // this series' attention weights in out: the scores until pass 5
  for (var t = lid; t < T; t += WG) {
    var acc = w[P.b2];
    for (var j = 0u; j < H; j++) { acc += w[P.w2 + j] * s[energies + t * H + j]; }
    out[wt + t] = acc;
  }
  sync();
  // pass 5: softmax over time (one invocation, in the CPU's order)
  if (lid == 0u) { softmax_row(&out, wt, T); }
  sync();
  // pass 6: context, sum_t weight_t h_t
  if (lid < H) {
    var acc = 0.0;
    for (var t = 0u; t < T; t++) { acc += out[wt + t] * s[outs + t * H + lid]; }
    ctx[lid] = acc;
  }
  sync();
  // pass 7: output: the classifier's logits and their softmax, the class probabilities
  if (lid < K) {
    var acc = w[P.bc + lid];
    for (var k = 0u; k < H; k++) { acc += w[P.wc + lid * H + k] * ctx[k]; }
    out[b * K + lid] = acc;
  }
  sync();
  if (lid == 0u) { softmax_row(&out, b * K, K); }
}
