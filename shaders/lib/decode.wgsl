// lib/decode.wgsl: what the whole-decode shaders share (decode_lstm.wgsl, decode_transformer.wgsl;
// appended to each by src/gpu/embed_shaders.cmake): the uniform broadcast of a value to the
// workgroup, stage 5 on one row of scores (soft, hard, top-k, as nn/attention.cpp's
// normalize_forward), and stage 7's softmax over the vocabulary with its argmax.
// Needs from the shader: `const WG: u32` (the workgroup size, 256), the `out` storage binding, and
// lib/softmax.wgsl (softmax_row) in its "uses:" line.

var<workgroup> wg_u: u32;               // a value every invocation must agree on (loop bounds, tokens)
var<workgroup> red_v: array<f32, 256>;  // reductions over the vocabulary
var<workgroup> red_i: array<u32, 256>;

// Invocation 0's v, as a uniform value of the whole workgroup.
fn uniform_u32(lid: u32, v: u32) -> u32 {
  if (lid == 0u) { wg_u = v; }
  return workgroupUniformLoad(&wg_u);
}

// Stage 5 of one query row, by one invocation: weights out[wt .. wt + n) from the scaled scores
// out[scl .. scl + n). normalizer: the row's gpu_code in nn/normalizers.cpp's table: 0 soft, 1 hard
// (one-hot at the first best), 2 top-k (softmax over the k best; ties to the lower index), 3 sparsemax.
// Dropped keys get weight 0.
fn normalize_row(scl: u32, wt: u32, n: u32, normalizer: u32, k_keep: u32) {
  if (normalizer == 3u) {
    // sparsemax: w_j = max(z_j - tau, 0) with tau found as the SIMD path finds it (Michelot):
    // from max - 1, tau = (sum of the scores above tau - 1) / (how many) until that set stops changing
    var m = -3.0e38;
    for (var j = 0u; j < n; j++) { m = max(m, out[scl + j]); }
    var tau = m - 1.0;
    var support = n + 1u;
    for (var it = 0u; it <= n; it++) {
      var sum = 0.0;
      var count = 0u;
      for (var j = 0u; j < n; j++) {
        if (out[scl + j] > tau) { sum += out[scl + j]; count++; }
      }
      if (count == support) { break; }
      support = count;
      tau = (sum - 1.0) / f32(count);
    }
    for (var j = 0u; j < n; j++) { out[wt + j] = max(out[scl + j] - tau, 0.0); }
    return;
  }
  if (normalizer == 1u) {
    var best = 0u;
    for (var j = 1u; j < n; j++) { if (out[scl + j] > out[scl + best]) { best = j; } }
    for (var j = 0u; j < n; j++) { out[wt + j] = select(0.0, 1.0, j == best); }
    return;
  }
  for (var j = 0u; j < n; j++) {
    var keep = true;
    if (normalizer == 2u) {
      var better = 0u;  // keys ahead of j: larger, or equal with a lower index
      for (var i = 0u; i < n; i++) {
        let a = out[scl + i];
        let b = out[scl + j];
        if (a > b || (a == b && i < j)) { better++; }
      }
      keep = better < k_keep;
    }
    out[wt + j] = select(MASKED, out[scl + j], keep);  // top-k: the dropped keys are masked
  }
  softmax_row(&out, wt, n);
}

// Stage 7 after the logits out[lg .. lg + V) are written (m_local: this invocation's largest): the
// probabilities at out[pr ..], the argmax (the first of ties, as the CPU) at out[tok]. Returns the
// token as a uniform value.
fn softmax_argmax(lid: u32, lg: u32, pr: u32, V: u32, m_local: f32, tok: u32) -> u32 {
  red_v[lid] = m_local;
  workgroupBarrier();
  for (var half = WG / 2u; half > 0u; half /= 2u) {
    if (lid < half) { red_v[lid] = max(red_v[lid], red_v[lid + half]); }
    workgroupBarrier();
  }
  let mx = red_v[0];
  workgroupBarrier();
  var sum = 0.0;
  for (var v = lid; v < V; v += WG) {
    let e = exp(out[lg + v] - mx);
    out[pr + v] = e;
    sum += e;
  }
  red_v[lid] = sum;
  workgroupBarrier();
  for (var half = WG / 2u; half > 0u; half /= 2u) {
    if (lid < half) { red_v[lid] += red_v[lid + half]; }
    workgroupBarrier();
  }
  let total = red_v[0];
  workgroupBarrier();
  var best_v = -1.0;
  var best_i = 0u;
  for (var v = lid; v < V; v += WG) {
    let p = out[pr + v] / total;
    out[pr + v] = p;
    if (p > best_v) { best_v = p; best_i = v; }  // v rises: keeps the first of ties
  }
  red_v[lid] = best_v;
  red_i[lid] = best_i;
  workgroupBarrier();
  for (var half = WG / 2u; half > 0u; half /= 2u) {
    if (lid < half) {
      let a = red_v[lid + half];
      let ai = red_i[lid + half];
      if (a > red_v[lid] || (a == red_v[lid] && ai < red_i[lid])) { red_v[lid] = a; red_i[lid] = ai; }
    }
    workgroupBarrier();
  }
  let token = red_i[0];
  if (lid == 0u) { out[tok] = f32(token); }
  storageBarrier();
  return uniform_u32(lid, token);
}
