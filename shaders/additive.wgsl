// additive.wgsl: the energies and scores of additive (Bahdanau) attention,
//   energies[i, j, :] = tanh(W s_i + U h_j)          (the hidden layer of the score network)
//   scores[i, j]      = v . energies[i, j, :]         (its output: one score per query and key)
// given ws = W s (+ its bias) for every query and uh = U h for every key, which matmul.wgsl makes
// once per sequence (the keys' half does not change from one decoder step to the next).
// Not the softmax and the context: softmax.wgsl or attention.wgsl take it from the scores.
// Test: tests/e2e/webgpu.test.mjs (against kernels::ref::matmul_nt, vtanh and matvec).
//
// Bindings (group 0)
//   0  uniform             Params {tq, tk, da, _pad}          (16 bytes, gpu::AdditiveParams)
//   1  storage, read       ws        [tq, da]
//   2  storage, read       uh        [tk, da]
//   3  storage, read       v         [da]
//   4  storage, read_write energies  [tq, tk, da]
//   5  storage, read_write scores    [tq, tk]
// Dispatch geometry
//   one workgroup of 64 invocations per (key j, query i): workgroups (tk, tq, 1); the invocations
//   stride over the da hidden units and add their shares of the score in workgroup memory.
//
// uses: lib/activations.wgsl  (appended by src/gpu/embed_shaders.cmake)

struct Params {
  tq: u32,
  tk: u32,
  da: u32,
  _pad: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> ws: array<f32>;
@group(0) @binding(2) var<storage, read> uh: array<f32>;
@group(0) @binding(3) var<storage, read> v: array<f32>;
@group(0) @binding(4) var<storage, read_write> energies: array<f32>;
@group(0) @binding(5) var<storage, read_write> scores: array<f32>;

const LANES: u32 = 64u;

var<workgroup> red: array<f32, 64>;

@compute @workgroup_size(64, 1, 1)
fn additive_energies(@builtin(workgroup_id) wid: vec3<u32>,
                     @builtin(local_invocation_index) lid: u32) {
  let j = wid.x;
  let i = wid.y;
  let da = params.da;
  let e_base = (i * params.tk + j) * da;
  // the energy of each hidden unit, and this invocation's share of v . energy
  var partial = 0.0;
  for (var a = lid; a < da; a += LANES) {
    let e = tanh_stable(ws[i * da + a] + uh[j * da + a]);
    energies[e_base + a] = e;
    partial += v[a] * e;
  }
  red[lid] = partial;
  workgroupBarrier();
  for (var s = LANES / 2u; s > 0u; s = s / 2u) {
    if (lid < s) {
      red[lid] = red[lid] + red[lid + s];
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    scores[i * params.tk + j] = red[0];
  }
}
