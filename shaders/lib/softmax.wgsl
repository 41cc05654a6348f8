// lib/softmax.wgsl: stage 5 on one row, written once for every shader that turns scores into weights
// (attention.wgsl, pool.wgsl, sensor_forward.wgsl, and lib/decode.wgsl's normalizers); appended by
// src/gpu/embed_shaders.cmake after a shader whose header says "// uses: lib/softmax.wgsl". One
// invocation does the row, in the order of the scalar reference (kernels_ref.cpp softmax_rows).
// Not the workgroup-wide softmax over a vocabulary (lib/decode.wgsl softmax_argmax).
// Test: tests/e2e/webgpu.test.mjs (every forward and decode that uses it, against kernels::ref).
//
// Masked entries (stage 4: the keys top-k drops) hold MASKED where the CPU holds -inf, because WGSL
// implementations may assume that no infinities reach a shader. They get weight 0, and a row whose
// entries are all masked becomes all zeros, never NaN.

const MASKED: f32 = -3.0e38;

fn is_masked(x: f32) -> bool {
  return x <= -1.0e38;
}

// row[base .. base + n) <- softmax(row[base .. base + n)), in place. Needs WGSL's
// unrestricted_pointer_parameters (a storage pointer as an argument), which Chromium ships.
fn softmax_row(row: ptr<storage, array<f32>, read_write>, base: u32, n: u32) {
  // pass 5a: exp, of each score less the row's largest, so that no exp overflows
  var row_max = MASKED;
  for (var j = 0u; j < n; j++) { row_max = max(row_max, (*row)[base + j]); }
  for (var j = 0u; j < n; j++) {
    let x = (*row)[base + j];
    (*row)[base + j] = select(exp(x - row_max), 0.0, is_masked(x));
  }
  // pass 5b: sum of the exponentials
  var sum = 0.0;
  for (var j = 0u; j < n; j++) { sum += (*row)[base + j]; }
  // pass 5c: divide by the sum, so the row sums to 1 (a fully masked row has sum 0: it stays zeros)
  if (sum > 0.0) {
    for (var j = 0u; j < n; j++) { (*row)[base + j] = (*row)[base + j] / sum; }
  }
}
