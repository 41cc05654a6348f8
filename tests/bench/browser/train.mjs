// train.mjs: training in the page, measured in headless Chromium through attn.train (web/train.js and its
// Web Worker): for each task's default model, examples per second on the SIMD and the scalar path (the
// ratio measured in one run, after a warm-up run that compiles the worker's module), and the time from
// random weights to a visible result while training runs as a learner would run it (Train, then watch):
// the reversal's anti-diagonal mass >= 0.8, Hindi "home" on "ghar" >= 0.5, English -> Spanish "casa" on
// "house" and "roja" on "red" >= 0.5. Prints one table. Not a test (tests/e2e/train.test.mjs) and not yet
// against TensorFlow.js training the same architecture (issue "Watch attention being learned").
// Usage: node tests/bench/browser/train.mjs [--steps N]   (N steps per throughput cell; default 300)
import { launch, openPage, serve, waitReady } from '../../e2e/browser.mjs';

const STEPS = Number(process.argv[process.argv.indexOf('--steps') + 1] || 300) || 300;
const SIZE = { hidden: 32, embed: 16, batch: 16, seed: 1 };
const TASKS = [
  { task: 'reverse', model: 'lstm-dot', goal: 'anti-diagonal mass >= 0.8' },
  { task: 'hi-en', model: 'bahdanau', goal: '"home" on "ghar" >= 0.5' },
  { task: 'en-es', model: 'lstm-dot', goal: '"casa" on "house" and "roja" on "red" >= 0.5' },
];
const LIMIT_MS = 60000;

const server = await serve();
const browser = await launch();
try {
  const page = await openPage(browser, server.url);
  const problem = await waitReady(page);
  if (problem) throw new Error(`the page did not start: ${problem}`);
  // Warm-up: the worker starts and compiles attn_train.wasm.
  await page.evaluate(() => window.attn.train.start({ task: 'toy' }, { paused: true }).then(() => window.attn.train.step(10)));
  const rows = [];
  for (const t of TASKS) {
    const rate = {};
    // Each path twice, alternating; the faster of the two (the first may still be compiling code).
    for (const backend of ['simd', 'scalar', 'simd', 'scalar']) {
      const r = await page.evaluate(async ([o, n]) => {
        await window.attn.train.start(o, { paused: true });
        const t0 = performance.now();
        const s = await window.attn.train.step(n);
        return (s.examples * 1000) / (performance.now() - t0);
      }, [{ ...SIZE, task: t.task, model: t.model, backend }, STEPS]);
      rate[backend] = Math.max(rate[backend] ?? 0, r);
    }
    const visible = await page.evaluate(async ([o, limit]) => {
      const cell = (p, out, inp) => {
        const i = p.target_tokens.indexOf(out), j = p.source_tokens.indexOf(inp);
        return i < 0 || j < 0 ? 0 : p.alignment[i][j];
      };
      const reached = (s) => (o.task === 'reverse' ? s.probe.pattern_mass >= 0.8
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
  console.log(`training in the page (Chromium headless, a Web Worker; hidden ${SIZE.hidden}, embed ${SIZE.embed}, batch ${SIZE.batch}, seed ${SIZE.seed})`);
  console.log('| task | model | SIMD examples/s | scalar examples/s | SIMD / scalar | visible result | time (steps) |');
  console.log('| --- | --- | ---: | ---: | ---: | --- | ---: |');
  for (const r of rows) {
    const when = r.visible.reached ? `${(r.visible.ms / 1000).toFixed(1)} s (${r.visible.step})` : `not within ${LIMIT_MS / 1000} s`;
    console.log(`| ${r.task} | ${r.model} | ${Math.round(r.simd)} | ${Math.round(r.scalar)} | ${(r.simd / r.scalar).toFixed(2)} | ${r.goal} | ${when} |`);
  }
  if (rows.some((r) => !r.visible.reached)) process.exitCode = 1;
} finally {
  await browser.close();
  server.server.close();
}
