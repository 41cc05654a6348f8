// bench.js: the browser benchmark, in the page tests/bench/browser/index.html: every workload
// through our engine (window.attn: scalar, SIMD, WebGPU), ONNX Runtime Web (wasm backend, one
// thread) and TensorFlow.js (wasm backend with SIMD, one thread), on the same inputs (inputs.mjs,
// checked bit for bit against attn.inputs()), timed the same way (src/core/bench_stats.h), each
// output compared with our scalar reference. Decode workloads (decode_<model>): the peers run the
// same model from the file the engine fetched, on the engine's source ids (decode_peers.mjs), and
// every column's greedy tokens are compared with ours as well. Not the report: run.mjs drives this
// page headless, prints the table and writes build/bench/results.json. Test: run.mjs --quick in
// tests/e2e/webgpu.test.mjs.
import { EOS, isDecodeWorkload, parseSafetensors, tokensOf } from './decode_models.mjs';
import { setupOrtDecode, setupTfjsDecode } from './decode_peers.mjs';
import { generateInputs, parseWorkload } from './inputs.mjs';

// The timing rule of src/core/bench_stats.h, for the JavaScript columns.
const MIN_SAMPLE_US = 1000;
const MAX_RUNS_PER_SAMPLE = 1000;
const WARMUP_RUNS = 2;

function percentile(sorted, p) {
  const rank = p * (sorted.length - 1);
  const lo = Math.floor(rank), hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

// Times an async function that runs the workload once (and returns its output).
async function timeRuns(runOnce, samples) {
  for (let i = 0; i < WARMUP_RUNS; ++i) await runOnce();
  let t0 = performance.now();
  await runOnce();
  const oneUs = (performance.now() - t0) * 1000;
  const perSample = oneUs > 0 ? Math.max(1, Math.min(MAX_RUNS_PER_SAMPLE, Math.ceil(MIN_SAMPLE_US / oneUs))) : MAX_RUNS_PER_SAMPLE;
  const perRun = [];
  for (let s = 0; s < samples; ++s) {
    t0 = performance.now();
    for (let r = 0; r < perSample; ++r) await runOnce();
    perRun.push((performance.now() - t0) * 1000 / perSample);
  }
  perRun.sort((a, b) => a - b);
  return { median_us: percentile(perRun, 0.5), p10_us: percentile(perRun, 0.1), p90_us: percentile(perRun, 0.9),
           samples, runs_per_sample: perSample };
}

function maxAbsDiff(a, b) {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; ++i) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= worst)) worst = d;  // NaN propagates
  }
  return worst;
}

// ---- ONNX Runtime Web: the graph run.mjs built (models/<name>.onnx), X fed on every run
async function setupOrt(name, inputs) {
  const response = await fetch(`models/${name}.onnx`);
  if (!response.ok) throw new Error(`models/${name}.onnx: HTTP ${response.status} (run.mjs writes it)`);
  const session = await ort.InferenceSession.create(new Uint8Array(await response.arrayBuffer()),
    { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  const x = inputs.X;
  return async () => {
    const out = await session.run({ X: new ort.Tensor('float32', x.data, x.shape) });
    return out.Y.data;
  };
}

// ---- TensorFlow.js: the same forward with tfjs-core ops; weights made once, X on every run
function setupTfjs(name, inputs) {
  const w = parseWorkload(name);
  const t = (key) => tf.tensor(inputs[key].data, inputs[key].shape.length ? inputs[key].shape : [1]);
  const x = inputs.X;
  let forward;
  if (w.kind === 'mha') {
    const { T, D, heads } = w;
    const dh = D / heads;
    const P = {};
    for (const p of ['q', 'k', 'v', 'o']) { P[`W${p}`] = t(`W${p}`); P[`b${p}`] = t(`b${p}`); }
    const scale = Math.fround(1 / Math.fround(Math.sqrt(dh)));
    forward = (X) => {
      const proj = (p) => tf.add(tf.matMul(X, P[`W${p}`], false, true), P[`b${p}`]);  // [T, D]
      const split = (m) => tf.transpose(tf.reshape(m, [T, heads, dh]), [1, 0, 2]);     // [heads, T, dh]
      const q = split(proj('q')), k = split(proj('k')), v = split(proj('v'));
      const weights = tf.softmax(tf.mul(tf.matMul(q, k, false, true), scale));          // [heads, T, T]
      const context = tf.reshape(tf.transpose(tf.matMul(weights, v), [1, 0, 2]), [T, D]);
      return tf.add(tf.matMul(context, P.Wo, false, true), P.bo);
    };
  } else {
    const { B, T, H } = w;
    const W1 = t('W1'), b1 = t('b1'), w2 = tf.tensor(inputs.w2.data, [H, 1]), b2 = t('b2');
    forward = (X) => {
      const rows = tf.reshape(X, [B * T, H]);
      const energy = tf.tanh(tf.add(tf.matMul(rows, W1, false, true), b1));
      const scores = tf.reshape(tf.add(tf.matMul(energy, w2), b2), [B, T]);
      const weights = tf.reshape(tf.softmax(scores), [B, 1, T]);
      return tf.reshape(tf.matMul(weights, X), [B, H]);
    };
  }
  return async () => {
    const y = tf.tidy(() => forward(tf.tensor(x.data, x.shape)));
    const data = await y.data();
    y.dispose();
    return data;
  };
}

let peersReady = null;
async function initPeers() {
  ort.env.wasm.numThreads = 1;  // one thread, as our engine
  ort.env.wasm.proxy = false;
  ort.env.wasm.wasmPaths = new URL('ort/', location.href).href;
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  tf.wasm.setWasmPaths(new URL('tfjs/', location.href).href);
  if (!(await tf.setBackend('wasm'))) throw new Error('TensorFlow.js: the wasm backend did not start');
  await tf.ready();
  return {
    ort: { version: ort.env.versions?.web || ort.env.versions?.common || 'unknown', threads: 1 },
    tfjs: { version: tf.version_core, backend: tf.getBackend(), simd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT'),
            threads: tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') ? 'multi' : 1 },
  };
}

function sameBits(a, b) {
  if (a.length !== b.length) return false;
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length), y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < x.length; ++i) if (x[i] !== y[i]) return false;
  return true;
}

// A decode workload's inputs: the engine's (source ids, options) and the model file it fetched, parsed.
async function decodeInputs(name) {
  const info = await window.attn.inputs(name);
  const response = await fetch(info.file);
  if (!response.ok) throw new Error(`${name}: ${info.file}: HTTP ${response.status}`);
  const model = parseSafetensors(await response.arrayBuffer(), info.file);
  return { info, model };
}

// The whole run: { env, gpu, peers, roundtrip, results: [...], generator, decode }.
async function runBench({ workloads, samples = 15, impls = ['scalar', 'simd', 'webgpu', 'ort-wasm', 'tfjs-wasm'] } = {}) {
  await window.attn.ready;
  peersReady = peersReady || initPeers();
  const peers = await peersReady;
  // WebGPU starts after the first frame and takes seconds to compile its pipelines (SwiftShader): its
  // state is read once that is over (ready, unavailable or failed), not whenever the peers happen to load.
  for (const t0 = performance.now(); ['waiting', 'preparing'].includes(window.attn.gpu().state) && performance.now() - t0 < 60000;)
    await new Promise((resolve) => setTimeout(resolve, 50));
  if (typeof Module.pauseMainLoop === 'function') Module.pauseMainLoop();  // no drawing while timing
  const gpu = window.attn.gpu();
  const out = { env: { userAgent: navigator.userAgent, crossOriginIsolated, cores: navigator.hardwareConcurrency },
                gpu, peers, results: [], generator: {}, dispatches: {}, decode: {} };
  const status = (text) => { document.getElementById('state').textContent = text; };
  if (gpu.available && impls.includes('webgpu')) {
    status('empty WebGPU round trip');
    out.roundtrip = await window.attn.roundTrip(samples);
  }
  for (const name of workloads) {
    const decode = isDecodeWorkload(name);
    let inputs, model, info, refTokens;
    if (decode) {
      ({ info, model } = await decodeInputs(name));
    } else {
      inputs = generateInputs(name);
      const engineInputs = await window.attn.inputs(name);
      const mismatched = Object.keys(inputs).filter((k) => !engineInputs[k] || !sameBits(inputs[k].data, engineInputs[k].data));
      out.generator[name] = mismatched.length ? `differs in ${mismatched.join(', ')}` : 'identical';
      if (mismatched.length) throw new Error(`${name}: inputs.mjs and the engine disagree on ${mismatched.join(', ')}`);
    }
    const reference = await window.attn.run(name, 'scalar');
    if (decode) {
      const Vt = model.vocabTgt.length;
      refTokens = tokensOf(reference, Vt);
      out.decode[name] = { model: info.model, file: info.file, text: info.text, source_ids: info.source_ids,
                           source_tokens: info.source_tokens, max_output_tokens: info.max_output_tokens, vocab: Vt,
                           steps: refTokens.length, max_abs_logit: reference.reduce((m, x) => Math.max(m, Math.abs(x)), 0),
                           tokens: refTokens.map((t) => model.vocabTgt[t]),
                           output_text: refTokens.filter((t) => t !== EOS).map((t) => model.vocabTgt[t]).join(' '),
                           tokens_differ: {} };
    }
    for (const impl of impls) {
      status(`${name}: ${impl}`);
      let stats, output;
      if (impl === 'scalar' || impl === 'simd' || impl === 'webgpu') {
        if (impl === 'webgpu' && !gpu.available) continue;
        output = await window.attn.run(name, impl);
        stats = await window.attn.bench(name, impl, samples);
        if (impl === 'webgpu') out.dispatches[name] = { dispatches: stats.dispatches, readbacks: stats.readbacks };
      } else {
        let runOnce;
        if (decode) runOnce = impl === 'ort-wasm' ? await setupOrtDecode(name, info, model) : setupTfjsDecode(name, info, model);
        else runOnce = impl === 'ort-wasm' ? await setupOrt(name, inputs) : setupTfjs(name, inputs);
        output = await runOnce();
        stats = await timeRuns(runOnce, samples);
      }
      if (decode) {
        const tokens = tokensOf(output, model.vocabTgt.length);
        if (tokens.join() !== refTokens.join()) {
          out.decode[name].tokens_differ[impl] = tokens.map((t) => model.vocabTgt[t] ?? t);
        }
      }
      out.results.push({ workload: name, impl, env: 'chromium', median_us: stats.median_us, p10_us: stats.p10_us,
                         p90_us: stats.p90_us, samples: stats.samples, runs_per_sample: stats.runs_per_sample,
                         max_abs_diff_vs_ref: maxAbsDiff(output, reference) });
    }
  }
  status('done');
  return out;
}

window.runBench = runBench;
document.getElementById('run').addEventListener('click', async () => {
  const r = await runBench({ workloads: ['mha_d64_h4_t4', 'mha_d64_h4_t32', 'decode_statquest'], samples: 3 });
  const rows = r.results.map((x) => `<tr><td>${x.workload}</td><td>${x.impl}</td><td>${x.median_us.toFixed(1)}</td>` +
                                    `<td>${x.max_abs_diff_vs_ref.toExponential(2)}</td></tr>`).join('');
  document.getElementById('table').innerHTML =
    `<table><tr><th>workload</th><th>impl</th><th>median us</th><th>max |diff| vs scalar</th></tr>${rows}</table>`;
});
