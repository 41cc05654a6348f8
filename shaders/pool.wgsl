// pool.wgsl: seed 000's attention pooling over time (kernels::attention_pool) in two dispatches,
// numbered as the page's stages are (pass 1 is the input: x holds the keys and values):
//   pool_scores:   pass 2: scores   energy[r,:] = tanh(W1 x[r,:] + b1)  (Linear H->H, tanh; r = b T + t)
//                                   score[r]    = w2 . energy[r,:] + b2  (Linear H->1; no scale, no mask)
//   pool_context:  pass 5: softmax  weights[b,:] = softmax over t of score[b T + t]  (lib/softmax.wgsl)
//                  pass 6: context  out[b,:]     = sum_t weights[b,t] x[b T + t, :]
// The energies never leave the invocation that computes them (the tanh and the H->1 layer are
// fused into the H->H product). Not a general layer.
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
//   8  storage, read       x4       x as array<vec4<f32>> (the same buffer)     (pool_scores)
//   9  storage, read       w14      w1 as array<vec4<f32>> (the same buffer)    (pool_scores)
// Dispatch geometry
//   workgroups of 64 invocations along x, one invocation per row of x for pool_scores
//   (ceil(batch steps / 64), 1, 1) and one per sequence for pool_context (ceil(batch / 64), 1, 1).
//   No workgroup memory and no barriers (see attention.wgsl for why); W1 is read from storage by
//   every row and stays in cache. When hidden % 4 == 0, pool_scores reads 4 floats per load
//   (measured on SwiftShader here: 49 ms instead of 100 ms for pool_b32_t100_h64).
//
// uses: lib/activations.wgsl lib/softmax.wgsl  (appended by src/gpu/embed_shaders.cmake)

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
// x and w1 again, 4 floats at a time, for hidden sizes that are a multiple of 4
@group(0) @binding(8) var<storage, read> x4: array<vec4<f32>>;
@group(0) @binding(9) var<storage, read> w14: array<vec4<f32>>;

@compute @workgroup_size(64, 1, 1)
fn pool_scores(@builtin(global_invocation_id) gid: vec3<u32>) {
  let r = gid.x;  // the row b T + t of x
  if (r >= params.batch * params.steps) {
    return;
  }
  let H = params.hidden;
  let x_base = r * H;
  var score = params.b2;
  if (H % 4u == 0u) {
    // the same sums, four products per load
    let n4 = H / 4u;
    for (var u = 0u; u < H; u++) {
      var acc4 = vec4<f32>(0.0);
      for (var k = 0u; k < n4; k++) {
        acc4 += w14[u * n4 + k] * x4[r * n4 + k];
      }
      score += w2[u] * tanh_stable(b1[u] + ((acc4.x + acc4.y) + (acc4.z + acc4.w)));
    }
    scores[r] = score;
    return;
  }
  for (var u = 0u; u < H; u++) {
    // pass 2: scores: energy[u] = tanh(b1[u] + W1[u, :] . x[r, :]), and its share of the score
    var acc = b1[u];
    let w_base = u * H;
    for (var k = 0u; k < H; k++) {
      acc += w1[w_base + k] * x[x_base + k];
    }
    score += w2[u] * tanh_stable(acc);
  }
  scores[r] = score;
}

@compute @workgroup_size(64, 1, 1)
fn pool_context(@builtin(global_invocation_id) gid: vec3<u32>) {
  let b = gid.x;
  if (b >= params.batch) {
    return;
  }
  let T = params.steps;
  let H = params.hidden;
  let base = b * T;

  // pass 5: softmax over time
  for (var t = 0u; t < T; t++) {
    weights[base + t] = scores[base + t];
  }
  softmax_row(&weights, base, T);

  // pass 6: context, sum_t weight_t x_t
  for (var u = 0u; u < H; u++) {
    out[b * H + u] = 0.0;
  }
  for (var t = 0u; t < T; t++) {
    let w = weights[base + t];
    let x_base = (base + t) * H;
    for (var u = 0u; u < H; u++) {
      out[b * H + u] += w * x[x_base + u];
    }
  }
}
