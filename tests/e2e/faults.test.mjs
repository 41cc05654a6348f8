// faults.test.mjs: the page under faults a visitor's network, browser or GPU may cause, each with a
// clear message and nothing lost: a model answered with 404 or 500, a model whose connection closes
// mid-download, a slow network (the loading bar moves, the page works once the model arrives),
// storage unavailable (private mode: theme and tour work for the visit), a lost WebGL context (back
// without a reload; a GPU process that crashed twice and left WebGL blocked: the page works on without
// drawing, says so, and reloads when WebGL is back), and engine calls of the wrong type or asking for more memory than the page can have.
import { createServer } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ARTIFACTS, WEB_DIR, launch, openPage, pngDiff, suite, waitReady } from './browser.mjs';

const env = suite();

const state = (page) => page.evaluate(() => window.attn.state());
async function until(page, fn, what, ms = 20000) {
  const t0 = Date.now();
  for (;;) {
    const s = await state(page);
    if (fn(s)) return s;
    if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}; state: model_status=${s.model_status} error=${s.model_error}`);
    await page.waitForTimeout(30);
  }
}
// Clicks a named widget (two frames first, so its rectangle is this frame's).
async function click(page, id) {
  await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok))));
  const r = await page.evaluate((wid) => window.attn.widget(wid), id);
  await page.mouse.move(r.x + r.w / 2, r.y + r.h / 2);
  await page.mouse.down();
  await page.waitForTimeout(50);
  await page.mouse.up();
  await page.waitForTimeout(50);
}

// The default model (statquest) answered with an HTTP error: the message names the file and the
// status, the visitor's text and tweaks stay, another model works, and "Try again" loads it once the
// server answers.
for (const status of [404, 500]) {
  test(`a model answered with HTTP ${status}: a clear message, nothing lost, Try again works`, async () => {
    const page = await openPage(env.browser, env.server.url + '#t=i+love+you&temp=0.5');
    let broken = true;
    await page.route('**/models/statquest.safetensors', (route) => (broken
      ? route.fulfill({ status, contentType: 'text/plain', body: 'no' }) : route.continue()));
    await page.reload();
    assert.equal(await waitReady(page), null);
    const failed = await until(page, (s) => s.model_status === 'failed', 'the failure');
    assert.match(failed.model_error, new RegExp(`could not download models/statquest\\.safetensors \\(HTTP ${status}`));
    assert.match(failed.model_error, /keeps your text and tweaks: try again/);
    assert.equal(failed.model_retryable, true);
    assert.equal(failed.text, 'i love you');
    assert.equal(failed.options.temperature, 0.5);
    writeFileSync(join(ARTIFACTS, `fault-model-${status}.png`), await page.screenshot());
    // another model still works meanwhile
    const other = await page.evaluate(() => window.attn.translate('bahdanau', 'i love you', {}, { stages: false }));
    assert.ok(other.output_text.length > 0);
    broken = false;
    await click(page, 'lab/retry');
    const ready = await until(page, (s) => s.model_status === 'ready' && s.runs >= 1 && s.output_text, 'the retried model');
    assert.equal(ready.text, 'i love you');
    assert.equal(ready.options.temperature, 0.5);
    assert.deepEqual(page.problems.filter((p) => !/Failed to load resource/.test(p)), []);
    await page.context().close();
  });
}

test('a model whose connection closes mid-download: a clear message, and Try again loads it', async () => {
  // A server that sends the model's headers and half its bytes, then closes the connection.
  let breakNext = true;
  const bytes = readFileSync(join(WEB_DIR, 'models/statquest.safetensors'));
  const cutter = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (path === '/models/statquest.safetensors' && breakNext) {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': bytes.length });
      res.write(bytes.subarray(0, bytes.length >> 1), () => setTimeout(() => res.socket.destroy(), 50));
      return;
    }
    const file = normalize(join(WEB_DIR, path === '/' ? 'index.html' : path));
    if (!file.startsWith(WEB_DIR)) { res.writeHead(404).end(); return; }
    try {
      const body = readFileSync(file);
      const type = file.endsWith('.wasm') ? 'application/wasm' : file.endsWith('.js') ? 'text/javascript'
        : file.endsWith('.html') ? 'text/html' : file.endsWith('.css') ? 'text/css' : 'application/octet-stream';
      res.writeHead(200, { 'Content-Type': type, 'Content-Length': body.length }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((ok) => cutter.listen(0, '127.0.0.1', ok));
  try {
    const page = await openPage(env.browser, `http://127.0.0.1:${cutter.address().port}/#t=let%27s+go`);
    assert.equal(await waitReady(page), null);
    const failed = await until(page, (s) => s.model_status === 'failed', 'the failure');
    assert.match(failed.model_error, /the connection closed before models\/statquest\.safetensors arrived|HTTP/);
    assert.equal(failed.text, "let's go");
    breakNext = false;
    await click(page, 'lab/retry');
    const ready = await until(page, (s) => s.model_status === 'ready' && s.output_text, 'the retried model');
    assert.equal(ready.output_text, 'vamos');
    await page.context().close();
  } finally {
    cutter.close();
  }
});

test('a slow network: the loading bar moves, and the page works once the model arrives', async () => {
  const page = await openPage(env.browser, env.server.url + '#m=transformer&t=the+red+house');
  assert.equal(await waitReady(page), null);  // the page itself came at full speed
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  // ~150 KB/s and 200 ms: the Hindi model's file (~200 KB) takes more than a second
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 200, downloadThroughput: 150 * 1024, uploadThroughput: 150 * 1024 });
  // The progress is sampled in the page, every frame (a busy machine's round trips from here missed it).
  const seen = await page.evaluate(async () => {
    window.attn.setState({ model: 'hindi', text: 'mai ghar ja raha hoon' });
    const counts = new Set();
    for (const t0 = performance.now(); ; await new Promise((ok) => requestAnimationFrame(ok))) {
      const st = window.attn.state();
      if (st.model_status === 'loading' && st.model_progress.loaded > 0) counts.add(st.model_progress.loaded);
      if (st.model_status === 'ready' && st.output_text) return [...counts];
      if (st.model_status === 'failed') return `failed: ${st.model_error}`;
      if (performance.now() - t0 > 60000) return 'the model did not arrive within 60 s';
    }
  });
  assert.ok(Array.isArray(seen), seen);
  const s = await state(page);
  assert.ok(seen.length >= 2, `the loading bar moved (${seen.length} distinct byte counts seen)`);
  // frames went on while it loaded
  assert.ok((await page.evaluate(() => window.attn.perf().frames)) > 10);
  assert.equal(s.text, 'mai ghar ja raha hoon');
  await page.context().close();
});

test('storage unavailable (private mode): theme and tour still work for the visit', async () => {
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript(() => {
    const refuse = () => { throw new DOMException('storage is disabled', 'SecurityError'); };
    Object.defineProperty(window, 'localStorage', { get: refuse, configurable: true });
    Object.defineProperty(window, 'sessionStorage', { get: refuse, configurable: true });
  });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  await page.goto(env.server.url);
  assert.equal(await waitReady(page), null);
  assert.equal((await page.evaluate(() => window.attn.tour())).active, true, 'the first-run tour starts');
  await page.evaluate(() => window.attn.tour('skip'));
  assert.equal((await page.evaluate(() => window.attn.tour())).active, false);
  for (const theme of ['light', 'dark', 'light']) {
    assert.equal(await page.evaluate((t) => window.attn.theme(t), theme), theme);
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), theme);
  }
  await page.evaluate(() => window.attn.setState({ text: 'to go' }));
  await until(page, (s) => s.output_text === 'ir', 'a translation');
  assert.deepEqual(problems, []);
  await context.close();
});

// The GPU process restarting, a driver reset, too many contexts: WebGL loses the canvas's context. The
// page accepts the loss, waits, and when the browser restores the context (webglcontextrestored) it
// draws again without a reload: ImGui's program, buffers and font texture are made anew, and the text,
// model, playhead and tweaks are what they were.
test('a lost WebGL context comes back without a reload, keeping text, model, playhead and tweaks', async () => {
  const page = await openPage(env.browser, env.server.url + '#m=bahdanau&t=the+red+house&temp=0.5&norm=top_k&k=2');
  assert.equal(await waitReady(page), null);
  await until(page, (s) => s.model_status === 'ready' && s.output_text, 'the translation');
  await page.evaluate(() => window.attn.setState({ step: 1, stage: 3 }));
  const frames = (n) => page.evaluate((k) => new Promise((ok) => {
    const next = (i) => (i ? requestAnimationFrame(() => next(i - 1)) : ok());
    next(k);
  }), n);
  await frames(3);
  // The font texture in use is one that src/ui/fonts.cpp uploaded (the atlas rebuilt after the pixel ratio
  // went to 2 and back), not the renderer's first. After the loss the renderer uploads the atlas afresh,
  // so the screenshots below compare the two uploads too.
  const cdp = await page.context().newCDPSession(page);
  for (const deviceScaleFactor of [2, 1]) {
    await cdp.send('Emulation.setDeviceMetricsOverride', { width: 1280, height: 800, deviceScaleFactor, mobile: false });
    await frames(3);
  }
  const font = (await page.evaluate(() => window.attn.page())).font;
  assert.deepEqual([font.dpr, font.builds], [1, 3]);
  const keep = (s) => ({ model: s.model, text: s.text, step: s.step, stage: s.stage, stage_name: s.stage_name,
                         options: s.options, output_text: s.output_text, view: s.view, shown: s.shown });
  const before = keep(await state(page));
  const shotBefore = await page.screenshot();
  await page.evaluate(() => {
    window.lostContext = document.getElementById('canvas').getContext('webgl2').getExtension('WEBGL_lose_context');
    window.lostContext.loseContext();
  });
  await frames(3);
  const during = await state(page);
  const drawn = (await page.evaluate(() => window.attn.perf())).draws;
  assert.equal(await page.evaluate(() => document.getElementById('canvas').getContext('webgl2').isContextLost()), true);
  assert.equal((await page.evaluate(() => window.attn.page())).gl_lost, true);
  await frames(5);
  assert.ok((await state(page)).frame > during.frame, 'frames go on while the context is lost');
  assert.equal((await page.evaluate(() => window.attn.perf())).draws, drawn, 'a frame was drawn into a lost context');
  await page.evaluate(() => window.lostContext.restoreContext());
  // The browser restores the context when it can (webglcontextrestored comes later, after several frames
  // on a loaded machine): wait for the page to have seen it, then for a frame drawn into it.
  const restored = async () => {
    const [pg, perf] = await page.evaluate(() => [window.attn.page(), window.attn.perf()]);
    return pg.gl_restored === 1 && !pg.gl_lost && perf.draws > drawn;
  };
  for (const t0 = Date.now(); !(await restored()); await page.waitForTimeout(30)) {
    assert.ok(Date.now() - t0 < 20000, 'nothing drawn within 20 s after the context came back');
  }
  await frames(3);
  const back = await state(page);
  assert.ok(back.frame > during.frame, 'frames after the context came back');
  assert.equal((await page.evaluate(() => window.attn.page())).gl_lost, false);
  assert.equal(await page.evaluate(() => document.getElementById('gl-lost').hidden), true, 'the notice shows though it came back');
  assert.equal((await page.evaluate(() => window.attn.page())).gl_restored, 1);
  assert.equal(await page.evaluate(() => document.getElementById('canvas').getContext('webgl2').isContextLost()), false);
  assert.deepEqual(keep(back), before, 'the state after the context came back');
  // It draws as before (the font texture included: the text is the same pixels).
  // (measured: the two screenshots are equal to the pixel; 0.2% is about 2,000 pixels, a few words)
  const shotAfter = await page.screenshot();
  writeFileSync(join(ARTIFACTS, 'fault-webgl-restored.png'), shotAfter);
  const differ = await pngDiff(page, shotBefore, shotAfter);
  assert.ok(differ < 0.002, `${(differ * 100).toFixed(2)}% of the pixels differ from before the loss`);
  // and it still works: a tweak re-runs and is drawn
  const runs = back.runs;
  await page.evaluate(() => window.attn.setState({ options: { normalizer: 'hard' } }));
  const after = await until(page, (s) => s.runs > runs && s.shown.query, 'a re-run after the restore');
  assert.equal(after.options.normalizer, 'hard');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

// Chromium blocks WebGL for the site after its GPU process has crashed twice: the lost context does not come
// back. The page goes on without drawing (mouse, keyboard, window.attn), says so after 3 s, and its Reload
// goes back to the same link. A browser of its own: the block would reach the other tests' pages.
test('the GPU process crashing twice: the page keeps working without drawing, says so, and Reload keeps the link', async () => {
  const browser = await launch();
  try {
    const page = await openPage(browser, env.server.url + '#m=bahdanau&t=the+red+house&temp=0.5');
    assert.equal(await waitReady(page), null);
    await until(page, (s) => s.model_status === 'ready' && s.output_text, 'the translation');
    const gpu = await browser.newBrowserCDPSession();
    await gpu.send('Browser.crashGpuProcess');
    await until(page, () => true, 'a frame');  // a state read: the page still answers
    for (const t0 = Date.now(); !(await page.evaluate(() => window.attn.page())).gl_restored; await page.waitForTimeout(50))
      assert.ok(Date.now() - t0 < 20000, 'the context did not come back after the first crash');
    await gpu.send('Browser.crashGpuProcess');
    await page.waitForFunction(() => !document.getElementById('gl-lost').hidden, null, { timeout: 20000 });
    assert.equal((await page.evaluate(() => window.attn.page())).gl_lost, true);
    const notice = await page.evaluate(() => {
      const box = document.getElementById('gl-lost');
      return { role: box.getAttribute('role'), text: box.textContent.replace(/\s+/g, ' ').trim() };
    });
    assert.equal(notice.role, 'alert');
    assert.match(notice.text, /^Drawing has stopped: .* Reload$/);
    writeFileSync(join(ARTIFACTS, 'fault-webgl-blocked.png'), await page.screenshot());
    // Nothing is drawn, and everything else works: a key steps the playhead, a click switches the view.
    const drawn = (await page.evaluate(() => window.attn.perf())).draws;
    const before = await state(page);
    await page.focus('#canvas');
    await page.keyboard.press('ArrowRight');
    await until(page, (s) => s.stage !== before.stage || s.step !== before.step, 'the Right arrow while not drawing');
    await click(page, 'view/gallery');
    await until(page, (s) => s.view === 'gallery', 'the Gallery view while not drawing');
    assert.equal((await page.evaluate(() => window.attn.perf())).draws, drawn, 'a frame was drawn into a lost context');
    await page.waitForFunction(() => location.hash.includes('v=gallery'), null, { timeout: 5000 });  // the link follows
    const link = await page.evaluate(() => location.hash);
    assert.match(link, /m=bahdanau/);
    assert.deepEqual(page.problems, []);
    // Reload: the same link. This browser now blocks WebGL for the site (as Chromium does after two crashes,
    // until it restarts): the new page either draws or says that WebGL is not available, and nothing else.
    const origin = await page.evaluate(() => performance.timeOrigin);
    await page.click('#gl-lost-reload');
    for (const t0 = Date.now(); ; await page.waitForTimeout(100)) {
      const now = await page.evaluate(() => performance.timeOrigin).catch(() => origin);  // navigating
      if (now !== origin) break;
      assert.ok(Date.now() - t0 < 10000, 'Reload did not reload');
    }
    assert.equal(await page.evaluate(() => location.hash), link);
    const problem = await waitReady(page);
    assert.ok(problem === null || problem === 'WebGL2 is not available, so the visualization cannot be drawn.', problem);
  } finally {
    await browser.close();
  }
});

test('engine calls of the wrong type or too big are answered in the project\'s words', async () => {
  const page = await openPage(env.browser, env.server.url);
  assert.equal(await waitReady(page), null);
  const error = (fn) => page.evaluate(async (src) => {
    try {
      await (0, eval)(src)();
      return null;
    } catch (e) {
      return e.message;
    }
  }, fn);
  assert.equal(await error("() => window.attn.translate('statquest', null)"), 'ui.translate: text must be a string');
  assert.equal(await error("() => window.attn.seed001({ seed: 'x' })"), 'seed001: seed must be an integer from 0 to 9007199254740991');
  assert.equal(await error("() => window.attn.bench('mha_d8_h2_t4', 'simd', 'many')"), 'workload.bench: iterations must be an integer from 1 to 100000');
  assert.equal(await error("() => window.attn.sensor({ stages: 'yes' })"), 'ui.sensor: stages must be true or false');
  assert.match(await error("() => window.attn.run('mha_d65536_h1_t65536', 'simd')"),
               /^workload\.run: workload mha_d65536_h1_t65536 needs 192\.0 GiB of memory .*at most 1 GiB/);
  // Long arguments go through the engine's heap, not its 1 MB stack: a 300,000-character one used to
  // overwrite the memory below the stack, and every call after it answered "memory access out of bounds".
  assert.match(await error("() => window.attn.saveModel('m'.repeat(1000000))"), /^attn\.saveModel: the model 'm+'/);
  assert.match(await error("() => window.attn.train.start({ probe: 'a '.repeat(1000000) })"),
               /the probe sentence has 1000000 words; at most 8/);
  const long = await page.evaluate(() => window.attn.translate('statquest', 'go '.repeat(400000), {}, { stages: false }));
  assert.equal(typeof long.output_text, 'string');
  assert.equal((await state(page)).model, 'statquest');
  // "I Love You!" translates as "i love you" does, with a note for the "!"
  const plain = await page.evaluate(() => window.attn.translate('statquest', 'i love you', {}, { stages: false }));
  const loud = await page.evaluate(() => window.attn.translate('statquest', 'I Love You!', {}, { stages: false }));
  assert.equal(loud.output_text, plain.output_text);
  assert.ok(loud.notes.some((n) => /set aside: '!'/.test(n)), loud.notes.join('; '));
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
