// page_habits.test.mjs: the page's habits, driven as a person would in headless Chromium (clicks,
// taps, typing, keys): the URL hash is a link to what is on screen, the heatmap exports as PNG and
// the step as CSV (both equal to the engine's numbers), text is rasterized at the device pixel
// ratio, touch works, the first-run tour shows once, and the light / dark theme is remembered.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ARTIFACTS, ROOT, clickWidget, frames, launch, openPage, pngPixels, serve, until, waitReady } from './browser.mjs';

let server, browser;
// A sentence of the held-out corpus: every word known to the en-es models.
const SENTENCE = readFileSync(join(ROOT, 'assets/data/en-es.test.tsv'), 'utf8').split('\n')[0].split('\t')[0];

before(async () => {
  server = await serve();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.server.close();
});

// Opens the page (hash and query in `path`), waits for its first frame.
async function open(path = '', options = {}) {
  const page = await openPage(browser, server.url + path, options);
  const problem = await waitReady(page);
  assert.equal(problem, null, `the page did not start: ${problem}`);
  return page;
}
const state = (page) => page.evaluate(() => window.attn.state());
// Waits until the engine has run at least `runs` times (the model is fetched on first use).
async function waitForRun(page, runs = 1, timeoutMs = 20000) {
  const start = Date.now();
  for (;;) {
    const s = await state(page);
    if (s.model_status === 'failed') throw new Error(`model ${s.model} failed: ${s.model_error}`);
    if (s.runs >= runs) return s;
    if (Date.now() - start > timeoutMs) throw new Error(`no engine run within ${timeoutMs} ms (runs ${s.runs}, ${s.model_status})`);
    await page.waitForTimeout(50);
  }
}
// What a link holds (LabState in src/views/lab.h).
const labState = ({ model, text, step, stage, view, block, head, options }) => ({ model, text, step, stage, view, block, head, options });
// ImGui 1.86 polls key state once a frame: hold a key across frames so it is seen.
async function hold(page, key) {
  await page.keyboard.down(key);
  await page.waitForTimeout(60);
  await page.keyboard.up(key);
  await page.waitForTimeout(30);
}
async function typeSentence(page, text) {
  await clickWidget(page, 'lab/text');
  await page.keyboard.down('Control');
  await hold(page, 'a');
  await page.keyboard.up('Control');
  await hold(page, 'Backspace');
  await page.keyboard.type(text, { delay: 10 });
  await page.waitForTimeout(100);
}
// RFC 4180 CSV -> rows of fields.
function parseCsv(text) {
  const rows = [];
  let row = [], field = '', quoted = false;
  for (let i = 0; i < text.length; ++i) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; ++i; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; } else if (c === '\n') { row.push(field); rows.push(row); row = []; field = ''; } else field += c;
  }
  if (field || row.length) { row.push(field); rows.push(row); }
  return rows;
}
const asFloat = (v) => (typeof v === 'string' ? Number(v.replace(/^(-?)inf$/, '$1Infinity')) : v);
const near = (a, b, tol) => a.every((v, i) => Math.abs(v - b[i]) <= tol);

// ---- link ----------------------------------------------------------------------------------------------

test('the URL hash follows typing and tweaks, with history.replaceState (no new history entries)', async () => {
  const page = await open();
  await waitForRun(page);
  assert.equal(await page.evaluate(() => location.hash), '', 'the defaults need no hash');
  const historyBefore = await page.evaluate(() => history.length);
  await typeSentence(page, SENTENCE);
  await clickWidget(page, 'tweak/hard');
  await page.waitForTimeout(400);
  const s = await state(page);
  assert.equal(s.text, SENTENCE);
  assert.equal(s.options.normalizer, 'hard');
  const hash = await page.evaluate(() => location.hash);
  const { partial, problems } = await page.evaluate((h) => window.attn.decodeLink(h), hash);
  assert.deepEqual(problems, []);
  assert.equal(partial.text, SENTENCE, `hash ${hash}`);
  assert.equal(partial.options.normalizer, 'hard', `hash ${hash}`);
  assert.match(hash, /norm=hard/);
  assert.equal(await page.evaluate(() => history.length), historyBefore, 'a tweak added a history entry');
  // The playhead is in the link too.
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.waitForTimeout(400);
  const t = await state(page);
  assert.match(await page.evaluate(() => location.hash), new RegExp(`at=${t.step}\\.${t.stage}`));
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a link opens the same view: model, text, playhead, view and tweaks, and the same heatmap', async () => {
  const a = await open();
  await waitForRun(a);
  await a.evaluate((text) => window.attn.setState({ model: 'bahdanau', text, options: { temperature: 0.5, normalizer: 'top_k', top_k: 2 } }), SENTENCE);
  const ran = await waitForRun(a, 2);
  await a.evaluate(() => window.attn.setState({ step: 2, stage: 3 }));
  await a.waitForTimeout(400);
  const url = await a.evaluate(() => location.href);
  assert.match(url, /#.*m=bahdanau/);
  const shown = labState(await state(a));
  const heatmap = await a.evaluate(() => window.attn.heatmap());

  const b = await open(url.slice(server.url.length));
  await waitForRun(b);
  await b.waitForTimeout(100);
  const opened = await state(b);
  assert.deepEqual(labState(opened), shown);
  assert.equal(opened.output_text, ran.output_text);
  assert.deepEqual(await b.evaluate(() => window.attn.heatmap()), heatmap);
  assert.equal(await b.evaluate(() => location.href), url, 'the opened link is already canonical');
  assert.deepEqual(opened.notices, []);
  assert.deepEqual([...a.problems, ...b.problems], []);
  await a.context().close();
  await b.context().close();
});

test('a broken hash falls back to the defaults with a notice on screen; the readable parts still apply', async () => {
  const page = await open('#m=nosuchmodel&temp=abc&zzz=1&v=seed001');
  const s = await state(page);
  assert.equal(s.model, 'statquest');
  assert.equal(s.options.temperature, 1);
  assert.equal(s.view, 'seed001', 'the readable part of the link was dropped');
  assert.equal(s.notices.length, 1);
  for (const part of [/could not be read/, /unknown model 'nosuchmodel'/, /'temp' must be a number/, /unknown 'zzz'/, /show their defaults/])
    assert.match(s.notices[0], part);
  // The notice is drawn (its dismiss button is on screen this frame), and the hash no longer holds the broken parts.
  const dismiss = await page.evaluate(() => window.attn.widget('notice/0/dismiss'));
  assert.ok(dismiss.w > 0 && dismiss.frame >= s.frame - 1);
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => location.hash), '#v=seed001');
  await page.screenshot({ path: join(ARTIFACTS, 'broken-link-notice.png') });
  await clickWidget(page, 'notice/0/dismiss');
  assert.deepEqual((await state(page)).notices, []);
  await page.context().close();

  for (const [hash, why] of [['#t=%E0%A4%A', /'t' is not valid percent-encoding/], ['#%%%', /unknown '%%%'/], ['#t=%C3%28', /'t' is not valid/], ['#temp=1000', /temperature must be in/], ['#at=x', /at' must be step\.stage/]]) {
    const p = await open(hash);
    const t = await state(p);
    assert.deepEqual(labState(t).options, labState(s).options, hash);
    assert.equal(t.notices.length, 1, hash);
    assert.match(t.notices[0], why);
    await p.context().close();
  }
});

// Every row of the engine's normalizers table (attn.call('tables')), without a list here: its tweak
// button selects it, the link says norm=<name>, and opening that link restores it.
test('every normalizer of the engine\'s table has its tweak button and its place in the link', async () => {
  const page = await open();
  await waitForRun(page);
  const { normalizers } = await page.evaluate(() => window.attn.call('tables'));
  for (const n of normalizers) {
    await clickWidget(page, n.widget);
    await page.waitForTimeout(300);
    const s = await state(page);
    assert.equal(s.options.normalizer, n.name, `${n.widget} selects ${n.name}`);
    const hash = await page.evaluate(() => location.hash);
    if (n.name !== 'soft') assert.match(hash, new RegExp(`norm=${n.name}(&|$)`));
    const { partial, problems } = await page.evaluate((h) => window.attn.decodeLink(h), hash);
    assert.deepEqual(problems, [], hash);
    assert.equal(partial.options?.normalizer ?? 'soft', n.name, hash);
  }
  await page.evaluate(() => { location.hash = '#norm=soft'; });
  await page.context().close();
});

test('editing the hash in the address bar shows that link', async () => {
  const page = await open();
  await waitForRun(page);
  await page.evaluate(() => { location.hash = '#temp=2&norm=hard'; });
  await page.waitForTimeout(300);
  const s = await state(page);
  assert.equal(s.options.temperature, 2);
  assert.equal(s.options.normalizer, 'hard');
  assert.deepEqual(s.notices, []);
  await page.context().close();
});

// ---- exports ----------------------------------------------------------------------------------------------

test('Export PNG downloads a PNG of the heatmap drawn from the engine\'s weights, with its words', async () => {
  const page = await open(`#t=${encodeURIComponent(SENTENCE)}&at=99.9`);
  await waitForRun(page);
  await page.waitForTimeout(100);
  const s = await state(page);
  const hm = await page.evaluate(() => window.attn.heatmap());
  // The heatmap is the engine's: each row is that step's attention weights from attn.translate.
  const tr = await page.evaluate(({ model, text, options }) => window.attn.translate(model, text, options, { stages: false }), s);
  assert.equal(hm.rows.length, tr.steps.length, 'the playhead is at the last step: every row');
  assert.deepEqual(hm.rows, tr.steps.map((x) => x.word));
  assert.deepEqual(hm.cols.slice(0, tr.source_tokens.length), tr.source_tokens);
  assert.ok(hm.cols.slice(tr.source_tokens.length).every((c) => c === '<EOS>'), `columns ${hm.cols}`);
  hm.weights.forEach((row, i) => assert.deepEqual(row, tr.steps[i].attention[0].weights, `row ${i}`));

  const [download] = await Promise.all([page.waitForEvent('download'), clickWidget(page, 'lab/export-png')]);
  assert.match(download.suggestedFilename(), /^attn-statquest-.*-step\d+\.png$/);
  const png = readFileSync(await download.path());
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  assert.equal(png.subarray(12, 16).toString('latin1'), 'IHDR');
  const layout = await page.evaluate(() => window.attn.lastExport.layout);
  assert.equal(png.readUInt32BE(16), layout.width);
  assert.equal(png.readUInt32BE(20), layout.height);
  // Each cell's color is the panel's: orange at opacity (20 + 235 w) / 255 over the background.
  const bg = layout.background === '#ffffff' ? [255, 255, 255] : [26, 28, 33];
  const points = layout.cells.map((c) => [c.x + 3, c.y + 3]);
  const got = await pngPixels(page, png, points);
  layout.cells.forEach((c, k) => {
    const a = (20 + 235 * c.weight) / 255;
    const want = [242, 140, 40].map((v, i) => bg[i] * (1 - a) + v * a);
    assert.ok(near(got[k], want, 3), `cell ${c.row},${c.col} (w ${c.weight}): ${got[k]} vs ${want.map(Math.round)}`);
    assert.equal(c.weight, hm.weights[c.row][c.col]);
  });
  // The words are drawn: the row labels' strip is not plain background.
  const { labels } = layout;
  const strip = [];
  for (let y = labels.y; y < labels.y + labels.h; y += 2) for (let x = labels.x; x < labels.x + labels.w; x += 2) strip.push([x, y]);
  const ink = (await pngPixels(page, png, strip)).filter((p) => !near(p, bg, 40)).length;
  assert.ok(ink > strip.length * 0.02, `row labels: ${ink} of ${strip.length} sampled pixels are ink`);
  await page.context().close();
});

test('attn.exportPng() returns the PNG Blob without a download unless asked', async () => {
  const page = await open();
  await waitForRun(page);
  let downloads = 0;
  page.on('download', () => { downloads += 1; });
  const info = await page.evaluate(async () => {
    const blob = await window.attn.exportPng();
    const head = new Uint8Array(await blob.slice(0, 8).arrayBuffer());
    return { type: blob.type, size: blob.size, head: [...head] };
  });
  assert.equal(info.type, 'image/png');
  assert.ok(info.size > 1000);
  assert.deepEqual(info.head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  await page.waitForTimeout(300);
  assert.equal(downloads, 0);
  await page.context().close();
});

test('Export CSV holds every stage value of the current step, equal to the engine\'s', async () => {
  const page = await open(`#t=${encodeURIComponent(SENTENCE)}&temp=0.5&at=1.0`);
  await waitForRun(page);
  const s = await state(page);
  const [download] = await Promise.all([page.waitForEvent('download'), clickWidget(page, 'lab/export-csv')]);
  assert.match(download.suggestedFilename(), /\.csv$/);
  const text = readFileSync(await download.path(), 'utf8');
  assert.equal(text, await page.evaluate(() => window.attn.exportCsv()), 'the download is what attn.exportCsv() returns');
  const [header, ...rows] = parseCsv(text);
  assert.deepEqual(header, ['stage', 'tensor', 'row', 'column', 'row_label', 'column_label', 'value']);

  const tr = await page.evaluate(({ model, text: t, options }) => window.attn.translate(model, t, options), s);
  const step = tr.steps[s.step];
  const st = step.attention[0].stages;
  const r = st.weights.length - 1;
  const expected = [];  // [stage, tensor, row, column, value]
  const matrix = (stage, tensor, m, onlyRow) => m.forEach((row, i) => {
    if (onlyRow === undefined || i === onlyRow) row.forEach((v, j) => expected.push([stage, tensor, i, j, asFloat(v)]));
  });
  matrix('query_keys', 'query', st.query, Math.min(r, st.query.length - 1));
  matrix('query_keys', 'keys', st.keys);
  if (st.energies) matrix('scores', 'energies', st.energies[Math.min(r, st.energies.length - 1)]);
  matrix('scores', 'scores', st.scores, r);
  matrix('scale', 'scaled', st.scaled, r);  // temperature 0.5: the step has a scale stage
  if (st.mask) { matrix('mask', 'mask', st.mask, r); matrix('mask', 'masked', st.masked, r); }
  matrix('softmax', 'weights', st.weights, r);
  matrix('context', 'values', st.values);
  matrix('context', 'context', st.context, r);
  step.probs.forEach((v, j) => expected.push(['output', 'probs', 0, j, v]));
  const key = (stage, tensor, row, col) => `${stage}/${tensor}/${row}/${col}`;
  const csv = new Map(rows.map((f) => [key(f[0], f[1], Number(f[2]), Number(f[3])), asFloat(f[6])]));
  for (const [stage, tensor, row, col, v] of expected) {
    const got = csv.get(key(stage, tensor, row, col));
    assert.notEqual(got, undefined, `missing ${key(stage, tensor, row, col)}`);
    assert.equal(Math.fround(got), Math.fround(v), `${key(stage, tensor, row, col)}: csv ${got} vs engine ${v}`);
  }
  const stages = new Set(rows.map((f) => f[0]));
  assert.deepEqual([...stages], ['query_keys', 'scores', 'scale', 'softmax', 'context', 'output']);
  // Only logits beyond the expected rows (the engine's pre-softmax output), one per target word.
  const extra = rows.filter((f) => !expected.some((e) => key(...e.slice(0, 4)) === key(f[0], f[1], Number(f[2]), Number(f[3]))));
  assert.ok(extra.every((f) => f[1] === 'logits'), `unexpected rows: ${extra.slice(0, 3).join(' | ')}`);
  assert.equal(extra.length, step.probs.length);
  // Labels: a key row names its source word, a probability its target word.
  const keyRow = rows.find((f) => f[1] === 'keys' && f[2] === '0');
  assert.equal(keyRow[4], tr.source_tokens[0]);
  const chosen = rows.find((f) => f[1] === 'probs' && Number(f[3]) === step.token);
  assert.equal(chosen[5], step.word);
  await page.context().close();
});

// ---- crisp text ----------------------------------------------------------------------------------------------

test('text is rasterized at the device pixel ratio (1, 2, and after a change to 3) from DejaVu Sans', async () => {
  const one = await open('', { deviceScaleFactor: 1 });
  const f1 = (await one.evaluate(() => window.attn.page())).font;
  assert.equal(f1.name, 'DejaVuSans.ttf');
  assert.equal(f1.raster_px, 15);
  assert.equal(f1.global_scale, 1);
  await one.context().close();

  const page = await open('', { deviceScaleFactor: 2 });
  const f2 = (await page.evaluate(() => window.attn.page())).font;
  assert.deepEqual([f2.dpr, f2.raster_px, f2.global_scale, f2.line_height_css], [2, 30, 0.5, f1.line_height_css]);
  assert.ok(f2.atlas_w * f2.atlas_h > f1.atlas_w * f1.atlas_h, `atlas ${f2.atlas_w}x${f2.atlas_h} at DPR 2 vs ${f1.atlas_w}x${f1.atlas_h}`);
  // The font file came from beside the page (no network beyond it).
  const fonts = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name).filter((n) => n.endsWith('.ttf')));
  assert.deepEqual(fonts, [server.url + 'fonts/DejaVuSans.ttf']);
  // The page's own texts use it too, from the same download, once the first frame is up.
  assert.equal(await page.evaluate(() => window.attn.pageFont), true);
  assert.equal(await page.evaluate(() => document.fonts.check('16px "DejaVu Sans"') && [...document.fonts].some((f) => f.family.replace(/"/g, '') === 'DejaVu Sans' && f.status === 'loaded')), true);
  // A zoom or another screen changes the ratio: the atlas is rebuilt for it, the canvas resized.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setDeviceMetricsOverride', { width: 1280, height: 800, deviceScaleFactor: 3, mobile: false });
  await page.waitForTimeout(400);
  const f3 = (await page.evaluate(() => window.attn.page())).font;
  assert.deepEqual([f3.dpr, f3.raster_px, f3.builds], [3, 45, f2.builds + 1]);
  assert.ok(Math.abs(f3.global_scale - 1 / 3) < 1e-6);
  assert.equal(await page.evaluate(() => Module.canvas.width), 3 * 1280);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('without the font file the page still runs, on ImGui\'s built-in font, and says so', async () => {
  const context = await browser.newContext();
  await context.addInitScript(() => localStorage.setItem('attn.tour', 'skipped'));
  await context.route('**/fonts/DejaVuSans.ttf', (route) => route.fulfill({ status: 404, body: 'not found' }));
  const page = await context.newPage();
  await page.goto(server.url);
  assert.equal(await waitReady(page), null);
  const { font } = await page.evaluate(() => window.attn.page());
  assert.match(font.name, /ImGui default/);
  assert.ok(font.raster_px > 0);
  assert.equal(await page.evaluate(() => window.attn.pageFont), false);  // the page's texts keep the system's font
  const s = await state(page);
  assert.ok(s.notices.some((n) => /could not read the font/.test(n)), JSON.stringify(s.notices));
  await context.close();
});

test('on a phone-sized screen the text stays at least 16 CSS px and the panels stack in one column', async () => {
  const page = await open('', { viewport: { width: 380, height: 720 }, deviceScaleFactor: 3, hasTouch: true, isMobile: true });
  await waitForRun(page);
  const { font, display } = await page.evaluate(() => window.attn.page());
  assert.equal(display.w, 380);
  assert.ok(font.size_css >= 16 && font.line_height_css >= 16, JSON.stringify(font));
  const text = await page.evaluate(() => window.attn.widget('lab/text'));
  const heatmap = await page.evaluate(() => window.attn.widget('lab/heatmap'));
  assert.ok(text.x + text.w <= 380 && heatmap.y > text.y, 'one column');
  await page.screenshot({ path: join(ARTIFACTS, 'phone.png') });
  await page.context().close();
});

// ---- touch, keyboard ----------------------------------------------------------------------------------------------

test('touch: taps press buttons and a finger drag moves the temperature slider', async () => {
  const page = await open('', { hasTouch: true });
  await waitForRun(page);
  const tap = async (id) => {
    const r = await page.evaluate((w) => window.attn.widget(w), id);
    await page.touchscreen.tap(r.x + r.w / 2, r.y + r.h / 2);
    await page.waitForTimeout(80);
  };
  await tap('lab/next-stage');
  await until(page, (x) => x.stage === 1);
  await tap('lab/next-stage');
  assert.equal((await until(page, (x) => x.stage === 2)).stage, 2);
  await tap('tweak/hard');
  let s = await until(page, (x) => x.options.normalizer === 'hard');
  assert.equal(s.options.normalizer, 'hard');
  // A drag: touchstart on the slider, moves to the right, touchend (Chromium's own touch events).
  const runs = s.runs;
  const r = await page.evaluate(() => window.attn.widget('tweak/temperature'));
  const cdp = await page.context().newCDPSession(page);
  const y = r.y + r.h / 2, x0 = r.x + r.w * 0.3;
  const touch = (type, x) => cdp.send('Input.dispatchTouchEvent', { type, touchPoints: type === 'touchEnd' ? [] : [{ x, y, id: 1 }] });
  await touch('touchStart', x0);
  await page.waitForTimeout(50);
  for (let i = 1; i <= 8; ++i) { await touch('touchMove', x0 + i * 6); await page.waitForTimeout(20); }
  await touch('touchEnd');
  s = await until(page, (x) => x.options.temperature > 1 && x.runs > runs);
  assert.ok(s.options.temperature > 1, `temperature ${s.options.temperature} after dragging right from below 1`);
  assert.ok(s.runs > runs, 'the drag re-ran the engine');
  await tap('view/seed001');
  assert.equal((await until(page, (x) => x.view === 'seed001')).view, 'seed001');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('keyboard: type a sentence, step stages with the arrows, jump a token with Shift, play with Space', async () => {
  const page = await open();
  await waitForRun(page);
  await typeSentence(page, SENTENCE);
  assert.equal((await state(page)).text, SENTENCE);
  await page.mouse.click(3, 790);  // click outside the text box (between panels): the keys go to the lab again
  await frames(page);  // the frame that handled the click has let go of the text box (else it takes the arrows)
  // A key is seen at the next frame: poll (a loaded machine draws slowly), then check what it did.
  const settle = async (done) => {
    for (const start = Date.now(); Date.now() - start < 3000; await page.waitForTimeout(30))
      if (done(await state(page))) break;
    return state(page);
  };
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  let s = await settle((x) => x.stage === 2);
  assert.deepEqual([s.step, s.stage], [0, 2]);
  await page.keyboard.press('Shift+ArrowRight');
  s = await settle((x) => x.step === 1);
  assert.deepEqual([s.step, s.stage], [1, 0]);
  await page.keyboard.press('Space');
  assert.equal((await settle((x) => x.playing)).playing, true);
  await page.keyboard.press('Space');
  await page.context().close();
});

// ---- tour ----------------------------------------------------------------------------------------------------------

test('the tour shows on a first visit, each card points at a panel on screen, Next walks it, and it is remembered', async () => {
  const page = await open('', { tour: true });
  await waitForRun(page);
  let tour = await page.evaluate(() => window.attn.tour());
  assert.equal(tour.active, true);
  assert.ok(tour.count >= 4 && tour.count <= 6);
  const targets = [];
  for (let i = 0; i < tour.count; ++i) {
    assert.equal(tour.step, i);
    targets.push(tour.target);
    if (!tour.target.startsWith('window:')) {
      const r = await page.evaluate((id) => window.attn.widget(id), tour.target);
      assert.ok(r.w > 0 && r.h > 0, `card ${i + 1} points at ${tour.target}, which is on screen`);
    }
    await page.screenshot({ path: join(ARTIFACTS, `tour-${i + 1}.png`) });
    await clickWidget(page, 'tour/next');
    tour = await page.evaluate(() => window.attn.tour());
  }
  assert.equal(tour.active, false);
  assert.ok(targets.includes('lab/heatmap') && targets.includes('tweak/temperature'), targets.join(', '));
  assert.equal(await page.evaluate(() => localStorage.getItem('attn.tour')), 'finished');
  await page.reload();
  assert.equal(await waitReady(page), null);
  assert.equal((await page.evaluate(() => window.attn.tour())).active, false, 'shown again after it was finished');
  await page.context().close();
});

test('the tour goes on with Enter, is skipped with Skip or Escape, kept away by ?tour=0 or #tour=0; ?tour=1 brings it back', async () => {
  const a = await open('', { tour: true });
  await clickWidget(a, 'tour/skip');
  assert.equal((await a.evaluate(() => window.attn.tour())).active, false);
  assert.equal(await a.evaluate(() => localStorage.getItem('attn.tour')), 'skipped');
  await a.goto(server.url + '?tour=1');
  assert.equal(await waitReady(a), null);
  assert.equal((await a.evaluate(() => window.attn.tour())).active, true, '?tour=1 shows it again');
  await a.context().close();

  const b = await open('', { tour: true });
  assert.equal((await b.evaluate(() => window.attn.tour())).step, 0);
  await hold(b, 'Enter');
  assert.equal((await b.evaluate(() => window.attn.tour())).step, 1, 'Enter goes to the next card');
  await hold(b, 'Escape');
  assert.equal((await b.evaluate(() => window.attn.tour())).active, false, 'Escape skips');
  await b.context().close();

  for (const path of ['?tour=0', '#tour=0']) {
    const c = await open(path, { tour: true });
    assert.equal((await c.evaluate(() => window.attn.tour())).active, false, path);
    await c.context().close();
  }
});

// ---- theme ----------------------------------------------------------------------------------------------------------

test('the theme toggle switches the app\'s colors and the page background, and is remembered', async () => {
  const page = await open('', { colorScheme: 'dark' });
  await waitForRun(page);
  assert.equal(await page.evaluate(() => window.attn.theme()), 'dark', 'a dark system preference starts dark');
  const body = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(await body(), 'rgb(26, 28, 33)');
  // Sample the gap left of the panels (the clear color) and the inside of the tweak panel.
  const tweak = await page.evaluate(() => window.attn.widget('tweak/reset'));
  const points = [[2, 400], [tweak.x + 250, tweak.y + 120]];
  const [gapDark, panelDark] = await pngPixels(page, await page.screenshot(), points);
  assert.ok(near(gapDark, [26, 28, 33], 2), `gap ${gapDark}`);
  await clickWidget(page, 'view/theme');
  await page.waitForTimeout(100);
  assert.equal(await page.evaluate(() => window.attn.theme()), 'light');
  assert.equal(await body(), 'rgb(237, 238, 242)');
  const [gapLight, panelLight] = await pngPixels(page, await page.screenshot({ path: join(ARTIFACTS, 'theme-light.png') }), points);
  assert.ok(near(gapLight, [237, 238, 242], 2), `gap ${gapLight}`);
  assert.ok(panelLight[0] > 240 && panelDark[0] < 40, `panel background ${panelDark} -> ${panelLight}`);
  assert.equal(await page.evaluate(() => localStorage.getItem('attn.theme')), 'light');
  await page.reload();
  assert.equal(await waitReady(page), null);
  assert.equal(await page.evaluate(() => window.attn.theme()), 'light', 'remembered across a reload');
  await page.context().close();

  const light = await open('', { colorScheme: 'light' });
  assert.equal(await light.evaluate(() => window.attn.theme()), 'light', 'a light system preference starts light');
  await light.context().close();
});
