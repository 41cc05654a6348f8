// attention.wgsl: scaled dot-product attention, fused: every pass of kernels::attention_head in one
// workgroup, numbered as the page's stages are:
//   pass 1: scores[i,j]  = q[i,:] . k[j,:]
//   pass 2: scaled[i,j]  = scores[i,j] * scale
//   pass 3: masked[i,j]  = scaled[i,j] + mask[i,j]        (entries <= -1e38 are dropped: see below)
//   pass 4: weights[i,:] = softmax(masked[i,:])            (a fully masked row gives zeros)
//   pass 5: context[i,:] = sum_j weights[i,j] v[j,:]
// The host writes -inf as -3e38 (WGSL implementations may assume no infinities reach a shader).
// Not the projections: matmul.wgsl makes Q, K, V. Test: tests/e2e/webgpu.test.mjs.
//
// Entry points
//   attention_head  one workgroup per (query i, head h): weights and context of one head
//   mha_rows        one workgroup per query row i: every head of the row, then the output
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
//   5  storage, read_write weights  [heads, tq, tk]; also the scratch of passes 1-4
//   6  storage, read_write out      attention_head: [tq, out_stride], head h at columns h dv ..;
//                                   mha_rows: y [tq, d_model]
//   7  storage, read       wo       [d_model, heads dv]  (mha_rows only)
//   8  storage, read       bo       [d_model]            (mha_rows only)
// Dispatch geometry
//   attention_head: workgroups (tq, heads, 1); mha_rows: workgroups (tq, 1, 1); 64 invocations each.
//   Invocations stride over keys in passes 1-4, over value columns in pass 5, over outputs in the
//   projection. Limits (checked by the host): dk <= 1024, heads dv <= 1024.

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
  _pad: u32,
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

const LANES: u32 = 64u;
const MASKED: f32 = -3.0e38;

var<workgroup> red: array<f32, 64>;
var<workgroup> q_row: array<f32, 1024>;  // the current head's query, read by every key
var<workgroup> ctx: array<f32, 1024>;    // mha_rows: the row's heads, concatenated

fn is_masked(x: f32) -> bool {
  return x <= -1.0e38;
}

fn reduce_max(lid: u32, x: f32) -> f32 {
  red[lid] = x;
  workgroupBarrier();
  for (var s = LANES / 2u; s > 0u; s = s / 2u) {
    if (lid < s) {
      red[lid] = max(red[lid], red[lid + s]);
    }
    workgroupBarrier();
  }
  let result = red[0];
  workgroupBarrier();  // all have read the result before red is reused
  return result;
}

fn reduce_sum(lid: u32, x: f32) -> f32 {
  red[lid] = x;
  workgroupBarrier();
  for (var s = LANES / 2u; s > 0u; s = s / 2u) {
    if (lid < s) {
      red[lid] = red[lid] + red[lid + s];
    }
    workgroupBarrier();
  }
  let result = red[0];
  workgroupBarrier();
  return result;
}

// Passes 1-4 for query i and head h: weights[h, i, :] holds the softmax when this returns, visible
// to every invocation of the workgroup.
fn attention_weights(i: u32, h: u32, lid: u32) {
  let dk = params.dk;
  let tk = params.tk;
  let q_base = i * params.q_stride + params.q_offset + h * dk;
  for (var d = lid; d < dk; d += LANES) {
    q_row[d] = q[q_base + d];
  }
  workgroupBarrier();
  let w_base = (h * params.tq + i) * tk;

  // pass 1-3: query dot key, scaled, masked; and the largest result, so that exp never overflows
  var local_max = MASKED;
  for (var j = lid; j < tk; j += LANES) {
    let k_base = j * params.k_stride + params.k_offset + h * dk;
    var dot = 0.0;
    for (var d = 0u; d < dk; d++) {
      dot += q_row[d] * k[k_base + d];
    }
    var s = dot * params.scale;
    if (params.has_mask != 0u) {
      let m = mask[i * tk + j];
      s = select(s + m, MASKED, is_masked(m));
    }
    weights[w_base + j] = s;
    local_max = max(local_max, s);
  }
  let row_max = reduce_max(lid, local_max);

  // pass 4: softmax: exponentials and their sum, then the division (each invocation rereads only
  // the entries it wrote itself)
  var local_sum = 0.0;
  for (var j = lid; j < tk; j += LANES) {
    let s = weights[w_base + j];
    let e = select(exp(s - row_max), 0.0, is_masked(s));
    weights[w_base + j] = e;
    local_sum += e;
  }
  let sum = reduce_sum(lid, local_sum);
  let inv_sum = select(0.0, 1.0 / sum, sum > 0.0);
  for (var j = lid; j < tk; j += LANES) {
    weights[w_base + j] = weights[w_base + j] * inv_sum;
  }
  storageBarrier();  // pass 5 reads weights that other invocations wrote
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
fn attention_head(@builtin(workgroup_id) wid: vec3<u32>,
                  @builtin(local_invocation_index) lid: u32) {
  let i = wid.x;
  let h = wid.y;
  attention_weights(i, h, lid);
  // pass 5: the context, written at this head's columns of the output row
  for (var col = lid; col < params.dv; col += LANES) {
    out[i * params.out_stride + h * params.dv + col] = context_column(i, h, col);
  }
}

@compute @workgroup_size(64, 1, 1)
fn mha_rows(@builtin(workgroup_id) wid: vec3<u32>,
            @builtin(local_invocation_index) lid: u32) {
  let i = wid.x;
  for (var h = 0u; h < params.heads; h++) {
    attention_weights(i, h, lid);
  }
  // pass 5 for every head at once: column c of the concatenation belongs to head c / dv
  let width = params.heads * params.dv;
  for (var c = lid; c < width; c += LANES) {
    ctx[c] = context_column(i, c / params.dv, c % params.dv);
  }
  workgroupBarrier();
  // the output projection: y[i, n] = bo[n] + sum_c wo[n, c] ctx[c]
  for (var n = lid; n < params.d_model; n += LANES) {
    var acc = bo[n];
    for (var c = 0u; c < width; c++) {
      acc += wo[n * width + c] * ctx[c];
    }
    out[i * params.d_model + n] = acc;
  }
}
