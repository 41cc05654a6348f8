// native_app.test.mjs: the same app natively (SDL2 + OpenGL 3) in a real X display (Xvfb): it opens
// the lab on a given state, decodes with the engine, draws, and reports what it showed.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ARTIFACTS, ROOT } from './browser.mjs';

const APP = process.env.ATTN_APP || join(ROOT, 'build/native-release/attn_app');

test('the native app under Xvfb draws the lab and decodes "the red house" with the engine', () => {
  assert.ok(existsSync(APP), `${APP} is built`);
  const shot = join(ARTIFACTS, 'native-lab.ppm'), stateFile = join(ARTIFACTS, 'native-lab.json');
  const state = JSON.stringify({ model: 'bahdanau', text: 'the red house', step: 1, stage: 6 });
  const run = spawnSync('xvfb-run', ['-a', '-s', '-screen 0 1280x800x24', APP, '--state', state, '--frames', '8',
                                     '--screenshot', shot, '--state-out', stateFile], { encoding: 'utf8', timeout: 120000 });
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
