// attention.wgsl: the heads and the output projection of multi-head self-attention, one query row
// per invocation (gpu/forward.h build_mha, after matmul_nt made Q|K|V: that is pass 1), numbered as
// the page's stages are:
//   pass 2: scores   scores[h,i,j]  = q[i, head h] . k[j, head h]
//   pass 3: scale    scaled[h,i,j]  = scores[h,i,j] * scale       (1/sqrt(dk))
//   pass 5: softmax  weights[h,i,:] = softmax(scaled[h,i,:])      (lib/softmax.wgsl; no mask: pass 4 is none)
//   pass 6: context  concat[i, head h] = sum_j weights[h,i,j] v[j, head h]
// then y[i,:] = Wo concat[i,:] + bo, so that a multi-head attention layer is two dispatches.
// Why one invocation per row and no workgroup cooperation: a row's softmax needs its max and sum,
// and sharing those among 64 invocations costs about 20 workgroup barriers per row and head, which
// a software adapter (SwiftShader) pays dearly: measured here (attn.bench, the page drawing
// meanwhile), the cooperative version took 143 ms for mha_d64_h4_t128 and this one 62 ms. At these
// sizes (rows of a few hundred keys at most) one invocation per row keeps a real GPU busy enough too.
// Not the projections: matmul.wgsl makes Q, K, V. Test: tests/e2e/webgpu.test.mjs.
//
// Rows of q, k, v are q_stride, k_stride, v_stride floats apart; head h of row i starts at column
// q_offset + h dk (k_offset + h dk, v_offset + h dv). One buffer may serve as q, k and v (the
// [T, 3D] output of one projection): the three bindings are read-only.
// Bindings (group 0)
//   0  uniform             Params (64 bytes, gpu::AttentionParams)
//   1  storage, read       q        [tq rows]
//   2  storage, read       k        [tk rows]
//   3  storage, read       v        [tk rows]
//   4  storage, read_write weights  [heads, tq, tk], then the concatenated heads [tq, heads dv] from
//                                   concat_offset on
//   5  storage, read_write out      y [tq, d_model]
//   6  storage, read       wo       [d_model, heads dv]
//   7  storage, read       bo       [d_model]
// Dispatch geometry
//   workgroups of 64 invocations along x: (ceil(tq / 64), 1, 1).
//
// uses: lib/softmax.wgsl  (appended by src/gpu/embed_shaders.cmake)

struct Params {
  tq: u32,
  tk: u32,
  dk: u32,
  dv: u32,
  heads: u32,
  d_model: u32,
  scale: f32,
  concat_offset: u32,
  q_stride: u32,
  q_offset: u32,
  k_stride: u32,
  k_offset: u32,
  v_stride: u32,
  v_offset: u32,
  _pad0: u32,
  _pad1: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> q: array<f32>;
@group(0) @binding(2) var<storage, read> k: array<f32>;
@group(0) @binding(3) var<storage, read> v: array<f32>;
@group(0) @binding(4) var<storage, read_write> weights: array<f32>;
@group(0) @binding(5) var<storage, read_write> out: array<f32>;
@group(0) @binding(6) var<storage, read> wo: array<f32>;
@group(0) @binding(7) var<storage, read> bo: array<f32>;

// Passes 2-5 for query i and head h, by one invocation: weights[h, i, :] holds the softmax when this
// returns. One invocation per row and no workgroup memory: nothing waits at a barrier.
fn attention_weights(i: u32, h: u32) {
  let dk = params.dk;
  let tk = params.tk;
  let q_base = i * params.q_stride + params.q_offset + h * dk;
  let w_base = (h * params.tq + i) * tk;
  // pass 2-3: scores, scaled: query dot key, times the scale
  for (var j = 0u; j < tk; j++) {
    let k_base = j * params.k_stride + params.k_offset + h * dk;
    var dot = 0.0;
    for (var d = 0u; d < dk; d++) {
      dot += q[q_base + d] * k[k_base + d];
    }
    weights[w_base + j] = dot * params.scale;
  }
  // pass 5: softmax
  softmax_row(&weights, w_base, tk);
}

// pass 6 for one value column: sum over keys of weight times value.
fn context_column(i: u32, h: u32, col: u32) -> f32 {
  let w_base = (h * params.tq + i) * params.tk;
  let v_col = params.v_offset + h * params.dv + col;
  var acc = 0.0;
  for (var j = 0u; j < params.tk; j++) {
    acc += weights[w_base + j] * v[j * params.v_stride + v_col];
  }
  return acc;
}

@compute @workgroup_size(64, 1, 1)
fn mha_rows(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= params.tq) {
    return;
  }
  // every head of row i, its context into the concatenation (in weights, after the weights)
  let width = params.heads * params.dv;
  let concat = params.concat_offset + i * width;
  for (var h = 0u; h < params.heads; h++) {
    attention_weights(i, h);
    for (var col = 0u; col < params.dv; col++) {
      weights[concat + h * params.dv + col] = context_column(i, h, col);
    }
  }
  // the output projection: y[i, n] = bo[n] + sum_c wo[n, c] concat[i, c]
  for (var n = 0u; n < params.d_model; n++) {
    var acc = bo[n];
    for (var c = 0u; c < width; c++) {
      acc += wo[n * width + c] * weights[concat + c];
    }
    out[i * params.d_model + n] = acc;
  }
}
