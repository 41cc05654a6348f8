// offline.test.mjs: the page offline after a first visit (web/sw.js, its version and files written by
// scripts/offline_manifest.mjs): a visit with service workers allowed, under a sub-path of a plain server
// (tests/e2e/plain_host.mjs), until the worker serves the page and has stored every file; then with the
// network off, a reload starts the engine, a sentence typed into the page translates as attn.translate
// says, and another stored model loads, while nothing reaches the server. Then a rebuilt folder (one
// file changed, the worker written again) on the same server: the next visit installs its version and
// deletes the old cache. Not a test of the packed folder (dist.test.mjs).
// Test: itself, `node --test tests/e2e/offline.test.mjs` (needs the wasm build: make wasm).
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ROOT, WEB_DIR, launch, openPage, typeSentence, until, waitReady } from './browser.mjs';
import { plainHost } from './plain_host.mjs';
import { offlineWorker, writeOfflineWorker } from '../../scripts/offline_manifest.mjs';

const HERE = join(ROOT, 'build/test-results/offline');
const REBUILT = join(HERE, 'rebuilt');
const TEXT = 'the red house';
const OTHER_MODEL = 'transformer';
let host, browser, page, first, rebuilt;

const offline = () => page.evaluate(() => window.attn.offline());
const cacheNames = () => page.evaluate(() => caches.keys());

// Polls attn.offline() until done(status) holds; fails with the last status after timeoutMs.
async function offlineUntil(done, what, timeoutMs = 20000) {
  let last;
  for (const start = Date.now(); Date.now() - start < timeoutMs; await page.waitForTimeout(100)) {
    last = await offline();
    if (done(last)) return last;
  }
  assert.fail(`${what}: not so after ${timeoutMs} ms (attn.offline(): ${JSON.stringify(last)})`);
}

before(async () => {
  rmSync(HERE, { recursive: true, force: true });
  first = offlineWorker(WEB_DIR, join(ROOT, 'web/sw.js'));  // the build's own folder is the first visit's
  // A rebuild: one file changed, the worker written again as the build writes it.
  cpSync(WEB_DIR, REBUILT, { recursive: true });
  writeFileSync(join(REBUILT, 'style.css'), readFileSync(join(REBUILT, 'style.css'), 'utf8') + '\n/* rebuilt */\n');
  rebuilt = writeOfflineWorker(REBUILT, join(ROOT, 'web/sw.js'));
  host = await plainHost(WEB_DIR);
  browser = await launch();
  page = await openPage(browser, host.url, { serviceWorkers: 'allow' });
  assert.equal(await waitReady(page), null, 'the first visit starts');
});

after(async () => {
  await browser?.close();
  host?.close();
});

test('the build writes the worker: the same files give the same version, a changed file a new one', () => {
  assert.equal(readFileSync(join(WEB_DIR, 'sw.js'), 'utf8'), first.text, 'the build wrote this very worker');
  assert.ok(first.files.includes('attn.wasm') && first.files.includes('fonts/DejaVuSans.ttf') &&
            first.files.includes(`models/${OTHER_MODEL}.safetensors`), `files: ${first.files.join(', ')}`);
  assert.ok(!first.files.includes('sw.js'));
  assert.notEqual(rebuilt.version, first.version);
});

test('first visit: the worker serves the page and stores every file of the build', async () => {
  const status = await offlineUntil((s) => s.ready, 'the page is ready for offline use');
  assert.equal(status.version, first.version);
  assert.equal(status.files, first.files.length);
  assert.deepEqual(await cacheNames(), [`attn-offline-${first.version}`]);
});

test('offline: a reload starts the engine, a typed sentence translates, another stored model loads', async () => {
  const requests = host.requests;
  await page.context().setOffline(true);
  await page.reload();
  assert.equal(await waitReady(page), null, 'the page starts without a network');
  assert.equal(await page.evaluate(() => navigator.onLine), false);
  await typeSentence(page, TEXT);
  const { model } = await until(page, (s) => s.text === TEXT);
  const expected = await page.evaluate(([m, t]) => window.attn.translate(m, t), [model, TEXT]);
  assert.ok(expected.output_text.length > 0);
  let s = await until(page, (st) => st.text === TEXT && st.output_text === expected.output_text, 10000);
  assert.equal(s.output_text, expected.output_text, `${model} on the page, offline (the page's text: ${JSON.stringify(s.text)})`);
  await page.evaluate((m) => window.attn.setState({ model: m }), OTHER_MODEL);
  const other = await page.evaluate(([m, t]) => window.attn.translate(m, t), [OTHER_MODEL, TEXT]);
  s = await until(page, (st) => st.model === OTHER_MODEL && st.model_status === 'ready' && st.output_text === other.output_text, 15000);
  assert.equal(s.model_status, 'ready', `${OTHER_MODEL} loaded offline: ${s.model_error ?? ''}`);
  assert.equal(s.output_text, other.output_text);
  assert.equal(host.requests, requests, 'nothing reached the server while offline');
  await page.context().setOffline(false);
});

// The next visit after a new build was put on the server. The browser checks sw.js a moment after
// each visit (a navigation inside the folder; about 2.5 s here); headless on this 2-core machine, the
// page's frames (drawn in software) hold that check back for as long as the page draws (it went ahead
// about 2 s after Module.pauseMainLoop()), so the visit here is to a light file of the folder,
// style.css, which asks for the same check at once (registration.update()).
test('a rebuilt page on the server replaces the stored build and deletes its cache', async () => {
  const context = page.context();
  await page.close();
  host.setRoot(REBUILT);
  const visit = await context.newPage();
  visit.on('pageerror', (err) => page.problems.push(`page error: ${err.message}`));
  await visit.goto(host.url + 'style.css');
  await visit.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r.update()));
  const names = () => visit.evaluate(() => caches.keys());
  let seen;
  for (const start = Date.now(); Date.now() - start < 20000; await visit.waitForTimeout(100)) {
    seen = await names();
    if (seen.length === 1 && seen[0] === `attn-offline-${rebuilt.version}`) break;
  }
  assert.deepEqual(seen, [`attn-offline-${rebuilt.version}`], 'the new build is stored and the old build\'s cache is gone');
  // The new worker serves the folder, with every file of the new build.
  const status = await visit.evaluate(async () => {
    const { active } = await navigator.serviceWorker.ready;
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = (e) => resolve(e.data);
      active.postMessage({ type: 'attn-offline-status' }, [channel.port2]);
    });
  });
  assert.deepEqual(status, { version: rebuilt.version, files: rebuilt.files.length, stored: rebuilt.files.length });
  const css = await visit.evaluate(async () => (await (await caches.match('style.css')).text()));
  assert.match(css, /rebuilt/, 'the stored files are the new build\'s');
});

test('no console errors or page errors', () => {
  assert.deepEqual(page.problems, []);
});
