// perf.test.mjs: the page's speed, measured in headless Chromium and printed (lines starting
// "PERF", and build/test-results/e2e/perf.json) so a README figure can cite its command:
//   node --test tests/e2e/perf.test.mjs
// Targets: first interactive frame <= 1.5 s on localhost, median frame CPU time during animation
// <= 8 ms, a tweak re-run drawn in the next frame, <= 2 MB transferred (gzip) for the default view,
// no heap growth over 2,000 stepper stages. Timing bounds asserted here are generous (this machine
// is shared and noisy: a loaded machine must not fail them); ATTN_PERF_STRICT=1 asserts the targets.
// Frame and byte counts are exact and always asserted.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ARTIFACTS, ROOT, clickWidget, launch, openPage, state, suite, waitForRun, waitReady } from './browser.mjs';

const STRICT = process.env.ATTN_PERF_STRICT === '1';
const SENTENCE = readFileSync(join(ROOT, 'assets/data/en-es.test.tsv'), 'utf8').split('\n')[0].split('\t')[0];
const figures = {};
const env = suite({ onClose: () => writeFileSync(join(ARTIFACTS, 'perf.json'), JSON.stringify(figures, null, 2) + '\n') });
const open = env.open;

function report(name, value) {
  figures[name] = value;
  console.log(`PERF ${name}: ${typeof value === 'object' ? JSON.stringify(value) : value}`);
}
// Bound: the target when strict, else `generous` (a multiple that only a real regression exceeds).
const bound = (target, generous) => (STRICT ? target : generous);
const perf = (page, options) => page.evaluate((o) => window.attn.perf(o), options);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

test('first interactive frame after navigation (3 cold loads, median)', async () => {
  // A load that is not counted: the test server gzips each file on its first request (scripts/serve.mjs
  // keeps it), where a static host serves files compressed ahead; 2.7 MB at level 9 held the first
  // cold load's module back by about 200 ms.
  await (await open()).context().close();
  const runs = [];
  for (let i = 0; i < 3; ++i) {
    const page = await open();
    await waitForRun(page);
    const p = await perf(page);
    runs.push({ ready_ms: p.ready_ms, first_frame_ms: p.first_frame_ms, first_run_ms: p.first_run_ms, startup: p.startup });
    await page.context().close();
  }
  const ready = median(runs.map((r) => r.ready_ms)), frame = median(runs.map((r) => r.first_frame_ms));
  const model = median(runs.map((r) => r.first_run_ms));
  report('first_frame_ms', Math.round(frame));
  report('first_interactive_ms (attn.ready)', Math.round(ready));
  report('first_engine_run_drawn_ms (default model fetched and run)', Math.round(model));
  report('cold_loads', runs.map(({ startup, ...r }) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Math.round(v)]))));
  // where the first frame's time goes: the median of each step, ms since navigation
  const steps = ['script_ms', 'gl_context_ms', 'wasm_downloaded_ms', 'font_ms', 'wasm_compiled_ms', 'runtime_ms', 'app_ready_ms', 'first_frame_ms'];
  report('startup_steps_ms (median)', Object.fromEntries(steps.map((k) => [k, Math.round(median(runs.map((r) => r.startup[k])))])));
  for (const r of runs) assert.ok(steps.every((k) => typeof r.startup[k] === 'number'), JSON.stringify(r.startup));
  assert.ok(frame <= ready, 'the first frame is drawn before attn.ready resolves');
  assert.ok(ready <= bound(1500, 8000), `first interactive frame ${ready.toFixed(0)} ms`);
});

// The GPU never holds the page back (issue 13): cold loads alternate between a browser without WebGPU
// and one with it (--enable-unsafe-webgpu: a SwiftShader adapter, whose device and shader compilation
// take seconds), in one run. Goal: with WebGPU within 10% of without, and at most 1.0 s.
test('first frame with WebGPU available vs without (5 cold loads each, alternating, medians)', async () => {
  const gpuBrowser = await launch(['--enable-unsafe-webgpu']);
  // A page with WebGPU starts the GPU after its first frame: SwiftShader's shader compilation then keeps
  // the browser's GPU process busy for seconds, and a page closed meanwhile leaves that work running. Each
  // page with WebGPU is kept until its GPU is ready, so that no load waits for the one before it (with
  // a page that no longer draws frames equal to the last, the GPU process reaches that work sooner; the
  // second and third loads then took 5.1 to 5.8 s).
  const gpuReady = async (page) => {
    const t0 = Date.now();
    for (;;) {
      const st = await page.evaluate(() => window.attn.gpu().state);
      if (st === 'ready') return Date.now() - t0;
      assert.ok(!['unavailable', 'failed', 'lost'].includes(st), `WebGPU did not start: ${st}`);
      assert.ok(Date.now() - t0 < 90000, 'WebGPU was not ready within 90 s of the first frame');
      await page.waitForTimeout(50);
    }
  };
  // Five loads each: single cold loads here move by 40% (a 2-core machine), and a median of three
  // still moved the ratio from 0.84 to 1.31 between runs of the same build.
  try {
    const without = [], withGpu = [], gpuReadyMs = [];
    let gpuAtReady = null;
    for (let i = 0; i < 5; ++i) {
      for (const [b, into] of [[env.browser, without], [gpuBrowser, withGpu]]) {
        const page = await openPage(b, env.server.url);
        assert.equal(await waitReady(page), null);
        const p = await perf(page);
        into.push({ first_frame_ms: p.first_frame_ms, ready_ms: p.ready_ms });
        if (b === gpuBrowser) {
          gpuAtReady = p.gpu_state_at_ready;
          gpuReadyMs.push(await gpuReady(page));  // it switches once the GPU is ready, after the first frame
        }
        await page.context().close();
      }
    }
    const frameWithout = median(without.map((r) => r.first_frame_ms));
    const frameWith = median(withGpu.map((r) => r.first_frame_ms));
    report('first_frame_ms without WebGPU', Math.round(frameWithout));
    report('first_frame_ms with WebGPU available', Math.round(frameWith));
    report('first_frame ratio with/without WebGPU', Number((frameWith / frameWithout).toFixed(3)));
    report('attn.ready ms without / with WebGPU', [Math.round(median(without.map((r) => r.ready_ms))),
                                                    Math.round(median(withGpu.map((r) => r.ready_ms)))]);
    report('cold loads without / with WebGPU (first_frame_ms)', [without.map((r) => Math.round(r.first_frame_ms)),
                                                                 withGpu.map((r) => Math.round(r.first_frame_ms))]);
    report('gpu_ready_after_first_frame_ms', gpuReadyMs.map(Math.round));
    assert.equal(gpuAtReady, 'waiting', 'at attn.ready the GPU has not been asked for yet');
    assert.ok(frameWith <= bound(1.10, 1.6) * frameWithout + bound(0, 150),
              `first frame with WebGPU ${frameWith.toFixed(0)} ms vs ${frameWithout.toFixed(0)} ms without`);
    assert.ok(frameWith <= bound(1000, 8000), `first frame with WebGPU ${frameWith.toFixed(0)} ms`);
  } finally {
    await gpuBrowser.close();
  }
});

test('median frame CPU time during animation', async () => {
  const page = await open(`#t=${encodeURIComponent(SENTENCE)}`);
  await waitForRun(page);
  await clickWidget(page, 'lab/play');
  assert.equal((await state(page)).playing, true);
  await perf(page, { reset: true });
  await page.waitForTimeout(3000);
  const p = await perf(page);
  const s = await state(page);
  assert.equal(s.playing, true, 'still animating');
  report('animation_frames_measured', p.frames);
  report('frame_cpu_ms', { median: +p.frame_ms.median.toFixed(3), p90: +p.frame_ms.p90.toFixed(3), max: +p.frame_ms.max.toFixed(3) });
  assert.ok(p.frames >= 30, `only ${p.frames} frames in 3 s`);
  assert.ok(p.frame_ms.median <= bound(8, 40), `median frame CPU time ${p.frame_ms.median} ms`);
  await page.context().close();
});

test('a tweak re-runs the engine and is drawn in the frame of the click', async () => {
  const page = await open(`#t=${encodeURIComponent(SENTENCE)}&at=99.9`);
  const before = await waitForRun(page);
  await page.waitForTimeout(100);
  // A click on "hard": ImGui registers it in frame F, whose intents are applied after its first
  // drawing; the lab re-runs and F is drawn again from the new run (src/app/app.cpp).
  await clickWidget(page, 'tweak/hard');
  await page.waitForTimeout(100);
  const p = await perf(page);
  const s = await state(page);
  const seen = JSON.stringify({ runs_before: before.runs, runs: s.runs, normalizer: s.options.normalizer, ...p, heap: undefined });
  assert.equal(s.options.normalizer, 'hard', seen);
  assert.equal(s.runs, before.runs + 1, `exactly one run for one tweak: ${seen}`);
  assert.equal(p.run_frame - p.dirty_frame, 0, `asked in frame ${p.dirty_frame}, run in frame ${p.run_frame}: ${seen}`);
  const hm = await page.evaluate(() => window.attn.heatmap());
  assert.ok(hm.weights.every((row) => Math.max(...row) === 1), 'hard attention: one-hot rows on screen');
  report('tweak_click_frames_to_redraw', p.run_frame - p.dirty_frame);
  report('tweak_frame_cpu_ms (engine run + draw)', +p.run_frame_ms.toFixed(3));
  // The same through the API, between two frames.
  const frame = await page.evaluate(() => {
    const f = window.attn.state().frame;
    window.attn.setState({ options: { temperature: 0.7 } });
    return f;
  });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const q = await perf(page);
  assert.equal(q.dirty_frame, frame);
  assert.equal(q.run_frame, frame + 1);
  assert.equal((await state(page)).runs, before.runs + 2);
  report('tweak_setState_frame_cpu_ms', +q.run_frame_ms.toFixed(3));
  assert.ok(q.run_frame_ms <= bound(16, 100), `the frame with the re-run took ${q.run_frame_ms} ms`);
  await page.context().close();
});

test('transfer size of the page for the default view (gzip)', async () => {
  const page = await open();
  await waitForRun(page);
  const entries = await page.evaluate(() => [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
    .map((e) => ({ name: e.name.replace(location.origin + '/', '') || 'index.html', transfer: e.transferSize, encoded: e.encodedBodySize, decoded: e.decodedBodySize })));
  const total = entries.reduce((s, e) => s + e.transfer, 0);
  const decoded = entries.reduce((s, e) => s + e.decoded, 0);
  for (const e of entries) report(`transfer ${e.name}`, `${e.transfer} B (body ${e.encoded} B, decoded ${e.decoded} B)`);
  report('transfer_total_bytes', total);
  report('decoded_total_bytes', decoded);
  const names = entries.map((e) => e.name);
  for (const needed of ['attn.wasm', 'attn.js', 'fonts/DejaVuSans.ttf', 'models/statquest.safetensors'])
    assert.ok(names.some((n) => n.endsWith(needed)), `${needed} was not fetched: ${names.join(', ')}`);
  assert.ok(entries.every((e) => e.transfer > 0), 'every resource was fetched (not from a cache)');
  assert.ok(total < decoded, 'compressed on the wire');
  assert.ok(total <= 2 * 1024 * 1024, `${total} bytes transferred`);
  await page.context().close();
});

test('the wasm heap does not grow over 2,000 stepper stages (and more: whole round trips)', async () => {
  const page = await open(`#t=${encodeURIComponent(SENTENCE)}`);
  const s = await waitForRun(page);
  const n = s.playlist_length;
  assert.ok(n >= 10, `playlist of ${n} stages`);
  // Back and forth over the whole playlist: every stage of every step is drawn, each one a key press.
  let position = 0;
  let direction = 'ArrowRight';
  const playhead = []; // position in the playlist -> [step, stage], read during the warm-up
  // The warm-up presses keys as a person does and reads the playhead after each; the measured chunks
  // send the same key events from inside the page, four presses per animation frame (a frame of the
  // software-rendered page takes ~80 ms headless: one press a frame took 170 s for 2,128 presses).
  const drive = async (count, record = false) => {
    if (!record) {
      ({ position, direction } = await page.evaluate(async ({ count, n, position, direction }) => {
        const frame = () => new Promise((ok) => requestAnimationFrame(ok));
        for (let i = 0; i < count; ++i) {
          if (position === n - 1) direction = 'ArrowLeft';
          if (position === 0) direction = 'ArrowRight';
          const keyCode = direction === 'ArrowRight' ? 39 : 37;
          for (const type of ['keydown', 'keyup'])
            window.dispatchEvent(new KeyboardEvent(type, { key: direction, code: direction, keyCode, bubbles: true }));
          position += direction === 'ArrowRight' ? 1 : -1;
          if (i % 4 === 3) await frame();
        }
        return { position, direction };
      }, { count, n, position, direction }));
    }
    for (let i = 0; record && i < count; ++i) {
      if (position === n - 1) direction = 'ArrowLeft';
      if (position === 0) direction = 'ArrowRight';
      await page.keyboard.press(direction);
      position += direction === 'ArrowRight' ? 1 : -1;
      await page.waitForTimeout(20);
      const now = await state(page);
      playhead[position] = [now.step, now.stage];
    }
    await page.waitForTimeout(100);
  };
  // One round trip (to the last stage and back) is 2 (n - 1) presses; the heap is read back at the
  // first stage each time, since what lives between frames depends on the stage on screen.
  const period = 2 * (n - 1);
  const chunk = period * Math.ceil(500 / period);
  await clickWidget(page, 'lab/restart');
  await drive(period, true);  // warm up: every panel has drawn every stage (buffers at their working size)
  assert.equal(new Set(playhead.map(String)).size, n, 'each key press moved the playhead one stage');
  // SDL keeps its event queue's entries for reuse (about 80 bytes each): the queue's allocation grows
  // once to the largest burst of events that arrived between two frames. Grow it now with a burst
  // larger than presses sent one by one can pile up (800 events of Shift, which moves nothing), so
  // the figures below are the stepper's and the panels', not the queue's (measured: 300 queued events
  // added 24 KB once, then nothing).
  await page.evaluate(() => {
    for (let i = 0; i < 400; ++i)
      for (const type of ['keydown', 'keyup']) window.dispatchEvent(new KeyboardEvent(type, { key: 'Shift', code: 'ShiftLeft', keyCode: 16 }));
  });
  await page.waitForTimeout(200);
  assert.deepEqual(await state(page).then((x) => [x.step, x.stage]), playhead[position], 'Shift alone moves nothing');
  const before = (await perf(page)).heap;
  const framesBefore = (await state(page)).frame;
  const samples = [before];
  for (let k = 0; k < 4; ++k) {
    await drive(chunk);
    samples.push((await perf(page)).heap);
  }
  report('heap_stages_driven', 4 * chunk);
  const after = samples[4];
  const t = await state(page);
  assert.deepEqual([t.step, t.stage], playhead[position], 'every one of the 2,000 key presses moved the playhead');
  const growth = samples.slice(1).map((h, i) => h.allocated - samples[i].allocated);
  report('heap_before', before);
  report('heap_after', after);
  report(`heap_allocated_growth_per_${chunk}_stages`, growth);
  report('heap_frames_drawn', t.frame - framesBefore);
  assert.equal(after.heap_size, before.heap_size, 'the wasm memory grew');
  assert.equal(after.sbrk_top, before.sbrk_top, 'the allocator took more memory from the wasm heap');
  // Bytes allocated between frames may still rise once when a buffer meets a new high-water mark (a
  // string's capacity, a longer burst of events than the warm-up's) and wobble by the temporaries
  // alive at that moment. A leak grows with the stages: at 2 bytes a stage it adds over 1 KB in
  // every chunk of 500 or more stages. So: growth in at most one chunk, and at most 16 KB in all.
  assert.ok(growth.filter((g) => g > 1024).length <= 1, `allocated bytes grew in several chunks: ${growth}`);
  assert.ok(after.allocated - before.allocated <= 16384, `allocated grew by ${after.allocated - before.allocated} bytes`);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
