// views.test.mjs: the Heads, Gallery and Sensor views in headless Chromium, driven as a person drives
// them (the view buttons, a head's table, the ablation boxes, the gallery's word buttons and slider, the
// sensor's sample buttons), every number read back through window.attn and checked against the engine:
// attn.translate (the same model run without the UI), attn_cli (the native engine), and the properties
// each view claims (rows sum to 1, hard is one-hot at soft's argmax, a local window is 0 outside it,
// seed 000's 4,225 parameters). Screenshots go to build/test-results/e2e/views-*.png.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ARTIFACTS, CLI, ROOT, clickPoint, clickWidget, diagnose, launch, openPage, serve, waitReady } from './browser.mjs';

const TEXT = 'the cat is on the table';
const BLOCKS = ['enc.0.self', 'enc.1.self', 'dec.0.self', 'dec.0.cross', 'dec.1.self', 'dec.1.cross'];
let server, browser, page;

const state = () => page.evaluate(() => window.attn.state());
const heads = () => page.evaluate(() => window.attn.heads());
const gallery = () => page.evaluate(() => window.attn.gallery());
const sensor = () => page.evaluate(() => window.attn.sensor());
const shot = async (name) => writeFileSync(join(ARTIFACTS, `views-${name}.png`), await page.screenshot());

// Polls fn() until check(value) holds (the page draws and answers between frames).
async function until(fn, check, what, ms = 20000) {
  const started = Date.now();
  let last;
  for (;;) {
    last = await fn();
    if (check(last)) return last;
    if (Date.now() - started > ms) assert.fail(`${what}: still not so after ${ms} ms (last: ${JSON.stringify(last).slice(0, 300)})`);
    await page.waitForTimeout(50);
  }
}

// A press and a release a few frames apart at (x, y), as clickWidget does for a named widget.
const clickAt = (x, y) => clickPoint(page, x, y);

const sum = (xs) => xs.reduce((s, x) => s + x, 0);
const close = (a, b, tol, what) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b} (tolerance ${tol})`);
const argmax = (xs) => xs.reduce((best, x, i) => (x > xs[best] ? i : best), 0);

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

test('heads: the view offers the Transformer, then shows layers x heads grids of every block', async () => {
  await clickWidget(page, 'view/heads');
  assert.equal((await state()).view, 'heads');
  if ((await state()).model !== 'transformer') {
    await until(state, (s) => s.widgets['heads/use-transformer'], 'the "Use the Transformer" button');
    await clickWidget(page, 'heads/use-transformer');
  }
  await page.evaluate((text) => window.attn.setState({ text }), TEXT);
  const h = await until(heads, (x) => x.available && x.output.text, 'the transformer run');
  assert.equal(h.model, 'transformer');
  assert.deepEqual(h.blocks.map((b) => b.name), BLOCKS);
  // the grid is drawn in the frame after the run: wait for the last head's table of the last block
  const last = h.blocks[h.blocks.length - 1];
  const s = await until(state, (x) => x.widgets[`heads/cell/${last.name}/${last.heads - 1}`], 'the grid drawn');
  for (const b of h.blocks) {
    assert.equal(b.heads, 4, `${b.name}: heads`);
    for (let k = 0; k < b.heads; ++k) {
      assert.ok(s.widgets[`heads/cell/${b.name}/${k}`], `no table for ${b.name}/${k}`);
      assert.ok(s.widgets[`heads/ablate/${b.name}/${k}`], `no checkbox for ${b.name}/${k}`);
      for (const row of b.weights[k]) close(sum(row), 1, 1e-5, `${b.name}/${k} row sum`);
    }
  }
  // Masked self-attention: row t sees t + 1 positions (what the decoder has written so far).
  const dself = h.blocks.find((b) => b.name === 'dec.0.self');
  dself.weights[0].forEach((row, t) => assert.equal(row.length, t + 1, `dec.0.self row ${t}`));
  assert.equal(dself.rows.length, h.output.steps.length);
  // The grids are the engine's numbers: the same run without the UI gives the same weights.
  const run = await page.evaluate((text) => window.attn.translate('transformer', text, {}, { stages: false }), TEXT);
  assert.equal(run.output_text, h.output.text);
  for (const e of run.encoder_attention) {
    const b = h.blocks.find((x) => x.name === `enc.${e.layer}.self`);
    e.weights.flat().forEach((w, i) => close(b.weights[e.head].flat()[i], w, 0, `enc.${e.layer}.self/${e.head}[${i}]`));
  }
  run.steps.forEach((step, t) => {
    for (const a of step.attention) {
      const name = `dec.${a.layer}.${a.form === 'cross' ? 'cross' : 'self'}`;
      const row = h.blocks.find((x) => x.name === name).weights[a.head][t];
      a.weights.forEach((w, j) => close(row[j], w, 0, `${name}/${a.head} step ${t} key ${j}`));
    }
  });
  await shot('heads');
});

test('heads: clicking a head selects it; its stages and every head\'s Q.K scores are shown for the chosen token', async () => {
  await clickWidget(page, 'heads/cell/dec.1.cross/2');
  let s = await state();
  assert.equal(s.block, 'dec.1.cross');
  assert.equal(s.head, 2);
  let h = await heads();
  assert.equal(h.selected.block, 'dec.1.cross');
  assert.equal(h.selected.head, 2);
  const b = h.blocks.find((x) => x.name === 'dec.1.cross');
  assert.deepEqual(h.selected.stages.weights, b.weights[2][h.selected.row]);
  assert.deepEqual(h.selected.scores_by_head[2], h.selected.stages.scores);
  // stage 2 is q . k over this head's slice (16 numbers): recompute it from the shown query and keys
  assert.equal(h.selected.stages.query.length, 16);
  h.selected.stages.keys.forEach((k, j) =>
    close(h.selected.stages.scores[j], sum(k.map((x, d) => x * h.selected.stages.query[d])), 1e-3, `q . k[${j}]`));
  assert.equal(h.selected.scores_by_head.length, 4);
  // scaled = scores x 1/sqrt(16) (d_model 64 over 4 heads), and the weights are its softmax
  h.selected.stages.scores.forEach((v, j) => close(h.selected.stages.scaled[j], v * h.selected.stages.scale, 1e-4, `scaled[${j}]`));
  close(h.selected.stages.scale, 0.25, 1e-7, 'scale');
  const z = h.selected.stages.scaled;
  const m = Math.max(...z), e = z.map((v) => Math.exp(v - m)), es = sum(e);
  e.forEach((v, j) => close(h.selected.stages.weights[j], v / es, 1e-5, `softmax[${j}]`));

  // An encoder head, and another query token.
  await clickWidget(page, 'heads/cell/enc.0.self/1');
  s = await state();
  assert.equal(s.block, 'enc.0.self');
  assert.equal(s.head, 1);
  await clickWidget(page, 'heads/query/2');
  h = await heads();
  assert.equal(h.selected.row, 2);
  assert.equal(h.selected.query_label, h.source_tokens[2]);
  const enc = h.blocks.find((x) => x.name === 'enc.0.self');
  for (let k = 0; k < 4; ++k) assert.deepEqual(h.selected.weights_by_head[k], enc.weights[k][2], `enc.0.self head ${k}, token 2`);
  await shot('heads-selected');

  // A decoder head's stages play in the Translate view.
  await clickWidget(page, 'heads/cell/dec.0.cross/3');
  await clickWidget(page, 'heads/play');
  s = await state();
  assert.equal(s.view, 'translate');
  assert.equal(s.block, 'dec.0.cross');
  assert.equal(s.head, 3);
  assert.equal(s.playing, true);
  await page.evaluate(() => window.attn.setState({ view: 'heads' }));
});

test('heads: switching off every head of a layer changes the output, the original stays beside it, switching them on restores it exactly', async () => {
  const before = await heads();
  assert.equal(before.original, null);
  const runs = (await state()).runs;
  await clickWidget(page, 'heads/all-off/dec.0.cross');
  const off = await heads();
  const s = await state();
  assert.ok(s.runs > runs, 'the engine did not run again');
  assert.deepEqual(s.options.head_mask, { 'dec.0.cross': [false, false, false, false] });
  assert.deepEqual(off.ablated, ['dec.0.cross/0', 'dec.0.cross/1', 'dec.0.cross/2', 'dec.0.cross/3']);
  assert.deepEqual(off.blocks.find((b) => b.name === 'dec.0.cross').ablated, [true, true, true, true]);
  assert.notEqual(off.output.text, before.output.text, 'switching off dec.0.cross changed nothing');
  assert.equal(off.original.text, before.output.text, 'the all-heads-on output is not shown beside');
  assert.deepEqual(off.original.steps, before.output.steps);
  // The ablated output is the engine's: the same mask without the UI decodes the same words.
  const run = await page.evaluate((text) => window.attn.translate('transformer', text,
    { head_mask: { 'dec.0.cross': [false, false, false, false] } }, { stages: false }), TEXT);
  assert.equal(off.output.text, run.output_text);
  off.output.steps.forEach((st, i) => {
    close(st.prob, run.steps[i].prob, 0, `ablated step ${i} probability`);
    if (i < before.output.steps.length)
      close(st.prob_of_original, run.steps[i].probs[before.output.steps[i].token], 0, `step ${i} probability of the original word`);
  });
  await shot('heads-ablated');

  await clickWidget(page, 'heads/all-on/dec.0.cross');
  const on = await heads();
  assert.deepEqual((await state()).options.head_mask, {});
  assert.equal(on.original, null);
  assert.equal(on.output.text, before.output.text);
  assert.deepEqual(on.output.steps, before.output.steps);  // exactly: same words, same probabilities
  assert.deepEqual(on.blocks, before.blocks);

  // One head's box: off, then on again.
  await clickWidget(page, 'heads/ablate/dec.1.cross/2');
  assert.deepEqual((await state()).options.head_mask, { 'dec.1.cross': [true, true, false, true] });
  assert.equal((await heads()).blocks.find((b) => b.name === 'dec.1.cross').ablated[2], true);
  await clickWidget(page, 'heads/ablate/dec.1.cross/2');
  assert.deepEqual((await state()).options.head_mask, {}, await diagnose(page));
  assert.deepEqual((await heads()).output.steps, before.output.steps);
});

// The engine's tables, as the page reports them (attn.call('tables')): the gallery shows seed 001's
// types, then every other normalizer, and the score functions marked for it.
let tables;
function checkGalleryProperties(g) {
  const type = (id) => g.types.find((t) => t.id === id);
  const seed001 = ['soft', 'hard', 'self', 'multi_head', 'cross', 'scaled_dot', 'location', 'global_local'];
  assert.deepEqual(g.types.map((t) => t.id),
    [...seed001, ...tables.normalizers.map((n) => n.name).filter((n) => !seed001.includes(n))]);
  assert.deepEqual(g.scores.map((s) => s.fn), tables.score_fns.filter((f) => f.in_gallery).map((f) => f.name));
  for (const n of tables.normalizers) {  // each on soft's scores; a sparse one gives some word exactly 0
    const w = type(n.name).panels[0].weights[0];
    if (n.sparse) assert.ok(w.some((x) => x === 0), `${n.name}: no exact zero in ${w}`);
  }
  for (const t of g.types) {
    assert.ok(t.explanation.length > 150, `${t.id}: explanation`);
    for (const p of t.panels) for (const row of p.weights) close(sum(row), 1, 1e-5, `${t.id} ${p.caption} row sum`);
  }
  const soft = type('soft').panels[0].weights[0], hard = type('hard').panels[0].weights[0];
  soft.forEach((w) => assert.ok(w > 0, 'a soft weight is 0'));
  assert.deepEqual(hard, soft.map((_, j) => (j === argmax(soft) ? 1 : 0)), 'hard is not one-hot at the argmax of soft');
  const [global, local] = type('global_local').panels;
  const win = g.options.window;
  local.weights.forEach((row, i) => row.forEach((w, j) => {
    if (Math.abs(i - j) > win) assert.equal(w, 0, `local weight [${i}][${j}] outside the window ${win}`);
    else assert.ok(w > 0, `local weight [${i}][${j}] inside the window ${win}`);
  }));
  global.weights.flat().forEach((w) => assert.ok(w > 0));
  const [fwd, rev] = type('location').panels;
  assert.deepEqual(fwd.weights, rev.weights, 'location weights depend on the keys');
  const [raw, scaled] = type('scaled_dot').panels;
  assert.ok(Math.max(...raw.weights[0]) > Math.max(...scaled.weights[0]), 'scaling did not spread the weights');
  const q = g.scores[0].query;
  for (const s of g.scores) {
    assert.deepEqual(s.query, q, `${s.fn}: not the same query`);
    close(sum(s.weights), 1, 1e-5, `${s.fn} weights sum`);
  }
  const dot = g.scores.find((s) => s.fn === 'dot');
  dot.keys.forEach((k, j) => close(dot.scores[j], sum(k.map((x, d) => x * q[d])), 1e-4, `dot score ${j}`));
  const cos = g.scores.find((s) => s.fn === 'cosine');
  cos.scores.forEach((c) => assert.ok(Math.abs(c) <= 1 + 1e-6, `cosine score ${c}`));
  const sd = g.scores.find((s) => s.fn === 'scaled_dot');
  sd.scaled.forEach((v, j) => close(v, dot.scores[j] / Math.sqrt(q.length), 1e-4, `scaled dot ${j}`));
  assert.equal(type('soft').panels[0].query_labels[0], g.words[g.options.query_word]);
}

function checkGalleryAgainstNative(g) {
  const { query_word, temperature, window, backend } = g.options;
  const native = JSON.parse(execFileSync(CLI, ['gallery', JSON.stringify({ query_word, temperature, window, backend })],
                                         { encoding: 'utf8' }));
  const num = (x) => (typeof x === 'number' ? x : x === '-inf' ? -Infinity : NaN);
  g.types.forEach((t, i) => t.panels.forEach((p, k) => {
    const n = native.types[i].panels[k];
    assert.deepEqual(p.key_labels, n.key_labels);
    for (const key of ['scores', 'scaled', 'masked', 'weights', 'context']) {
      p[key].flat().forEach((v, j) => {
        const a = num(v), b = num(n[key].flat()[j]);
        if (!Number.isFinite(a) || !Number.isFinite(b)) assert.equal(a, b, `${t.id}/${k} ${key}[${j}]`);
        else close(a, b, 1e-5 * Math.max(1, Math.abs(b)), `${t.id}/${k} ${key}[${j}] page vs native`);
      });
    }
  }));
  g.scores.forEach((s, i) => {
    for (const key of ['scores', 'scaled', 'weights'])
      s[key].forEach((v, j) => close(v, native.scores[i][key][j], 1e-5 * Math.max(1, Math.abs(v)), `${s.fn} ${key}[${j}] page vs native`));
  });
}

test('gallery: every attention type and score function, live from the engine: the page equals attn_cli and shows what each claims', async () => {
  tables = await page.evaluate(() => window.attn.call('tables'));
  await clickWidget(page, 'view/gallery');
  assert.equal((await state()).view, 'gallery', await diagnose(page));
  let g = await gallery();
  assert.equal(g.error, '');
  const s = await state();
  for (const t of g.types) assert.ok(s.widgets[`gallery/type/${t.id}`], `no card for ${t.id}`);
  checkGalleryProperties(g);
  checkGalleryAgainstNative(g);
  await shot('gallery');

  // A person picks another word to ask: the engine runs again, and the page still equals the native engine.
  const runs = g.runs;
  await clickWidget(page, 'gallery/query/3');
  g = await gallery();
  assert.equal(g.options.query_word, 3);
  assert.ok(g.runs > runs, 'the gallery did not run again');
  checkGalleryProperties(g);
  checkGalleryAgainstNative(g);

  // ... and moves the window slider: a click at its right end (window 5: every weight inside).
  const r = await page.evaluate(() => window.attn.widget('gallery/window'));
  await clickAt(r.x + r.w - 2, r.y + r.h / 2);
  g = await gallery();
  assert.equal(g.options.window, 5);
  checkGalleryProperties(g);
  checkGalleryAgainstNative(g);
  await clickAt(r.x + 2, r.y + r.h / 2);  // ... and the left end: window 0, only the word itself
  g = await gallery();
  assert.equal(g.options.window, 0);
  checkGalleryProperties(g);
});

test('sensor: the predicted event, its probability, weights over time that sum to 1, and 4,225 attention parameters read from the model', async () => {
  await clickWidget(page, 'view/sensor');
  assert.equal((await state()).view, 'sensor');
  let v = await until(sensor, (x) => x.status === 'ready' && x.prediction, 'the sensor model');
  const p = v.model.parameters;
  assert.equal(p.pool_proj, 4160);
  assert.equal(p.pool_score, 65);
  assert.equal(p.pool, 4225);
  assert.deepEqual(p.pool_proj_weight, [64, 64]);
  assert.equal(p.pool_proj_bias, 64);
  assert.deepEqual(p.pool_score_weight, [1, 64]);
  assert.equal(p.pool_score_bias, 1);
  assert.equal(p.total, p.lstm + p.pool + p.classifier);

  const check = (x) => {
    assert.equal(x.series.values.length, 100);
    assert.equal(x.attention.weights.length, 100);
    close(sum(x.attention.weights), 1, 1e-5, 'attention weights sum');
    close(sum(x.prediction.probs), 1, 1e-5, 'class probabilities sum');
    assert.equal(x.prediction.predicted, argmax(x.prediction.probs));
    assert.equal(x.prediction.predicted_name, x.model.class_names[x.prediction.predicted]);
    close(x.prediction.prob, x.prediction.probs[x.prediction.predicted], 0, 'shown probability');
    // the share of attention near the injected event, from the shown weights
    const { event_start: a, event_width: w } = x.series;
    const near = w > 0 ? sum(x.attention.weights.filter((_, t) => t >= a - x.attention.margin && t < a + w + x.attention.margin)) : 0;
    close(x.attention.near_event, near, 1e-5, 'attention near the event');
  };
  check(v);
  // The pooling's stages as drawn: the weights are the softmax of the scores, the context their weighted
  // sum of the LSTM outputs (the keys), energies lie in tanh's range.
  const full = await page.evaluate(() => window.attn.sensor({ stages: true }));
  assert.equal(full.attention.keys.length, 100);
  assert.equal(full.attention.energies[0].length, 64);
  full.attention.energies.flat().forEach((e) => assert.ok(Math.abs(e) <= 1));
  const sm = Math.max(...full.attention.scores), ex = full.attention.scores.map((x) => Math.exp(x - sm)), exs = sum(ex);
  ex.forEach((x, t) => close(full.attention.weights[t], x / exs, 1e-5, `softmax over time [${t}]`));
  full.attention.context.forEach((c, d) =>
    close(c, sum(full.attention.keys.map((k, t) => k[d] * full.attention.weights[t])), 1e-4, `context[${d}]`));
  // The page opens on a pressure spike, which the shipped model finds and looks at.
  assert.equal(v.series.event, 'pressure_spike');
  assert.equal(v.prediction.predicted_name, 'pressure_spike');
  assert.ok(v.attention.near_event > 0.5, `attention near the spike ${v.attention.near_event}`);
  const s = await state();
  for (const id of ['sensor/plot', 'sensor/prediction', 'sensor/parameters', 'sensor/weights'])
    assert.ok(s.widgets[id], `no ${id} on screen`);
  await shot('sensor');

  const sample = v.sample;
  await clickWidget(page, 'sensor/next');
  v = await sensor();
  assert.equal(v.sample, sample + 1);
  check(v);
  await clickWidget(page, 'sensor/find/shut_in');
  v = await sensor();
  assert.equal(v.series.event, 'shut_in');
  check(v);
  await shot('sensor-shut-in');
});

test('views: narrow screens still draw every view, and no console errors or page errors', async () => {
  await page.setViewportSize({ width: 700, height: 900 });
  await page.waitForTimeout(150);  // the canvas follows its CSS size on the next frames; the view bar wraps then
  for (const view of ['heads', 'gallery', 'sensor']) {
    await clickWidget(page, `view/${view}`);
    await page.waitForTimeout(150);
    assert.equal((await state()).view, view, await diagnose(page));
    await shot(`${view}-narrow`);
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  assert.deepEqual(page.problems, []);
});
