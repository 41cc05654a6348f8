// train_view.test.mjs: the Train view in headless Chromium, driven as a learner drives it: the view's
// button, Train, Pause, One step, Reset, New seed, Use in the lab and Download with the mouse; the task
// and model pickers, the probe field and the buttons from the keyboard (the accessibility mirror's
// elements); the timeline with a click, the arrow keys and Replay; the sensor task, its held-out series
// and its map of the weights over training. Every number the view shows (its part of
// attn.state()) is checked against the training worker's record (attn.train.state()). Not the training
// (train.test.mjs, test_train_run.cpp). Screenshots go to build/test-results/e2e/train-view-*.png.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ARTIFACTS, clickPoint, clickWidget, frames, hold, suite, typeSentence } from './browser.mjs';

const env = suite();
const view = (page) => page.evaluate(() => window.attn.state().train);
const record = (page) => page.evaluate(() => window.attn.train.state());
const shot = async (page, name) => writeFileSync(join(ARTIFACTS, `train-view-${name}.png`), await page.screenshot());

// Polls fn() until check(value) holds; fails saying what was last seen.
async function until(page, fn, check, what, ms = 30000) {
  const started = Date.now();
  for (;;) {
    const last = await fn(page);
    if (check(last)) return last;
    if (Date.now() - started > ms) assert.fail(`${what}: still not so after ${ms} ms (last: ${JSON.stringify(last).slice(0, 400)})`);
    await page.waitForTimeout(50);
  }
}

// The view's alignment equals the record's matrix (float32 on both sides: exactly, within printing).
function sameAlignment(shown, matrix, what) {
  assert.equal(shown.rows, matrix.length, `${what}: rows`);
  assert.equal(shown.cols, matrix[0].length, `${what}: columns`);
  matrix.flat().forEach((x, i) => assert.ok(Math.abs(shown.alignment[i] - x) <= 1e-6, `${what}[${i}]: ${shown.alignment[i]} vs ${x}`));
}

// A keyboard user's press: the mirror's element focused, then Enter.
async function pressKey(page, id) {
  await page.focus(`#mirror [data-control="${id}"]`);
  await page.keyboard.press('Enter');
  await frames(page, 3);
}

test('a learner trains reversal with the mouse, watches the anti-diagonal form, scrubs back to step 0 and uses the model in the lab', async () => {
  const page = await env.open();
  await clickWidget(page, 'view/train');
  let v = await until(page, view, (x) => x?.has_tables, 'the training engine\'s tables');
  assert.equal(v.form.task, 'reverse');
  assert.equal(v.status, 'idle');
  assert.equal(v.has_run, false);

  await clickWidget(page, 'train/train');
  // It trains in the worker while the page draws: the view follows the record.
  v = await until(page, view, (x) => x.status === 'running' && x.step >= 150, 'training to step 150', 60000);
  await clickWidget(page, 'train/pause');
  v = await until(page, view, (x) => x.status === 'paused', 'paused');
  let r = await record(page);
  v = await until(page, view, (x) => x.step === r.step, 'the view at the record\'s step');
  assert.equal(v.losses, r.losses.length);
  assert.equal(v.evals, r.held_out.length);
  assert.equal(v.snapshots, r.snapshots.length);
  assert.ok(r.probe.pattern_mass >= 0.8, `anti-diagonal mass after ${r.step} steps: ${r.probe.pattern_mass}`);
  assert.ok(r.held_out.at(-1).loss < 0.5 * r.held_out[0].loss, 'held-out loss fell');
  assert.equal(v.shown.live, true);
  sameAlignment(v.shown, r.probe.alignment, 'the alignment now');
  const s = await page.evaluate(() => window.attn.state());
  for (const id of ['train/curve', 'train/alignment', 'train/timeline', 'train/status', 'train/pattern-mass'])
    assert.ok(s.widgets[id], `no ${id} on screen`);
  const stepsShown = await page.evaluate(() => window.attn.state().widgets['train/status'].text);
  assert.match(stepsShown ?? '', new RegExp(`step ${r.step},`), 'the status line says the step');
  await shot(page, 'trained');

  // The timeline: a click at its left end shows step 0 (random weights), Right moves a snapshot on.
  const t = await page.evaluate(() => window.attn.widget('train/timeline'));
  await clickPoint(page, t.x + 3, t.y + t.h / 2);
  v = await view(page);
  assert.equal(v.shown.live, false);
  assert.equal(v.shown.index, 0);
  assert.equal(v.shown.step, 0);
  sameAlignment(v.shown, r.snapshots[0].alignment, 'snapshot 0');
  await shot(page, 'step-0');
  await hold(page, 'ArrowRight');
  await frames(page, 2);
  v = await view(page);
  assert.equal(v.shown.index, 1);
  sameAlignment(v.shown, r.snapshots[1].alignment, 'snapshot 1');
  // Replay runs the snapshots forward to now, then follows the training again.
  await clickWidget(page, 'train/replay');
  v = await view(page);
  assert.equal(v.replaying, true);
  v = await until(page, view, (x) => x.shown.live && !x.replaying, 'the replay reaching now', 60000);

  // Use in the lab: the Translate view with the trained model, which translates as the run says.
  await clickWidget(page, 'train/use');
  const lab = await until(page, (p) => p.evaluate(() => window.attn.state()),
                          (x) => x.view === 'translate' && x.model === 'trained-reverse', 'the lab with the trained model');
  assert.ok(lab);
  const models = await page.evaluate(() => window.attn.models());
  assert.ok(models.some((m) => m.name === 'trained-reverse'), 'attn.models() lists it');
  await typeSentence(page, r.probe.source);
  const out = await until(page, (p) => p.evaluate(() => window.attn.state()),
                          (x) => x.text === r.probe.source && x.output_text === r.probe.output_text, 'the lab\'s translation', 15000);
  assert.equal(out.output_text, r.probe.output_text);
  await page.close();
});

test('from the keyboard: pick Hindi and Bahdanau\'s model, one step, reset, a new seed, a typed seed, a probe too long refused in words, another probe whose snapshots keep their words, download', async () => {
  const page = await env.open('#v=train');
  await until(page, view, (x) => x?.has_tables, 'the training engine\'s tables');
  await page.selectOption('#mirror [data-control="train/task"]', { label: 'Hindi -> English' });
  await page.selectOption('#mirror [data-control="train/model"]', { label: 'Bahdanau (additive)' });
  let v = await until(page, view, (x) => x.form.task === 'hi-en' && x.form.model === 'bahdanau', 'the form');
  assert.equal(v.form.layers, 1);

  await pressKey(page, 'train/step');
  v = await until(page, view, (x) => x.has_run && x.step === 1, 'one step');
  let r = await record(page);
  assert.equal(r.status, 'paused');
  assert.equal(r.settings.task, 'hi-en');
  assert.equal(r.settings.model, 'bahdanau');
  assert.equal(r.losses.length, 1);
  assert.equal(v.same_settings, true);
  sameAlignment(v.shown, r.probe.alignment, 'the probe after one step');
  const first = r.losses[0];
  await pressKey(page, 'train/step');
  v = await until(page, view, (x) => x.step === 2, 'a second step');

  await pressKey(page, 'train/reset');
  v = await until(page, view, (x) => x.step === 0 && x.losses === 0, 'reset to step 0');
  await pressKey(page, 'train/step');
  r = (await until(page, record, (x) => x.step === 1, 'the step after the reset'));
  assert.equal(r.losses[0], first, 'the same seed gives the same first loss');

  const seed = v.form.seed;
  await pressKey(page, 'train/new-seed');
  v = await until(page, view, (x) => x.form.seed !== seed && x.step === 0 && x.same_settings, 'a new seed at step 0');
  r = await record(page);
  assert.equal(r.settings.seed, v.form.seed);
  // A seed typed: the next step starts a run from it (the settings differ from the run on screen).
  await page.fill('#mirror [data-control="train/seed"]', '7');
  v = await until(page, view, (x) => x.form.seed === 7 && !x.same_settings, 'seed 7 typed');
  await pressKey(page, 'train/step');
  r = await until(page, record, (x) => x.settings?.seed === 7 && x.step === 1, 'a run from seed 7');
  v = await until(page, view, (x) => x.step === 1 && x.same_settings, 'the view on the new run');

  // A probe of nine words is refused, in words, and the run keeps its probe.
  const probe = r.probe.source;
  await page.fill('#mirror [data-control="train/probe"]', 'ghar ghar ghar ghar ghar ghar ghar ghar ghar');
  await frames(page, 3);
  await pressKey(page, 'train/show-probe');
  v = await until(page, view, (x) => x.error !== '', 'the refusal');
  assert.match(v.error, /the probe sentence has 9 words; at most 8/);
  assert.equal((await record(page)).probe.source, probe);
  await shot(page, 'refused');

  // Another probe, then a step: the snapshot before keeps the old probe and its words, and says so when
  // the timeline shows it; the snapshot after is of the new probe.
  await page.fill('#mirror [data-control="train/probe"]', 'mai ghar');
  await frames(page, 3);
  await pressKey(page, 'train/show-probe');
  r = await until(page, record, (x) => x.probe.source === 'mai ghar', 'the new probe in the run');
  await pressKey(page, 'train/step');
  r = await until(page, record, (x) => x.step === 2 && x.snapshots.length === 3, 'a step with the new probe');
  assert.deepEqual(r.snapshots.map((x) => x.probe), [probe, probe, 'mai ghar']);
  assert.deepEqual(r.snapshots[2].source_tokens, ['mai', 'ghar']);
  await page.focus('#mirror [data-control="train/timeline"]');
  await page.keyboard.press('Home');
  v = await until(page, view, (x) => x.shown.index === 0, 'the timeline at step 0');
  assert.equal(v.shown.probe, probe);
  assert.deepEqual(v.shown.col_words, r.snapshots[0].source_tokens, 'the old snapshot\'s own words');
  assert.deepEqual(v.shown.row_words, r.snapshots[0].target_tokens);
  sameAlignment(v.shown, r.snapshots[0].alignment, 'snapshot 0 of the old probe');
  const other = await page.textContent('#mirror [data-control="train/other-probe"]');
  assert.ok(other.includes(probe), `the view says which probe the snapshot is of: ${other}`);
  await shot(page, 'old-probe');
  await page.keyboard.press('End');
  v = await until(page, view, (x) => x.shown.live, 'the timeline at now');
  assert.deepEqual(v.shown.col_words, ['mai', 'ghar']);
  await frames(page, 2);
  assert.equal(await page.$('#mirror [data-control="train/other-probe"]'), null, 'no such note for the probe now');

  const [download] = await Promise.all([page.waitForEvent('download'), clickWidget(page, 'train/download')]);
  assert.equal(download.suggestedFilename(), 'trained-hi-en.safetensors');
  await page.close();
});

test('a normalizer picked from the keyboard trains the model (sparsemax: exact zeros) and Use in the lab runs it as trained', async () => {
  const page = await env.open('#v=train');
  await until(page, view, (x) => x?.has_tables, 'the training engine\'s tables');
  // top-k brings its k; sparsemax does not use it
  await page.selectOption('#mirror [data-control="train/normalizer"]', { label: 'top-k' });
  await until(page, view, (x) => x.form.normalizer === 'top_k', 'top-k picked');
  await page.waitForSelector('#mirror [data-control="train/top-k"]');
  await page.selectOption('#mirror [data-control="train/normalizer"]', { label: 'sparsemax' });
  let v = await until(page, view, (x) => x.form.normalizer === 'sparsemax', 'sparsemax picked');
  assert.equal(await page.$('#mirror [data-control="train/top-k"]'), null, 'no k for sparsemax');

  await pressKey(page, 'train/train');
  await until(page, record, (x) => x.step >= 100, 'training to step 100', 60000);
  await pressKey(page, 'train/pause');
  const r = await until(page, record, (x) => x.status === 'paused', 'paused');
  assert.equal(r.settings.normalizer, 'sparsemax');
  v = await until(page, view, (x) => x.step === r.step, 'the view on the paused step');
  sameAlignment(v.shown, r.probe.alignment, 'the sparsemax alignment');
  assert.ok(r.probe.alignment.flat().some((x) => x === 0), 'sparsemax gives some input words exactly 0');
  await shot(page, 'sparsemax');

  await pressKey(page, 'train/use');
  await until(page, (p) => p.evaluate(() => window.attn.state()), (x) => x.view === 'translate' && x.model === 'trained-reverse',
              'Translate with the trained model');
  await typeSentence(page, r.probe.source);
  const lab = await until(page, (p) => p.evaluate(() => window.attn.state()),
                          (x) => x.text === r.probe.source && x.model_status === 'ready' && x.output_text !== '', 'the lab\'s run');
  assert.equal(lab.options.normalizer, 'sparsemax', 'the lab runs Stage 5 as the model was trained');
  assert.ok(!lab.notes.some((n) => /trained with/.test(n)), `no note of another normalizer: ${lab.notes}`);
  assert.equal(lab.output_text, r.probe.output_text);
  await page.close();
});

// The Transformer: its settings are its own (heads, no embedding size, no normalizer), and the view shows
// every decoder layer's cross-attention heads beside the alignment. The timeline moves them with it: each
// head's map at a snapshot is that snapshot's, and each map is a table in the mirror.
test('the Transformer picked from the keyboard trains with its grid of heads; the timeline moves every head', async () => {
  const page = await env.open('#v=train');
  await until(page, view, (x) => x?.has_tables, 'the training engine\'s tables');
  await page.selectOption('#mirror [data-control="train/model"]', { label: 'Tiny Transformer (multi-head)' });
  await until(page, view, (x) => x.form.model === 'transformer', 'the Transformer picked');
  await page.waitForSelector('#mirror [data-control="train/heads"]');
  for (const gone of ['train/normalizer', 'train/embed'])
    assert.equal(await page.$(`#mirror [data-control="${gone}"]`), null, `${gone} is not the Transformer's`);

  await pressKey(page, 'train/train');
  await until(page, record, (x) => x.step >= 60, 'training to step 60', 60000);
  await pressKey(page, 'train/pause');
  const r = await until(page, record, (x) => x.status === 'paused', 'paused');
  assert.equal(r.settings.model, 'transformer');
  assert.deepEqual(r.grid, { layers: 1, heads: 2 });
  let v = await until(page, view, (x) => x.step === r.step, 'the view on the paused step');
  assert.deepEqual(v.grid, { layers: 1, heads: 2 });
  sameAlignment(v.shown, r.probe.alignment, 'the alignment now');
  r.probe.heads.forEach((h, k) => sameAlignment({ ...v.shown, alignment: v.shown.heads[k] }, h, `head ${k} now`));
  const s = await page.evaluate(() => window.attn.state());
  for (const id of ['train/head/0/0', 'train/head/0/1']) assert.ok(s.widgets[id], `no ${id} on screen`);
  assert.ok(await page.$('#mirror [data-control="train/head/0/1"]'), 'each head is a table in the mirror');
  await shot(page, 'transformer');

  // Snapshot 0 (random weights), from the keyboard: the alignment and both heads are that snapshot's.
  await page.focus('#mirror [data-control="train/timeline"]');
  await page.keyboard.press('Home');
  v = await until(page, view, (x) => x.shown.index === 0, 'snapshot 0 on the timeline');
  sameAlignment(v.shown, r.snapshots[0].alignment, 'snapshot 0');
  r.snapshots[0].heads.forEach((h, k) => sameAlignment({ ...v.shown, alignment: v.shown.heads[k] }, h, `head ${k} at step 0`));
  await shot(page, 'transformer-step-0');
  assert.deepEqual(page.problems, []);
  await page.close();
});

// The sensor task: picking it brings its model (a task trains the models of its kind), the probe is a
// held-out series, and the view draws its readings with the pooling's weight on every hour, then those
// weights at every snapshot, a row each. A row clicked shows that snapshot; another series picked from
// the keyboard is shown at once; Use in the lab opens the Sensor view on the same series with the model.
test('the sensor task from the keyboard: its model comes along, the series and its attention over training are on screen, another series leaves the old one\'s rows blank, Use opens the Sensor view', async () => {
  const page = await env.open('#v=train');
  await until(page, view, (x) => x?.has_tables, 'the training engine\'s tables');
  await page.selectOption('#mirror [data-control="train/task"]', { label: 'sensor events' });
  let v = await until(page, view, (x) => x.form.task === 'sensor', 'the sensor task picked');
  assert.equal(v.form.model, 'sensor-lstm', 'its model comes with it');
  assert.equal(v.form.layers, 1);
  await page.waitForSelector('#mirror [data-control="train/probe-series"]');
  for (const gone of ['train/normalizer', 'train/embed', 'train/heads', 'train/probe'])
    assert.equal(await page.$(`#mirror [data-control="${gone}"]`), null, `${gone} is not the sensor's`);

  await pressKey(page, 'train/train');
  await until(page, record, (x) => x.step >= 100, 'training to step 100', 60000);
  await pressKey(page, 'train/pause');
  let r = await until(page, record, (x) => x.status === 'paused', 'paused');
  assert.equal(r.kind, 'classify');
  v = await until(page, view, (x) => x.step === r.step, 'the view on the paused step');
  assert.equal(v.kind, 'classify');
  sameAlignment(v.shown, r.probe.alignment, 'the series\' weights now');
  const s = await page.evaluate(() => window.attn.state());
  for (const id of ['train/series', 'train/over-time', 'train/curve']) assert.ok(s.widgets[id], `no ${id} on screen`);
  for (const id of ['train/series', 'train/over-time'])
    assert.ok(await page.$(`#mirror [data-control="${id}"]`), `${id} is a table in the mirror`);
  const said = await page.textContent('#mirror [data-control="train/probe-says"]');
  assert.match(said, /Held-out series 2: vibration_burst in hours 53 to 58/);
  await shot(page, 'sensor');

  // The first row of the weights over training, clicked: snapshot 0, random weights.
  const box = s.widgets['train/over-time'];
  await clickPoint(page, box.x + box.w / 2, box.y + 1);
  v = await until(page, view, (x) => x.shown.index === 0, 'snapshot 0 from its row');
  sameAlignment(v.shown, r.snapshots[0].alignment, 'snapshot 0');

  // Another series from the keyboard: shown at once.
  await page.focus('#mirror [data-control="train/probe-series"]');
  await page.keyboard.press('ArrowRight');
  r = await until(page, record, (x) => x.probe.source === '3', 'series 3 asked of the worker');
  assert.equal(r.probe.target, 'pressure_spike');
  await page.focus('#mirror [data-control="train/timeline"]');
  await page.keyboard.press('End');
  v = await until(page, view, (x) => x.shown.live && x.shown.alignment[0] === r.probe.alignment[0][0], 'series 3 in the view');
  sameAlignment(v.shown, r.probe.alignment, 'series 3\'s weights');
  // Every snapshot so far is of series 2: the map over training leaves their rows blank and says so, and a
  // snapshot on the timeline says which series it is of.
  assert.ok(r.snapshots.length > 1 && r.snapshots.every((x) => x.probe === '2'), 'the snapshots are of series 2');
  const blank = await page.textContent('#mirror [data-control="train/over-time-others"]');
  assert.match(blank, new RegExp(`^${r.snapshots.length} rows are blank`));
  await page.keyboard.press('Home');
  v = await until(page, view, (x) => x.shown.index === 0, 'the timeline at step 0');
  assert.equal(v.shown.probe, '2');
  assert.match(await page.textContent('#mirror [data-control="train/other-probe"]'), /of series 2, the probe then; the probe is now series 3/);
  await shot(page, 'sensor-old-series');
  await page.keyboard.press('End');
  await until(page, view, (x) => x.shown.live, 'the timeline at now');

  await pressKey(page, 'train/use');
  await until(page, (p) => p.evaluate(() => window.attn.state()), (x) => x.view === 'sensor', 'the Sensor view');
  const sensor = await until(page, (p) => p.evaluate(() => window.attn.call('ui.sensor')),
                             (x) => x.model?.name === 'trained-sensor' && x.sample === 3 && x.attention, 'the trained model on series 3');
  assert.deepEqual(sensor.attention.weights, r.probe.alignment[0]);
  assert.match(await page.textContent('#mirror [data-control="sensor/model"]'), /trained-sensor/);
  assert.deepEqual(page.problems, []);
  await page.close();
});
