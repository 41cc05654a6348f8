// matmul.wgsl: a tiled matrix product on the GPU, the contract of kernels::matmul_nt
// (src/kernels/kernels.h): a linear layer with a PyTorch [out, in] weight, such as the Q|K|V
// projection of gpu/forward.h build_mha. Not fused with anything: the fused kernels live in
// attention.wgsl and pool.wgsl. Test: tests/e2e/webgpu.test.mjs (attn.gpuCheck compares every
// entry with kernels::ref).
//
// Entry point
//   matmul_nt   C[M,N] = A[M,K] B[N,K]^T (+ bias[N] on every row)
// Bindings (group 0)
//   0  uniform             Params {M, K, N, has_bias}                  (16 bytes, gpu::MatmulParams)
//   1  storage, read       A     [M, K]
//   2  storage, read       B     [N, K]
//   3  storage, read       bias  [N]    (not read when has_bias == 0; bind any buffer)
//   4  storage, read_write C     [M, N]
// Dispatch geometry
//   workgroups (ceil(N / 32), ceil(M / 32), 1), each of 8 x 8 invocations. A workgroup owns a
//   32 x 32 tile of C; each invocation accumulates 4 x 4 of its entries (rows ty + 8 i, columns
//   tx + 8 j, interleaved so neighbouring invocations touch neighbouring memory). K is walked 16 at
//   a time through workgroup memory, so each value of A and B is read from storage once per tile.

struct Params {
  M: u32,
  K: u32,
  N: u32,
  has_bias: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> c: array<f32>;

const TILE: u32 = 32u;   // rows and columns of C per workgroup
const KSTEP: u32 = 16u;  // depth of one step through K
const LANES: u32 = 64u;  // invocations per workgroup (8 x 8)

// Both tiles are stored k-major ([kk][row] and [kk][col]) so the inner loop reads consecutive words.
var<workgroup> a_tile: array<f32, 512>;  // TILE * KSTEP
var<workgroup> b_tile: array<f32, 512>;

// Rows row0.. of A, columns k0.. into a_tile; zeros past the edges so the products need no checks.
fn load_a_tile(row0: u32, k0: u32, lid: u32) {
  for (var s = 0u; s < (TILE * KSTEP) / LANES; s++) {
    let e = lid + LANES * s;
    let kk = e % KSTEP;
    let r = e / KSTEP;
    var v = 0.0;
    if (row0 + r < params.M && k0 + kk < params.K) {
      v = a[(row0 + r) * params.K + k0 + kk];
    }
    a_tile[kk * TILE + r] = v;
  }
}

// B is [N, K]: each column of C reads one row of B.
fn load_b_tile_nt(col0: u32, k0: u32, lid: u32) {
  for (var s = 0u; s < (TILE * KSTEP) / LANES; s++) {
    let e = lid + LANES * s;
    let kk = e % KSTEP;
    let col = e / KSTEP;
    var v = 0.0;
    if (col0 + col < params.N && k0 + kk < params.K) {
      v = b[(col0 + col) * params.K + k0 + kk];
    }
    b_tile[kk * TILE + col] = v;
  }
}

// acc[i * 4 + j] += sum over kk of A[ty + 8 i, kk] * B[kk, tx + 8 j], within the current tiles.
fn accumulate(tx: u32, ty: u32, acc: ptr<function, array<f32, 16>>) {
  for (var kk = 0u; kk < KSTEP; kk++) {
    var av: array<f32, 4>;
    var bv: array<f32, 4>;
    for (var i = 0u; i < 4u; i++) {
      av[i] = a_tile[kk * TILE + ty + 8u * i];
      bv[i] = b_tile[kk * TILE + tx + 8u * i];
    }
    for (var i = 0u; i < 4u; i++) {
      for (var j = 0u; j < 4u; j++) {
        (*acc)[i * 4u + j] += av[i] * bv[j];
      }
    }
  }
}

fn store(row0: u32, col0: u32, tx: u32, ty: u32, acc: ptr<function, array<f32, 16>>) {
  for (var i = 0u; i < 4u; i++) {
    let row = row0 + ty + 8u * i;
    for (var j = 0u; j < 4u; j++) {
      let col = col0 + tx + 8u * j;
      if (row < params.M && col < params.N) {
        var v = (*acc)[i * 4u + j];
        if (params.has_bias != 0u) {
          v += bias[col];
        }
        c[row * params.N + col] = v;
      }
    }
  }
}

@compute @workgroup_size(8, 8, 1)
fn matmul_nt(@builtin(workgroup_id) wid: vec3<u32>,
             @builtin(local_invocation_id) local: vec3<u32>,
             @builtin(local_invocation_index) lid: u32) {
  let row0 = wid.y * TILE;
  let col0 = wid.x * TILE;
  var acc: array<f32, 16>;  // zero-initialized
  let steps = (params.K + KSTEP - 1u) / KSTEP;
  for (var t = 0u; t < steps; t++) {
    load_a_tile(row0, t * KSTEP, lid);
    load_b_tile_nt(col0, t * KSTEP, lid);
    workgroupBarrier();  // the tiles are complete before anyone multiplies
    accumulate(local.x, local.y, &acc);
    workgroupBarrier();  // everyone is done with the tiles before the next step overwrites them
  }
  store(row0, col0, local.x, local.y, &acc);
}
