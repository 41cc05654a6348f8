// lab.test.mjs: the translation lab as a new user drives it: type "let's go", watch it become
// "vamos", step through every stage of every token with the buttons and the keyboard, and check
// through window.attn that every number the panels drew equals the engine's own trace. Then the
// inputs a learner will try: an unknown word, nothing at all, far too much, any Unicode.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ARTIFACTS, clickWidget, hold, suite, typeSentence as typeInto } from './browser.mjs';

let page;
suite({ onPage: (p) => { page = p; } });
const state = () => page.evaluate(() => window.attn.state());
const press = (key) => hold(page, key);
// Clears the text box, types a sentence into it as a person would, and presses Enter.
const typeSentence = (text) => typeInto(page, text, { enter: true });

async function waitFor(predicate, what, timeoutMs = 30000) {
  const start = Date.now();
  for (;;) {
    const s = await state();
    if (predicate(s)) return s;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}; state: ${JSON.stringify({ ...s, widgets: undefined, shown: undefined })}`);
    await page.waitForTimeout(50);
  }
}

const near = (a, b, what, tol = 1e-6) => {
  assert.equal(a.length, b.length, `${what}: length`);
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) <= tol, `${what}[${i}]: shown ${v} vs engine ${b[i]}`));
};

test("typing let's go gives vamos, as the engine says", async () => {
  await typeSentence("let's go");
  const s = await waitFor((x) => x.model_status === 'ready' && x.text === "let's go" && x.output_text !== '', 'the translation');
  assert.equal(s.output_text, 'vamos');
  const engine = await page.evaluate(() => window.attn.translate('statquest', "let's go"));
  assert.equal(engine.output_text, 'vamos');
  assert.deepEqual(s.source_tokens, engine.source_tokens);
});

test('every stage of every token, clicked through, shows the engine trace', async () => {
  const engine = await page.evaluate(() => window.attn.translate('statquest', "let's go"));
  await clickWidget(page, 'lab/restart');
  let s = await state();
  const total = s.playlist_length;
  assert.ok(total >= engine.steps.length * 5, `playlist of ${total} stages for ${engine.steps.length} tokens`);
  const seen = [];
  for (let i = 0; i < total; ++i) {
    if (i) await clickWidget(page, 'lab/next-stage');
    s = await state();
    const step = engine.steps[s.step];
    const t = step.attention[0].stages;
    const row = t.weights.length - 1;
    seen.push(`${s.step}:${s.stage_name}`);
    near(s.shown.query, t.query[row], `token ${s.step} query`);
    if (['scores', 'scale', 'mask', 'softmax', 'context', 'output'].includes(s.stage_name)) near(s.shown.scores, t.scores[row], `token ${s.step} scores`);
    if (['softmax', 'context', 'output'].includes(s.stage_name)) {
      near(s.shown.weight, t.weights[row], `token ${s.step} weights`);
      assert.ok(Math.abs(s.shown.weight.reduce((a, b) => a + b, 0) - 1) < 1e-5, 'weights sum to 1');
    }
    if (['context', 'output'].includes(s.stage_name)) near(s.shown.context, t.context[row], `token ${s.step} context`, 1e-5);
    if (s.stage_name === 'output') assert.ok(Math.abs(s.shown[`p ${step.word}`][0] - step.prob) < 1e-6, `token ${s.step} p(${step.word})`);
    writeFileSync(join(ARTIFACTS, `lab-token${s.step + 1}-${String(s.stage).padStart(2, '0')}-${s.stage_name}.png`), await page.screenshot());
  }
  assert.equal(s.step, engine.steps.length - 1, 'the last click lands on the last token');
  assert.equal(s.stage_name, 'output');
  assert.ok(seen.includes('0:softmax') && seen.includes(`${engine.steps.length - 1}:output`), seen.join(' '));
});

test('keyboard: Right/Left step stages, Shift+Right/Left step tokens, Space plays', async () => {
  await clickWidget(page, 'lab/restart');
  await press('ArrowRight');
  let s = await state();
  assert.equal(s.step, 0);
  assert.equal(s.stage, 1);
  await page.keyboard.down('Shift');
  await press('ArrowRight');
  await page.keyboard.up('Shift');
  s = await state();
  assert.equal(s.step, 1);
  assert.equal(s.stage, 0);
  await page.keyboard.down('Shift');
  await press('ArrowLeft');
  await page.keyboard.up('Shift');
  assert.equal((await state()).step, 0);
  // A presentation clicker sends PageDown and PageUp: the same steps as the arrows.
  await press('PageDown');
  s = await state();
  assert.deepEqual([s.step, s.stage], [0, 1], 'PageDown steps a stage');
  await press('PageUp');
  s = await state();
  assert.deepEqual([s.step, s.stage], [0, 0], 'PageUp steps back');
  await press('Space');
  assert.equal((await state()).playing, true);
  await page.waitForTimeout(1500);
  s = await state();
  assert.ok(s.stage > 0 || s.step > 0, 'playing advanced the playhead');
  await press('Space');
  assert.equal((await state()).playing, false);
});

test('a tweak re-runs the engine at once', async () => {
  const before = await state();
  await page.evaluate(() => window.attn.setState({ options: { normalizer: 'hard' } }));
  const s = await waitFor((x) => x.runs > before.runs, 'a re-run');
  assert.equal(s.options.normalizer, 'hard');
  await page.evaluate(() => window.attn.setState({ step: 0, stage: 4 }));
  const shown = (await state()).shown.weight;
  assert.deepEqual(shown.filter((w) => w !== 0).length, 1, `hard attention is one-hot: ${shown}`);
  await clickWidget(page, 'tweak/reset');
  assert.equal((await waitFor((x) => x.options.normalizer === 'soft', 'reset')).options.normalizer, 'soft');
});

test('the text box suggests words the model knows; a click completes the word', async () => {
  await typeSentence("let's g");
  const s = await waitFor((x) => x.text === "let's g" && x.suggestions.length > 0, 'suggestions');
  assert.ok(s.suggestions.every((w) => w.startsWith('g')), `${s.suggestions}`);
  assert.ok(s.suggestions.includes('go'), `${s.suggestions}`);
  await clickWidget(page, 'lab/suggest/go');
  // the run of the completed text (its tokens), not the output of "let's g" still on screen before it
  const done = await waitFor((x) => x.text === "let's go " && x.source_tokens.at(-1) === 'go' && x.output_text !== '',
                             'the completed sentence');
  assert.equal(done.output_text, 'vamos');
  assert.deepEqual(done.suggestions, []);
});

test('an unknown word is marked and decoding still runs', async () => {
  await typeSentence("let's go xyzzy");
  const s = await waitFor((x) => x.text === "let's go xyzzy" && x.runs > 0 && x.source_tokens.includes('xyzzy'), 'the run');
  assert.deepEqual(s.unknown.map((u) => u.word), ['xyzzy']);
  assert.ok(s.output_text.length > 0, 'decoding ran');
  writeFileSync(join(ARTIFACTS, 'lab-unknown-word.png'), await page.screenshot());
});

test('empty input shows a hint, not an empty run', async () => {
  await typeSentence('');
  const s = await waitFor((x) => x.text === '', 'empty text');
  assert.equal(s.output_text, '');
  assert.equal(s.error, '');
  writeFileSync(join(ARTIFACTS, 'lab-empty.png'), await page.screenshot());
});

test('over-long input is cut with a visible message', async () => {
  const long = Array(60).fill('go').join(' ');
  await page.evaluate((t) => window.attn.setState({ text: t }), long);
  const s = await waitFor((x) => x.text === long && x.truncated, 'the cut');
  assert.ok(s.source_tokens.length < 60);
  assert.equal(s.error, '');
});

test('any Unicode is accepted without a crash', async () => {
  for (const text of ['¿vamos? 😀 日本語 \u0000 \ud800', 'ÁÉÍÓÚ ñ café', '\u202e let’s go']) {
    await page.evaluate((t) => window.attn.setState({ text: t }), text);
    const s = await waitFor((x) => x.text.length > 0 && x.error === '', `text ${JSON.stringify(text)}`);
    assert.equal(s.model_status, 'ready');
  }
  const r = await page.evaluate(() => window.attn.translate('statquest', 'let’s go'));
  assert.equal(r.output_text, 'vamos', 'a typographic apostrophe reads as an apostrophe');
});

test('no console errors', async () => {
  assert.deepEqual(page.problems, []);
});
