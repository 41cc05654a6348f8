// webgpu.test.mjs: the WebGPU path in headless Chromium. With --enable-unsafe-webgpu (SwiftShader,
// a CPU implementation of WebGPU): every WGSL kernel and every GPU forward against the scalar
// reference, the Backend window's choices, Auto, a WGSL error reported with its line, a lost device
// falling back to SIMD without losing the page's state, and the browser benchmark's --quick run.
// Without the flag (no adapter), without navigator.gpu, and with a refused device: the notice shows
// and the page works on SIMD. Tolerances: normalized MSE <= 1e-6 (measured ~1e-13: the GPU sums in
// other orders and its exp differs by an ulp or two), max |diff| <= 1e-5 on outputs of size ~0.1.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ARTIFACTS, CLI, ROOT, clickWidget, launch, openPage, serve, waitReady } from './browser.mjs';
import { generateInputs } from '../bench/browser/inputs.mjs';

const NMSE_MAX = 1e-6;
const WORKLOADS = ['mha_d64_h4_t4', 'mha_d64_h4_t32', 'mha_d64_h4_t128', 'pool_b32_t100_h64', 'lstm_step_h64',
                   'mha_d24_h3_t17', 'pool_b3_t17_h65', 'lstm_step_h17'];
const KERNELS = ['matmul_nt', 'lstm_step_forward', 'pool_forward', 'mha_forward'];

let server;
before(async () => { server = await serve(); });
after(() => server?.server.close());

// Polls fn in the page until it returns a truthy value (which is returned), or fails after ms.
async function until(page, fn, arg, ms = 20000, what = 'condition') {
  const t0 = Date.now();
  for (;;) {
    const v = await page.evaluate(fn, arg);
    if (v) return v;
    if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await page.waitForTimeout(50);
  }
}

// { nmse, max } of two arrays given as plain arrays.
function compare(gpu, ref) {
  assert.equal(gpu.length, ref.length, 'output length');
  let err = 0, norm = 0, max = 0;
  for (let i = 0; i < ref.length; ++i) {
    const d = gpu[i] - ref[i];
    err += d * d;
    norm += ref[i] * ref[i];
    if (!(Math.abs(d) <= max)) max = Math.abs(d);
  }
  return { nmse: err / norm, max };
}

describe('with WebGPU (SwiftShader)', () => {
  let browser, page;
  before(async () => {
    browser = await launch(['--enable-unsafe-webgpu']);
    page = await openPage(browser, server.url);
    assert.equal(await waitReady(page), null);
    await page.evaluate(() => window.attn.setState({ view: 'backend' }));
    await until(page, () => window.attn.gpu().state !== 'preparing' && window.attn.gpu().state !== 'waiting', null,
                20000, 'the WebGPU pipelines');
  });
  after(async () => { await browser?.close(); });

  test('the page finds the adapter and compiles every pipeline', async () => {
    const gpu = await page.evaluate(() => window.attn.gpu());
    assert.equal(gpu.state, 'ready', gpu.notice);
    assert.equal(gpu.available, true);
    assert.match(gpu.adapter, /swiftshader/i);
    assert.equal(gpu.cpu_adapter, true, 'SwiftShader is reported as a software adapter');
    assert.deepEqual(gpu.compile_errors, []);
  });

  test('every WGSL kernel matches the scalar reference (normalized MSE <= 1e-6)', async () => {
    const check = await page.evaluate(() => window.attn.gpuCheck());
    assert.equal(check.all_ran, true, JSON.stringify(check.results.filter((r) => r.error)));
    assert.deepEqual([...new Set(check.results.map((r) => r.kernel))].sort(), [...KERNELS].sort());
    for (const r of check.results) {
      assert.ok(r.outputs.length > 0, `${r.kernel} ${r.shape}: nothing compared`);
      for (const o of r.outputs) {
        assert.ok(o.nmse <= NMSE_MAX, `${r.kernel} ${r.shape} ${o.name}: normalized MSE ${o.nmse}`);
        assert.ok(o.max_abs_diff <= 1e-4, `${r.kernel} ${r.shape} ${o.name}: max |diff| ${o.max_abs_diff}`);
      }
    }
    const forwards = Object.fromEntries(check.results.map((r) => [r.kernel, r.dispatches]));
    assert.equal(forwards.mha_forward, 2, 'multi-head attention: 2 dispatches');
    assert.equal(forwards.pool_forward, 2, 'pooling: 2 dispatches');
    assert.equal(forwards.lstm_step_forward, 1, 'LSTM step: 1 dispatch');
  });

  test('a whole workload forward on the GPU matches the scalar path', async () => {
    for (const w of WORKLOADS) {
      const [gpu, ref] = await page.evaluate(async (name) => [
        Array.from(await window.attn.run(name, 'webgpu')), Array.from(await window.attn.run(name, 'scalar'))], w);
      const { nmse, max } = compare(gpu, ref);
      assert.ok(nmse <= NMSE_MAX, `${w}: normalized MSE ${nmse}`);
      assert.ok(max <= 1e-5, `${w}: max |diff| ${max}`);
    }
  });

  test('a whole greedy decode of every shipped translation model on the GPU: one dispatch, one readback, the scalar reference\'s logits', async () => {
    const models = await page.evaluate(() => window.attn.models().map((m) => m.name));
    assert.ok(models.length >= 5, models.join());
    for (const m of models) {
      const w = `decode_${m}`;
      const [gpu, ref, info] = await page.evaluate(async (name) => [
        Array.from(await window.attn.run(name, 'webgpu')), Array.from(await window.attn.run(name, 'scalar')),
        await window.attn.bench(name, 'webgpu', 2)], w);
      const { nmse, max } = compare(gpu, ref);
      assert.ok(nmse <= NMSE_MAX, `${w}: normalized MSE ${nmse}`);
      assert.ok(max <= 1e-3, `${w}: max |diff| ${max} (logits of size ~10)`);
      assert.equal(info.dispatches, 1, `${w}: dispatches`);
      assert.equal(info.readbacks, 1, `${w}: readbacks`);
      assert.ok(info.median_us > 0, `${w}: timed`);
    }
  });

  test('seed 000\'s shipped sensor classifier on the GPU: one workgroup per series, one dispatch, the scalar reference\'s numbers', async () => {
    const [gpu, ref, info] = await page.evaluate(async () => [
      Array.from(await window.attn.run('sensor_b16', 'webgpu')), Array.from(await window.attn.run('sensor_b16', 'scalar')),
      await window.attn.bench('sensor_b16', 'webgpu', 2)]);
    assert.equal(ref.length, 16 * (5 + 100), 'probs [16, 5] then weights [16, 100]');
    const { nmse, max } = compare(gpu, ref);
    assert.ok(nmse <= NMSE_MAX, `sensor_b16: normalized MSE ${nmse}`);
    assert.ok(max <= 1e-4, `sensor_b16: max |diff| ${max}`);
    assert.equal(info.dispatches, 1);
    assert.equal(info.readbacks, 1);
  });

  test('the page scalar path equals the native engine (attn_cli) within 1e-5', async () => {
    for (const w of ['mha_d64_h4_t32', 'pool_b3_t17_h65', 'lstm_step_h64']) {
      const web = await page.evaluate(async (name) => Array.from(await window.attn.run(name, 'scalar')), w);
      const native = JSON.parse(execFileSync(CLI, ['workload.run', JSON.stringify({ workload: w })], { encoding: 'utf8' }));
      assert.ok(compare(web, native.output).max <= 1e-5, w);
    }
  });

  test('inputs.mjs (the documented generator) reproduces the engine inputs bit for bit', async () => {
    for (const w of ['mha_d64_h4_t4', 'pool_b3_t17_h65']) {
      const engine = await page.evaluate(async (name) => {
        const out = {};
        for (const [k, t] of Object.entries(await window.attn.inputs(name))) out[k] = Array.from(new Uint32Array(t.data.buffer));
        return out;
      }, w);
      const mine = generateInputs(w);
      assert.deepEqual(Object.keys(engine), Object.keys(mine));
      for (const k of Object.keys(mine)) assert.deepEqual(Array.from(new Uint32Array(mine[k].data.buffer)), engine[k], `${w} ${k}`);
    }
  });

  test('bench reports medians with their spread for every impl, and the empty round trip', async () => {
    const r = await page.evaluate(async () => {
      const out = {};
      for (const impl of ['scalar', 'simd', 'webgpu']) out[impl] = await window.attn.bench('mha_d64_h4_t4', impl, 3);
      out.roundtrip = await window.attn.roundTrip(3);
      return out;
    });
    for (const [k, s] of Object.entries(r)) {
      assert.ok(s.p10_us > 0 && s.p10_us <= s.median_us && s.median_us <= s.p90_us, `${k}: ${JSON.stringify(s)}`);
      assert.equal(s.samples, 3, k);
    }
    assert.equal(r.webgpu.dispatches, 2);
    assert.equal(r.webgpu.readbacks, 1);
  });

  test('a WGSL compilation error is reported with its line and message', async () => {
    const source = ['@group(0) @binding(0) var<storage, read_write> b: array<f32>;', '',
                    '@compute @workgroup_size(64)', 'fn main() {', '  b[0] = undefined_name * 2.0;', '}'].join('\n');
    const r = await page.evaluate((s) => window.attn.compileWgsl(s, 'broken.wgsl'), source);
    assert.equal(r.ok, false);
    const error = r.messages.find((m) => m.type === 'error');
    assert.ok(error, JSON.stringify(r.messages));
    assert.equal(error.line, 5, JSON.stringify(error));
    assert.match(error.message, /undefined_name/);
    assert.match(error.text, /^broken\.wgsl:5:\d+: error: /);
    const ok = await page.evaluate(() => window.attn.compileWgsl('@compute @workgroup_size(1) fn main() {}'));
    assert.deepEqual(ok, { ok: true, messages: [] });
    assert.equal((await page.evaluate(() => window.attn.gpu())).state, 'ready', 'a broken user shader leaves the backend alone');
  });

  test('the Backend window: WebGPU numbers come from the GPU, marked so, with the difference from scalar', async () => {
    await clickWidget(page, 'backend/webgpu');
    const s = await until(page, () => {
      const b = window.attn.backend();
      return b.choice === 'webgpu' && !b.pending && !b.in_flight && b.result?.from_gpu ? b : null;
    }, null, 30000, 'a GPU result in the Backend window');
    assert.equal(s.result.backend, 'webgpu');
    assert.equal(s.result.dispatches, 2);
    assert.equal(s.result.readbacks, 1);
    assert.ok(s.result.max_abs_diff_vs_scalar <= 1e-5, String(s.result.max_abs_diff_vs_scalar));
    writeFileSync(join(ARTIFACTS, 'backend-webgpu.png'), await page.screenshot());
    await clickWidget(page, 'backend/scalar');
    const c = await until(page, () => (window.attn.backend().result?.backend === 'scalar' ? window.attn.backend() : null));
    assert.equal(c.result.max_abs_diff_vs_scalar, 0);
  });

  test('a GPU run never blocks the page: the call returns at once and timers run until the answer', async () => {
    // A big pooling (about a second on SwiftShader). The app's main loop is paused meanwhile: on a
    // software adapter, WebGL (the page's drawing) runs on the same CPU threads as the compute, so a
    // frame waits for the compute to finish; that is SwiftShader's, and a real GPU has no such wait.
    // What is ours to guarantee is measured here: a short synchronous part and a free event loop.
    const r = await page.evaluate(async () => {
      await window.attn.run('pool_b64_t400_h64', 'webgpu');  // builds the plan (inputs, uploads) once
      Module.pauseMainLoop();
      let ticks = 0, stop = false, maxGap = 0, last = performance.now();
      const tick = () => {
        if (stop) return;
        const now = performance.now();
        maxGap = Math.max(maxGap, now - last);
        last = now;
        ticks += 1;
        setTimeout(tick, 0);
      };
      tick();
      const t0 = performance.now();
      const pending = window.attn.run('pool_b64_t400_h64', 'webgpu');
      const sync = performance.now() - t0;
      const out = await pending;
      stop = true;
      Module.resumeMainLoop();
      return { ms: performance.now() - t0, sync, ticks, maxGap, size: out.length };
    });
    assert.equal(r.size, 64 * 64);
    assert.ok(r.ms > 100, `the run took ${r.ms} ms: too short to observe anything`);
    assert.ok(r.sync < 50 && r.sync < r.ms / 4, `the call itself took ${r.sync} ms of ${r.ms}`);
    assert.ok(r.ticks >= 10, `only ${r.ticks} timer callbacks ran during ${r.ms.toFixed(0)} ms`);
    assert.ok(r.maxGap < 250, `the event loop was blocked for ${r.maxGap.toFixed(0)} ms`);
  });

  test('Auto times every path on this device and says which it picked', async () => {
    await page.evaluate(() => window.attn.backend({ workload: 'mha_d64_h4_t4' }));
    await clickWidget(page, 'backend/auto');
    const s = await until(page, () => {
      const b = window.attn.backend();
      const a = b.auto.mha_d64_h4_t4;
      return b.choice === 'auto' && a && !a.measuring && b.result?.workload === 'mha_d64_h4_t4' && !b.pending ? b : null;
    }, null, 30000, 'Auto to decide');
    const pick = s.auto.mha_d64_h4_t4;
    assert.deepEqual(Object.keys(pick.median_us).sort(), ['scalar', 'simd', 'webgpu']);
    const fastest = Object.entries(pick.median_us).sort((a, b) => a[1] - b[1])[0][0];
    assert.equal(pick.picked, fastest);
    assert.equal(s.result.backend, pick.picked);
  });

  // The numbers drawn on screen (attn.state().shown), flattened in label order.
  async function drawn() {
    const shown = (await page.evaluate(() => window.attn.state())).shown;
    return Object.keys(shown).sort().flatMap((k) => shown[k]);
  }

  test('the lab with WebGPU chosen draws the GPU\'s numbers, marked so, with the largest difference from scalar', async () => {
    for (const model of ['statquest', 'transformer', 'bahdanau']) {
      await page.evaluate((m) => window.attn.setState({ view: 'translate', model: m, text: "let's go", step: 0, stage: 4 }), model);
      await page.evaluate(() => window.attn.backend({ select: 'simd' }));
      const cpu = await until(page, () => {
        const s = window.attn.state();
        return s.computed_by === 'simd' && s.model_status === 'ready' && s.output_text ? s : null;
      }, null, 20000, `${model} on SIMD`);
      assert.match(cpu.computed_note, /simd path on the CPU/);
      await page.waitForTimeout(100);
      const simdDrawn = await drawn();
      await page.evaluate(() => window.attn.backend({ select: 'webgpu' }));
      const gpu = await until(page, () => {
        const s = window.attn.state();
        return s.computed_by === 'webgpu' ? s : null;
      }, null, 20000, `${model}: the GPU's numbers`);
      assert.equal(gpu.output_text, cpu.output_text, 'the same translation');
      assert.match(gpu.computed_note, /Numbers computed by WebGPU on .*swiftshader.*a CPU implementation/i);
      assert.match(gpu.computed_note, /1 dispatch, 1 readback/);
      assert.match(gpu.computed_note, /Largest difference from the scalar reference: /);
      const g = gpu.lab_gpu;
      assert.equal(g.status, 'ready');
      assert.ok(g.max_abs_diff_vs_scalar > 0 && g.max_abs_diff_vs_scalar <= 1e-3,
                `${model}: largest difference ${g.max_abs_diff_vs_scalar} (${g.where})`);
      assert.ok(g.nmse_vs_scalar <= NMSE_MAX, `${model}: logits NMSE ${g.nmse_vs_scalar}`);
      assert.equal(g.dispatches, 1);
      assert.equal(g.readbacks, 1);
      await page.waitForTimeout(100);
      const gpuDrawn = await drawn();
      assert.equal(gpuDrawn.length, simdDrawn.length, `${model}: the same stage is drawn`);
      assert.ok(gpuDrawn.length > 0, `${model}: numbers are drawn`);
      let max = 0;
      for (let i = 0; i < gpuDrawn.length; ++i) max = Math.max(max, Math.abs(gpuDrawn[i] - simdDrawn[i]));
      assert.ok(max <= 1e-3, `${model}: drawn numbers within 1e-3 of SIMD's (${max})`);
      // a tweak re-runs: SIMD at once, then the GPU again
      await page.evaluate(() => window.attn.setState({ options: { temperature: 2 } }));
      const again = await until(page, () => {
        const s = window.attn.state();
        return s.computed_by === 'webgpu' && s.options.temperature === 2 ? s : null;
      }, null, 20000, `${model}: the GPU after a tweak`);
      assert.ok(again.lab_gpu.max_abs_diff_vs_scalar <= 1e-3);
      await page.evaluate(() => window.attn.setState({ options: { temperature: 1 } }));
    }
    writeFileSync(join(ARTIFACTS, 'lab-webgpu.png'), await page.screenshot());
    // Auto times the paths for the model's decode and says which it picked
    await page.evaluate(() => window.attn.backend({ select: 'auto' }));
    const auto = await until(page, () => {
      const s = window.attn.state();
      const pick = s.lab_gpu.auto[s.model];
      // the lab's numbers come from the picked path (WebGPU: once its decode is back)
      return pick && pick.picked && pick.picked === s.computed_by && /Auto picked/.test(s.computed_note) ? s : null;
    }, null, 30000, 'Auto\'s pick, applied');
    const pick = auto.lab_gpu.auto[auto.model];
    assert.deepEqual(Object.keys(pick.median_us).sort(), ['scalar', 'simd', 'webgpu']);
    const fastest = Object.entries(pick.median_us).sort((a, b) => a[1] - b[1])[0][0];
    assert.equal(pick.picked, fastest);
    assert.match(auto.computed_note, new RegExp(`Auto picked ${fastest} for ${auto.model}`));
    await page.evaluate(() => window.attn.backend({ select: 'webgpu' }));
    await until(page, () => window.attn.state().computed_by === 'webgpu', null, 20000, 'WebGPU again');
  });

  // Every row of the engine's normalizers table (attn.call('tables')), without a list here: on a sharp
  // query (temperature 0.25) each step's weights sum to 1, the sparse ones (hard, top-k, ...) hold
  // exact zeros, and scalar, SIMD and the GPU decode give the same weights.
  test('every normalizer of the engine\'s table: weights sum to 1, sparse ones have exact zeros, scalar = SIMD = WebGPU', async () => {
    const { normalizers } = await page.evaluate(() => window.attn.call('tables'));
    assert.ok(normalizers.length >= 3, JSON.stringify(normalizers));
    const model = 'bahdanau', text = 'the cat eats the red apple';
    const weightsOf = (r) => r.steps.map((s) => s.attention[0].weights.flat());
    await page.evaluate(() => window.attn.backend({ select: 'webgpu' }));
    for (const n of normalizers) {
      const options = { normalizer: n.name, top_k: 2, temperature: 0.25 };
      const [scalar, simd] = await page.evaluate(async ([m, t, o]) => [
        await window.attn.translate(m, t, { ...o, backend: 'scalar' }, { stages: false }),
        await window.attn.translate(m, t, { ...o, backend: 'simd' }, { stages: false })], [model, text, options]);
      const ws = weightsOf(scalar), wv = weightsOf(simd);
      assert.ok(ws.length > 0, `${n.name}: no steps`);
      assert.equal(simd.output_text, scalar.output_text, `${n.name}: the same tokens`);
      let zeros = 0;
      ws.forEach((row, t) => {
        assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) <= 1e-5, `${n.name} step ${t}: sum ${row}`);
        row.forEach((w, j) => assert.ok(Math.abs(w - wv[t][j]) <= 1e-5, `${n.name} step ${t}: scalar ${w} vs simd ${wv[t][j]}`));
        zeros += row.filter((w) => w === 0).length;
      });
      if (n.sparse) assert.ok(zeros > 0, `${n.name}: no exact zero in ${JSON.stringify(ws)}`);
      if (!n.gpu) continue;
      // The lab on WebGPU: the GPU decode's weights replace the CPU's on screen (after a new run).
      const runs = await page.evaluate(() => window.attn.state().runs);
      await page.evaluate(([m, t, o]) => window.attn.setState({ view: 'translate', model: m, text: t, step: 2, stage: 0, options: o }),
                          [model, text, options]);
      const s = await until(page, ([name, before]) => {
        const st = window.attn.state();
        return st.runs > before && st.computed_by === 'webgpu' && st.options.normalizer === name && st.lab_gpu.status === 'ready' ? st : null;
      }, [n.name, runs], 20000, `${n.name} on the GPU`);
      assert.equal(s.output_text, scalar.output_text, `${n.name}: the GPU's tokens`);
      assert.ok(s.lab_gpu.max_abs_diff_vs_scalar <= 1e-3, `${n.name}: ${s.lab_gpu.max_abs_diff_vs_scalar} (${s.lab_gpu.where})`);
      // the heatmap's rows before the playhead's step (2) are the GPU's weights of steps 0 and 1
      const heat = await page.evaluate(() => window.attn.call('ui.heatmap'));
      let gpuZeros = 0, compared = 0;
      heat.weights.forEach((row, t) => row.forEach((w, j) => {
        if (w === null) return;
        assert.ok(Math.abs(w - ws[t][j]) <= 1e-5, `${n.name} step ${t} key ${j}: GPU ${w} vs scalar ${ws[t][j]}`);
        gpuZeros += w === 0;
        ++compared;
      }));
      assert.ok(compared > 0, `${n.name}: no GPU weights on screen`);
      if (n.sparse) assert.ok(gpuZeros > 0, `${n.name}: no exact zero among the GPU's weights`);
    }
    await page.evaluate(() => window.attn.setState({ options: { normalizer: 'soft', temperature: 1 } }));
  });

  // One policy for options out of range (src/models/translate_outline.h): the GPU decode resolves the
  // lab's options as the CPU does, says the same, and chooses the same tokens.
  test('odd options: the GPU decode says what the CPU says about them and chooses the same tokens', async () => {
    const model = 'bahdanau', text = 'the red house';
    const options = { normalizer: 'top_k', top_k: 50, temperature: 0.05, nudge_position: 99, nudge_amount: 1 };
    await page.evaluate(() => window.attn.backend({ select: 'webgpu' }));
    const runs = await page.evaluate(() => window.attn.state().runs);
    await page.evaluate(([m, t, o]) => window.attn.setState({ view: 'translate', model: m, text: t, options: o }),
                        [model, text, options]);
    const s = await until(page, (before) => {
      const st = window.attn.state();
      return st.runs > before && st.computed_by === 'webgpu' && st.options.nudge_position === 99 && st.lab_gpu.status === 'ready' ? st : null;
    }, runs, 20000, 'the GPU decode of odd options');
    const [scalar, simd] = await page.evaluate(async ([m, t, o]) => [
      await window.attn.translate(m, t, { ...o, backend: 'scalar' }, { stages: false }),
      await window.attn.translate(m, t, { ...o, backend: 'simd' }, { stages: false })], [model, text, options]);
    assert.deepEqual(simd.notes, scalar.notes);
    assert.equal(s.output_text, scalar.output_text, 'the GPU\'s tokens');
    assert.equal(simd.output_text, scalar.output_text);
    assert.ok(scalar.notes.some((n) => /nudge position 99/.test(n)), JSON.stringify(scalar.notes));
    const gpuNotes = s.lab_gpu.notes.filter((n) => !/the GPU decode records at most/.test(n));
    assert.ok(gpuNotes.length >= 3, JSON.stringify(s.lab_gpu.notes));
    for (const n of gpuNotes) assert.ok(scalar.notes.includes(n), `the GPU said "${n}", the CPU did not: ${JSON.stringify(scalar.notes)}`);
    await page.evaluate(() => window.attn.setState({ options: { normalizer: 'soft', temperature: 1, nudge_position: -1, nudge_amount: 0 } }));
  });

  test('a lost device falls back to SIMD with a notice, and nothing else is lost', async () => {
    await page.evaluate(() => window.attn.backend({ select: 'webgpu', workload: 'pool_b3_t17_h65' }));
    await until(page, () => window.attn.backend().result?.from_gpu && window.attn.backend().result.workload === 'pool_b3_t17_h65');
    const before = await page.evaluate(() => window.attn.state());
    const stageBefore = before.seed001.stage;
    await page.evaluate(() => Module.preinitializedWebGPUDevice.destroy());
    const gpu = await until(page, () => (window.attn.gpu().state === 'lost' ? window.attn.gpu() : null), null, 10000, 'the loss');
    assert.match(gpu.notice, /lost.*switched to SIMD/);
    const s = await until(page, () => {
      const b = window.attn.backend();
      return b.result?.backend === 'simd' && !b.pending ? b : null;
    }, null, 10000, 'the SIMD result');
    assert.equal(s.choice, 'simd');
    assert.equal(s.workload, 'pool_b3_t17_h65', 'the workload is kept');
    assert.match(s.notice, /lost/);
    assert.equal((await page.evaluate(() => window.attn.state())).seed001.stage, stageBefore);
    // the lab (left on WebGPU by the test before) is back on SIMD, its text and model kept
    const lab = await until(page, () => {
      const st = window.attn.state();
      return st.computed_by === 'simd' ? st : null;
    }, null, 10000, 'the lab on SIMD');
    assert.equal(lab.text, before.text);
    assert.equal(lab.model, before.model);
    assert.ok(lab.output_text.length > 0);
    await assert.rejects(page.evaluate(() => window.attn.run('mha_d64_h4_t4', 'webgpu')), /lost|WebGPU/);
    writeFileSync(join(ARTIFACTS, 'backend-lost.png'), await page.screenshot());
    // a new device brings the path back
    const again = await page.evaluate(() => window.attn.gpuRetry());
    assert.notEqual(again.state, 'lost');
    await until(page, () => window.attn.gpu().state === 'ready', null, 20000, 'the new device');
    const out = await page.evaluate(async () => (await window.attn.run('lstm_step_h64', 'webgpu')).length);
    assert.equal(out, 128);
  });

  test('no console errors or page errors', () => {
    assert.deepEqual(page.problems, []);
  });
});

// A page in a browser whose WebGPU is missing or refuses: it says so and works on SIMD.
async function fallbackPage(flags, initScript) {
  const browser = await launch(flags);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  if (initScript) await context.addInitScript(initScript);
  const page = await context.newPage();
  page.problems = [];
  page.on('console', (m) => { if (m.type() === 'error') page.problems.push(m.text()); });
  page.on('pageerror', (e) => page.problems.push(e.message));
  await page.goto(server.url);
  assert.equal(await waitReady(page), null);
  await page.evaluate(() => window.attn.setState({ view: 'backend' }));
  return { browser, page };
}

async function expectFallback(page, noticePattern, shot) {
  // WebGPU is looked for after the first frame: wait for the answer
  const gpu = await until(page, () => (window.attn.gpu().state !== 'waiting' ? window.attn.gpu() : null), null, 20000, 'the search');
  assert.equal(gpu.available, false);
  assert.equal(gpu.state, 'unavailable');
  assert.match(gpu.notice, noticePattern);
  await page.evaluate(() => window.attn.backend({ select: 'webgpu', workload: 'mha_d64_h4_t32' }));
  const s = await until(page, () => (window.attn.backend().result?.workload === 'mha_d64_h4_t32' && !window.attn.backend().pending
    ? window.attn.backend() : null));
  assert.equal(s.choice, 'simd');
  assert.equal(s.result.backend, 'simd');
  assert.match(s.notice, noticePattern);
  assert.ok(s.result.max_abs_diff_vs_scalar <= 1e-5);
  const simd = await page.evaluate(async () => (await window.attn.run('pool_b3_t17_h65', 'simd')).length);
  assert.equal(simd, 3 * 65);
  await assert.rejects(page.evaluate(() => window.attn.run('mha_d64_h4_t4', 'webgpu')), noticePattern);
  writeFileSync(join(ARTIFACTS, shot), await page.screenshot());
  assert.deepEqual(page.problems, []);
}

test('without --enable-unsafe-webgpu (no adapter) the notice shows and the page works on SIMD', async () => {
  const { browser, page } = await fallbackPage([]);
  try {
    await expectFallback(page, /no adapter/, 'backend-no-adapter.png');
  } finally {
    await browser.close();
  }
});

test('without navigator.gpu the notice says so and the page works on SIMD', async () => {
  const { browser, page } = await fallbackPage(['--enable-unsafe-webgpu'], () => {
    Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true });
  });
  try {
    await expectFallback(page, /navigator\.gpu is missing/, 'backend-no-navigator-gpu.png');
  } finally {
    await browser.close();
  }
});

test('a refused device request falls back to SIMD with a notice', async () => {
  const { browser, page } = await fallbackPage(['--enable-unsafe-webgpu'], () => {
    GPUAdapter.prototype.requestDevice = () => Promise.reject(new Error('refused by the test'));
  });
  try {
    await expectFallback(page, /refused a device \(refused by the test\)/, 'backend-refused-device.png');
  } finally {
    await browser.close();
  }
});

test('a shader the browser will not compile: its line and message are shown, and the page works on SIMD', async () => {
  // As if this browser's WGSL compiler rejected one of our shaders: pool.wgsl gets a bad line.
  const { browser, page } = await fallbackPage(['--enable-unsafe-webgpu'], () => {
    const create = GPUDevice.prototype.createShaderModule;
    GPUDevice.prototype.createShaderModule = function (desc) {
      if (desc && desc.label === 'pool') {
        window.brokenLine = desc.code.split('\n').length + 1;
        desc = { ...desc, code: `${desc.code}\nfn broken() -> f32 { return undefined_symbol; }\n` };
      }
      return create.call(this, desc);
    };
  });
  try {
    const gpu = await until(page, () => (window.attn.gpu().state === 'failed' ? window.attn.gpu() : null), null, 20000, 'the failure');
    const line = await page.evaluate(() => window.brokenLine);
    assert.ok(gpu.compile_errors.length >= 1);
    assert.equal(gpu.compile_errors[0].shader, 'pool');
    assert.equal(gpu.compile_errors[0].line, line);
    assert.match(gpu.compile_errors[0].message, /undefined_symbol/);
    assert.match(gpu.notice, new RegExp(`pool\\.wgsl:${line}:\\d+: error: .*undefined_symbol.*using SIMD`));
    await page.evaluate(() => window.attn.backend({ select: 'webgpu', workload: 'lstm_step_h64' }));
    const s = await until(page, () => (window.attn.backend().result?.workload === 'lstm_step_h64' ? window.attn.backend() : null));
    assert.equal(s.result.backend, 'simd');
    assert.match(s.notice, /pool\.wgsl/);
    writeFileSync(join(ARTIFACTS, 'backend-shader-error.png'), await page.screenshot());
    assert.deepEqual(page.problems, []);
  } finally {
    await browser.close();
  }
});

test('the browser benchmark runs in --quick mode: every cell, same inputs, outputs match', async () => {
  // The models as the page lists them (the models table), and what the page translates each one's
  // example to: the benchmark must have a decode workload for each, choosing those tokens.
  const browser = await launch();
  let models;
  try {
    const page = await openPage(browser, server.url);
    assert.equal(await waitReady(page), null);
    models = await page.evaluate(async () => {
      const out = {};
      for (const m of window.attn.models()) out[m.name] = (await window.attn.translate(m.name, m.example, {}, { stages: false })).output_text;
      return out;
    });
  } finally {
    await browser.close();
  }
  assert.ok(Object.keys(models).length >= 5, JSON.stringify(models));
  const out = join(mkdtempSync(join(tmpdir(), 'attn-bench-')), 'results.json');
  writeFileSync(out, JSON.stringify({ machine: 'kept', results: [{ workload: 'x', impl: 'simd', env: 'native', median_us: 1 }] }));
  const r = spawnSync(process.execPath, [join(ROOT, 'tests/bench/browser/run.mjs'), '--quick', '--out', out],
                      { encoding: 'utf8', timeout: 300000 });
  assert.equal(r.status, 0, `run.mjs --quick failed:\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /webgpu on "google swiftshader": a software adapter/);
  const file = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(file.machine, 'kept');
  assert.ok(file.results.some((x) => x.env === 'native'), 'the other runners\' rows are kept');
  const mine = file.results.filter((x) => x.env === 'chromium');
  const decode = Object.keys(models).map((m) => `decode_${m}`);
  for (const w of ['mha_d64_h4_t4', 'mha_d64_h4_t32', 'mha_d64_h4_t128', 'pool_b32_t100_h64', ...decode]) {
    for (const impl of ['scalar', 'simd', 'webgpu', 'ort-wasm', 'tfjs-wasm']) {
      const c = mine.find((x) => x.workload === w && x.impl === impl);
      assert.ok(c, `${w} ${impl}: missing`);
      assert.ok(c.median_us > 0 && c.p10_us <= c.median_us && c.median_us <= c.p90_us, `${w} ${impl}: ${JSON.stringify(c)}`);
      // decode workloads: logits up to ~23, bound 2e-6 x the largest (run.mjs); the others: 1e-4
      assert.ok(c.max_abs_diff_vs_ref <= (decode.includes(w) ? 5e-5 : 1e-4) && c.max_abs_diff_vs_ref <= c.max_abs_diff_bound,
                `${w} ${impl}: ${c.max_abs_diff_vs_ref}`);
    }
  }
  for (const w of decode) {
    const d = file.chromium.decode[w];
    assert.deepEqual(d.tokens_differ, {}, `${w}: every column chooses our tokens`);
    assert.equal(d.output_text, models[w.slice(7)], `${w}: what the page translates`);
  }
  assert.ok(mine.find((x) => x.workload === 'empty_submit_readback')?.median_us > 0);
});
