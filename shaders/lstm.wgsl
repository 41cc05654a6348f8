// lstm.wgsl: one LSTM step on the GPU, gate order i, f, g, o as in kernels::lstm_gates:
//   pre = W xh + bias (W is [4H, n_in], xh = [x; h_prev]), computed by each invocation for its own
//   unit's four rows; gates = sigmoid(i), sigmoid(f), tanh(g), sigmoid(o); c = f c_prev + i g;
//   h = o tanh(c). One dispatch per step (gpu/forward.h build_lstm_step).
// Not the sequence loop (the host chains steps). Test: tests/e2e/webgpu.test.mjs.
//
// Entry point
//   lstm_cell   one whole step of one cell
// Bindings (group 0)
//   0  uniform             Params {hidden, n_in}  (16 bytes, gpu::LstmParams)
//   1  storage, read       xh      [n_in]
//   2  storage, read       c_prev  [H]
//   3  storage, read_write gates   [4H]
//   4  storage, read_write h       [H]
//   5  storage, read_write c       [H]
//   6  storage, read       w       [4H, n_in]
//   7  storage, read       bias    [4H]
// Dispatch geometry
//   one invocation per unit, 64 per workgroup: workgroups (ceil(H / 64), 1, 1).
//
// uses: lib/activations.wgsl  (appended by src/gpu/embed_shaders.cmake)

struct Params {
  hidden: u32,
  n_in: u32,
  _pad0: u32,
  _pad1: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> xh: array<f32>;
@group(0) @binding(2) var<storage, read> c_prev: array<f32>;
@group(0) @binding(3) var<storage, read_write> gates: array<f32>;
@group(0) @binding(4) var<storage, read_write> h: array<f32>;
@group(0) @binding(5) var<storage, read_write> c: array<f32>;
@group(0) @binding(6) var<storage, read> w: array<f32>;
@group(0) @binding(7) var<storage, read> bias: array<f32>;

@compute @workgroup_size(64, 1, 1)
fn lstm_cell(@builtin(global_invocation_id) gid: vec3<u32>) {
  let H = params.hidden;
  let u = gid.x;
  if (u >= H) {
    return;
  }
  let n = params.n_in;
  // pre-activations of this unit's four gates: rows u, H + u, 2H + u, 3H + u of W times xh
  var acc = vec4<f32>(bias[u], bias[H + u], bias[2u * H + u], bias[3u * H + u]);
  for (var k = 0u; k < n; k++) {
    let x = xh[k];
    acc += x * vec4<f32>(w[u * n + k], w[(H + u) * n + k], w[(2u * H + u) * n + k], w[(3u * H + u) * n + k]);
  }
  // the gates, then the new long-term memory c and short-term memory h
  let ig = sigmoid_stable(acc.x);
  let fg = sigmoid_stable(acc.y);
  let gg = tanh_stable(acc.z);
  let og = sigmoid_stable(acc.w);
  gates[u] = ig;
  gates[H + u] = fg;
  gates[2u * H + u] = gg;
  gates[3u * H + u] = og;
  let cell = fg * c_prev[u] + ig * gg;
  c[u] = cell;
  h[u] = og * tanh_stable(cell);
}
