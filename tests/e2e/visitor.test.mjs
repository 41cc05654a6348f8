// visitor.test.mjs: a random visitor. Many random but possible actions with a fixed seed, across every
// view of the views table: clicks on the widgets on screen, drags, the wheel, keys, typing random
// Unicode, pasting 10,000 characters, resizes and device pixel ratio changes, the theme, hash edits,
// tweaks, model switches in the middle of the animation. At the end: no console error and no page error,
// the wasm memory flat and the allocator's top within 2 MB after a warm-up, and every number the lab shows (every
// stage strip, the output probabilities, the heatmap) equal to a fresh engine call's.
// Not a test of any one habit (page_habits, lab, views do those). Env: ATTN_VISITOR_ACTIONS=N (at most
// N actions, default 2000), ATTN_VISITOR_SECONDS=S (the actions stop after S seconds, default 35: make
// test's budget on a shared machine), ATTN_VISITOR_SEED=S (default 13). The warm-up is the first third.
// A failure prints the seed, the count and the last actions: rerun with them to replay (the clicks land
// where the widgets were, so a replay is as exact as the page's timing allows).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, suite, waitReady } from './browser.mjs';

const ACTIONS = Number(process.env.ATTN_VISITOR_ACTIONS || 2000);
const SECONDS = Number(process.env.ATTN_VISITOR_SECONDS || 35);
const SEED = Number(process.env.ATTN_VISITOR_SEED || 13);

const env = suite();

// mulberry32: a small seeded generator, so a run replays exactly from its seed.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Characters a visitor may type: ASCII, Latin-1 and beyond, Devanagari, Greek, Cyrillic, CJK, right to
// left scripts, emoji (with modifiers and flags), combining marks and zero-width characters.
const POOLS = [
  "abcdefghijklmnopqrstuvwxyz '", 'ABCDEFGHIJKLMNOPQRSTUVWXYZ!?.,;:', 'áéíóúñüÁÉÍÓÚÑÜ¿¡«»', 'मैंघरजारहाहूँ',
  'ΑΩαωМИРЁ', '漢字かなカナ', 'שלוםمرحبا', '😀🎉👍🏽🇪🇸', '\u0301\u0303\u200b\u200d\ufeff', '0123456789',
].map((p) => [...p]);
const SIZES = [[375, 667], [800, 600], [1280, 800], [1920, 1080], [1024, 768], [320, 480]];
const KEYS = ['Space', 'ArrowLeft', 'ArrowRight', 'Escape', 'Enter', 'Tab', 'Shift+ArrowRight', 'Shift+ArrowLeft', 'Backspace',
              'Control+a', 'Home', 'End', 'Delete'];

const call = (page, fn, arg) => page.evaluate(fn, arg);
const frames = (page, n = 2) => page.evaluate((k) => new Promise((ok) => {
  const next = (i) => (i ? requestAnimationFrame(() => next(i - 1)) : ok());
  next(k);
}), n);

// The attention call the lab shows for a step (views/lab.cpp Lab::trace_at): one call, or the chosen
// block ("dec.L.cross" / "dec.L.self") and head, else the last layer's cross-attention, head 0.
function traceAt(step, block, head) {
  const calls = step.attention;
  if (!calls.length) return null;
  if (calls.length === 1) return calls[0];
  let layer = -1, form = 'cross';
  const m = /^dec\.(\d+)\.(.*)$/.exec(block);
  if (m && block.length > 4) { layer = parseInt(m[1], 10) || 0; form = m[2] === 'self' ? 'causal_self' : 'cross'; }
  if (layer < 0) for (const c of calls) if (c.form === 'cross') layer = Math.max(layer, c.layer);
  return calls.find((c) => c.form === form && c.layer === layer && c.head === head) || calls[calls.length - 1];
}

test(`a random visitor: up to ${ACTIONS} actions in ${SECONDS} s (seed ${SEED}), no error, a flat heap, the numbers shown are the engine's`, async () => {
  const started = Date.now();
  const page = await openPage(env.browser, env.server.url);
  assert.equal(await waitReady(page), null);
  const cdp = await page.context().newCDPSession(page);
  const r = rng(SEED);
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  const text = (n) => Array.from({ length: n }, () => pick(pick(POOLS))).join('');
  const views = (await call(page, () => window.attn.views())).map((v) => v.id);
  const models = (await call(page, () => window.attn.models())).map((m) => m.name);
  const log = [];
  let done = 0;
  const replay = () => `seed ${SEED}, ${done} actions (replay: ATTN_VISITOR_SEED=${SEED} ATTN_VISITOR_ACTIONS=${done} ` +
                       `ATTN_VISITOR_SECONDS=100000); last actions:\n${log.join('\n')}`;
  let width = 1280, height = 800, dpr = 1;

  const actions = {
    // A click somewhere inside a widget drawn in the last frame or two, held across frames as a hand does.
    click: async () => {
      const widgets = Object.entries((await call(page, () => window.attn.state())).widgets);
      const last = Math.max(...widgets.map(([, w]) => w.frame));
      const shown = widgets.filter(([, w]) => w.frame >= last - 1 && w.w > 0 && w.h > 0 && w.x < width && w.y < height);
      if (!shown.length) return 'no widget on screen';
      const [id, w] = pick(shown);
      await page.mouse.move(w.x + w.w * r(), w.y + w.h * r());
      await page.mouse.down();
      await page.waitForTimeout(20 + Math.floor(r() * 30));
      await page.mouse.up();
      return id;
    },
    drag: async () => {
      const [x0, y0, x1, y1] = [r() * width, r() * height, r() * width, r() * height];
      await page.mouse.move(x0, y0);
      await page.mouse.down();
      await page.mouse.move(x1, y1, { steps: 4 });
      await page.mouse.up();
      return `${x0 | 0},${y0 | 0} -> ${x1 | 0},${y1 | 0}`;
    },
    wheel: async () => {
      const dy = Math.floor(r() * 1200) - 600;
      await page.mouse.move(r() * width, r() * height);
      await page.mouse.wheel(0, dy);
      return `${dy}`;
    },
    key: async () => {
      const key = pick(KEYS);
      await page.keyboard.press(key, { delay: 20 });
      return key;
    },
    // Typing into the text box when it is on screen (else wherever the focus is).
    type: async () => {
      const s = text(1 + Math.floor(r() * 12));
      const w = (await call(page, () => window.attn.state())).widgets['lab/text'];
      if (w && r() < 0.8) await page.mouse.click(w.x + 5 + r() * (w.w - 10), w.y + w.h / 2);
      await page.keyboard.type(s);
      if (r() < 0.3) await page.keyboard.press('Enter');
      return JSON.stringify(s);
    },
    // 10,000 characters at once, as a paste into the text box lands (through the state: the canvas
    // has no DOM text field a browser paste could reach).
    paste: async () => {
      const big = text(10000);
      await call(page, (t) => window.attn.setState({ text: t }), big);
      return `${[...big].length} characters`;
    },
    resize: async () => {
      [width, height] = pick(SIZES);
      await page.setViewportSize({ width, height });
      return `${width}x${height}`;
    },
    dpr: async () => {
      dpr = pick([1, 1.25, 1.5, 2, 3]);
      await cdp.send('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: dpr, mobile: false });
      return `dpr ${dpr}`;
    },
    theme: async () => call(page, (t) => window.attn.theme(t), pick(['light', 'dark'])),
    hash: async () => {
      const h = pick(['#m=bahdanau&t=the+red+house&at=1.3', '#t=%E0%A4%A', '#temp=0.3&norm=hard', '#v=heads&b=dec.1.cross&h=2',
                      '#mask=dec.1.cross:0101', '#nudge=1:0.5&k=3&norm=top_k', '#%%%&&==', `#t=${encodeURIComponent(text(20))}`,
                      '#m=nosuchmodel', '#at=99.99&v=gallery', `#v=${pick(views)}`, '#scale=off&be=scalar', '#', '']);
      await call(page, (x) => { location.hash = x; }, h);
      return JSON.stringify(h);
    },
    tweak: async () => {
      const o = pick([{ temperature: 0.05 + r() * 5 }, { normalizer: pick(['soft', 'hard', 'top_k', 'sparsemax', 'nosuch']) },
                      { top_k: Math.floor(r() * 7) - 1 }, { scaling: pick(['auto', 'on', 'off']) },
                      { nudge_position: Math.floor(r() * 5) - 1, nudge_amount: r() * 4 - 2 }, { backend: pick(['scalar', 'simd']) },
                      { head_mask: { 'dec.1.cross': [r() < 0.5, r() < 0.5, r() < 0.5, r() < 0.5] } }, { head_mask: {} }]);
      await call(page, (x) => window.attn.setState({ options: x }), o);
      return JSON.stringify(o);
    },
    // Another model while the animation plays: play first (the button when it is on screen, else Space).
    model: async () => {
      const w = (await call(page, () => window.attn.state())).widgets['lab/play'];
      if (w) await page.mouse.click(w.x + w.w / 2, w.y + w.h / 2, { delay: 30 });
      else await page.keyboard.press('Space', { delay: 30 });
      await page.waitForTimeout(Math.floor(r() * 120));
      const m = pick([...models, 'nosuchmodel']);
      await call(page, (x) => window.attn.setState({ model: x }), m);
      return m;
    },
    view: async () => {
      const v = pick(views);
      await call(page, (x) => window.attn.setState({ view: x }), v);
      return v;
    },
    seek: async () => {
      const at = { step: Math.floor(r() * 12) - 1, stage: Math.floor(r() * 10) - 1 };
      await call(page, (x) => window.attn.setState(x), at);
      return JSON.stringify(at);
    },
  };
  const weights = [['click', 30], ['drag', 3], ['wheel', 3], ['key', 12], ['type', 9], ['paste', 1], ['resize', 2], ['dpr', 2],
                   ['theme', 2], ['hash', 5], ['tweak', 9], ['model', 5], ['view', 9], ['seek', 4]];
  const total = weights.reduce((a, [, w]) => a + w, 0);
  const choose = () => {
    let x = r() * total;
    for (const [name, w] of weights) if ((x -= w) < 0) return name;
    return 'click';
  };

  // Warm-up: every view with every model and 10,000 characters, so what the page keeps for good (models,
  // font atlases, the largest buffers: the Heads view's tables are the transformer's, on its longest
  // text) is there; then the first third of the actions.
  const big = text(10000);
  for (const m of models) {
    await call(page, (x) => window.attn.setState({ model: x.m, text: x.big, view: 'translate' }), { m, big });
    for (let i = 0; i < 400 && (await call(page, () => window.attn.state().model_status)) === 'loading'; ++i) await page.waitForTimeout(25);
    await frames(page, 2);
    for (const v of views) {
      await call(page, (x) => window.attn.setState({ view: x }), v);
      await frames(page, 2);
    }
  }
  // The font atlas at its largest: DPR 3 on a narrow window, presenting (16 CSS px type x 1.8: 86 px glyphs,
  // a 1024 x 1024 atlas; src/ui/fonts.cpp). Its 8-bit coverage is the largest buffer a change of the pixel
  // ratio allocates: the RGBA copy of the whole atlas that the renderer's upload made (4 MB here) raised
  // the allocator's top by 3.6 to 5.2 MB after the warm-up of 2,000-action runs, at changes to DPR 3.
  await page.setViewportSize({ width: 375, height: 667 });
  await cdp.send('Emulation.setDeviceMetricsOverride', { width: 375, height: 667, deviceScaleFactor: 3, mobile: false });
  await call(page, () => window.attn.call('ui.present', { on: true }));
  await frames(page, 3);
  await call(page, () => window.attn.call('ui.present', { on: false }));
  await page.setViewportSize({ width, height });
  await cdp.send('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: dpr, mobile: false });
  await frames(page, 2);
  let heapAfterWarmUp = null;
  let highest = 0;       // the allocator's highest top so far
  const raisedBy = [];   // the actions after the warm-up that raised it (a failure names them)
  const t0 = Date.now();
  const elapsed = () => (Date.now() - t0) / 1000;
  for (let i = 0; i < ACTIONS && elapsed() < SECONDS; ++i) {
    const name = choose();
    let what;
    try {
      what = await actions[name]();
    } catch (e) {
      log.push(`${i} ${name} threw ${e.message}`);
      assert.fail(`action ${i} (${name}) threw: ${e.message}\n${replay()}`);
    }
    done = i + 1;
    log.push(`${i} ${name} ${what}`);
    if (log.length > 30) log.shift();
    if (i % 10 === 9) await frames(page, 1);
    if (page.problems.length) assert.fail(`after action ${i} (${name} ${what}): ${page.problems.join('; ')}\n${replay()}`);
    const heap = (await call(page, () => window.attn.perf())).heap;
    if (heap.sbrk_top > highest) {
      if (heapAfterWarmUp) raisedBy.push(`${i} ${name} ${what}: +${heap.sbrk_top - highest} bytes`);
      highest = heap.sbrk_top;
    }
    if (!heapAfterWarmUp && (i + 1 >= ACTIONS / 3 || elapsed() >= SECONDS / 3)) heapAfterWarmUp = heap;
  }
  const actionSeconds = elapsed();

  // Settle in the lab, paused on the last token's output stage (every stage drawn in full), on whatever
  // model, text and tweaks the visitor left, and compare what is drawn with a fresh engine call.
  // A desktop window again: at 320x480 the output panel has no room for the top words.
  await page.setViewportSize({ width: 1280, height: 800 });
  await cdp.send('Emulation.setDeviceMetricsOverride', { width: 1280, height: 800, deviceScaleFactor: 1, mobile: false });
  await call(page, () => { location.hash = ''; });
  // Presenting shows one panel (the visitor may have left it on Tweaks): the whole lab again.
  await call(page, () => window.attn.call('ui.present', { on: false }));
  await frames(page, 2);
  let s = await call(page, () => window.attn.state());
  if (!models.includes(s.model)) await call(page, () => window.attn.setState({ model: 'statquest' }));
  await call(page, () => window.attn.setState({ view: 'translate', step: 1000, stage: 1000 }));
  for (let i = 0; i < 400; ++i) {
    await frames(page, 2);
    s = await call(page, () => window.attn.state());
    if (s.model_status === 'ready' && !s.playing && s.stage_name === 'output' && s.shown.query) break;
    if (s.model_status === 'ready' && s.stage_name !== 'output') await call(page, () => window.attn.setState({ step: 1000, stage: 1000 }));
  }
  const heapAtEnd = (await call(page, () => window.attn.perf())).heap;
  const engine = await call(page, (x) => window.attn.translate(x.model, x.text, x.options), s);
  const where = `model ${s.model}, text of ${[...s.text].length} characters, options ${JSON.stringify(s.options)}, ${replay()}`;
  assert.equal(s.stage_name, 'output', `the lab did not settle on an output stage; ${where}`);
  assert.equal(s.output_text, engine.output_text, where);
  assert.equal(s.step, engine.steps.length - 1, where);
  const step = engine.steps[s.step];
  const t = traceAt(step, s.block, s.head)?.stages;
  assert.ok(t, `no attention call for step ${s.step}; ${where}`);
  const row = t.weights.length - 1;
  const num = (v) => (typeof v === 'number' ? v : null);  // the engine writes non-finite values as strings
  const near = (shown, eng, what, tol = 1e-5) => {
    assert.equal(shown.length, eng.length, `${what}: ${shown.length} shown vs ${eng.length} computed; ${where}`);
    shown.forEach((v, i) => {
      const e = num(eng[i]);
      const ok = v === null || e === null ? v === e : Math.abs(v - e) <= tol * Math.max(1, Math.abs(e));
      assert.ok(ok, `${what}[${i}]: shown ${v} vs engine ${eng[i]}; ${where}`);
    });
  };
  const keyLabel = (j) => (j < engine.source_tokens.length ? engine.source_tokens[j] : '<EOS>');
  const logits = t.masked.length ? t.masked[row] : t.scaled[row];
  const expected = { query: t.query[row], scores: t.scores[row], scaled: t.scaled[row], weight: t.weights[row], context: t.context[row] };
  if (t.mask) expected.masked = t.masked[row];
  const finite = logits.map(num).filter((v) => v !== null);
  const mx = Math.max(...finite);
  expected.exp = logits.map((v) => (num(v) === null ? 0 : Math.fround(Math.exp(Math.fround(v - mx)))));
  for (let j = t.keys.length - 1; j >= 0; --j) expected[`key ${keyLabel(j)}`] ??= t.keys[j];
  if (t.energies) {
    const e = t.energies[Math.min(row, t.energies.length - 1)];
    for (let j = e.length - 1; j >= 0; --j) expected[`energy ${keyLabel(j)}`] ??= e[j];
  }
  const top = [...step.probs].sort((a, b) => b - a).slice(0, 6);
  let compared = 0;
  const probsShown = [];
  for (const [label, values] of Object.entries(s.shown)) {
    if (label.startsWith('p ')) { probsShown.push(values[0]); continue; }
    if (label === 'output') continue;  // the Backend window's workload output, compared in webgpu.test.mjs
    assert.ok(label in expected, `a number shown under '${label}' that this test cannot place; ${where}`);
    near(values, expected[label], label, label === 'exp' ? 1e-5 : 1e-6);
    compared += values.length;
  }
  near(probsShown.sort((a, b) => b - a), top, 'output probabilities');
  assert.ok(Math.abs(s.shown[`p ${step.word}`][0] - step.prob) <= 1e-6, `p(${step.word}); ${where}`);
  for (const k of ['query', 'weight', 'context']) assert.ok(s.shown[k], `'${k}' is not shown; ${where}`);
  // The heatmap: every output word so far, every weight the engine's.
  const hm = await call(page, () => window.attn.heatmap());
  assert.equal(hm.rows.length, engine.steps.length, where);
  hm.rows.forEach((w, i) => {
    assert.equal(w, engine.steps[i].word, `heatmap row ${i}; ${where}`);
    const ti = traceAt(engine.steps[i], s.block, s.head)?.stages;
    if (ti) near(hm.weights[i].slice(0, ti.weights[ti.weights.length - 1].length), ti.weights[ti.weights.length - 1], `heatmap row ${i}`, 1e-6);
  });

  console.log(`VISITOR seed ${SEED}: ${done} actions in ${actionSeconds.toFixed(1)} s (${((Date.now() - started) / 1000).toFixed(1)} s in all); ` +
              `${compared + probsShown.length} numbers shown compared, ${hm.rows.length} heatmap rows; heap after warm-up ` +
              `${JSON.stringify(heapAfterWarmUp)}, at the end ${JSON.stringify(heapAtEnd)}`);
  assert.ok(heapAtEnd.heap_size <= heapAfterWarmUp.heap_size, `the wasm memory grew after the warm-up: ${heapAfterWarmUp.heap_size} -> ${heapAtEnd.heap_size}; ${replay()}`);
  // The allocator's top may still rise a little after the warm-up: a buffer first reaching its
  // high-water mark late (ImGui's text-edit state on a 10,000-character text in presenter mode, a view's
  // draw lists; measured up to 1.05 MB here, more on a slower machine where the warm-up holds fewer
  // actions). A leak grows with the number of actions: 2 MB is 6% of the 32 MB heap, and a long run
  // (ATTN_VISITOR_SECONDS=600) shows whether the top keeps climbing.
  assert.ok(heapAtEnd.sbrk_top - heapAfterWarmUp.sbrk_top <= 2 << 20,
            `the allocator's top moved by ${heapAtEnd.sbrk_top - heapAfterWarmUp.sbrk_top} bytes after the warm-up, raised by: ` +
            `${raisedBy.join('; ')}; ${replay()}`);
  assert.deepEqual(page.problems, [], replay());
  await page.context().close();
});
