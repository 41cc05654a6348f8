// dist.test.mjs: the packed page (`make dist`, scripts/dist.mjs) on a server as plain as a school's: it
// packs the current wasm build into build/test-results/dist/ (a second: make test needs no `make dist`),
// checks that the .zip holds the folder, serves the folder under /course/attention/ with no COOP/COEP/CORP
// headers (tests/e2e/plain_host.mjs) and runs the page's smoke checks there: ready, first frame, "let's go"
// typed gives the engine's "vamos", every view of the views table opens, a shipped lesson plays in
// presenter mode with a clicker's PageDown, no console or page error.
// Not a test of the page's features (the other browser tests do those).
// Test: itself, `node --test tests/e2e/dist.test.mjs` (needs the wasm build: make wasm).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ROOT, WEB_DIR, clickWidget, launch, openPage, typeSentence, until, waitReady } from './browser.mjs';
import { plainHost } from './plain_host.mjs';
import { NAME, makeDist } from '../../scripts/dist.mjs';

const OUT = join(ROOT, 'build/test-results/dist');
let dist, host, browser, page;

before(async () => {
  dist = makeDist({ web: WEB_DIR, out: OUT });
  host = await plainHost(dist.folder);
  browser = await launch();
  page = await openPage(browser, host.url);
  assert.equal(await waitReady(page), null, 'the packed page starts on a plain server');
});

after(async () => {
  await browser?.close();
  host?.close();
});

test('make dist: a folder with the page, the engine, the font, the models and README.txt, and a .zip of exactly that folder', () => {
  for (const f of ['index.html', 'attn.js', 'attn.wasm', 'sw.js', 'fonts/DejaVuSans.ttf', 'README.txt', 'models/statquest.safetensors',
                   'lessons/lets-go.json', 'lessons/rnn-to-transformer.json']) {
    assert.ok(dist.files.includes(f), `${f} is in ${dist.folder}`);
  }
  const listed = spawnSync('python3', ['-c', 'import sys, zipfile; print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))', dist.zip],
                           { encoding: 'utf8' });
  assert.equal(listed.status, 0, listed.stderr);
  const inZip = listed.stdout.trim().split('\n').filter((n) => !n.endsWith('/')).sort();
  assert.deepEqual(inZip, dist.files.map((f) => `${NAME}/${f}`));
});

test('served under a sub-path without isolation headers: ready, first frame, every request relative', async () => {
  const response = await fetch(host.url);
  for (const header of ['cross-origin-opener-policy', 'cross-origin-embedder-policy', 'cross-origin-resource-policy']) {
    assert.equal(response.headers.get(header), null, `the plain host sends no ${header}`);
  }
  const s = await until(page, (st) => st.frame >= 1);
  assert.ok(s.frame >= 1, 'a first frame was drawn');
  assert.equal(await page.evaluate(() => self.crossOriginIsolated), false);
  assert.deepEqual(host.outside, [], 'the page asked for nothing outside its folder');
  // What needs isolation (precise timers) degrades with a note, in the Backend window and attn.backend().
  assert.match((await page.evaluate(() => window.attn.backend())).clock_note, /rounds times to 0\.1 ms/);
});

test('typing "let\'s go" gives "vamos", as the engine says', async () => {
  await typeSentence(page, "let's go");
  const { model } = await until(page, (st) => st.text === "let's go");
  const expected = await page.evaluate((m) => window.attn.translate(m, "let's go"), model);
  assert.equal(expected.output_text, 'vamos');
  const s = await until(page, (st) => st.text === "let's go" && st.output_text === expected.output_text, 10000);
  assert.equal(s.output_text, expected.output_text);
});

test('every view of the views table opens from the view bar', async () => {
  const views = await page.evaluate(() => window.attn.views());
  assert.ok(views.length >= 2);
  for (const v of [...views.slice(1), views[0]]) {  // the first is on screen: come back to it last
    await clickWidget(page, `view/${v.id}`);
    // each view runs the engine once shown (the sensor view loads its model from the folder first)
    const s = await until(page, (st) => st.view === v.id && st.view_runs[v.id] > 0, 15000);
    assert.equal(s.view, v.id, `the view bar opened ${v.id}`);
    assert.ok(s.view_runs[v.id] > 0, `${v.id} ran the engine on the packed page`);
  }
  assert.deepEqual(host.outside, []);
});

test('a shipped lesson plays from the packed folder in presenter mode, stepped with a clicker', async () => {
  await page.goto(`${host.url}?lesson=rnn-to-transformer`);
  assert.equal(await waitReady(page), null);
  let s = await until(page, (st) => st.present.lesson?.step === 0);
  assert.equal(s.present.on, true);
  assert.equal(s.present.lesson.title, 'from RNN attention to the Transformer');
  await page.keyboard.down('PageDown');
  await page.waitForTimeout(60);
  await page.keyboard.up('PageDown');
  s = await until(page, (st) => st.present.lesson.step === 1 && st.runs > 0 && st.model === 'bahdanau', 10000);
  assert.equal(s.model, 'bahdanau');
  assert.equal(s.text, 'the red house');
  assert.match(s.present.caption, /^Bahdanau's attention/);
  assert.deepEqual(host.outside, []);
});

test('no console errors or page errors on the packed page', () => {
  assert.ok(existsSync(dist.zip));
  assert.deepEqual(page.problems, []);
});
