// redraw.test.mjs: update, then draw. On every view of the views table (read from the engine through
// attn.views(), not listed here), once the view has settled, frames drawn with no input run nothing:
// attn.state().runs (the lab's engine runs) and every view's own run counter (attn.state().view_runs)
// stay put while the frame counter moves on. A panel that ran the engine or loaded a file while drawing
// would move them. And a page nobody is using draws nothing (attn.perf().draws stays put: a frame equal
// to the one on screen is not drawn, src/ui/draw_print.h), on every view at a desktop and a phone size;
// a panel whose layout swings between two frames (a scrollbar that comes and goes) would move it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { frames, launch, openPage, serve, waitReady } from './browser.mjs';

let server, browser, page;

before(async () => {
  server = await serve();
  browser = await launch();
  page = await openPage(browser, server.url);
  const problem = await waitReady(page);
  assert.equal(problem, null, `the page did not start: ${problem}`);
});

after(async () => {
  await browser?.close();
  server?.server.close();
});

const state = () => page.evaluate(() => window.attn.state());
const counters = (s) => JSON.stringify({ runs: s.runs, view_runs: s.view_runs });

// Waits until the counters have not moved for `quiet` ms (a model download, the sensor model's first
// run or Auto's timing may still be on their way when a view opens).
async function settled(quiet = 600, ms = 30000) {
  const started = Date.now();
  let last = counters(await state()), since = Date.now();
  while (Date.now() - since < quiet) {
    if (Date.now() - started > ms) assert.fail(`the run counters kept moving for ${ms} ms: ${last}`);
    await page.waitForTimeout(100);
    const now = counters(await state());
    if (now !== last) { last = now; since = Date.now(); }
  }
  return state();
}

test('the views table comes from the engine, one row per view', async () => {
  const views = await page.evaluate(() => window.attn.views());
  assert.ok(views.length >= 6, `views: ${JSON.stringify(views)}`);
  const s = await state();
  for (const v of views) {
    assert.equal(typeof v.id, 'string');
    assert.ok(v.title.length > 0, `${v.id} has a title`);
    assert.ok(v.id in s.view_runs, `attn.state().view_runs has ${v.id}`);
    assert.ok(s.widgets[`view/${v.id}`], `the view bar has a button for ${v.id}`);
  }
});

test('frames with no input run nothing, on every view', async () => {
  const views = await page.evaluate(() => window.attn.views());
  for (const v of views) {
    await page.evaluate((view) => window.attn.setState({ view }), v.id);
    const before = await settled();
    assert.equal(before.view, v.id);
    const frame = before.frame;
    // let at least 30 frames pass without a key, a click or a setState
    for (let s = await state(); s.frame < frame + 30; s = await state()) await page.waitForTimeout(50);
    const after = await state();
    assert.equal(after.runs, before.runs, `${v.id}: the lab ran while nothing changed`);
    assert.deepEqual(after.view_runs, before.view_runs, `${v.id}: a view ran while nothing changed`);
    assert.ok(after.frame >= frame + 30);
  }
});

// The draws counter once it has stopped moving for `quiet` frames (an opening view may fade or scroll in).
async function quietDraws(what, quiet = 20, most = 400) {
  let last = (await page.evaluate(() => window.attn.perf())).draws, still = 0;
  for (let i = 0; i < most && still < quiet; ++i) {
    await frames(page, 1);
    const now = (await page.evaluate(() => window.attn.perf())).draws;
    still = now === last ? still + 1 : 0;
    last = now;
  }
  assert.ok(still >= quiet, `${what}: the page kept drawing with nothing changing (${most} frames)`);
  return last;
}

test('a page nobody is using draws nothing, on every view, at a desktop and a phone size; input draws', async () => {
  const views = await page.evaluate(() => window.attn.views());
  for (const size of [{ width: 1280, height: 800 }, { width: 375, height: 667 }]) {
    await page.setViewportSize(size);
    for (const v of views) {
      await page.evaluate((view) => window.attn.setState({ view }), v.id);
      await settled();
      const what = `${v.id} at ${size.width}x${size.height}`;
      const drawn = await quietDraws(what);
      const { frame } = await page.evaluate(() => window.attn.perf());
      await frames(page, 30);
      const after = await page.evaluate(() => window.attn.perf());
      assert.ok(after.frame >= frame + 30, `${what}: frames went on`);
      assert.equal(after.draws, drawn, `${what}: ${after.draws - drawn} of ${after.frame - frame} frames with nothing changing were drawn`);
    }
  }
  // What changes the screen is drawn: a key that moves the playhead, the theme, a new size.
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.evaluate(() => window.attn.setState({ view: 'translate', step: 0, stage: 0 }));
  await settled();
  let drawn = await quietDraws('translate');
  await page.evaluate(() => window.attn.setState({ stage: 2 }));
  await frames(page, 3);
  assert.ok((await page.evaluate(() => window.attn.perf())).draws > drawn, 'a new stage is drawn');
  drawn = await quietDraws('translate, stage 2');
  const theme = await page.evaluate(() => window.attn.theme());
  await page.evaluate((t) => window.attn.theme(t === 'dark' ? 'light' : 'dark'), theme);
  await frames(page, 3);
  assert.ok((await page.evaluate(() => window.attn.perf())).draws > drawn, 'the other theme is drawn');
  await page.evaluate((t) => window.attn.theme(t), theme);
  drawn = await quietDraws('translate, theme back');
  await page.setViewportSize({ width: 1000, height: 700 });
  await frames(page, 3);
  assert.ok((await page.evaluate(() => window.attn.perf())).draws > drawn, 'a new window size is drawn');
});
