// softmax.wgsl: row softmax with an additive mask and a temperature, the contract of
// kernels::softmax_rows applied to x + mask:
//   z[r, c] = (x[r, c] + mask[r, c]) / temperature
//   y[r, c] = exp(z[r, c] - max_c z[r, :]) / sum_c exp(z[r, c] - max_c z[r, :])
// Masked entries get weight 0 and a row whose entries are all masked becomes all zeros, never NaN.
// An entry is masked when x or mask holds a value <= -1e38: the host writes -inf as -3e38, because
// WGSL implementations may assume that no infinities reach a shader.
// Not the attention softmax (attention.wgsl fuses its own). Test: tests/e2e/webgpu.test.mjs.
//
// Bindings (group 0)
//   0  uniform             Params {rows, cols, inv_temperature, has_mask}  (16 bytes, gpu::SoftmaxParams)
//   1  storage, read       x     [rows, cols]
//   2  storage, read       mask  [rows, cols]  (not read when has_mask == 0; bind any buffer)
//   3  storage, read_write y     [rows, cols]
// Dispatch geometry
//   one workgroup of 64 invocations per row, workgroups (min(rows, 65535), ceil(rows / 65535), 1);
//   the invocations stride over the row's columns and meet in workgroup memory for the max and sum.

struct Params {
  rows: u32,
  cols: u32,
  inv_temperature: f32,
  has_mask: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> mask: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;

const LANES: u32 = 64u;
const MASKED: f32 = -3.0e38;  // what a masked entry holds while it waits for its zero weight

var<workgroup> red: array<f32, 64>;

fn is_masked(v: f32) -> bool {
  return v <= -1.0e38;
}

// The largest of the 64 invocations' values; every invocation gets it.
fn reduce_max(lid: u32, v: f32) -> f32 {
  red[lid] = v;
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

fn reduce_sum(lid: u32, v: f32) -> f32 {
  red[lid] = v;
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

@compute @workgroup_size(64, 1, 1)
fn softmax_rows(@builtin(workgroup_id) wid: vec3<u32>,
                @builtin(num_workgroups) groups: vec3<u32>,
                @builtin(local_invocation_index) lid: u32) {
  let row = wid.x + wid.y * groups.x;
  if (row >= params.rows) {
    return;  // the whole workgroup leaves together: row is uniform across it
  }
  let base = row * params.cols;

  // pass 1: the masked, tempered logits and the largest of them, so that exp never overflows
  var local_max = MASKED;
  for (var col = lid; col < params.cols; col += LANES) {
    let v = x[base + col];
    var masked = is_masked(v);
    var z = v;
    if (params.has_mask != 0u) {
      let m = mask[base + col];
      masked = masked || is_masked(m);
      z = v + m;
    }
    z = select(z * params.inv_temperature, MASKED, masked);
    y[base + col] = z;
    local_max = max(local_max, z);
  }
  let row_max = reduce_max(lid, local_max);

  // pass 2: exponentials and their sum (each invocation rereads only the entries it wrote)
  var local_sum = 0.0;
  for (var col = lid; col < params.cols; col += LANES) {
    let z = y[base + col];
    let e = select(exp(z - row_max), 0.0, is_masked(z));
    y[base + col] = e;
    local_sum += e;
  }
  let sum = reduce_sum(lid, local_sum);

  // pass 3: normalize so the row sums to 1; a fully masked row has sum 0 and stays all zeros
  let inv_sum = select(0.0, 1.0 / sum, sum > 0.0);
  for (var col = lid; col < params.cols; col += LANES) {
    y[base + col] = y[base + col] * inv_sum;
  }
}
