// lstm.wgsl: the LSTM cell on the GPU, gate order i, f, g, o as in kernels::lstm_gates:
//   gates = sigmoid(i), sigmoid(f), tanh(g), sigmoid(o);  c = f c_prev + i g;  h = o tanh(c)
// Not the sequence loop (one step per call; the host chains steps). Test: tests/e2e/webgpu.test.mjs.
//
// Entry points
//   lstm_gates  the pointwise part, from pre-activations pre[rows, 4H] (rows independent cells)
//   lstm_cell   one whole step: pre = W xh + bias (W is [4H, n_in], xh = [x; h_prev]) computed by
//               each invocation for its own unit's four rows, then the gates: one dispatch per step
// Bindings (group 0)
//   0  uniform             Params {hidden, rows, n_in, _pad}  (16 bytes, gpu::LstmParams)
//   lstm_gates:
//   1  storage, read       pre     [rows, 4H]
//   2  storage, read       c_prev  [rows, H]
//   3  storage, read_write gates   [rows, 4H]
//   4  storage, read_write h       [rows, H]
//   5  storage, read_write c       [rows, H]
//   lstm_cell (rows must be 1):
//   1  storage, read       xh      [n_in]
//   2  storage, read       c_prev  [H]
//   3  storage, read_write gates   [4H]
//   4  storage, read_write h       [H]
//   5  storage, read_write c       [H]
//   6  storage, read       w       [4H, n_in]
//   7  storage, read       bias    [4H]
// Dispatch geometry
//   one invocation per unit, 64 per workgroup: workgroups (ceil(rows H / 64), 1, 1).
//
// uses: lib/activations.wgsl  (appended by src/gpu/embed_shaders.cmake)

struct Params {
  hidden: u32,
  rows: u32,
  n_in: u32,
  _pad: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> pre: array<f32>;  // lstm_cell: xh
@group(0) @binding(2) var<storage, read> c_prev: array<f32>;
@group(0) @binding(3) var<storage, read_write> gates: array<f32>;
@group(0) @binding(4) var<storage, read_write> h: array<f32>;
@group(0) @binding(5) var<storage, read_write> c: array<f32>;
@group(0) @binding(6) var<storage, read> w: array<f32>;
@group(0) @binding(7) var<storage, read> bias: array<f32>;

// Gates of unit u of cell r from its four pre-activations; writes gates, c and h.
fn finish_unit(r: u32, u: u32, pi: f32, pf: f32, pg: f32, po: f32) {
  let H = params.hidden;
  let ig = sigmoid_stable(pi);
  let fg = sigmoid_stable(pf);
  let gg = tanh_stable(pg);
  let og = sigmoid_stable(po);
  let g_base = r * 4u * H;
  gates[g_base + u] = ig;
  gates[g_base + H + u] = fg;
  gates[g_base + 2u * H + u] = gg;
  gates[g_base + 3u * H + u] = og;
  let cell = fg * c_prev[r * H + u] + ig * gg;  // long-term memory
  c[r * H + u] = cell;
  h[r * H + u] = og * tanh_stable(cell);       // short-term memory
}

@compute @workgroup_size(64, 1, 1)
fn lstm_gates(@builtin(global_invocation_id) gid: vec3<u32>) {
  let H = params.hidden;
  let index = gid.x;
  if (index >= params.rows * H) {
    return;
  }
  let r = index / H;
  let u = index % H;
  let p = r * 4u * H;
  finish_unit(r, u, pre[p + u], pre[p + H + u], pre[p + 2u * H + u], pre[p + 3u * H + u]);
}

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
    let x = pre[k];
    acc += x * vec4<f32>(w[u * n + k], w[(H + u) * n + k], w[(2u * H + u) * n + k], w[(3u * H + u) * n + k]);
  }
  finish_unit(0u, u, acc.x, acc.y, acc.z, acc.w);
}
