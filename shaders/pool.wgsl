// pool.wgsl: seed 000's attention pooling over time (kernels::attention_pool) in two dispatches:
//   pool_scores:   energy[r,:] = tanh(W1 x[r,:] + b1)  (Linear H->H, tanh; r = b T + t)
//                  score[r]    = w2 . energy[r,:] + b2  (Linear H->1)
//   pool_context:  weights[b,:] = softmax over t of score[b T + t]
//                  out[b,:]     = sum_t weights[b,t] x[b T + t, :]
// The energies never leave the workgroup that computes them. Not a general layer: the tiled
// product of pool_scores is matmul.wgsl's, with the tanh and the H->1 layer fused into its end.
// Test: tests/e2e/webgpu.test.mjs (against kernels::ref::attention_pool).
//
// Bindings (group 0)
//   0  uniform             Params {batch, steps, hidden, b2}   (16 bytes, gpu::PoolParams)
//   1  storage, read       x        [batch * steps, hidden]
//   2  storage, read       w1       [hidden, hidden]  ([out, in], as PyTorch)   (pool_scores)
//   3  storage, read       b1       [hidden]                                    (pool_scores)
//   4  storage, read       w2       [hidden]                                    (pool_scores)
//   5  storage, read_write scores   [batch * steps]
//   6  storage, read_write weights  [batch, steps]                              (pool_context)
//   7  storage, read_write out      [batch, hidden]                             (pool_context)
// Dispatch geometry
//   pool_scores:  workgroups (ceil(batch steps / 32), 1, 1) of 8 x 8 invocations; a workgroup owns
//                 32 rows, walks the hidden units 32 at a time (each invocation 4 rows x 4 units,
//                 K through workgroup memory 16 at a time), and sums the rows' scores at the end.
//   pool_context: one workgroup of 64 invocations per sequence: workgroups (batch, 1, 1).

struct Params {
  batch: u32,
  steps: u32,
  hidden: u32,
  b2: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> w1: array<f32>;
@group(0) @binding(3) var<storage, read> b1: array<f32>;
@group(0) @binding(4) var<storage, read> w2: array<f32>;
@group(0) @binding(5) var<storage, read_write> scores: array<f32>;
@group(0) @binding(6) var<storage, read_write> weights: array<f32>;
@group(0) @binding(7) var<storage, read_write> out: array<f32>;

const TILE: u32 = 32u;
const KSTEP: u32 = 16u;
const LANES: u32 = 64u;

var<workgroup> x_tile: array<f32, 512>;   // [kk][row]
var<workgroup> w_tile: array<f32, 512>;   // [kk][unit]
var<workgroup> partial: array<f32, 256>;  // [row][tx]: each invocation's share of each row's score
var<workgroup> red: array<f32, 64>;

fn tanh_stable(v: f32) -> f32 {
  let av = abs(v);
  if (av < 0.0625) {
    let v2 = v * v;
    return v * (1.0 + v2 * (-1.0 / 3.0 + v2 * (2.0 / 15.0 - v2 * (17.0 / 315.0))));
  }
  let e = exp(-2.0 * av);
  let t = (1.0 - e) / (1.0 + e);
  return select(-t, t, v >= 0.0);
}

@compute @workgroup_size(8, 8, 1)
fn pool_scores(@builtin(workgroup_id) wid: vec3<u32>,
               @builtin(local_invocation_id) local: vec3<u32>,
               @builtin(local_invocation_index) lid: u32) {
  let rows = params.batch * params.steps;
  let H = params.hidden;
  let row0 = wid.x * TILE;
  let tx = local.x;
  let ty = local.y;
  var score_part: array<f32, 4>;  // this invocation's share of rows ty + 8 i
  let unit_tiles = (H + TILE - 1u) / TILE;
  let steps = (H + KSTEP - 1u) / KSTEP;
  for (var ut = 0u; ut < unit_tiles; ut++) {
    let unit0 = ut * TILE;
    // pass 1: the Linear H->H for 32 rows and 32 hidden units (acc restarts at zero for every
    // tile: written out, since SwiftShader was seen to keep a loop-body var's value across iterations)
    var acc = array<f32, 16>();
    for (var t = 0u; t < steps; t++) {
      let k0 = t * KSTEP;
      for (var s = 0u; s < (TILE * KSTEP) / LANES; s++) {
        let e = lid + LANES * s;
        let kk = e % KSTEP;
        let r = e / KSTEP;
        var xv = 0.0;
        if (row0 + r < rows && k0 + kk < H) {
          xv = x[(row0 + r) * H + k0 + kk];
        }
        x_tile[kk * TILE + r] = xv;
        var wv = 0.0;
        if (unit0 + r < H && k0 + kk < H) {
          wv = w1[(unit0 + r) * H + k0 + kk];
        }
        w_tile[kk * TILE + r] = wv;
      }
      workgroupBarrier();
      for (var kk = 0u; kk < KSTEP; kk++) {
        var xr: array<f32, 4>;
        var wr: array<f32, 4>;
        for (var i = 0u; i < 4u; i++) {
          xr[i] = x_tile[kk * TILE + ty + 8u * i];
          wr[i] = w_tile[kk * TILE + tx + 8u * i];
        }
        for (var i = 0u; i < 4u; i++) {
          for (var j = 0u; j < 4u; j++) {
            acc[i * 4u + j] += xr[i] * wr[j];
          }
        }
      }
      workgroupBarrier();
    }
    // pass 2: tanh, then this tile's units' contributions to the Linear H->1
    for (var j = 0u; j < 4u; j++) {
      let unit = unit0 + tx + 8u * j;
      if (unit < H) {
        for (var i = 0u; i < 4u; i++) {
          score_part[i] += w2[unit] * tanh_stable(acc[i * 4u + j] + b1[unit]);
        }
      }
    }
  }
  // each row's score is spread over the 8 invocations with the same ty: add them up
  for (var i = 0u; i < 4u; i++) {
    partial[(ty + 8u * i) * 8u + tx] = score_part[i];
  }
  workgroupBarrier();
  if (lid < TILE && row0 + lid < rows) {
    var score = params.b2;
    for (var p = 0u; p < 8u; p++) {
      score += partial[lid * 8u + p];
    }
    scores[row0 + lid] = score;
  }
}

@compute @workgroup_size(64, 1, 1)
fn pool_context(@builtin(workgroup_id) wid: vec3<u32>,
                @builtin(local_invocation_index) lid: u32) {
  let b = wid.x;
  let T = params.steps;
  let H = params.hidden;
  let base = b * T;

  // pass 3: softmax over time (max, exponentials and their sum, division)
  var local_max = -3.0e38;
  for (var t = lid; t < T; t += LANES) {
    local_max = max(local_max, scores[base + t]);
  }
  red[lid] = local_max;
  workgroupBarrier();
  for (var s = LANES / 2u; s > 0u; s = s / 2u) {
    if (lid < s) {
      red[lid] = max(red[lid], red[lid + s]);
    }
    workgroupBarrier();
  }
  let row_max = red[0];
  workgroupBarrier();
  var local_sum = 0.0;
  for (var t = lid; t < T; t += LANES) {
    let e = exp(scores[base + t] - row_max);
    weights[base + t] = e;
    local_sum += e;
  }
  red[lid] = local_sum;
  workgroupBarrier();
  for (var s = LANES / 2u; s > 0u; s = s / 2u) {
    if (lid < s) {
      red[lid] = red[lid] + red[lid + s];
    }
    workgroupBarrier();
  }
  let inv_sum = 1.0 / red[0];
  for (var t = lid; t < T; t += LANES) {
    weights[base + t] = weights[base + t] * inv_sum;
  }
  storageBarrier();  // pass 4 reads weights that other invocations wrote

  // pass 4: the context, sum_t weight_t x_t, one hidden unit per invocation
  for (var u = lid; u < H; u += LANES) {
    var acc = 0.0;
    for (var t = 0u; t < T; t++) {
      acc += weights[base + t] * x[(base + t) * H + u];
    }
    out[b * H + u] = acc;
  }
}
