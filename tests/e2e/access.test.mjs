// access.test.mjs: the page for a person who uses a keyboard and a screen reader (issue "Open to every
// learner"). The accessibility mirror (web/mirror.js, src/ui/mirror.h) must give every control the canvas
// draws a real element with a name and a fitting role, in Chromium's own accessibility tree; a keyboard
// alone must translate a sentence, hear each stage's numbers in the live region, switch to hard attention
// and open the alignment's data table, with the same numbers as attn.translate; Tab must leave the canvas;
// prefers-reduced-motion must draw each stage whole and start nothing by itself.
// axe-core (npm) checks every view in both themes against its WCAG 2.0 and 2.1 A and AA rules.
// Not a test of the canvas's drawing (lab, views).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ROOT, frames, suite, until, waitForRun } from './browser.mjs';

const env = suite();

// The mirror's roles and the roles Chromium's accessibility tree gives their elements.
const AX_ROLE = { button: 'button', radio: 'radio', checkbox: 'checkbox', slider: 'slider', select: 'combobox', textbox: 'textbox' };

const mirror = (page) => page.evaluate(() => window.attn.call('ui.mirror'));
const focused = (page) => page.evaluate(() => document.activeElement?.dataset?.control ?? document.activeElement?.id ?? '');

// Presses Tab (Shift+Tab with back) until the focus is on control `id`; fails after `most` presses.
async function tabTo(page, id, { back = false, most = 80 } = {}) {
  const seen = [];
  for (let i = 0; i < most; ++i) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const now = await focused(page);
    seen.push(now);
    if (now === id) return i + 1;
  }
  throw new Error(`Tab never reached ${id}; it went through: ${seen.join(', ')}`);
}

// Every interactive element of Chromium's accessibility tree, as "role: name" (ignored nodes left out).
async function axControls(page) {
  const cdp = await page.context().newCDPSession(page);
  const { nodes } = await cdp.send('Accessibility.getFullAXTree');
  await cdp.detach();
  const roles = new Set(Object.values(AX_ROLE));
  return nodes.filter((n) => !n.ignored && roles.has(n.role?.value)).map((n) => `${n.role.value}: ${n.name?.value ?? ''}`);
}

// Checks the view on screen: nothing ImGui drew is left out of the mirror, and each control is an element
// of the accessibility tree with its name and role (as many as the canvas draws, no more).
async function checkView(page, what) {
  await frames(page, 4);
  // the view settled: the same controls two drawings apart (a model still loading adds its controls later)
  let m = await mirror(page);
  for (const start = Date.now(); Date.now() - start < 10000;) {
    await frames(page, 3);
    const next = await mirror(page);
    const same = next.controls.map((c) => c.id).join() === m.controls.map((c) => c.id).join();
    m = next;
    if (same) break;
  }
  assert.deepEqual(m.unmirrored, [], `${what}: widgets the canvas draws that the mirror lacks`);
  const controls = m.controls.filter((c) => AX_ROLE[c.role]);
  assert.ok(controls.length > 0, `${what}: no controls`);
  for (const c of controls) assert.ok(c.name.trim(), `${what}: ${c.id} has no name`);
  await frames(page, 2);  // the page's elements follow the frame's list
  const ax = await axControls(page);
  const want = controls.map((c) => `${AX_ROLE[c.role]}: ${c.name}`);
  const missing = want.filter((w) => !ax.includes(w));
  assert.deepEqual(missing, [], `${what}: controls missing from the accessibility tree (it has ${ax.join(' | ')})`);
  assert.equal(ax.length, want.length, `${what}: the accessibility tree has ${ax.length} controls, the canvas ${want.length}:\n` +
               `${ax.filter((a) => !want.includes(a)).join('\n')}`);
  return controls.length;
}

test('every control the canvas draws, on every view, is a named element with a fitting role in the accessibility tree', async () => {
  const page = await env.open();
  await waitForRun(page);
  const counts = {};
  for (const { id } of await page.evaluate(() => window.attn.views())) {
    await page.evaluate((v) => window.attn.setState({ view: v }), id);
    counts[id] = await checkView(page, `view ${id}`);
  }
  // the Transformer's heads: a checkbox and a magnifier per head, a query word per row
  await page.evaluate(() => window.attn.setState({ view: 'heads', model: 'transformer', text: 'the red house' }));
  await until(page, (s) => s.model === 'transformer' && s.model_status === 'ready' && s.output_text !== '', 20000);
  counts['heads (transformer)'] = await checkView(page, 'heads with the Transformer');
  // the first-run tour's card, over the Translate view
  await page.evaluate(() => { window.attn.setState({ view: 'translate' }); window.attn.tour('start'); });
  counts.tour = await checkView(page, 'the tour');
  const m = await mirror(page);
  assert.ok(m.controls.some((c) => c.id === 'tour/next'), 'the tour card has its Next button');
  console.log(`controls mirrored: ${JSON.stringify(counts)}`);
  assert.deepEqual(page.problems, []);
});

test('Tab leaves the canvas for the controls and Shift+Tab comes back (no keyboard trap); ? shows the shortcuts, Escape closes them', async () => {
  const page = await env.open();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'canvas', 'the canvas has the keys at start');
  await page.keyboard.press('Tab');
  const first = await focused(page);
  assert.equal(first, 'view/translate', 'the first Tab reaches the view bar');
  assert.equal((await mirror(page)).focus, 'view/translate', 'the canvas knows which widget to ring');
  await page.keyboard.press('Shift+Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'canvas');
  // ? shows every shortcut (from the canvas, and from a control), Escape closes the card
  const card = async () => (await mirror(page)).controls.filter((c) => c.id.startsWith('shortcuts/')).map((c) => c.name);
  await page.keyboard.press('?');
  await frames(page, 3);
  const lines = await card();
  assert.ok(lines.length >= 7 && lines.some((l) => l.startsWith('Page Up, Page Down')), `the shortcuts card: ${lines.join(' | ')}`);
  await page.keyboard.press('Escape');
  await frames(page, 3);
  assert.deepEqual(await card(), [], 'Escape closes the card');
  await page.keyboard.press('Tab');
  await page.keyboard.press('?');
  await frames(page, 3);
  assert.ok((await card()).length >= 7, '? from a control shows the card too');
  await page.keyboard.press('Escape');
  await frames(page, 3);
  assert.deepEqual(await card(), []);
  assert.deepEqual(page.problems, []);
});

test('a help marker (?) is a button named by its help; with the focus, the canvas shows the help under it (WCAG 1.4.13)', async () => {
  const page = await env.open();
  await waitForRun(page);
  const helps = (await mirror(page)).controls.filter((c) => c.id.startsWith('help/'));
  assert.ok(helps.length >= 5, `help markers in the Translate view: ${helps.map((c) => c.id).join(', ')}`);
  const temperature = helps.find((c) => c.id.startsWith('help/tweaks/'));
  assert.ok(temperature && temperature.role === 'button' && /^Help: /.test(temperature.name), JSON.stringify(temperature));
  const help = temperature.name.slice('Help: '.length);
  const ax = await axControls(page);
  assert.ok(ax.includes(`button: ${temperature.name}`), 'in the accessibility tree, named by its help');
  assert.equal((await page.evaluate(() => window.attn.state())).widgets['help/tooltip'], undefined, 'no help shown at first');
  await tabTo(page, temperature.id, { most: 120 });
  const s = await until(page, (x) => x.widgets['help/tooltip']?.frame === x.frame);
  const tip = s.widgets['help/tooltip'];
  assert.equal(tip.text.replace(/\s+/g, ' ').trim(), help, 'the canvas shows that marker\'s help');
  const marker = s.widgets[temperature.id];
  assert.ok(tip.y >= marker.y + marker.h && tip.y < marker.y + marker.h + 40 && Math.abs(tip.x - marker.x) < 40,
            `under the marker: ${JSON.stringify({ tip, marker })}`);
  await page.keyboard.press('Tab');  // the focus moves on: the help goes
  const after = await until(page, (x) => x.widgets['help/tooltip']?.frame !== x.frame);
  assert.notEqual(after.widgets['help/tooltip']?.frame, after.frame);
  await page.context().close();
});

// The live region's per-key list, "word number" pairs after the stage's name: "the 0.03, red 0.10".
// (The headline, "looks at house, 0.80", has a comma between them and is not a pair.)
function pairs(text) {
  return [...text.slice(text.indexOf(':') + 1).matchAll(/([^\s,]+) (-?\d+\.\d\d)/g)].map((m) => [m[1], Number(m[2])]);
}

test('keyboard only: type a sentence, hear every stage of every token with its numbers, switch to hard, read the data table', async () => {
  const page = await env.open();
  await waitForRun(page);
  // no mouse from here on
  const tabs = await tabTo(page, 'lab/text');
  await page.keyboard.press('Control+a');
  await page.keyboard.type('the red house');
  await page.keyboard.press('Enter');
  let s = await until(page, (x) => x.text === 'the red house' && x.output_text !== '' && x.model_status === 'ready', 20000);
  assert.equal(s.text, 'the red house');
  const engine = await page.evaluate((m) => window.attn.translate(m, 'the red house'), s.model);
  assert.equal(s.output_text, engine.output_text);

  // a new text starts at its first stage; PageDown (a clicker's key) steps while the focus stays in the field
  assert.deepEqual([s.step, s.stage], [0, 0]);
  // what the live region says, once it says something other than `before`
  const heardAfter = (before) => page.waitForFunction((b) => {
    const t = document.getElementById('narration').textContent;
    return t && t !== b ? t : null;
  }, before, { polling: 'raf', timeout: 10000 }).then((h) => h.jsonValue());
  const heard = [];
  let said = await heardAfter('');
  for (let i = 0; i < s.playlist_length; ++i) {
    if (i) {
      await page.keyboard.press('PageDown');
      said = await heardAfter(said);
    }
    heard.push(said);
    // where the playhead is, as the live region says it: "Token 2, stage 5, softmax: ..."
    const where = /^Token (\d+), stage (\d), ([a-z ]+):/.exec(said);
    assert.ok(where, `the live region says where the playhead is: "${said}"`);
    const t = Number(where[1]) - 1, stageName = where[3];
    const step = engine.steps[t];
    const stages = step.attention[0].stages;
    const row = stages.weights.length - 1;
    const near = (got, want, what) => assert.ok(Math.abs(got - want) <= 0.005 + 1e-6, `token ${t + 1} ${what}: said ${got}, engine ${want}`);
    if (stageName === 'softmax' || stageName === 'scores') {
      const values = stageName === 'softmax' ? stages.weights[row] : stages.scores[row];
      const got = pairs(said);
      assert.ok(got.length >= values.length, `every key is said: "${said}"`);
      values.forEach((v, j) => near(got[j][1], v, `${stageName}[${j}]`));
    }
    if (stageName === 'output') {
      assert.ok(said.includes(`chooses ${step.word}, with probability ${step.prob.toFixed(2)}`), `"${said}"`);
    }
  }
  s = await page.evaluate(() => window.attn.state());
  assert.equal(s.step, engine.steps.length - 1);
  assert.equal(s.stage_name, 'output');
  assert.ok(heard[heard.length - 1].startsWith(`Token ${engine.steps.length}, stage 7, output`), heard[heard.length - 1]);
  assert.ok(heard.some((h) => h.includes('softmax')) && heard.some((h) => h.includes('looks at')), heard.join('\n'));

  // hard attention: Tab to the normalizer radios (the checked one takes the focus), then an arrow key
  await tabTo(page, 'tweak/soft');
  await page.keyboard.press('ArrowRight');
  s = await until(page, (x) => x.options.normalizer === 'hard');
  assert.equal(s.options.normalizer, 'hard');
  await until(page, (x) => !x.playing && x.runs > 0);

  // the alignment's numbers as a table: its Data button, then the table is on screen and reachable
  await tabTo(page, 'lab/data', { back: true });
  await page.keyboard.press('Space');
  await frames(page, 4);
  const table = await page.evaluate(() => {
    const t = document.querySelector('#mirror [data-control="data/lab/heatmap"]');
    return t && { shown: t.classList.contains('shown'), cols: [...t.querySelectorAll('thead th')].map((th) => th.textContent),
                  rows: [...t.querySelectorAll('tbody tr')].map((tr) => [tr.querySelector('th').textContent,
                                                                     ...[...tr.querySelectorAll('td')].map((td) => td.textContent)]) };
  });
  assert.ok(table && table.shown, 'the Data button shows the alignment table');
  s = await page.evaluate(() => window.attn.state());
  const hard = await page.evaluate(({ m, o }) => window.attn.translate(m, 'the red house', o), { m: s.model, o: s.options });
  assert.deepEqual(table.cols, hard.source_tokens.concat(table.cols.slice(hard.source_tokens.length)), 'the column headers are the input words');
  table.rows.forEach(([word, ...cells], i) => {
    if (i > s.step) return;
    const known = i < s.step || ['softmax', 'context', 'output'].includes(s.stage_name);
    if (!known) return;
    const w = hard.steps[i].attention[0].weights;
    cells.forEach((text, j) => {
      if (j < w.length) assert.equal(text, w[j].toFixed(2), `row ${i} (${word}) column ${j}: table ${text}, engine ${w[j]}`);
    });
  });
  // the data table is in the Tab order while shown
  await tabTo(page, 'data/lab/heatmap');
  console.log(`keyboard walk: ${tabs} Tabs to the text field; ${heard.length} stages heard`);
  assert.deepEqual(page.problems, []);
});

test('the narration says less when asked, and nothing when off', async () => {
  const page = await env.open();
  await waitForRun(page);
  await page.evaluate(() => window.attn.setState({ text: 'the red house', step: 0, stage: 0 }));
  await until(page, (s) => s.text === 'the red house' && s.output_text !== '', 10000);
  for (let i = 0; i < 7 && (await page.evaluate(() => window.attn.state())).stage_name !== 'softmax'; ++i)
    await page.evaluate((k) => window.attn.setState({ stage: k }), i);
  assert.equal((await until(page, (s) => s.stage_name === 'softmax')).stage_name, 'softmax');
  const say = async () => { await frames(page, 3); return page.evaluate(() => document.getElementById('narration').textContent); };
  const full = await say();
  await page.selectOption('#mirror [data-control="lab/narration"]', 'brief');
  const brief = await say();
  assert.ok(brief.length > 0 && brief.length < full.length, `brief "${brief}" vs full "${full}"`);
  assert.ok(pairs(full).length >= 3 && pairs(brief).length === 0 && brief.includes('looks at'),
            `brief names only the word looked at: "${brief}"; full: "${full}"`);
  assert.equal((await page.evaluate(() => window.attn.call('ui.access'))).verbosity, 'brief');
  await page.selectOption('#mirror [data-control="lab/narration"]', { index: 0 });
  assert.equal(await say(), '', 'off: the live region is empty');
  assert.deepEqual(page.problems, []);
});

test('prefers-reduced-motion: nothing moves unasked, and a playing stage is drawn whole at once', async () => {
  const page = await env.open('', { reducedMotion: 'reduce' });
  await waitForRun(page);
  assert.equal((await page.evaluate(() => window.attn.call('ui.access'))).reduce_motion, true);
  const before = await page.evaluate(() => window.attn.state());
  await page.waitForTimeout(1500);
  const after = await page.evaluate(() => window.attn.state());
  assert.equal(after.playing, false);
  assert.deepEqual([after.step, after.stage], [before.step, before.stage], 'nothing advanced without a key press');
  // play: every frame of the softmax stage shows the whole weights (no cell-by-cell reveal)
  const engine = await page.evaluate((m) => window.attn.translate(m, "let's go"), after.model);
  await page.evaluate(() => window.attn.setState({ text: "let's go", step: 0, stage: 0 }));
  await until(page, (s) => s.text === "let's go" && s.output_text !== '', 10000);
  // from the stage before the first softmax, play
  for (let i = 0; i < 7 && (await page.evaluate(() => window.attn.state())).stage_name !== 'softmax'; ++i)
    await page.evaluate((k) => window.attn.setState({ stage: k }), i);
  const softmaxAt = (await page.evaluate(() => window.attn.state())).stage;
  await page.evaluate((k) => window.attn.setState({ stage: k }), softmaxAt - 1);
  await page.keyboard.press('Space');
  let samples = 0, started = false;  // (the key is read by the page's next frame: it may not be playing yet)
  for (const start = Date.now(); Date.now() - start < 8000 && samples < 2;) {
    const s = await page.evaluate(() => window.attn.state());
    started ||= s.playing;
    if (s.playing && s.stage_name === 'softmax' && s.shown.weight) {
      const w = engine.steps[s.step].attention[0].weights;
      s.shown.weight.forEach((v, j) => assert.ok(Math.abs(v - w[j]) < 1e-6, `token ${s.step + 1} weight ${j}: drawn ${v}, whole ${w[j]}`));
      ++samples;
    }
    if (started && !s.playing) break;
  }
  assert.ok(samples > 0, 'a softmax stage was seen while playing');
  assert.deepEqual(page.problems, []);
});

// axe-core's WCAG 2.0 / 2.1 level A and AA rules over the whole document: [{rule, impact, help, nodes}].
const AXE = readFileSync(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
async function axeViolations(page) {
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.addScriptTag({ content: AXE });
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
                                               resultTypes: ['violations'] });
    return r.violations.map((v) => ({ rule: v.id, impact: v.impact, help: v.help,
                                      nodes: v.nodes.slice(0, 4).map((n) => `${n.target.join(' ')}: ${n.failureSummary}`) }));
  });
}

test('axe-core: no WCAG 2.0/2.1 A or AA violation on any view, in either theme, with the tour open and the data tables shown', async () => {
  const page = await env.open();
  await waitForRun(page);
  const views = (await page.evaluate(() => window.attn.views())).map((v) => v.id);
  const found = [];
  let runs = 0;
  const check = async (what) => {
    await frames(page, 4);
    for (const v of await axeViolations(page)) found.push(`${what}: ${v.rule} (${v.impact}) ${v.help}\n    ${v.nodes.join('\n    ')}`);
    ++runs;
  };
  // every view in the dark theme; in the light one the Translate view (the rules but color contrast do not
  // depend on the theme, and the page's colors are the same in every view)
  for (const id of views) {
    await page.evaluate((v) => window.attn.setState({ view: v }), id);
    await check(`dark ${id}`);
  }
  await page.evaluate(() => window.attn.theme('light'));
  await page.evaluate(() => window.attn.setState({ view: 'translate' }));
  await page.evaluate(() => window.attn.setState({ view: 'translate', text: 'the red house', step: 1, stage: 4 }));
  await until(page, (s) => s.output_text !== '');
  await frames(page, 2);
  for (const id of ['lab/data', 'lab/stages-data']) await page.evaluate((c) => window.attn.call('ui.mirror_act', { id: c, action: 'press' }), id);
  await until(page, () => true, 300);
  const shown = await page.evaluate(() => document.querySelectorAll('#mirror table.shown').length);
  assert.ok(shown >= 2, `the Data buttons show the tables (${shown} shown)`);
  await page.evaluate(() => window.attn.tour('start'));
  await check('light translate, data tables shown, tour open');
  console.log(`axe-core ${await page.evaluate(() => window.axe.version)}: ${runs} runs`);
  assert.deepEqual(found, [], `axe-core found:\n${found.join('\n')}`);
  assert.deepEqual(page.problems, []);
});

// WCAG's contrast ratio of two opaque sRGB colors (0..255).
function contrast(a, b) {
  const lum = ([r, g, bl]) => [r, g, bl].map((v) => v / 255).map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4))
    .reduce((s, c, i) => s + c * [0.2126, 0.7152, 0.0722][i], 0);
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

test('contrast: every text and control color pair of the light, dark and projector themes meets WCAG AA', async () => {
  const page = await env.open();
  const low = [];
  let count = 0;
  for (const theme of ['dark', 'light', 'contrast']) {
    const { pairs } = await page.evaluate((t) => window.attn.call('ui.colors', { theme: t }), theme);
    assert.ok(pairs.length > 40, `${theme}: ${pairs.length} pairs`);
    for (const p of pairs) {
      const ratio = contrast(p.fg, p.bg), need = p.control ? 3 : 4.5;
      ++count;
      if (ratio < need) low.push(`${theme}: ${p.what} ${ratio.toFixed(2)}:1 (needs ${need}:1) fg ${p.fg.map(Math.round)} bg ${p.bg.map(Math.round)}`);
    }
  }
  console.log(`contrast: ${count} pairs measured`);
  assert.deepEqual(low, [], `pairs below WCAG AA:\n${low.join('\n')}`);
  // the page around the canvas (web/style.css): its texts on its background, both themes
  for (const theme of ['dark', 'light']) {
    await page.evaluate((t) => window.attn.theme(t), theme);
    const css = await page.evaluate(() => {
      const s = getComputedStyle(document.documentElement);
      const rgb = (v) => { const d = document.createElement('div'); d.style.color = v; document.body.append(d); const c = getComputedStyle(d).color; d.remove(); return c.match(/\d+/g).slice(0, 3).map(Number); };
      return Object.fromEntries(['--bg', '--text', '--dim', '--problem', '--accent'].map((k) => [k, rgb(s.getPropertyValue(k).trim())]));
    });
    for (const k of ['--text', '--dim', '--problem']) {
      const r = contrast(css[k], css['--bg']);
      assert.ok(r >= 4.5, `page ${theme}: ${k} on --bg ${r.toFixed(2)}:1`);
    }
  }
  assert.deepEqual(page.problems, []);
});

// ---- color-vision deficiencies ----------------------------------------------------------------------------
// Machado, Oliveira and Fernandes (2009), "A Physiologically-based Model for Simulation of Color Vision
// Deficiency": the full-severity (dichromat) matrices, applied to linear RGB.
const CVD = {
  none: [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
  protanopia: [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
  deuteranopia: [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
  tritanopia: [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]],
};
const toLinear = (v) => { const c = v / 255; return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
// sRGB (0..255) as a person with the deficiency sees it, in CIELAB (D65).
function seenLab(rgb, m) {
  const lin = rgb.map(toLinear);
  const sim = m.map((row) => Math.min(1, Math.max(0, row[0] * lin[0] + row[1] * lin[1] + row[2] * lin[2])));
  const [r, g, b] = sim;
  const xyz = [0.4124 * r + 0.3576 * g + 0.1805 * b, 0.2126 * r + 0.7152 * g + 0.0722 * b, 0.0193 * r + 0.1192 * g + 0.9505 * b];
  const f = (t) => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116);
  const [fx, fy, fz] = [xyz[0] / 0.95047, xyz[1], xyz[2] / 1.08883].map(f);
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}
const deltaE = (a, b) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

test('color-vision deficiencies: the weight scale still reads as more or less, and the value scale\'s two sides stay apart', async () => {
  const page = await env.open();
  const bad = [];
  for (const theme of ['dark', 'light', 'contrast']) {
    const { scales } = await page.evaluate((t) => window.attn.call('ui.colors', { theme: t }), theme);
    assert.equal(scales.weight.length, 11);
    assert.equal(scales.diverging.length, 11);
    for (const [kind, m] of Object.entries(CVD)) {
      // weights 0 .. 1: lightness moves one way all along (so it reads without hue), and far from end to end
      const w = scales.weight.map((c) => seenLab(c, m));
      const steps = w.slice(1).map((c, i) => c[0] - w[i][0]);
      if (!(steps.every((d) => d > 0.5) || steps.every((d) => d < -0.5)))
        bad.push(`${theme}, ${kind}: the weight scale's lightness is not monotonic: ${w.map((c) => c[0].toFixed(1)).join(' ')}`);
      if (deltaE(w[0], w[10]) < 40) bad.push(`${theme}, ${kind}: weight 0 and 1 only ${deltaE(w[0], w[10]).toFixed(1)} apart (CIELAB)`);
      // values -1 .. 1: the negative and the positive end apart from each other and from 0
      const v = scales.diverging.map((c) => seenLab(c, m));
      const [neg, mid, pos] = [v[0], v[5], v[10]];
      if (deltaE(neg, pos) < 20) bad.push(`${theme}, ${kind}: values -1 and +1 only ${deltaE(neg, pos).toFixed(1)} apart`);
      if (deltaE(neg, mid) < 20 || deltaE(pos, mid) < 20)
        bad.push(`${theme}, ${kind}: an end of the value scale near 0: ${deltaE(neg, mid).toFixed(1)}, ${deltaE(pos, mid).toFixed(1)}`);
    }
  }
  assert.deepEqual(bad, [], `scales that a person with a color-vision deficiency could not read:\n${bad.join('\n')}`);
  assert.deepEqual(page.problems, []);
});
