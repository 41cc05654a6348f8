// attention.wgsl: scaled dot-product attention, fused: every pass of kernels::attention_head for
// one query row in one invocation, numbered as the page's stages are:
//   pass 1: scores[i,j]  = q[i,:] . k[j,:]
//   pass 2: scaled[i,j]  = scores[i,j] * scale
//   pass 3: masked[i,j]  = scaled[i,j] + mask[i,j]        (entries <= -1e38 are dropped: see below)
//   pass 4: weights[i,:] = softmax(masked[i,:])            (a fully masked row gives zeros)
//   pass 5: context[i,:] = sum_j weights[i,j] v[j,:]
// The host writes -inf as -3e38 (WGSL implementations may assume no infinities reach a shader).
// Why one invocation per row and no workgroup cooperation: a row's softmax needs its max and sum,
// and sharing those among 64 invocations costs about 20 workgroup barriers per row and head, which
// a software adapter (SwiftShader) pays dearly: measured here (attn.bench, the page drawing
// meanwhile), the cooperative version took 143 ms for mha_d64_h4_t128 and this one 62 ms. At these
// sizes (rows of a few hundred keys at most) one invocation per row keeps a real GPU busy enough too.
// Not the projections: matmul.wgsl makes Q, K, V. Test: tests/e2e/webgpu.test.mjs.
//
// Entry points
//   attention_head  one invocation per (query i, head h): weights and context of one head
//   mha_rows        one invocation per query row i: every head of the row, then the output
//                   projection of the concatenated heads, y[i,:] = Wo concat[i,:] + bo, so that a
//                   multi-head attention layer is two dispatches (matmul_nt for Q|K|V, then this)
// Rows of q, k, v are q_stride, k_stride, v_stride floats apart; head h of row i starts at column
// q_offset + h dk (k_offset + h dk, v_offset + h dv). One buffer may serve as q, k and v (the
// [T, 3D] output of one projection): the three bindings are read-only.
// Bindings (group 0)
//   0  uniform             Params (64 bytes, gpu::AttentionParams)
//   1  storage, read       q        [tq rows]
//   2  storage, read       k        [tk rows]
//   3  storage, read       v        [tk rows]
//   4  storage, read       mask     [tq, tk] additive, shared by the heads (has_mask == 0: not read)
//   5  storage, read_write weights  [heads, tq, tk], the scratch of passes 1-4; mha_rows also keeps
//                                   the concatenated heads [tq, heads dv] from concat_offset on
//   6  storage, read_write out      attention_head: [tq, out_stride], head h at columns h dv ..;
//                                   mha_rows: y [tq, d_model]
//   7  storage, read       wo       [d_model, heads dv]  (mha_rows only)
//   8  storage, read       bo       [d_model]            (mha_rows only)
// Dispatch geometry
//   workgroups of 64 invocations along x: attention_head (ceil(tq / 64), heads, 1),
//   mha_rows (ceil(tq / 64), 1, 1).

struct Params {
  tq: u32,
  tk: u32,
  dk: u32,
  dv: u32,
  heads: u32,
  has_mask: u32,
  scale: f32,
  d_model: u32,
  q_stride: u32,
  q_offset: u32,
  k_stride: u32,
  k_offset: u32,
  v_stride: u32,
  v_offset: u32,
  out_stride: u32,
  concat_offset: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> q: array<f32>;
@group(0) @binding(2) var<storage, read> k: array<f32>;
@group(0) @binding(3) var<storage, read> v: array<f32>;
@group(0) @binding(4) var<storage, read> mask: array<f32>;
@group(0) @binding(5) var<storage, read_write> weights: array<f32>;
@group(0) @binding(6) var<storage, read_write> out: array<f32>;
@group(0) @binding(7) var<storage, read> wo: array<f32>;
@group(0) @binding(8) var<storage, read> bo: array<f32>;

const MASKED: f32 = -3.0e38;

fn is_masked(x: f32) -> bool {
  return x <= -1.0e38;
}

// Passes 1-4 for query i and head h, by one invocation: weights[h, i, :] holds the softmax when
// this returns. One invocation per row and no workgroup memory: nothing waits at a barrier.
fn attention_weights(i: u32, h: u32) {
  let dk = params.dk;
  let tk = params.tk;
  let q_base = i * params.q_stride + params.q_offset + h * dk;
  let w_base = (h * params.tq + i) * tk;

  // pass 1-3: query dot key, scaled, masked; and the largest result, so that exp never overflows
  var row_max = MASKED;
  for (var j = 0u; j < tk; j++) {
    let k_base = j * params.k_stride + params.k_offset + h * dk;
    var dot = 0.0;
    for (var d = 0u; d < dk; d++) {
      dot += q[q_base + d] * k[k_base + d];
    }
    var s = dot * params.scale;
    if (params.has_mask != 0u) {
      let m = mask[i * tk + j];
      s = select(s + m, MASKED, is_masked(m));
    }
    weights[w_base + j] = s;
    row_max = max(row_max, s);
  }

  // pass 4: softmax: exponentials and their sum, then the division (a fully masked row has sum 0
  // and stays all zeros)
  var sum = 0.0;
  for (var j = 0u; j < tk; j++) {
    let s = weights[w_base + j];
    let e = select(exp(s - row_max), 0.0, is_masked(s));
    weights[w_base + j] = e;
    sum += e;
  }
  let inv_sum = select(0.0, 1.0 / sum, sum > 0.0);
  for (var j = 0u; j < tk; j++) {
    weights[w_base + j] = weights[w_base + j] * inv_sum;
  }
}

// pass 5 for one value column: sum over keys of weight times value.
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
fn attention_head(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  let h = gid.y;
  if (i >= params.tq) {
    return;
  }
  attention_weights(i, h);
  // pass 5: the context, written at this head's columns of the output row
  for (var col = 0u; col < params.dv; col++) {
    out[i * params.out_stride + h * params.dv + col] = context_column(i, h, col);
  }
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
