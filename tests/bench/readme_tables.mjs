// readme_tables.mjs: the README's benchmark tables, generated from build/bench/results.json (what
// `make bench` measured: tests/bench/run.mjs's native and node-wasm rows, then the browser runner's
// chromium rows). Prints the two markdown tables; with --write, replaces them in README.md between
// the markers <!-- bench:cpu --> ... <!-- /bench:cpu --> and <!-- bench:browser --> ... <!-- /bench:browser -->.
// Usage: node tests/bench/readme_tables.mjs [--write] [--results FILE]
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const file = args.includes('--results') ? resolve(args[args.indexOf('--results') + 1]) : join(ROOT, 'build/bench/results.json');
const results = JSON.parse(readFileSync(file, 'utf8'));
if (results.quick || results.chromium?.quick) throw new Error(`${file} holds a --quick run: run make bench for the README`);

// Three significant digits, no exponent below 1e5.
const us = (x) => (x === undefined ? '-' : x >= 100 ? Math.round(x).toString() : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const cell = (env, w, impl) => results.results.find((r) => r.env === env && r.workload === w && r.impl === impl);
const order = (env) => [...new Set(results.results.filter((r) => r.env === env).map((r) => r.workload))];

function cpuTable() {
  const lines = ['| workload | native scalar | native SIMD | ratio | node-wasm scalar | node-wasm SIMD | ratio | wasm SIMD GFLOP/s |',
                 '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |'];
  for (const w of order('native')) {
    const ns = cell('native', w, 'scalar'), nv = cell('native', w, 'simd');
    const ws = cell('node-wasm', w, 'scalar'), wv = cell('node-wasm', w, 'simd');
    lines.push(`| \`${w}\` | ${us(ns?.median_us)} | ${us(nv?.median_us)} | ${(ns.median_us / nv.median_us).toFixed(1)}x | ` +
               `${us(ws?.median_us)} | ${us(wv?.median_us)} | ${(ws.median_us / wv.median_us).toFixed(1)}x | ${wv?.gflops?.toFixed(1) ?? '-'} |`);
  }
  return lines.join('\n');
}

function browserTable() {
  const lines = ['| workload | scalar | SIMD | SIMD / scalar | WebGPU* | ORT wasm | tfjs wasm | ours vs best peer | max \\|diff\\| vs scalar |',
                 '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |'];
  for (const w of order('chromium').filter((x) => cell('chromium', x, 'scalar'))) {
    const c = (impl) => cell('chromium', w, impl);
    const peers = ['ort-wasm', 'tfjs-wasm'].map(c).filter(Boolean);
    const best = peers.reduce((b, r) => (!b || r.median_us < b.median_us ? r : b), null);
    const ours = ['scalar', 'simd', 'webgpu'].map(c).filter(Boolean).reduce((b, r) => (!b || r.median_us < b.median_us ? r : b), null);
    const worst = ['simd', 'webgpu', 'ort-wasm', 'tfjs-wasm'].map(c).filter(Boolean).reduce((m, r) => Math.max(m, r.max_abs_diff_vs_ref), 0);
    const spread = (r) => (r ? `${us(r.median_us)} <sub>${us(r.p10_us)}-${us(r.p90_us)}</sub>` : '-');
    lines.push(`| \`${w}\` | ${spread(c('scalar'))} | ${spread(c('simd'))} | ${(c('scalar').median_us / c('simd').median_us).toFixed(1)}x | ` +
               `${spread(c('webgpu'))} | ${spread(c('ort-wasm'))} | ${spread(c('tfjs-wasm'))} | ` +
               `${(best.median_us / ours.median_us).toFixed(1)}x (${ours.impl} vs ${best.impl}) | ${worst.toExponential(1)} |`);
  }
  const rt = cell('chromium', 'empty_submit_readback', 'webgpu');
  if (rt) {
    lines.push('', `\\* WebGPU on "${results.chromium?.adapter || 'unknown'}"` +
               `${/swiftshader/i.test(results.chromium?.adapter || '') ? ', a software adapter that runs on the same 2 CPU cores: not GPU timings' : ''}. ` +
               `Its empty submit + readback round trip: median ${us(rt.median_us)} us (p10-p90 ${us(rt.p10_us)}-${us(rt.p90_us)}).`);
  }
  return lines.join('\n');
}

const tables = { cpu: cpuTable(), browser: browserTable() };
if (!args.includes('--write')) {
  console.log(tables.cpu + '\n\n' + tables.browser);
} else {
  const readme = join(ROOT, 'README.md');
  let text = readFileSync(readme, 'utf8');
  for (const [key, table] of Object.entries(tables)) {
    const open = `<!-- bench:${key} -->`, close = `<!-- /bench:${key} -->`;
    const a = text.indexOf(open), b = text.indexOf(close);
    if (a < 0 || b < a) throw new Error(`README.md has no ${open} ... ${close} block`);
    text = text.slice(0, a + open.length) + '\n' + table + '\n' + text.slice(b);
  }
  writeFileSync(readme, text);
  console.log('README.md: benchmark tables rewritten from ' + file);
}
