// compare.test.mjs: the Compare view in the page, driven as a person would: open it from the view bar,
// step with the Next button and the arrow keys, pick a Transformer head, then open a link that names
// other models; drop a model file on the page and pick it in a column. Each column's output and drawn alignment equal the engine's (attn.translate, whose
// cross-attention weights are averaged over a layer's heads where the column shows their mean).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ARTIFACTS, ROOT, clickWidget, frames, state, suite, until } from './browser.mjs';

let page;
const env = suite({ onPage: (p) => { page = p; } });
const compare = (p = page) => p.evaluate(() => window.attn.call('ui.compare'));

// Polls the view's answer until done(answer) holds (the engine runs at the page's next frame).
async function untilCompare(done, p = page, timeoutMs = 20000) {
  for (const start = Date.now(); ; await p.waitForTimeout(50)) {
    const a = await compare(p);
    if (done(a) || Date.now() - start > timeoutMs) return a;
  }
}

// The alignment attn.translate implies for a column (its weights are each step's own row over the
// source): per step, the RNN's one call, or the mean over the chosen layer's cross-attention heads (or
// the one head).
function expected(tr, layer, head) {
  return tr.steps.map((st) => {
    if (st.attention.length === 1) return st.attention[0].weights;
    const cross = st.attention.filter((a) => a.form === 'cross');
    const last = Math.max(...cross.map((a) => a.layer));
    const l = layer < 0 || layer > last ? last : layer;
    const picked = cross.filter((a) => a.layer === l && (head < 0 || a.head === head));
    return picked[0].weights.map((_, k) => picked.reduce((s, a) => s + a.weights[k], 0) / picked.length);
  });
}

async function checkColumns() {
  const a = await compare();
  const s = await state(page);
  for (const c of a.columns) {
    assert.equal(c.status, '', `${c.model} ran`);
    const tr = await page.evaluate(([m, t]) => window.attn.translate(m, t), [c.model, a.text]);
    assert.equal(c.output_text, tr.output_text, `${c.model}: the column's output is the engine's`);
    const want = expected(tr, c.layer, c.head).flat();
    const drawn = s.shown[`${c.model} alignment`];
    assert.equal(drawn.length, want.length, `${c.model}: every cell drawn`);
    drawn.forEach((x, i) => assert.ok(Math.abs(x - want[i]) < 1e-5, `${c.model} cell ${i}: drawn ${x}, engine ${want[i]}`));
  }
  return a;
}

test('compare: three models on the lab\'s sentence, stepping together, each column the engine\'s', async () => {
  await page.evaluate(() => window.attn.setState({ text: 'the red house' }));
  await clickWidget(page, 'view/compare');
  const ready = await until(page, (x) => x.view === 'compare' && x.view_runs.compare >= 3, 20000);
  assert.equal(ready.view_runs.compare, 3, 'one run per column');
  assert.deepEqual(ready.compare, ['statquest', 'bahdanau', 'transformer'], "attn.state() holds the view's models");
  let a = await checkColumns();
  assert.deepEqual(a.columns.map((c) => c.model), ['statquest', 'bahdanau', 'transformer']);
  assert.equal(a.step, 0);

  await clickWidget(page, 'compare/next');
  assert.equal((await untilCompare((x) => x.step === 1)).step, 1, 'Next steps every column');
  await page.keyboard.press('ArrowRight');
  a = await untilCompare((x) => x.step === 2);
  assert.equal(a.step, 2, 'the right arrow steps every column');
  for (const c of a.columns) if (c.words.length > 2) assert.equal(a.words[a.columns.indexOf(c)], c.words[2]);
  assert.ok(Array.isArray(a.differences));
  writeFileSync(join(ARTIFACTS, 'compare.png'), await page.screenshot());

  // The Transformer's head 1 instead of the mean: recorded weights rearranged, no engine run.
  const runs = (await state(page)).view_runs.compare;
  await clickWidget(page, 'compare/2/head/1');
  await until(page, () => true);
  a = await untilCompare((x) => x.columns[2].head === 1);
  assert.equal(a.columns[2].head, 1);
  await checkColumns();
  await frames(page, 3);
  assert.equal((await state(page)).view_runs.compare, runs, 'choosing a head runs nothing');
  assert.deepEqual(page.problems, []);
});

test('compare: the models are part of the link', async () => {
  await page.evaluate(() => window.attn.setState({ compare: ['hindi', 'statquest'], view: 'compare' }));
  // Polled on a timer, not on animation frames; a failure says what the link and the page held.
  await page.waitForFunction(() => location.hash.includes('cmp=hindi,statquest'), null, { polling: 100, timeout: 20000 })
    .catch(async (err) => {
      const seen = await page.evaluate(() => ({ hash: location.hash, problem: window.attn.problem ?? null, compare: window.attn.state().compare }));
      throw new Error(`the link never named the compared models: ${JSON.stringify(seen)} (${err.message})`);
    });
  const hash = await page.evaluate(() => location.hash);
  const other = await env.open(hash);
  await until(other, (x) => x.view === 'compare' && x.view_runs.compare >= 2, 20000);
  const opened = await untilCompare((x) => x.columns.every((c) => c.status === ''), other);
  assert.deepEqual(opened.columns.map((c) => c.model), ['hindi', 'statquest']);
  // A link with an unknown model: that part is left out (its default stays) with the reason.
  const bad = await page.evaluate(() => window.attn.decodeLink('#v=compare&cmp=statquest,nosuch'));
  assert.deepEqual(bad.partial, { view: 'compare' });
  assert.deepEqual(bad.problems, ["'cmp' names an unknown model 'nosuch'"]);
  await other.close();
});

test('compare: a model file dropped on the page is a choice of every column', async () => {
  await page.evaluate(() => window.attn.setState({ compare: ['statquest', 'bahdanau'], view: 'compare', text: 'mai ghar ja raha hoon' }));
  await until(page, (x) => x.view === 'compare' && x.compare.length === 2, 20000);
  const bytes = readFileSync(join(ROOT, 'assets/models/hindi.safetensors'));
  await page.evaluate(({ b64 }) => {
    const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([data], 'My Hindi.safetensors'));
    document.getElementById('canvas').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, { b64: bytes.toString('base64') });
  await page.waitForFunction(() => window.attn.models().some((m) => m.name === 'my-hindi'), null, { timeout: 20000 });
  // The column's picker, as a keyboard or screen-reader user reaches it: its element in the mirror.
  const picker = '#mirror [data-control="compare/1/model"]';
  await page.waitForFunction((sel) => [...(document.querySelector(sel)?.options ?? [])].some((o) => o.textContent === 'my-hindi'),
                             picker, { timeout: 10000 });
  await page.selectOption(picker, { label: 'my-hindi' });
  const a = await untilCompare((x) => x.columns[1]?.model === 'my-hindi' && x.columns[1].status === '');
  assert.equal(a.columns[1].model, 'my-hindi');
  assert.deepEqual((await state(page)).compare, ['statquest', 'my-hindi']);
  await checkColumns();
  const shipped = await page.evaluate(() => window.attn.translate('hindi', 'mai ghar ja raha hoon'));
  assert.equal(a.columns[1].output_text, shipped.output_text, 'the file holds the shipped weights');
  assert.deepEqual(page.problems, []);
});
