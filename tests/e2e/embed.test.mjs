// embed.test.mjs: embedding, as a teacher would do it. The view bar's "Copy embed code" gives an
// <iframe> of the current view and state; a host page (a slide, a course page) with two such frames
// shows each view alone (no view bar, no tour), takes no keyboard from the host, and a person's clicks
// and keys reach only the frame they are given to.
// An unknown embedded view is refused by name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clickWidget, frames, state, suite, until } from './browser.mjs';

let page;
const env = suite({ onPage: (p) => { page = p; } });

// Waits for a frame's engine and returns a handle to evaluate in it.
async function ready(frame) {
  await frame.waitForFunction(() => window.attn && window.attn.state, null, { timeout: 30000 });
  await frame.evaluate(() => window.attn.ready);
  return frame;
}

test('Copy embed code gives the iframe of the current view and state', async () => {
  await page.evaluate(() => window.attn.setState({ view: 'compare', text: 'the red house' }));
  await until(page, (s) => s.view === 'compare');
  await clickWidget(page, 'view/embed');
  const s = await until(page, (x) => x.notices.some((n) => n.includes('mbed')));
  assert.ok(s.notices.some((n) => n.includes('Embed code copied') || n.includes('<iframe')), JSON.stringify(s.notices));
  const code = await page.evaluate(() => window.attn.lastEmbedCode);
  assert.match(code, /^<iframe src="http:\/\/127\.0\.0\.1:\d+\/\?embed=compare#[^"]*t=the\+red\+house[^"]*" title="attention, step by step: Compare" /);
  assert.equal(code, await page.evaluate(() => window.attn.embedCode()));
});

test('two embedded views on one page: each alone, each keeps its own state', async () => {
  const a = await page.evaluate(() => window.attn.embedCode('scale', { width: 900, height: 560 }));
  await page.evaluate(() => window.attn.setState({ view: 'translate', text: "let's go", step: 0, stage: 0 }));
  const b = await page.evaluate(() => window.attn.embedCode('translate', { width: 900, height: 560 }));
  const host = await env.browser.newPage({ viewport: { width: 1000, height: 1300 }, serviceWorkers: 'block' });
  host.problems = [];
  host.on('pageerror', (e) => host.problems.push(e.message));
  // The host is another origin than the frames (about:blank), as a slide deck on its own site would be.
  await host.setContent(`<!doctype html><title>Slides</title><h1>Attention, two views</h1>${a}<br>${b}`);
  const [fa, fb] = [await ready(host.frames()[1]), await ready(host.frames()[2])];
  const sa = await fa.evaluate(() => window.attn.state());
  const sb = await fb.evaluate(() => window.attn.state());
  assert.equal(sa.view, 'scale');
  assert.equal(sb.view, 'translate');
  for (const s of [sa, sb]) {
    assert.deepEqual(Object.keys(s.widgets).filter((w) => w.startsWith('view/')), [], 'no view bar in an embed');
    assert.equal((await fa.evaluate(() => window.attn.page())).embed, true);
  }
  assert.equal((await fb.evaluate(() => window.attn.tour())).active, false, 'no tour in an embed');

  // Neither frame took the keyboard from the host page (a slide deck's clicker keys stay the deck's).
  assert.equal(await host.evaluate(() => document.activeElement === document.body), true, 'the host keeps focus');

  // A person clicks frame A's "d / 2", then frame B and presses Right, then A again: each input reaches
  // its own frame only.
  const click = async (frame, id) => {
    const box = await (await frame.frameElement()).boundingBox();
    const r = await frame.evaluate((w) => window.attn.widget(w), id);
    await host.mouse.move(box.x + r.x + r.w / 2, box.y + r.y + r.h / 2);
    await host.mouse.down();
    await host.waitForTimeout(80);
    await host.mouse.up();
  };
  const d = () => fa.evaluate(() => window.attn.call('ui.scale').d);
  const d0 = await d();
  await click(fa, 'scale/half');
  await fa.waitForFunction((x) => window.attn.call('ui.scale').d === x / 2, d0, { timeout: 10000 });
  await frames(fb, 3);
  let sb2 = await fb.evaluate(() => window.attn.state());
  assert.equal(sb2.stage, sb.stage, "frame B's playhead stayed");
  assert.equal(sb2.view_runs.scale, sb.view_runs.scale, 'frame B ran nothing of frame A');
  await click(fb, 'lab/heatmap');
  await host.keyboard.down('ArrowRight');
  await host.waitForTimeout(80);
  await host.keyboard.up('ArrowRight');
  await fb.waitForFunction((st) => window.attn.state().stage === st + 1, sb.stage, { timeout: 10000 });
  assert.equal(await d(), d0 / 2, "the key did not reach frame A");
  await click(fa, 'scale/half');
  await fa.waitForFunction((x) => window.attn.call('ui.scale').d === x / 4, d0, { timeout: 10000 });
  sb2 = await fb.evaluate(() => window.attn.state());
  assert.equal(sb2.view, 'translate');
  assert.equal(sb2.stage, sb.stage + 1);
  assert.equal(sb2.text, "let's go");
  assert.deepEqual(host.problems, []);
  await host.close();
});

test('an unknown embedded view is refused by name, and the page keeps its view bar', async () => {
  // What ?embed=nosuch asks of the engine (page.js shows the message as a notice and skips embedding).
  const err = await page.evaluate(() => { try { window.attn.call('ui.embed', { view: 'nosuch' }); return ''; } catch (e) { return e.message; } });
  assert.match(err, /^ui\.embed: view must be one of the views table's ids \(translate, compare, .*\)$/);
  const s = await state(page);
  assert.equal(s.view, 'translate');
  assert.equal((await page.evaluate(() => window.attn.page())).embed, false);
  assert.ok(Object.keys(s.widgets).some((w) => w.startsWith('view/')), 'the view bar is there');
});
