// native_app.test.mjs: the same app natively (SDL2 + OpenGL 3) in a real X display (Xvfb): it opens
// the lab on a given state, decodes with the engine, draws, and reports what it showed; and its
// exports equal the page's (the heatmap's pixels as a PNG from its own encoder, the step as CSV,
// which must match the page's value for value).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { APP, ARTIFACTS, ROOT, launch, openPage, pngStats, serve, waitReady } from './browser.mjs';

// The app runs under ASan + UBSan (make test builds it in the sanitizer tree) with the leak check off:
// the GL driver SDL loads (Mesa, under Xvfb) and unloads at exit leaves allocations the leak checker
// can only report as "<unknown module>". The unit tests and the fuzz harnesses keep the leak check.
const APP_ENV = { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' };
const SENTENCE = readFileSync(join(ROOT, 'assets/data/en-es.test.tsv'), 'utf8').split('\n')[0].split('\t')[0];
let server, browser, dir;

before(async () => {
  server = await serve();
  browser = await launch();
  dir = mkdtempSync(join(tmpdir(), 'attn-native-'));
});

after(async () => {
  await browser?.close();
  server?.server.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const parse = (csv) => csv.trim().split('\n').map((line) => {
  const fields = [];
  let field = '', quoted = false;
  for (let i = 0; i < line.length; ++i) {
    const c = line[i];
    if (quoted) { if (c === '"' && line[i + 1] === '"') { field += '"'; ++i; } else if (c === '"') quoted = false; else field += c; }
    else if (c === '"') quoted = true; else if (c === ',') { fields.push(field); field = ''; } else field += c;
  }
  fields.push(field);
  return fields;
});

test('the native app exports the same step as the page: CSV value for value, the heatmap as a PNG', async () => {
  assert.ok(existsSync(APP), `${APP} is not built (make test builds it)`);
  const state = JSON.stringify({ text: SENTENCE, step: 99, stage: 99 });
  execFileSync('xvfb-run', ['-a', '-s', '-screen 0 1280x800x24', APP, '--frames', '12', '--export', '--state', state, '--theme', 'light'],
               { cwd: dir, timeout: 60000, stdio: ['ignore', 'ignore', 'pipe'], env: APP_ENV });
  const nativeCsv = readFileSync(join(dir, 'attn-trace.csv'), 'utf8');

  const page = await openPage(browser, server.url + `#t=${encodeURIComponent(SENTENCE)}&at=99.9`);
  assert.equal(await waitReady(page), null);
  let webCsv = '';
  for (let i = 0; i < 200 && !webCsv.includes('probs'); ++i) {
    webCsv = await page.evaluate(() => window.attn.exportCsv());
    await page.waitForTimeout(50);
  }
  const native = parse(nativeCsv), web = parse(webCsv);
  assert.equal(native.length, web.length, 'the same rows');
  assert.ok(native.length > 100, `${native.length} rows`);
  // Both run the SIMD kernels, natively AVX2 and in the page wasm simd128: summation order and fused
  // multiply-adds differ, so the values agree to float rounding, not bit for bit (measured worst
  // relative difference 1.2e-6 over the 1,472 values; 1e-5 leaves room for other sentences).
  let worst = 0;
  native.forEach((row, i) => {
    assert.deepEqual(row.slice(0, 6), web[i].slice(0, 6), `row ${i}`);
    if (i === 0) return;
    const a = Number(row[6].replace(/inf$/, 'Infinity')), b = Number(web[i][6].replace(/inf$/, 'Infinity'));
    if (a === b) return;
    const err = Math.abs(a - b) / Math.max(1, Math.abs(b));
    worst = Math.max(worst, err);
    assert.ok(err <= 1e-5, `row ${i} ${row.slice(0, 4)}: native ${a} vs page ${b}`);
  });
  console.log(`native vs page CSV: ${native.length - 1} values, worst relative difference ${worst.toExponential(2)}`);

  const png = readFileSync(join(dir, 'attn-heatmap.png'));
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const stats = await pngStats(page, png);  // decoded by Chromium's PNG decoder (CRCs and Adler-32 checked)
  const heatmap = await page.evaluate(() => window.attn.widget('lab/heatmap'));
  assert.ok(Math.abs(stats.width - heatmap.w) <= 1 && Math.abs(stats.height - heatmap.h) <= 1,
            `PNG ${stats.width}x${stats.height} vs the heatmap widget ${heatmap.w}x${heatmap.h}`);
  assert.ok(stats.variance > 100 && stats.distinct > 20, JSON.stringify(stats));
  await page.context().close();
});

test('the native app under Xvfb draws the lab and decodes "the red house" with the engine', () => {
  assert.ok(existsSync(APP), `${APP} is built`);
  const shot = join(ARTIFACTS, 'native-lab.ppm'), stateFile = join(ARTIFACTS, 'native-lab.json');
  const state = JSON.stringify({ model: 'bahdanau', text: 'the red house', step: 1, stage: 6 });
  const run = spawnSync('xvfb-run', ['-a', '-s', '-screen 0 1280x800x24', APP, '--state', state, '--frames', '8',
                                     '--screenshot', shot, '--state-out', stateFile], { encoding: 'utf8', timeout: 120000, env: APP_ENV });
  assert.equal(run.status, 0, `attn_app exited ${run.status}: ${run.stderr}`);
  const s = JSON.parse(readFileSync(stateFile, 'utf8'));
  assert.equal(s.model_status, 'ready');
  assert.equal(s.output_text, 'la casa roja');
  assert.equal(s.step, 1);
  assert.equal(s.stage_name, 'output');
  const w = s.shown.weight;
  assert.ok(Math.abs(w.reduce((a, b) => a + b, 0) - 1) < 1e-5, `weights sum to 1: ${w}`);
  assert.ok(w[2] > 0.5, `"casa" attends most to "house": ${w}`);
  // The picture: a P6 PPM of the window, far from blank.
  const ppm = readFileSync(shot);
  const header = ppm.subarray(0, 20).toString('latin1').split(/\s+/);
  assert.equal(header[0], 'P6');
  assert.deepEqual([Number(header[1]), Number(header[2])], [1280, 800]);
  const pixels = ppm.subarray(ppm.length - 1280 * 800 * 3);
  let sum = 0, sum2 = 0;
  for (let i = 0; i < pixels.length; i += 3) {
    const l = 0.2126 * pixels[i] + 0.7152 * pixels[i + 1] + 0.0722 * pixels[i + 2];
    sum += l; sum2 += l * l;
  }
  const n = pixels.length / 3, variance = sum2 / n - (sum / n) ** 2;
  assert.ok(variance > 100, `luminance variance ${variance.toFixed(1)} (blank window?)`);
});
