// inputs.mjs: the workloads' fixed pseudo-random inputs, generated in JavaScript exactly as the
// engine generates them (src/core/rng.h, src/models/workloads.h), so that the peers (ONNX Runtime
// Web, TensorFlow.js) get bit for bit the inputs our engine gets. Runs in node (run.mjs builds the
// ONNX graphs with it) and in the browser (bench.js). The bench page checks it against
// attn.inputs() and refuses to time anything if a single bit differs.
//   seed   = FNV-1a 64-bit hash of the name's UTF-8 bytes
//   next() = SplitMix64 on that state
//   u      = (next() >> 40) * 2^-24   (exact in float32)
//   value  = lo + (hi - lo) * u, each operation rounded to float32 (Math.fround)
// Tensors are drawn row-major, one after another, in the order of workloadTensors().
const MASK64 = (1n << 64n) - 1n;

export function seedFromName(name) {
  let h = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(name)) h = ((h ^ BigInt(byte)) * 0x100000001b3n) & MASK64;
  return h;
}

export class Rng {
  constructor(seed) { this.state = seed & MASK64; }
  nextU64() {
    this.state = (this.state + 0x9e3779b97f4a7c15n) & MASK64;
    let z = this.state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
    return z ^ (z >> 31n);
  }
  uniform(lo, hi) {
    const u = Number(this.nextU64() >> 40n) / 16777216;
    const f = Math.fround;
    return f(f(lo) + f(f(f(hi) - f(lo)) * u));
  }
}

// "mha_d64_h4_t128" -> { kind: 'mha', D: 64, heads: 4, T: 128 }; "pool_b32_t100_h64" -> { kind: 'pool', B, T, H }.
export function parseWorkload(name) {
  let m = /^mha_d([1-9]\d*)_h([1-9]\d*)_t([1-9]\d*)$/.exec(name);
  if (m) {
    const [D, heads, T] = m.slice(1).map(Number);
    if (D % heads !== 0) throw new Error(`${name}: d must be a multiple of the number of heads`);
    return { name, kind: 'mha', D, heads, T };
  }
  m = /^pool_b([1-9]\d*)_t([1-9]\d*)_h([1-9]\d*)$/.exec(name);
  if (m) {
    const [B, T, H] = m.slice(1).map(Number);
    return { name, kind: 'pool', B, T, H };
  }
  throw new Error(`${name}: the browser benchmark knows mha_d<D>_h<heads>_t<T> and pool_b<B>_t<T>_h<H>`);
}

// [{ name, shape }] in generation order, with each tensor's range.
export function workloadTensors(w) {
  const f = Math.fround;
  if (w.kind === 'mha') {
    const a = f(1 / f(Math.sqrt(w.D)));
    const list = [{ name: 'X', shape: [w.T, w.D], lo: -1, hi: 1 }];
    for (const p of ['q', 'k', 'v', 'o']) {
      list.push({ name: `W${p}`, shape: [w.D, w.D], lo: -a, hi: a }, { name: `b${p}`, shape: [w.D], lo: -a, hi: a });
    }
    return list;
  }
  const a = f(1 / f(Math.sqrt(w.H)));
  return [{ name: 'X', shape: [w.B, w.T, w.H], lo: -1, hi: 1 }, { name: 'W1', shape: [w.H, w.H], lo: -a, hi: a },
          { name: 'b1', shape: [w.H], lo: -a, hi: a }, { name: 'w2', shape: [w.H], lo: -a, hi: a },
          { name: 'b2', shape: [], lo: -a, hi: a }];
}

// { X: { shape, data: Float32Array }, ... }
export function generateInputs(name) {
  const w = parseWorkload(name);
  const rng = new Rng(seedFromName(name));
  const out = {};
  for (const t of workloadTensors(w)) {
    const n = t.shape.reduce((p, d) => p * d, 1);
    const data = new Float32Array(n);
    for (let i = 0; i < n; ++i) data[i] = rng.uniform(t.lo, t.hi);
    out[t.name] = { shape: t.shape, data };
  }
  return out;
}
