// train.mjs: training in the page, measured in headless Chromium through attn.train (web/train.js and its
// Web Worker): for each task's default model, examples per second on the SIMD and the scalar path (the
// ratio measured in one run, after a warm-up run that compiles the worker's module), and the time from
// random weights to a visible result while training runs as a learner would run it (Train, then watch):
// the toy pairs both translated exactly, the reversal's anti-diagonal mass >= 0.8, Hindi "home" on "ghar"
// >= 0.5, English -> Spanish "casa" on "house" and "roja" on "red" >= 0.5, the sensor's attention within
// 5 hours of the probe series' event >= 0.8; then the page's frame times with the Train view on screen,
// training and not; then TensorFlow.js training the same architecture in the same page (train_tfjs.js). Prints
// three tables; then the same cells natively (tests/bench/bench_train.cpp, from the native-release tree that
// make bench builds), when it is there. Not a test (tests/e2e/train.test.mjs).
// Usage: node tests/bench/browser/train.mjs [--examples N]   (N examples per throughput cell; default 4,800:
// 300 steps of a batch of 16, and 2,400 of the toy task, whose two pairs make a step of two)
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, launch, openPage, serve, waitReady } from '../../e2e/browser.mjs';

const EXAMPLES = Number(process.argv[process.argv.indexOf('--examples') + 1] || 4800) || 4800;
const ROUNDS = 3;  // each path this many times, alternating; the fastest counts
const SIZE = { hidden: 32, embed: 16, batch: 16, seed: 1 };
const TASKS = [
  { task: 'toy', model: 'lstm-dot', goal: 'both pairs translated exactly' },
  { task: 'reverse', model: 'lstm-dot', goal: 'anti-diagonal mass >= 0.8' },
  { task: 'hi-en', model: 'bahdanau', goal: '"home" on "ghar" >= 0.5' },
  { task: 'en-es', model: 'lstm-dot', goal: '"casa" on "house" and "roja" on "red" >= 0.5' },
  { task: 'sensor', model: 'sensor-lstm', goal: 'attention within 5 hours of series 2\'s event >= 0.8' },
];
const LIMIT_MS = 60000;

const server = await serve();
const browser = await launch();
try {
  const page = await openPage(browser, server.url);
  const problem = await waitReady(page);
  if (problem) throw new Error(`the page did not start: ${problem}`);
  // Warm-up: the worker starts and compiles attn_train.wasm, and each path trains a little (V8 compiles a
  // wasm function's optimized code once it has run a while: the first cell measured must not pay for it).
  await page.evaluate(async () => {
    for (const backend of ['simd', 'scalar'])
      for (const task of ['toy', 'reverse']) {
        await window.attn.train.start({ task, backend }, { paused: true });
        await window.attn.train.step(200);
      }
  });
  const rows = [];
  for (const t of TASKS) {
    const rate = {};
    // Each path ROUNDS times, alternating; the fastest (the first may still be compiling code, and the
    // machine's 2 cores are shared). The same number of examples in every cell: a step holds a batch,
    // or every pair when the task has fewer.
    for (let i = 0; i < 2 * ROUNDS; ++i) {
      const backend = i % 2 ? 'scalar' : 'simd';
      const r = await page.evaluate(async ([o, examples]) => {
        const s0 = await window.attn.train.start(o, { paused: true });
        const steps = Math.ceil(examples / Math.min(o.batch, s0.train_pairs));
        const t0 = performance.now();
        const s = await window.attn.train.step(steps);
        return (s.examples * 1000) / (performance.now() - t0);
      }, [{ ...SIZE, task: t.task, model: t.model, backend }, EXAMPLES]);
      rate[backend] = Math.max(rate[backend] ?? 0, r);
    }
    const visible = await page.evaluate(async ([o, limit]) => {
      const cell = (p, out, inp) => {
        const i = p.target_tokens.indexOf(out), j = p.source_tokens.indexOf(inp);
        return i < 0 || j < 0 ? 0 : p.alignment[i][j];
      };
      const reached = (s) => (o.task === 'toy' ? s.exact_match >= 1
        : o.task === 'reverse' || o.task === 'sensor' ? s.probe.pattern_mass >= 0.8
        : o.task === 'hi-en' ? cell(s.probe, 'home', 'ghar') >= 0.5
          : cell(s.probe, 'casa', 'house') >= 0.5 && cell(s.probe, 'roja', 'red') >= 0.5);
      await window.attn.train.start(o);
      const t0 = performance.now();
      for (;;) {
        await new Promise((ok) => setTimeout(ok, 50));
        const s = window.attn.train.state();
        const ms = performance.now() - t0;
        if (reached(s) || ms > limit) {
          await window.attn.train.pause();
          return { ms, step: s.step, reached: reached(s) };
        }
      }
    }, [{ ...SIZE, task: t.task, model: t.model }, LIMIT_MS]);
    rows.push({ ...t, ...rate, visible });
  }
  // The page while it trains, as a learner sees it: the Train view on screen, reversal training in the
  // worker (its state drawn every 200 ms). Frame CPU time inside the app (attn.perf()) and the interval
  // between animation frames (wall time), over 5 s, against the same 5 s with nothing training.
  const frames = async (training) => page.evaluate(async ([o, on]) => {
    window.attn.setState({ view: 'train' });
    if (on) await window.attn.train.start(o);
    await new Promise((ok) => setTimeout(ok, 1000));
    window.attn.perf({ reset: true });
    const gaps = [];
    let last = performance.now();
    await new Promise((ok) => {
      const t0 = last;
      const tick = (now) => { gaps.push(now - last); last = now; if (now - t0 < 5000) requestAnimationFrame(tick); else ok(); };
      requestAnimationFrame(tick);
    });
    const p = window.attn.perf();
    if (on) await window.attn.train.pause();
    gaps.sort((a, b) => a - b);
    return { cpu_p90: p.frame_ms.p90, cpu_median: p.frame_ms.median, gap_p90: gaps[Math.floor(gaps.length * 0.9)],
             gap_median: gaps[Math.floor(gaps.length / 2)], frames: gaps.length, step: window.attn.train.state().step };
  }, [{ ...SIZE, task: 'reverse', model: 'lstm-dot', hidden: 64, embed: 32 }, training]);
  const idle = await frames(false), busy = await frames(true);

  // TensorFlow.js training the same architecture (train_tfjs.js) in the same page: tfjs-core 4.22 with its
  // wasm backend (SIMD, one thread, as the inference benchmark runs it) and its CPU backend (plain JS).
  const NM = join(ROOT, 'node_modules/@tensorflow');
  await page.route('**/tfjs/*', (route) => {
    const f = new URL(route.request().url()).pathname.split('/').pop();
    route.fulfill({ path: join(NM, 'tfjs-backend-wasm/dist', f), contentType: 'application/wasm' });
  });
  // tf-core.min.js registers no gradients (the union package @tensorflow/tfjs does, which we do not
  // install): tfjs-core's own ES modules register them (register_all_gradients.js) into the registry that
  // the bundle shares through globalThis. Served from node_modules, extensionless imports resolved; the
  // packages they name: long (its UMD build, loaded first) and, as empty modules, seedrandom and fs
  // (namespace imports the gradients never call).
  const CORE = join(NM, 'tfjs-core/dist');
  await page.route('**/tfjs-esm/**', (route) => {
    const rel = decodeURIComponent(new URL(route.request().url()).pathname.replace(/^.*\/tfjs-esm\//, ''));
    if (rel === '__empty.js') return route.fulfill({ body: 'export {};', contentType: 'text/javascript' });
    if (rel === '__long.js') return route.fulfill({ body: 'export default globalThis.Long;', contentType: 'text/javascript' });
    let f = join(CORE, rel);
    if (!existsSync(f) || statSync(f).isDirectory()) f = existsSync(`${f}.js`) ? `${f}.js` : join(f, 'index.js');
    const body = readFileSync(f, 'utf8').replace(/from 'long'/g, "from '/tfjs-esm/__long.js'")
      .replace(/from '(seedrandom|fs)'/g, "from '/tfjs-esm/__empty.js'");
    return route.fulfill({ body, contentType: 'text/javascript' });
  });
  for (const f of ['tfjs-core/dist/tf-core.min.js', 'tfjs-backend-cpu/dist/tf-backend-cpu.min.js',
                   'tfjs-backend-wasm/dist/tf-backend-wasm.min.js']) await page.addScriptTag({ path: join(NM, f) });
  await page.addScriptTag({ path: join(ROOT, 'node_modules/long/dist/long.js') });  // window.Long, for hash_util
  await page.evaluate(() => import('/tfjs-esm/register_all_gradients.js'));
  await page.addScriptTag({ path: join(ROOT, 'tests/bench/browser/train_tfjs.js') });
  const peers = await page.evaluate(async (o) => {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    tf.wasm.setWasmPaths(new URL('tfjs/', location.href).href);
    const out = {};
    for (const backend of ['wasm', 'cpu']) out[backend] = await window.tfjsTrainBench({ backend, ...o, steps: backend === 'cpu' ? 10 : 30 });
    // ours on the same sizes, in the same page, right after
    await window.attn.train.start({ task: 'reverse', model: 'lstm-dot', ...o, backend: 'simd' }, { paused: true });
    const t0 = performance.now();
    const s = await window.attn.train.step(300);
    out.ours = (s.examples * 1000) / (performance.now() - t0);
    return out;
  }, { embed: SIZE.embed, hidden: SIZE.hidden, batch: SIZE.batch });
  console.log(`training in the page (Chromium headless, a Web Worker; hidden ${SIZE.hidden}, embed ${SIZE.embed}, batch ${SIZE.batch}, seed ${SIZE.seed})`);
  console.log('| task | model | SIMD examples/s | scalar examples/s | SIMD / scalar | visible result | time (steps) |');
  console.log('| --- | --- | ---: | ---: | ---: | --- | ---: |');
  for (const r of rows) {
    const when = r.visible.reached ? `${(r.visible.ms / 1000).toFixed(1)} s (${r.visible.step})` : `not within ${LIMIT_MS / 1000} s`;
    console.log(`| ${r.task} | ${r.model} | ${Math.round(r.simd)} | ${Math.round(r.scalar)} | ${(r.simd / r.scalar).toFixed(2)} | ${r.goal} | ${when} |`);
  }
  console.log('\nframes of the page with the Train view on screen, 5 s (reversal, hidden 64, embed 32, training in the worker or not)');
  console.log('| | frames | frame CPU median ms | frame CPU p90 ms | frame interval median ms | frame interval p90 ms |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const [name, f] of [['not training', idle], [`training (to step ${busy.step})`, busy]])
    console.log(`| ${name} | ${f.frames} | ${f.cpu_median.toFixed(2)} | ${f.cpu_p90.toFixed(2)} | ${f.gap_median.toFixed(1)} | ${f.gap_p90.toFixed(1)} |`);
  console.log(`\nTensorFlow.js ${await page.evaluate(() => tf.version_core)} training the same architecture (lstm-dot, reversal, hidden ${SIZE.hidden}, embed ${SIZE.embed}, batch ${SIZE.batch}; tests/bench/browser/train_tfjs.js)`);
  console.log('| trainer | examples/s | ours (SIMD) / it | its batch loss at the end |');
  console.log('| --- | ---: | ---: | ---: |');
  console.log(`| ours, SIMD, in the worker | ${Math.round(peers.ours)} | 1.00 | |`);
  console.log(`| TensorFlow.js wasm (SIMD ${peers.wasm.simd}, 1 thread), page thread | ${Math.round(peers.wasm.examples_per_s)} | ${(peers.ours / peers.wasm.examples_per_s).toFixed(1)} | ${peers.wasm.last_loss.toFixed(3)} (step ${peers.wasm.steps}) |`);
  console.log(`| TensorFlow.js cpu, page thread | ${Math.round(peers.cpu.examples_per_s)} | ${(peers.ours / peers.cpu.examples_per_s).toFixed(1)} | ${peers.cpu.last_loss.toFixed(3)} (step ${peers.cpu.steps}) |`);
  if (!(peers.wasm.last_loss < peers.wasm.first_loss)) console.log('TensorFlow.js wasm: its loss did not fall: the comparison is void');
  // Natively, after the page is done with the cores: the same cells, the same TrainRun.
  const native = join(ROOT, 'build/native-release/tests/bench/bench_train_native');
  if (existsSync(native)) {
    const cells = TASKS.map((t) => `${t.task}:${t.model}`).join(',');
    const out = execFileSync(native, [`--cells=${cells}`, `--examples=${EXAMPLES}`, `--rounds=${ROUNDS}`], { encoding: 'utf8' });
    const measured = out.trim().split('\n').map((l) => JSON.parse(l));
    console.log(`\nnatively (g++ -O3, AVX2 + FMA; tests/bench/bench_train.cpp: the same settings and cells), beside the page's SIMD path`);
    console.log('| task | model | SIMD examples/s | scalar examples/s | SIMD / scalar | native SIMD / the page\'s SIMD |');
    console.log('| --- | --- | ---: | ---: | ---: | ---: |');
    for (const c of measured) {
      const page = rows.find((r) => r.task === c.task);
      console.log(`| ${c.task} | ${c.model} | ${Math.round(c.simd)} | ${Math.round(c.scalar)} | ${(c.simd / c.scalar).toFixed(2)} | ${(c.simd / page.simd).toFixed(2)} |`);
    }
  } else {
    console.log(`\n(no native cells: ${native} is not built; make bench builds it)`);
  }
  if (rows.some((r) => !r.visible.reached)) process.exitCode = 1;
} finally {
  await browser.close();
  server.server.close();
}
