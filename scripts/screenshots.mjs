// screenshots.mjs: the pictures README shows of a teacher's path (docs/screenshots/*.png), taken from the
// current wasm build in headless Chromium: a shipped lesson in presenter mode, the Compare view, the
// Compare view embedded in a slide, the "Why we scale" view, the Train view after a reversal learned in
// the page, and the Train view on the sensor task. Run it after a change the pictures show (`node scripts/screenshots.mjs [--only <name>.png]`,
// after `make wasm`); make test does not (pictures are not tests).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, launch, openPage, serve, waitReady } from '../tests/e2e/browser.mjs';

const OUT = join(ROOT, 'docs/screenshots');
mkdirSync(OUT, { recursive: true });
const server = await serve();
const browser = await launch();
const viewport = { width: 1280, height: 720 };
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : null;
const want = (name) => !only || only === name;

async function open(path, { theme = 'light' } = {}) {
  const page = await openPage(browser, server.url + path, { viewport });
  const problem = await waitReady(page);
  if (problem) throw new Error(`${path}: ${problem}`);
  if (theme) await page.evaluate((t) => window.attn.theme(t), theme);
  return page;
}
// Polls attn.state() until done(state), as the tests do.
async function until(page, done, ms = 15000) {
  for (const start = Date.now(); Date.now() - start < ms; await page.waitForTimeout(50))
    if (done(await page.evaluate(() => window.attn.state()))) return;
  throw new Error('screenshots: the page did not reach the state to show');
}
async function shot(page, name) {
  await page.mouse.move(viewport.width - 2, viewport.height - 2);
  await page.waitForTimeout(400);
  await page.screenshot({ path: join(OUT, name) });
  console.log(`wrote docs/screenshots/${name}`);
}

// 1. A shipped lesson in presenter mode, two clicks of a clicker in.
let page;
if (want('lesson-presenter.png')) {
page = await open('?lesson=rnn-to-transformer', { theme: null });  // presenter mode's own theme
await until(page, (s) => s.present.lesson?.step === 0 && s.runs > 0);
for (let i = 0; i < 2; ++i) await page.keyboard.press('PageDown');
await until(page, (s) => s.present.lesson.step === 2 && s.model === 'transformer' && s.runs > 0 && !s.playing);
await page.evaluate(() => window.attn.present({ panel: 'heatmap' }));
await shot(page, 'lesson-presenter.png');
await page.close();
}

// 2. The Compare view: three models on one sentence.
if (want('compare.png') || want('embed-slide.png')) {
page = await open('#t=the+red+house&v=compare');
await until(page, (s) => s.view === 'compare' && s.view_runs.compare > 0);
await page.waitForTimeout(1500);  // each column's model loads and runs
await shot(page, 'compare.png');
const embed = await page.evaluate(() => window.attn.embedCode('compare', { width: 1100, height: 560 }));
await page.close();

// 3. That view embedded in a slide.
page = await browser.newPage({ viewport, serviceWorkers: 'block' });
await page.setContent(`<!doctype html><html><body style="margin:0;font-family:DejaVu Sans,sans-serif;background:#f4f1ea">
  <h1 style="margin:24px 60px 12px;font-size:34px">From RNN attention to the Transformer</h1>
  <div style="margin:0 60px">${embed}</div></body></html>`);
const frame = page.frames()[1];
await frame.waitForFunction(() => window.attn && window.attn.state, null, { timeout: 30000 });
await frame.evaluate(() => window.attn.ready);
await frame.waitForFunction(() => window.attn.state().view_runs.compare > 0, null, { timeout: 15000 });
await page.waitForTimeout(1500);
await shot(page, 'embed-slide.png');
await page.close();
}

// 4. Why we scale, at d = 512.
if (want('why-we-scale.png')) {
page = await open('#v=scale');
await page.evaluate(() => window.attn.call('ui.set_scale', { d: 512 }));
await until(page, (s) => s.view === 'scale' && s.view_runs.scale > 0);
await shot(page, 'why-we-scale.png');
await page.close();
}

// 5. The Train view: reversal from random weights, trained with its Train button until the probe reads the
// anti-diagonal (at least 0.85 of its attention there), then paused.
if (want('train.png')) {
page = await openPage(browser, server.url + '#v=train', { viewport: { width: 1280, height: 800 } });
if (await waitReady(page)) throw new Error('#v=train: the page did not start');
await until(page, (s) => s.train?.has_tables);
const button = async (id) => {
  const r = await page.evaluate((w) => window.attn.widget(w), id);
  await page.mouse.click(r.x + r.w / 2, r.y + r.h / 2, { delay: 60 });
};
await button('train/train');
await page.waitForFunction(() => (window.attn.train.state().probe?.pattern_mass ?? 0) >= 0.85 && window.attn.train.state().step >= 300,
                           null, { timeout: 60000 });
await button('train/pause');
await until(page, (s) => s.train.status === 'paused');
await shot(page, 'train.png');
await page.close();
}

// 6. The Train view on the sensor task: seed 000's classifier from random weights, trained with its Train
// button for 250 steps or more, paused: the probe series' weights on its event, and the map of every
// snapshot's weights below.
if (want('train-sensor.png')) {
page = await openPage(browser, server.url + '#v=train', { viewport: { width: 1280, height: 800 } });
if (await waitReady(page)) throw new Error('#v=train: the page did not start');
await until(page, (s) => s.train?.has_tables);
await page.selectOption('#mirror [data-control="train/task"]', { label: 'sensor events' });
await until(page, (s) => s.train.form.model === 'sensor-lstm');
const r = await page.evaluate(() => window.attn.widget('train/train'));
await page.mouse.click(r.x + r.w / 2, r.y + r.h / 2, { delay: 60 });
await page.waitForFunction(() => (window.attn.train.state().probe?.pattern_mass ?? 0) >= 0.9 && window.attn.train.state().step >= 250,
                           null, { timeout: 60000 });
const p = await page.evaluate(() => window.attn.widget('train/pause'));
await page.mouse.click(p.x + p.w / 2, p.y + p.h / 2, { delay: 60 });
await until(page, (s) => s.train.status === 'paused');
await shot(page, 'train-sensor.png');
await page.close();
}

await browser.close();
server.server.close();
