// scale.test.mjs: the "Why we scale" view in the page, driven as a person would: open it from the view
// bar, drag the d slider to its end, press "d / 2", go back by keyboard-free clicks. After each, what the
// panel drew (attn.state().shown) equals the engine's study (attn.call('ui.scale')), and the study says
// what the view teaches: without 1/sqrt(d) the softmax saturates at d = 1024, with it it does not.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ARTIFACTS, clickWidget, frames, state, suite, until } from './browser.mjs';

let page;
suite({ onPage: (p) => { page = p; } });

const close = (a, b, what) => {
  assert.equal(a.length, b.length, `${what}: ${a.length} values drawn, ${b.length} computed`);
  a.forEach((x, i) => assert.ok(Math.abs(x - b[i]) <= 1e-5 * Math.max(1, Math.abs(b[i])), `${what}[${i}]: drawn ${x}, engine ${b[i]}`));
};

// Everything the panel drew against the engine's answer at the same d.
async function checkShown(d) {
  const s = await until(page, (x) => x.shown['scaled weights'] && x.widgets['scale/d']);
  const a = await page.evaluate(() => window.attn.call('ui.scale'));
  assert.equal(a.d, d);
  for (const side of ['scaled', 'unscaled']) {
    close(s.shown[`${side} weights`], a[side].weights, `${side} weights`);
    close(s.shown[`${side} scores`], a[side].scores, `${side} scores`);
    close(s.shown[`${side} means`], [a[side].score_std, a[side].entropy, a[side].max_weight, a[side].to_others], `${side} means`);
    for (const m of ['std', 'entropy', 'max_weight', 'to_others'])
      close(s.shown[`sweep ${m} ${side}`], a.sweep.map((p) => p[side][m === 'std' ? 'score_std' : m]), `sweep ${m} ${side}`);
  }
  const sum = a.scaled.weights.reduce((x, y) => x + y, 0);
  assert.ok(Math.abs(sum - 1) < 1e-5, `the weights sum to 1 (${sum})`);
  return a;
}

test('why we scale: the slider moves d, and every number drawn is the engine\'s', async () => {
  await clickWidget(page, 'view/scale');
  const opened = await until(page, (x) => x.view === 'scale' && x.shown['scaled weights']);
  assert.equal(opened.view, 'scale');
  const first = await checkShown(64);
  assert.equal(first.sweep.length, 11);
  assert.deepEqual(first.sweep.map((p) => p.d), [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024]);

  // Drag the slider's grab to the right end of its track, as a mouse would.
  const r = await page.evaluate(() => window.attn.widget('scale/d'));
  await page.mouse.move(r.x + r.w * 0.3, r.y + r.h / 2);
  await page.mouse.down();
  await page.mouse.move(r.x + r.w * 0.7, r.y + r.h / 2, { steps: 4 });
  await page.mouse.move(r.x + r.w + 40, r.y + r.h / 2, { steps: 4 });
  await frames(page, 2);
  await page.mouse.up();
  await until(page, () => true);
  const wide = await page.evaluate(() => window.attn.call('ui.scale'));
  assert.equal(wide.d, 1024, 'the slider reaches d = 1024');
  await checkShown(1024);
  writeFileSync(join(ARTIFACTS, 'scale-d1024.png'), await page.screenshot());
  // What the view teaches, at d = 1024.
  assert.ok(wide.unscaled.entropy < 0.1 && wide.unscaled.max_weight > 0.97, `unscaled saturates: ${JSON.stringify(wide.unscaled)}`);
  assert.ok(wide.scaled.entropy > 1 && wide.scaled.to_others > 0.1, `scaled does not: ${JSON.stringify(wide.scaled)}`);
  assert.ok(wide.unscaled.to_others < 0.02, 'the other keys get almost no gradient without scaling');

  // "d / 2" halves it; the engine re-runs the study once for it, and only then.
  const runs = (await state(page)).view_runs.scale;
  await clickWidget(page, 'scale/half');
  await until(page, (x) => x.view_runs.scale > runs);
  await checkShown(512);
  await frames(page, 5);
  assert.equal((await state(page)).view_runs.scale, runs + 1, 'redrawing runs nothing');

  // The answer refuses a width out of range, in the project's words.
  const err = await page.evaluate(() => { try { window.attn.call('ui.set_scale', { d: 4096 }); return ''; } catch (e) { return e.message; } });
  assert.equal(err, "ui.set_scale: 'd' must be an integer from 1 to 1024");
  assert.deepEqual(page.problems, []);
});
