// train.test.mjs: training a model from random weights in the page, through attn.train (web/train.js, the
// worker web/train_worker.js and its engine src/app/train_worker.cpp): the reversal task lowers held-out
// loss and reaches the anti-diagonal after a fixed number of steps from a fixed seed; the scalar path's
// loss curve in the browser is the one recorded natively (tests/unit/data/train_curve_reverse.txt); pause,
// resume, step and reset behave; the page keeps drawing while the worker trains; "use" puts the trained
// model into the lab, where it translates as the run says; a download loads back to the same bytes; bad
// settings are refused in words and the run before is kept; the cosine model trains, its weights bounded as
// cosine scores bound them; seed 000's sensor classifier learns the events, its attention moves onto them,
// and used, it is the Sensor view's model. Not the training itself (test_train_run.cpp).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ROOT, suite, until } from './browser.mjs';

const env = suite();
const REVERSE = { task: 'reverse', seed: 7, hidden: 32, embed: 16, batch: 16, lr: 0.01 };
const train = (page, fn, ...args) => page.evaluate(([f, a]) => window.attn.train[f](...a), [fn, args]);

test('the tables list the tasks and models; bad settings are refused in words', async () => {
  const page = await env.open();
  const tables = await train(page, 'tables');
  assert.deepEqual(tables.tasks.map((t) => t.id), ['toy', 'reverse', 'copy', 'en-es', 'hi-en', 'sensor']);
  assert.deepEqual(tables.models.map((m) => m.id),
                   ['lstm-dot', 'lstm-cosine', 'lstm-scaled-dot', 'lstm-general', 'bahdanau', 'transformer', 'sensor-lstm']);
  assert.deepEqual(tables.tasks.map((t) => t.kind), ['translate', 'translate', 'translate', 'translate', 'translate', 'classify']);
  assert.deepEqual(tables.models.find((m) => m.id === 'sensor-lstm'), {
    id: 'sensor-lstm', description: tables.models.at(-1).description, layers: 1, uses: [], kind: 'classify' });
  assert.deepEqual(tables.models.find((m) => m.id === 'transformer').uses, ['heads']);
  assert.deepEqual(tables.models.find((m) => m.id === 'lstm-dot').uses, ['embed', 'normalizer']);
  assert.equal(tables.tasks.find((t) => t.id === 'reverse').pattern, 'anti-diagonal');
  // Stage 5 trains with any row of the lab's normalizers table
  const lab = await page.evaluate(() => window.attn.call('tables'));
  assert.deepEqual(tables.normalizers.map((n) => [n.name, n.uses_k]), lab.normalizers.map((n) => [n.name, n.uses_k]));
  await assert.rejects(train(page, 'start', { ...REVERSE, hidden: 65 }), /hidden must be from 2 to 64, not 65/);
  await assert.rejects(train(page, 'start', { ...REVERSE, normalizer: 'top_k', top_k: 9 }), /top_k must be from 1 to 8, not 9/);
  await assert.rejects(train(page, 'start', { task: 'sorting' }), /unknown task 'sorting'/);
  await assert.rejects(train(page, 'start', { model: 'transformer', hidden: 30, heads: 4 }),
                       /the Transformer's hidden \(its width\) must be a multiple of heads: 30 is not a multiple of 4/);
  await assert.rejects(train(page, 'start', { model: 'transformer', normalizer: 'sparsemax' }),
                       /the Transformer trains with softmax attention \(normalizer soft\), not sparsemax/);
  await assert.rejects(train(page, 'start', { hidden: '32' }), /hidden must be an integer/);
  await assert.rejects(train(page, 'start', { task: 'sensor' }), /the sensor task classifies series: it trains sensor-lstm, not lstm-dot/);
  await assert.rejects(train(page, 'start', { task: 'sensor', model: 'sensor-lstm', probe: 'a b' }),
                       /the sensor's probe is a held-out series: a number from 0 to 199, not 'a b'/);
  // a seed JavaScript cannot hold exactly is refused, not rounded
  await assert.rejects(train(page, 'start', { ...REVERSE, seed: 2 ** 53 + 2 }), /seed must be a whole number from 0 to 2\^53 - 1/);
  assert.equal((await train(page, 'state')).status, 'idle');
  await page.close();
});

test('reversal from random weights: held-out loss falls and the alignment becomes the anti-diagonal', async () => {
  const page = await env.open();
  let s = await page.evaluate((o) => window.attn.train.start(o, { paused: true }), REVERSE);
  const first = s.held_out[0];
  assert.equal(first.step, 0);
  assert.ok(s.probe.pattern_mass < 0.5, `random weights: anti-diagonal mass ${s.probe.pattern_mass}`);
  s = await page.evaluate((n) => window.attn.train.reset().then(() => window.attn.train.step(n)), 150);
  assert.equal(s.status, 'paused');
  assert.equal(s.step, 150);
  assert.equal(s.losses.length, 150);
  assert.equal(s.examples, 149 * 16 + 8, '1,800 pairs: 112 batches of 16, the epoch\'s last of 8, 37 of the next');
  assert.equal(s.held_out.length, 16, 'step 0 and every 10 steps');
  assert.ok(s.held_out.at(-1).loss < 0.5 * first.loss, `held-out loss ${first.loss} -> ${s.held_out.at(-1).loss}`);
  assert.deepEqual(s.probe.source_tokens, ['a', 'b', 'c', 'd', 'e']);
  assert.deepEqual(s.probe.target_tokens, ['e', 'd', 'c', 'b', 'a', '<EOS>']);
  assert.ok(s.probe.pattern_mass >= 0.8, `anti-diagonal mass after 150 steps: ${s.probe.pattern_mass}`);
  // The mass is the alignment's own: the mean of cell (i, T-1-i) over the five words.
  const mass = s.probe.alignment.slice(0, 5).reduce((sum, row, i) => sum + row[4 - i], 0) / 5;
  assert.ok(Math.abs(mass - s.probe.pattern_mass) < 1e-6);
  // The snapshots start at step 0 and end at the step shown, with the alignment shown.
  assert.equal(s.snapshots[0].step, 0);
  assert.equal(s.snapshots.at(-1).step, 150);
  assert.deepEqual(s.snapshots.at(-1).alignment, s.probe.alignment);
  assert.notDeepEqual(s.snapshots[0].alignment, s.probe.alignment);
  await page.close();
});

test('the scalar path trains the curve recorded natively', async () => {
  const page = await env.open();
  const s = await page.evaluate((o) => window.attn.train.start(o, { paused: true }).then(() => window.attn.train.pause())
    .then(() => window.attn.train.reset()).then(() => window.attn.train.step(40)), { ...REVERSE, hidden: 32, backend: 'scalar' });
  const recorded = readFileSync(join(ROOT, 'tests/unit/data/train_curve_reverse.txt'), 'utf8').trim().split('\n').map(Number);
  assert.equal(s.losses.length, recorded.length);
  let worst = 0;
  s.losses.forEach((l, i) => { worst = Math.max(worst, Math.abs(l - recorded[i]) / recorded[i]); });
  console.log(`# the browser's scalar curve against the native record: largest relative difference ${worst.toExponential(2)}`);
  assert.ok(worst <= 1e-5, `largest relative difference ${worst}`);
  await page.close();
});

test('pause, resume, step and reset; the page keeps drawing while the worker trains', async () => {
  const page = await env.open();
  let s = await train(page, 'start', { ...REVERSE, hidden: 16, embed: 8 });
  assert.equal(s.status, 'running');
  for (const t0 = Date.now(); s.step <= 10 && Date.now() - t0 < 20000; await page.waitForTimeout(100)) s = await train(page, 'state');
  assert.ok(s.step > 10, `steps while running: ${s.step}`);
  assert.ok(s.examples_per_s > 0);
  // The page's thread is free while the worker trains: during one call of 1,000 steps (seconds of work in
  // the worker) the page goes on running animation frames. Were the training on the page's thread, not
  // one frame could run before the call returned (one at most, had it started after the call). Counted, not
  // timed: the count depends on the machine's load (about 40 frames a second idle here; 4 in 2.5 s with
  // the Train view's tests training beside it, both cores busy), only its being more than one does not.
  const during = await page.evaluate(async () => {
    let frames = 0;
    let done = false;
    const tick = () => { if (!done) { frames += 1; requestAnimationFrame(tick); } };
    requestAnimationFrame(tick);
    const t0 = performance.now();
    const after = await window.attn.train.step(1000);
    done = true;
    return { frames, ms: performance.now() - t0, step: after.step };
  });
  console.log(`# while the worker took 1,000 steps (${Math.round(during.ms)} ms, ${Math.round((16000 * 1000) / during.ms)} examples/s), ` +
              `the page ran ${during.frames} animation frames`);
  assert.ok(during.frames >= 2, `the page ran ${during.frames} animation frames while the worker took 1,000 steps in ${during.ms} ms`);
  s = await train(page, 'resume');
  s = await train(page, 'pause');
  const paused = s.step;
  await page.waitForTimeout(400);
  s = await train(page, 'state');
  assert.equal(s.status, 'paused');
  assert.equal(s.step, paused, 'no step while paused');
  assert.equal(s.losses.length, paused, 'every step\'s loss, none twice');
  s = await train(page, 'step', 5);
  assert.equal(s.step, paused + 5);
  await assert.rejects(train(page, 'step', 1e9), /n must be a whole number from 1 to 10000, not 1000000000/);
  await train(page, 'resume');
  for (const t0 = Date.now(); s.step <= paused + 5 && Date.now() - t0 < 20000; await page.waitForTimeout(100)) s = await train(page, 'state');
  s = await train(page, 'pause');
  assert.ok(s.step > paused + 5, 'resumed');
  const firstLoss = s.losses[0];
  s = await train(page, 'reset');
  assert.equal(s.status, 'paused');
  assert.equal(s.step, 0);
  assert.equal(s.losses.length, 0);
  s = await train(page, 'step', 1);
  assert.equal(s.losses[0], firstLoss, 'the same seed gives the same first step');
  await page.close();
});

test('a trained model joins the lab, translates as the run says, and downloads to bytes that load back the same', async () => {
  const page = await env.open();
  let s = await page.evaluate((o) => window.attn.train.start(o, { paused: true }).then(() => window.attn.train.pause())
    .then(() => window.attn.train.step(150)), REVERSE);
  assert.equal(s.probe.output_text, 'e d c b a');
  const loaded = await train(page, 'use', 'my-reverser');
  assert.equal(loaded.model, 'my-reverser');
  const row = (await page.evaluate(() => window.attn.models())).find((m) => m.name === 'my-reverser');
  assert.ok(row, 'attn.models() lists the trained model');
  assert.equal(row.source, 'file');
  const t = await page.evaluate(() => window.attn.translate('my-reverser', 'a b c d e'));
  assert.equal(t.output_text, 'e d c b a');
  await page.evaluate(() => window.attn.setState({ model: 'my-reverser', text: 'h g f' }));
  const shown = await until(page, (st) => st.model === 'my-reverser' && st.output_text === 'f g h', 5000);
  assert.equal(shown.output_text, 'f g h', 'the lab shows the trained model reversing a new string');
  // Download, load again under another name: the same bytes written back.
  const same = await page.evaluate(async () => {
    const { bytes } = await window.attn.train.download({ name: 'again' });
    await window.attn.loadModel(bytes, { name: 'again.safetensors' });
    const back = await window.attn.saveModel('again');
    return bytes.length === back.bytes.length && bytes.every((b, i) => b === back.bytes[i]);
  });
  assert.ok(same, 'download, load, save: byte for byte');
  const meta = await page.evaluate(() => window.attn.models().find((m) => m.name === 'again'));
  assert.ok(meta, 'the downloaded file loaded');
  s = await train(page, 'state');
  assert.equal(s.step, 150, 'using and downloading do not train');
  await page.close();
});

// The tiny Transformer from random weights (seed 7, 2 heads, lr 0.003: natively the anti-diagonal mass
// passes 0.8 at step 348): held-out loss falls, the alignment becomes the anti-diagonal, every decoder
// layer's cross-attention heads travel with the probe and each snapshot, and the alignment is the last
// layer's heads averaged. Used in the lab, it answers as the run says, heads and all.
test('the Transformer learns reversal in the page; its heads are the model\'s own, in the lab too', async () => {
  const page = await env.open();
  const TRANSFORMER = { task: 'reverse', model: 'transformer', seed: 7, hidden: 32, heads: 2, layers: 1, batch: 16, lr: 0.003 };
  let s = await page.evaluate((o) => window.attn.train.start(o, { paused: true }), TRANSFORMER);
  const first = s.held_out[0];
  assert.deepEqual(s.grid, { layers: 1, heads: 2 });
  assert.equal(s.probe.heads.length, 2);
  const t0 = Date.now();
  s = await train(page, 'step', 512);  // 512: a snapshot falls on it, however the snapshots have been thinned
  const seconds = (Date.now() - t0) / 1000;
  console.log(`PERF transformer_reverse_512_steps_s: ${seconds.toFixed(1)} (${(512 * 16 / seconds).toFixed(0)} examples/s)`);
  assert.ok(s.probe.pattern_mass >= 0.8, `anti-diagonal mass after 512 steps: ${s.probe.pattern_mass}`);
  assert.ok(s.held_out.at(-1).loss < first.loss / 3, `held-out loss ${first.loss} -> ${s.held_out.at(-1).loss}`);
  // The alignment is the heads' mean (one layer: the last is the only one); every row sums to 1.
  s.probe.alignment.forEach((row, r) => row.forEach((x, c) => {
    const mean = (s.probe.heads[0][r][c] + s.probe.heads[1][r][c]) / 2;
    assert.ok(Math.abs(x - mean) < 1e-6, `alignment[${r}][${c}] ${x} vs the heads' mean ${mean}`);
  }));
  for (const snap of s.snapshots) assert.equal(snap.heads.length, 2, `snapshot at step ${snap.step}`);
  assert.equal(s.snapshots.at(-1).step, 512);
  assert.deepEqual(s.snapshots.at(-1).heads, s.probe.heads);
  // In the lab: the same words, and each head's cross-attention the probe's (greedy decoding writes the
  // probe's target, so it reads what the teacher-forced probe read).
  assert.equal(s.probe.output_text, 'e d c b a');
  await train(page, 'use', 'my-transformer');
  const row = (await page.evaluate(() => window.attn.models())).find((m) => m.name === 'my-transformer');
  assert.equal(row.architecture, 'transformer');
  const run = await page.evaluate(() => window.attn.translate('my-transformer', 'a b c d e'));
  assert.equal(run.output_text, 'e d c b a');
  run.steps.forEach((step, r) => {
    for (const a of step.attention.filter((x) => x.form === 'cross'))
      a.weights.forEach((w, c) => assert.ok(Math.abs(w - s.probe.heads[a.head][r][c]) < 1e-5,
                                                   `head ${a.head} step ${r} word ${c}: lab ${w}, run ${s.probe.heads[a.head][r][c]}`));
  });
  await page.close();
});

// Seed 000's sensor task: the classifier learns to name the event, and the pooling's weights on the probe
// series (held-out number 2, a vibration burst in hours 53 to 58) gather on the event; every snapshot is
// the run's own; used, the model goes to the Sensor view, which shows the same weights for the same series.
test('the sensor task: seed 000\'s model learns the events and its attention moves onto them', async () => {
  const page = await env.open();
  const SENSOR = { task: 'sensor', model: 'sensor-lstm', seed: 1, hidden: 32, batch: 16, lr: 0.01 };
  let s = await page.evaluate((o) => window.attn.train.start(o, { paused: true }), SENSOR);
  assert.equal(s.kind, 'classify');
  assert.equal(s.probe.source, '2');
  assert.equal(s.probe.target, 'vibration_burst');
  assert.deepEqual(s.probe.event, { name: 'vibration_burst', start: 53, width: 6, channel: 3, margin: 5 });
  assert.equal(s.probe.series.length, 100);
  assert.deepEqual(s.probe.channels, ['pressure', 'temperature', 'flow', 'vibration']);
  assert.equal(s.probe.alignment.length, 1);
  assert.equal(s.probe.alignment[0].length, 100);
  assert.equal(s.train_pairs, 2000);
  assert.equal(s.held_out_pairs, 100);
  const first = s.held_out[0];
  assert.deepEqual(Object.keys(first), ['step', 'loss', 'accuracy', 'attention_near_event']);
  assert.ok(s.probe.pattern_mass < 0.5, `random weights: attention near the event ${s.probe.pattern_mass}`);
  s = await train(page, 'step', 150);
  const last = s.held_out.at(-1);
  assert.equal(last.step, 150);
  assert.ok(last.loss < 0.6 * first.loss, `held-out loss ${first.loss} -> ${last.loss}`);
  assert.ok(last.accuracy >= 0.5 && last.accuracy > first.accuracy + 0.2, `accuracy ${first.accuracy} -> ${last.accuracy}`);
  assert.ok(last.attention_near_event > first.attention_near_event + 0.1,
            `attention near the event ${first.attention_near_event} -> ${last.attention_near_event}`);
  assert.equal(s.accuracy, last.accuracy);
  // The probe's mass is its own weights' within 5 hours of hours 53..58.
  const w = s.probe.alignment[0];
  const near = w.slice(48, 64).reduce((a, x) => a + x, 0);
  assert.ok(Math.abs(near - s.probe.pattern_mass) < 1e-5, `${near} vs ${s.probe.pattern_mass}`);
  assert.ok(s.probe.pattern_mass >= 0.8, `attention near the event after 150 steps: ${s.probe.pattern_mass}`);
  assert.deepEqual(s.snapshots.at(-1).alignment, s.probe.alignment);
  assert.equal(s.snapshots[0].step, 0);
  // Another series: its event and weights; a bad one is refused and the probe kept.
  s = await train(page, 'probe', '3');
  assert.equal(s.probe.target, 'pressure_spike');
  await assert.rejects(train(page, 'probe', '200'), /a number from 0 to 199, not '200'/);
  assert.equal((await train(page, 'state')).probe.source, '3');
  s = await train(page, 'probe', '2');
  // Used in the lab: the Sensor view shows it in the shipped one's place, with the run's weights.
  const used = await train(page, 'use', 'my-sensor');
  assert.equal(used.view, 'sensor');
  assert.equal(used.architecture, 'sensor_lstm_pool');
  const sensor = await page.evaluate(async () => {
    window.attn.call('ui.set_sensor', { sample: 2 });
    return window.attn.call('ui.sensor');
  });
  assert.equal(sensor.model.name, 'my-sensor');
  assert.equal(sensor.model.hidden, 32);
  assert.equal(sensor.series.event, 'vibration_burst');
  assert.deepEqual(sensor.attention.weights, s.probe.alignment[0]);
  assert.equal(sensor.prediction.predicted_name, s.probe.output_text);
  // A truncated sensor file is refused by name, and the Sensor view keeps the model it had.
  const { bytes } = await train(page, 'download');
  await assert.rejects(page.evaluate((b) => window.attn.loadModel(new Uint8Array(b).slice(0, 1000), { name: 'cut.safetensors' }),
                                     Array.from(bytes)), /cut\.safetensors/);
  assert.equal((await page.evaluate(() => window.attn.call('ui.sensor'))).model.name, 'my-sensor');
  await page.close();
});

test('the cosine model trains too, and its attention cannot become sharp: no weight above e / (e + (T-1)/e)', async () => {
  const page = await env.open();
  const s = await page.evaluate((o) => window.attn.train.start(o, { paused: true }).then(() => window.attn.train.step(150)),
                                { ...REVERSE, model: 'lstm-cosine' });
  assert.equal(s.settings.model, 'lstm-cosine');
  assert.ok(s.held_out.at(-1).loss < s.held_out[0].loss, `held-out loss ${s.held_out[0].loss} -> ${s.held_out.at(-1).loss}`);
  // cosine scores lie in [-1, 1]: the largest softmax weight over T words is at most e^1 / (e^1 + (T-1) e^-1)
  const T = s.probe.source_tokens.length;
  const bound = Math.E / (Math.E + (T - 1) / Math.E);
  for (const row of s.probe.alignment) for (const w of row) assert.ok(w <= bound + 1e-6, `weight ${w} above ${bound}`);
  assert.ok(s.probe.pattern_mass < bound, `anti-diagonal mass ${s.probe.pattern_mass}`);
  await page.close();
});
