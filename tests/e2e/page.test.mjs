// page.test.mjs: the page as a new user meets it, in headless Chromium: it loads, draws, answers
// through window.attn with the same numbers as the native engine, steps through the stages when its
// buttons are clicked or keys pressed, and explains itself when WebGL2 or the module is missing.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ARTIFACTS, CLI, ROOT, clickWidget, launch, openPage, pngStats, suite, waitReady } from './browser.mjs';

let page;
const env = suite({ onPage: (p) => { page = p; } });

test('the page reaches its first frame and reports a version', async () => {
  const state = await page.evaluate(() => window.attn.state());
  assert.ok(state.frame > 0, `frame count ${state.frame}`);
  const version = await page.evaluate(() => window.attn.version);
  assert.match(version, /^\d+\.\d+\.\d+$/);
  const overlayHidden = await page.evaluate(() => document.getElementById('overlay').classList.contains('done'));
  assert.ok(overlayHidden, 'the loading overlay is still shown');
});

test('seed 001 numbers in the page equal the native engine within 1e-5', async () => {
  for (const backend of ['scalar', 'simd']) {
    const web = await page.evaluate((b) => window.attn.seed001({ backend: b }), backend);
    const native = JSON.parse(execFileSync(CLI, ['seed001', JSON.stringify({ backend })], { encoding: 'utf8' }));
    const flat = (x) => (Array.isArray(x) ? x.flat(Infinity) : [x]);
    for (const key of ['encoder_outputs', 'decoder_hidden', 'scale', 'scores', 'scaled', 'weights', 'context']) {
      const a = flat(web[key]), b = flat(native[key]);
      assert.equal(a.length, b.length, `${backend} ${key}: length`);
      a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) <= 1e-5, `${backend} ${key}[${i}]: page ${v} vs native ${b[i]}`));
    }
    const sum = web.weights.reduce((s, w) => s + w, 0);
    assert.ok(Math.abs(sum - 1) < 1e-6, `${backend}: weights sum to ${sum}`);
    assert.equal(web.weights.length, 4);
    assert.equal(web.context.length, 8);
  }
});

test('clicking the stage buttons steps through every stage, and back', async () => {
  const stage = async () => (await page.evaluate(() => window.attn.state())).seed001;
  await clickWidget(page, 'view/seed001');
  assert.equal((await page.evaluate(() => window.attn.state())).view, 'seed001');
  await clickWidget(page, 'seed001/restart');
  let s = await stage();
  assert.equal(s.stage, 0);
  const names = [s.stage_name];
  for (let i = 1; i < s.stage_count; ++i) {
    await clickWidget(page, 'seed001/next');
    s = await stage();
    assert.equal(s.stage, i, `after ${i} clicks on Next`);
    names.push(s.stage_name);
    writeFileSync(join(ARTIFACTS, `seed001-stage-${i + 1}.png`), await page.screenshot());
  }
  assert.deepEqual(names, ['query_keys', 'scores', 'scale', 'softmax', 'context']);
  await clickWidget(page, 'seed001/back');
  assert.equal((await stage()).stage, s.stage_count - 2);
});

test('keyboard: arrows step stages, space plays', async () => {
  await clickWidget(page, 'seed001/restart');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.waitForTimeout(50);
  assert.equal((await page.evaluate(() => window.attn.state())).seed001.stage, 2);
  await page.keyboard.press('ArrowLeft');
  await page.waitForTimeout(50);
  assert.equal((await page.evaluate(() => window.attn.state())).seed001.stage, 1);
  await page.keyboard.press('Space');
  await page.waitForTimeout(50);
  assert.equal((await page.evaluate(() => window.attn.state())).seed001.playing, true);
  await page.keyboard.press('Space');
});

test('a screenshot of the page is not blank', async () => {
  const png = await page.screenshot();
  writeFileSync(join(ARTIFACTS, 'page.png'), png);
  const stats = await pngStats(page, png);
  assert.ok(stats.variance > 100, `luminance variance ${stats.variance.toFixed(1)} (blank page?)`);
  assert.ok(stats.distinct > 50, `${stats.distinct} distinct colors`);
});

test('the canvas follows window resizes and device pixel ratio', async () => {
  const context = await env.browser.newContext({ viewport: { width: 900, height: 600 }, deviceScaleFactor: 2 });
  const hi = await context.newPage();
  await hi.goto(env.server.url);
  assert.equal(await waitReady(hi), null);
  await hi.waitForTimeout(200);
  const size = await hi.evaluate(() => ({ w: Module.canvas.width, h: Module.canvas.height }));
  assert.deepEqual(size, { w: 1800, h: 1200 });
  // narrower than 900 CSS px the panels stack, taller than this window: the canvas is as tall as the
  // layout and the page scrolls (tests/e2e/reflow.test.mjs)
  await hi.setViewportSize({ width: 700, height: 500 });
  await hi.waitForTimeout(300);
  await hi.waitForFunction(() => Module.canvas.width === 1400 && Module.canvas.height === 2 * Math.ceil(window.attn.page().page_height));
  const resized = await hi.evaluate(() => ({ w: Module.canvas.width, h: Module.canvas.height, layout: window.attn.page().page_height }));
  assert.ok(resized.layout > 500, JSON.stringify(resized));
  assert.equal(await hi.evaluate(() => document.documentElement.classList.contains('tall')), true);
  await context.close();
});

test('no console errors or page errors', async () => {
  assert.deepEqual(page.problems, []);
});

test('without WebGL the page says WebGL2 is missing instead of going blank', async () => {
  const noGl = await launch(['--disable-webgl', '--disable-3d-apis']);
  try {
    const p = await openPage(noGl, env.server.url);
    const problem = await waitReady(p);
    assert.match(problem ?? '', /WebGL2 is not available/);
    assert.ok(await p.isVisible('#problem-text'));
    writeFileSync(join(ARTIFACTS, 'no-webgl2.png'), await p.screenshot());
  } finally {
    await noGl.close();
  }
});

test('when the module cannot be downloaded the page says so', async () => {
  const context = await env.browser.newContext();
  const p = await context.newPage();
  await p.route('**/attn.wasm', (route) => route.fulfill({ status: 404, body: 'not found' }));
  await p.goto(env.server.url);
  const problem = await waitReady(p);
  assert.match(problem ?? '', /could not be downloaded.*404/);
  assert.ok(await p.isVisible('#problem-text'));
  await context.close();
});

// The module is compiled while it downloads (web/loader.js compileModule): bytes that are not a module
// (a host's error page sent as 200) stop the start with the compiler's reason, not a blank page.
test('when the module is not WebAssembly the page says the engine failed to start', async () => {
  const context = await env.browser.newContext();
  const p = await context.newPage();
  await p.route('**/attn.wasm', (route) => route.fulfill({ status: 200, contentType: 'application/wasm', body: '<html>not here</html>' }));
  await p.goto(env.server.url);
  const problem = await waitReady(p);
  assert.match(problem ?? '', /engine failed to start: .*(magic|WebAssembly)/i);
  assert.ok(await p.isVisible('#problem-text'));
  await context.close();
});

test('without WebAssembly the page says so instead of going blank', async () => {
  const context = await env.browser.newContext();
  await context.addInitScript(() => { delete window.WebAssembly; });
  const p = await context.newPage();
  await p.goto(env.server.url);
  const problem = await waitReady(p);
  assert.match(problem ?? '', /cannot run WebAssembly/);
  assert.ok(await p.isVisible('#problem-text'));
  await context.close();
});
