// browser.mjs: what every browser test needs: the built page served on a free loopback port, and
// Debian's Chromium driven headless by playwright-core (flags from shared/TOOLCHAIN.md; no browser
// is ever downloaded). Console errors and page errors are collected so each test can assert none.
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';
import { startServer } from '../../scripts/serve.mjs';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const WEB_DIR = process.env.ATTN_WEB_DIR || join(ROOT, 'build/wasm-release/web');
export const ARTIFACTS = join(ROOT, 'build/test-results/e2e');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
// The native programs the tests compare the page with (attn_cli answers the API table's methods) or
// run under Xvfb (attn_app): make test builds them in the sanitizer tree, so they run under ASan + UBSan
// too (a g++ -O3 tree of its own cost make test about 3.5 minutes). ATTN_NATIVE_DIR for another tree.
export const NATIVE_DIR = process.env.ATTN_NATIVE_DIR || join(ROOT, 'build/native-asan');
export const CLI = process.env.ATTN_CLI || join(NATIVE_DIR, 'attn_cli');
export const APP = process.env.ATTN_APP || join(NATIVE_DIR, 'attn_app');
mkdirSync(ARTIFACTS, { recursive: true });

const BASE_FLAGS = ['--no-sandbox', '--no-first-run', '--disable-background-networking', '--disable-component-update',
                    '--disable-sync', '--disable-quic', '--disable-dev-shm-usage', '--mute-audio'];

// Launches Chromium with extra flags; a fresh profile every time (playwright makes one).
// Its contexts block service workers unless asked (playwright's serviceWorkers: 'block'): the page's
// offline worker (web/sw.js) would otherwise answer requests the tests intercept (faults.test.mjs) and
// store every file during loads they time (perf.test.mjs). offline.test.mjs asks: { serviceWorkers: 'allow' }.
export async function launch(extraFlags = []) {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...BASE_FLAGS, ...extraFlags] });
  const newContext = browser.newContext.bind(browser);  // browser.newPage goes through it too
  browser.newContext = (options = {}) => newContext({ serviceWorkers: 'block', ...options });
  return browser;
}

export async function serve() {
  return startServer(WEB_DIR, 0);
}

// A new page that records console errors and uncaught exceptions into page.problems.
// tour: false (the default) marks the first-run tour as seen, as after a visitor's first visit, so
// its card covers nothing a test clicks; tests of the tour pass true. serviceWorkers: 'block' (the
// default, see launch) or 'allow' (the offline test).
export async function openPage(browser, url, { viewport = { width: 1280, height: 800 }, deviceScaleFactor = 1, tour = false,
                                               serviceWorkers = 'block', ...options } = {}) {
  const context = await browser.newContext({ viewport, deviceScaleFactor, serviceWorkers, ...options });
  if (!tour) await context.addInitScript(() => { try { localStorage.setItem('attn.tour', 'skipped'); } catch { /* no storage */ } });
  const page = await context.newPage();
  page.problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') page.problems.push(`console.error: ${msg.text()}`);
    // Said in the output, not a failure (faults.test.mjs loses it on purpose): a test that fails after it
    // (a page that stops drawing, or a GPU process that crashed) names its cause.
    if (/CONTEXT_LOST_WEBGL/.test(msg.text())) console.log(`e2e: ${new Date().toISOString()} the page's WebGL context was lost (${page.url()})`);
  });
  page.on('crash', () => page.problems.push('the page crashed'));
  page.on('pageerror', (err) => {
    page.problems.push(`page error: ${err.message}`);
    // said at once too: a test that fails on what followed (a stopped main loop ignores clicks) names it
    console.log(`e2e: ${new Date().toISOString()} page error on ${page.url()}: ${err.message}\n${(err.stack ?? '').split('\n').slice(0, 6).join('\n')}`);
  });
  await page.goto(url);
  return page;
}

// Waits for window.attn.ready; returns null on success or the page's problem text. (After a navigation
// window.attn may not be defined yet: loader.js defines it.)
export async function waitReady(page, timeoutMs = 30000) {
  await page.waitForFunction(() => Boolean(window.attn?.ready), null, { timeout: timeoutMs });  // not the promise itself
  return page.evaluate((ms) => Promise.race([
    window.attn.ready.then(() => null, (e) => e.message),
    new Promise((r) => setTimeout(() => r(`attn.ready did not settle within ${ms} ms`), ms)),
  ]), timeoutMs);
}

// A test file's server and browser: started before its first test, closed after its last.
//   const env = suite();                      // or suite({ flags: [...] }) for Chromium flags
//   const page = await env.open('#m=hindi');  // a new page at that path, past attn.ready
// onPage(page): also opens one page for the whole file and hands it over, for files whose tests
// share it (node 20 does not wait for one root-level before() hook to end before the next starts, so
// the page cannot be picked up by a hook of the test file's own).
export function suite({ flags = [], onPage, onClose } = {}) {
  const env = {};
  env.open = async (path = '', options = {}) => {
    const p = await openPage(env.browser, env.server.url + path, options);
    const problem = await waitReady(p);
    assert.equal(problem, null, `the page did not start: ${problem}`);
    return p;
  };
  before(async () => {
    env.server = await serve();
    env.browser = await launch(flags);
    if (onPage) onPage(await env.open());
  });
  after(async () => {
    await onClose?.();
    await env.browser?.close();
    env.server?.server.close();
  });
  return env;
}

export const state = (page) => page.evaluate(() => window.attn.state());

// Waits until the engine has run at least `runs` times (a model is fetched on first use).
export async function waitForRun(page, runs = 1, timeoutMs = 20000) {
  for (const start = Date.now(); ; await page.waitForTimeout(30)) {
    const s = await state(page);
    if (s.model_status === 'failed') throw new Error(`model ${s.model} failed: ${s.model_error}`);
    if (s.runs >= runs) return s;
    if (Date.now() - start > timeoutMs) throw new Error(`no engine run within ${timeoutMs} ms (runs ${s.runs}, ${s.model_status})`);
  }
}

// ImGui 1.86 polls key state once a frame: a key held across frames is seen.
export async function hold(page, key) {
  await page.keyboard.down(key);
  await page.waitForTimeout(60);
  await page.keyboard.up(key);
  await page.waitForTimeout(30);
}

// Clears the lab's text box and types `text` into it, as a person would; Enter too when asked.
export async function typeSentence(page, text, { enter = false } = {}) {
  await clickWidget(page, 'lab/text');
  await page.keyboard.down('Control');
  await hold(page, 'a');
  await page.keyboard.up('Control');
  await hold(page, 'Backspace');
  if (text) await page.keyboard.type(text, { delay: 10 });
  if (enter) await hold(page, 'Enter');
  await page.waitForTimeout(100);
}

// One line on the page's health, for a failure's message: whether its main loop still runs (frames in
// 300 ms), draws, has its WebGL context, is visible and focused, and what it reported.
export async function diagnose(page) {
  return page.evaluate(async () => {
    const a = window.attn, f0 = a.state().frame, d0 = a.perf().draws;
    await new Promise((ok) => setTimeout(ok, 300));
    return `frames in 300 ms: ${a.state().frame - f0}, drawn: ${a.perf().draws - d0}, gl_lost: ${a.page().gl_lost}, ` +
           `hidden: ${document.hidden}, focused: ${document.hasFocus()}, problem: ${a.problem ?? 'none'}`;
  }).then((s) => `${s}; problems: ${JSON.stringify(page.problems)}`).catch((e) => `the page did not answer: ${e.message}`);
}

// Waits for n animation frames of the page: its main loop (one frame per requestAnimationFrame) has
// then handled every input sent before the call, however slowly a loaded machine draws.
export async function frames(page, n = 3) {
  // A page that stops giving animation frames would hang the test here: it is said after 20 s (and the
  // wait goes on: make test stops a suite that has not ended, and runs it again).
  const slow = setTimeout(() => console.log(`e2e: ${new Date().toISOString()} no animation frame for 20 s (${page.url()})`), 20000);
  try {
    await page.evaluate((k) => new Promise((ok) => {
      const next = (left) => (left ? requestAnimationFrame(() => next(left - 1)) : ok());
      next(k);
    }), n);
  } finally {
    clearTimeout(slow);
  }
}

// Shows view `id` (a row of attn.views()) and waits until it has settled: its engine has run (a model may
// have to load first: up to waitMs), then `settle` more frames have been drawn.
export async function showView(page, id, { settle = 4, waitMs = 3000 } = {}) {
  await page.evaluate(async ([view, n, most]) => {
    window.attn.setState({ view });
    const frame = () => new Promise((ok) => requestAnimationFrame(() => ok()));
    const runs = () => window.attn.call('ui.views').find((v) => v.id === view).runs;
    const started = performance.now();
    while (runs() === 0 && performance.now() - started < most) await frame();
    for (let i = 0; i < n; ++i) await frame();
  }, [id, settle, waitMs]);
}

// Polls attn.state() until done(state) holds or timeoutMs passes; returns the last state either way,
// so the caller's assertion says what was seen. An input is seen at the page's next frame, and a
// loaded machine draws slowly: a fixed wait is a race, a poll is not.
export async function until(page, done, timeoutMs = 5000) {
  for (const start = Date.now(); ; await page.waitForTimeout(30)) {
    const s = await page.evaluate(() => window.attn.state());
    if (done(s) || Date.now() - start > timeoutMs) return s;
  }
}

// Clicks the centre of a named ImGui widget, found through attn.widget(), as a person would.
export async function clickWidget(page, id) {
  // Two animation frames first: after a resize or a view switch, rects come from the frame that laid them out.
  await frames(page, 2);
  const r = await page.evaluate((wid) => window.attn.widget(wid), id);
  await clickPoint(page, r.x + r.w / 2, r.y + r.h / 2);
}

// A press and a release at (x, y) in CSS pixels, each seen by a frame of its own, then two more frames: the
// click's intent is applied after the frame that saw it and the view's update runs on the next, so the
// page's state says what the click did when this returns, however slowly a loaded machine draws (a fixed
// wait was a race there: CI once read the view before the click on its button had been drawn).
export async function clickPoint(page, x, y) {
  await page.mouse.move(x, y);
  await page.mouse.down();
  await frames(page, 2);
  await page.mouse.up();
  await frames(page, 3);
}

// Reads PNG screenshots with the browser's own decoder and answers one question about their pixels.
async function pngQuery(page, pngs, query) {
  return page.evaluate(async ({ b64s, q }) => {
    const images = await Promise.all(b64s.map(async (b64) => {
      const img = new Image();
      img.src = 'data:image/png;base64,' + b64;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.width; c.height = img.height;
      const g = c.getContext('2d');
      g.drawImage(img, 0, 0);
      return { width: c.width, height: c.height, d: g.getImageData(0, 0, c.width, c.height).data };
    }));
    const [{ width, height, d }, other] = images;
    if (q.points) {
      return q.points.map(([x, y]) => {
        const i = 4 * (Math.round(y) * width + Math.round(x));
        return [d[i], d[i + 1], d[i + 2]];
      });
    }
    if (q.diff !== undefined) {
      if (other.d.length !== d.length) return 1;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - other.d[i]) + Math.abs(d[i + 1] - other.d[i + 1]) + Math.abs(d[i + 2] - other.d[i + 2]) > q.diff) ++n;
      return n / (d.length / 4);
    }
    let sum = 0, sum2 = 0; const seen = new Set();
    for (let i = 0; i < d.length; i += 4) {
      const l = 0.2126 * d[i] + 0.7152 * d[i + 1] + 0.0722 * d[i + 2];
      sum += l; sum2 += l * l;
      if (seen.size < 4096) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
    }
    const n = d.length / 4, mean = sum / n;
    return { width, height, variance: sum2 / n - mean * mean, distinct: seen.size };
  }, { b64s: pngs.map((p) => p.toString('base64')), q: query });
}
// Pixel statistics of a PNG: { width, height, variance, distinct }.
export const pngStats = (page, png) => pngQuery(page, [png], {});
// The share of pixels (0 to 1) whose colour differs by more than `tolerance` (summed over R, G, B)
// between two PNGs of the same size (1 when their sizes differ).
export const pngDiff = (page, a, b, tolerance = 24) => pngQuery(page, [a, b], { diff: tolerance });
// The [R, G, B] of a PNG at each [x, y] of `points` (rounded to the nearest pixel).
export const pngPixels = (page, png, points) => pngQuery(page, [png], { points });
