// run.mjs: the in-browser benchmark. Assembles build/bench/web (the built page's engine and the model
// files it fetches, the bench page, ONNX Runtime Web's and TensorFlow.js's files from node_modules, the
// ONNX graphs it builds here from the workloads' inputs or the shipped model files), serves it with
// COOP/COEP (scripts/serve.mjs), drives Debian's Chromium headless with --enable-unsafe-webgpu, prints
// one table and appends its rows (env "chromium") to build/bench/results.json, keeping the other
// runners' rows. Not a test by itself; its --quick mode is one (tests/e2e/webgpu.test.mjs).
// Workloads: the kernel workloads of src/models/workloads.h (random inputs from the name) and
// decode_<model>, one whole greedy decode of "let's go" by each shipped translation model
// (src/models/decode_workload.h; the peers: decode_peers.mjs).
//
// Usage: node tests/bench/browser/run.mjs [--quick] [--samples N] [--workloads a,b] [--out FILE]
//                                         [--no-webgpu] [--serve]
//   --quick      3 samples per cell; writes build/bench/results-quick.json unless --out is given
//   --no-webgpu  launch Chromium without --enable-unsafe-webgpu (the WebGPU column is then absent)
//   --serve      only assemble and serve the page (open it in a browser; press Run)
// Exit status 1 when the page fails, a cell is missing or not finite, an output differs from our
// scalar reference by more than its bound (1e-4; decode workloads: 2e-6 x their largest logit), a
// decode column chooses other tokens than ours, or the inputs of inputs.mjs differ from the engine's.
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../../../scripts/serve.mjs';
import { buildOnnxModels } from './onnx_graphs.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../../..');
// The kernel workloads; then decode_<model> for every row of the models table (src/models/model_zoo.cpp),
// which the page names through attn.models() once it has started.
const KERNEL_WORKLOADS = ['mha_d64_h4_t4', 'mha_d64_h4_t32', 'mha_d64_h4_t128', 'pool_b32_t100_h64'];
const IMPLS = ['scalar', 'simd', 'webgpu', 'ort-wasm', 'tfjs-wasm'];
const PEERS = ['ort-wasm', 'tfjs-wasm'];
const MAX_ABS_DIFF = 1e-4;  // outputs are O(0.1); every path agrees to ~1e-6: 1e-4 flags a real bug
// Decode workloads output logits up to ~23 in magnitude, where one float32 ulp is 1.9e-6; each column
// computes 2 to 5 recurrent steps (or a Transformer's 4 layers) with its own summation order and its own
// exp/tanh/sigmoid, and the worst column differed from our scalar path by 3e-7 x the largest logit
// (5.7e-6 on hindi and statquest). The bound is relative to that largest logit: 2e-6 x max|logit| (17 to 34
// ulps of it, about 6x the worst seen), so a wrong gate, mask or scale (differences of O(1)) cannot pass.
const DECODE_REL_DIFF = 2e-6;
function maxAbsDiffBound(page, w) {
  const d = page.decode?.[w];
  return d ? DECODE_REL_DIFF * d.max_abs_logit : MAX_ABS_DIFF;
}

function fail(message) {
  console.error(`run.mjs: ${message}`);
  process.exit(1);
}

function parseArgs(argv) {
  const a = { quick: false, samples: null, workloads: null, out: null, webgpu: true, serve: false,
              web: process.env.ATTN_WEB_DIR || join(ROOT, 'build/wasm-release/web'),
              chromium: process.env.CHROMIUM || '/usr/bin/chromium' };
  for (let i = 0; i < argv.length; ++i) {
    const arg = argv[i];
    const value = () => (i + 1 < argv.length ? argv[++i] : fail(`${arg} needs a value`));
    if (arg === '--quick') a.quick = true;
    else if (arg === '--samples') a.samples = Number(value());
    else if (arg === '--workloads') a.workloads = value().split(',');
    else if (arg === '--out') a.out = resolve(value());
    else if (arg === '--no-webgpu') a.webgpu = false;
    else if (arg === '--serve') a.serve = true;
    else if (arg === '--web') a.web = resolve(value());
    else fail(`unknown argument ${arg} (see the header of ${relative(process.cwd(), fileURLToPath(import.meta.url))})`);
  }
  a.samples = a.samples ?? (a.quick ? 3 : 15);
  if (!(a.samples >= 1)) fail('--samples takes a positive number');
  a.out = a.out ?? join(ROOT, a.quick ? 'build/bench/results-quick.json' : 'build/bench/results.json');
  return a;
}

// build/bench/web: links to the engine and the peers' files, copies of the page, the ONNX graphs.
function assemble(a) {
  const dir = join(ROOT, 'build/bench/web');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'ort'), { recursive: true });
  mkdirSync(join(dir, 'tfjs'), { recursive: true });
  mkdirSync(join(dir, 'models'), { recursive: true });
  const link = (from, to) => {
    if (!existsSync(from)) fail(`missing ${relative(ROOT, from)}: ${from.includes('node_modules') ? 'run scripts/setup.sh (npm ci)' : 'build the page first (make wasm)'}`);
    symlinkSync(from, join(dir, to));
  };
  for (const f of ['attn.js', 'attn.wasm', 'gpu.js', 'loader.js']) link(join(a.web, f), f);
  for (const f of ['index.html', 'bench.js', 'inputs.mjs', 'decode_models.mjs', 'decode_peers.mjs']) copyFileSync(join(HERE, f), join(dir, f));
  const ortDist = join(ROOT, 'node_modules/onnxruntime-web/dist');
  for (const f of ['ort.wasm.min.js', 'ort-wasm-simd-threaded.wasm', 'ort-wasm-simd-threaded.mjs']) link(join(ortDist, f), `ort/${f}`);
  link(join(ROOT, 'node_modules/@tensorflow/tfjs-core/dist/tf-core.min.js'), 'tfjs/tf-core.min.js');
  const tfw = join(ROOT, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
  for (const f of ['tf-backend-wasm.min.js', 'tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm',
                   'tfjs-backend-wasm-threaded-simd.wasm']) link(join(tfw, f), `tfjs/${f}`);
  // every model file the page serves (the page fetches models/<model>.safetensors)
  for (const f of readdirSync(join(a.web, 'models'))) if (f.endsWith('.safetensors')) link(join(a.web, 'models', f), `models/${f}`);
  return dir;
}

// The ONNX graphs of the workloads (a decode workload's hold the weights of its model's file).
function writeOnnxModels(a, dir) {
  for (const w of a.workloads) {
    const modelBytes = w.startsWith('decode_') ? readFileSync(join(a.web, 'models', `${w.slice(7)}.safetensors`)) : undefined;
    for (const [f, bytes] of Object.entries(buildOnnxModels(w, { modelBytes }))) writeFileSync(join(dir, 'models', f), bytes);
  }
}

const fmtUs = (x) => (x >= 1000 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

function report(a, page, machine) {
  const rows = [];
  const problems = [];
  for (const w of a.workloads) {
    const cells = page.results.filter((r) => r.workload === w);
    const peers = cells.filter((r) => PEERS.includes(r.impl));
    const best = peers.reduce((b, r) => (!b || r.median_us < b.median_us ? r : b), null);
    const bound = maxAbsDiffBound(page, w);
    for (const impl of IMPLS) {
      const r = cells.find((c) => c.impl === impl);
      if (!r) {
        if (impl !== 'webgpu' || a.webgpu) problems.push(`${w} ${impl}: no result`);
        continue;
      }
      for (const k of ['median_us', 'p10_us', 'p90_us']) if (!(Number.isFinite(r[k]) && r[k] > 0)) problems.push(`${w} ${impl}: ${k} = ${r[k]}`);
      r.max_abs_diff_bound = bound;
      if (!(r.max_abs_diff_vs_ref <= bound)) problems.push(`${w} ${impl}: max |diff| vs scalar ${r.max_abs_diff_vs_ref} > ${bound.toExponential(2)}`);
      r.ratio_to_best_peer = best ? best.median_us / r.median_us : null;
      rows.push([w, impl === 'webgpu' ? `webgpu*` : impl, fmtUs(r.median_us), `${fmtUs(r.p10_us)}-${fmtUs(r.p90_us)}`,
                 best ? `${r.ratio_to_best_peer.toFixed(2)}x vs ${best.impl}` : '-', r.max_abs_diff_vs_ref.toExponential(1)]);
    }
  }
  const header = ['workload', 'impl', 'median us', 'p10-p90 us', 'speed vs best peer', 'max|diff| vs scalar'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(`machine: ${machine}`);
  console.log(`browser: ${page.env.userAgent.match(/Chrome\/[\d.]+/)?.[0] ?? page.env.userAgent}, crossOriginIsolated ${page.env.crossOriginIsolated}; ` +
              `peers: onnxruntime-web ${page.peers.ort.version} (wasm, ${page.peers.ort.threads} thread), ` +
              `tfjs ${page.peers.tfjs.version} (${page.peers.tfjs.backend}, SIMD ${page.peers.tfjs.simd}, ${page.peers.tfjs.threads} thread)`);
  console.log(`samples per cell: ${a.samples}${a.quick ? ' (--quick: timings indicative only)' : ''}; ` +
              'speed vs best peer = best peer median / this median (>1: faster than the best peer)');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
  const gpu = page.gpu;
  if (gpu.available) {
    console.log(`* webgpu on "${gpu.adapter}"${gpu.cpu_adapter ? ': a software adapter (SwiftShader runs on the CPU), not a GPU' : ''}`);
    const rt = page.roundtrip;
    console.log(`  empty submit + readback round trip: median ${fmtUs(rt.median_us)} us (p10-p90 ${fmtUs(rt.p10_us)}-${fmtUs(rt.p90_us)})`);
  } else {
    console.log(`* webgpu: not available (${gpu.notice})`);
    if (a.webgpu) problems.push(`WebGPU was expected (--enable-unsafe-webgpu) but is ${gpu.state}: ${gpu.notice}`);
  }
  for (const [w, verdict] of Object.entries(page.generator)) if (verdict !== 'identical') problems.push(`${w}: inputs ${verdict}`);
  for (const [w, d] of Object.entries(page.decode ?? {})) {
    console.log(`${w}: ${d.file}, "${d.text}" (source ids ${JSON.stringify(d.source_ids)}) -> "${d.output_text}" in ${d.steps} steps ` +
                `(logits [${d.steps}, ${d.vocab}], max |logit| ${d.max_abs_logit.toFixed(2)}, bound on max|diff| ${maxAbsDiffBound(page, w).toExponential(1)}); ` +
                `${Object.keys(d.tokens_differ).length ? 'tokens differ' : 'every column chose the same tokens'}`);
    for (const [impl, tokens] of Object.entries(d.tokens_differ)) problems.push(`${w} ${impl}: chose ${tokens.join(' ')}, ours ${d.tokens.join(' ')}`);
  }
  return problems;
}

// The goals, measured in this run (reported, never failing the run: the machine is noisy).
function goals(a, page) {
  const cell = (w, impl) => page.results.find((r) => r.workload === w && r.impl === impl);
  const ours = (w) => ['simd', 'webgpu'].map((i) => cell(w, i)).filter(Boolean).reduce((b, r) => (!b || r.median_us < b.median_us ? r : b), null);
  const lines = [];
  const say = (ok, text) => lines.push(`  ${ok ? 'met  ' : 'SHORT'} ${text}`);
  for (const w of a.workloads) {
    const s = cell(w, 'scalar'), v = cell(w, 'simd');
    if (s && v) say(s.median_us / v.median_us >= 3, `SIMD >= 3x scalar on ${w}: ${(s.median_us / v.median_us).toFixed(2)}x`);
  }
  const vsPeer = (w, peer, want) => {
    const o = ours(w), p = cell(w, peer);
    if (o && p) say(p.median_us / o.median_us >= want, `${w} >= ${want}x faster than ${peer}: ${(p.median_us / o.median_us).toFixed(2)}x (ours: ${o.impl})`);
  };
  vsPeer('mha_d64_h4_t128', 'ort-wasm', 1.5);
  vsPeer('mha_d64_h4_t4', 'ort-wasm', 4);
  vsPeer('pool_b32_t100_h64', 'tfjs-wasm', 4);
  if (page.gpu.available) {
    for (const [w, d] of Object.entries(page.dispatches)) {
      const what = w.startsWith('decode_') ? 'the whole decode, every layer' : 'one layer';
      say(d.dispatches <= 2 && d.readbacks === 1, `WebGPU ${w}: ${d.dispatches} dispatch${d.dispatches === 1 ? '' : 'es'} (${what}), ${d.readbacks} readback`);
      const g = cell(w, 'webgpu');
      if (g) say(g.median_us <= 1.5 * page.roundtrip.median_us,
                 `WebGPU ${w} end to end <= 1.5x the empty round trip: ${(g.median_us / page.roundtrip.median_us).toFixed(1)}x`);
    }
  }
  console.log('goals (measured in this run):');
  for (const l of lines) console.log(l);
}

// Read-modify-write: the other runners' rows (env native, node-wasm) stay; ours replace ours.
function writeResults(a, page, machine) {
  let file = { machine, results: [] };
  if (existsSync(a.out)) {
    try {
      file = JSON.parse(readFileSync(a.out, 'utf8'));
    } catch (e) {
      fail(`${a.out} exists but is not JSON (${e.message}); not overwriting it`);
    }
  }
  file.machine = file.machine || machine;
  file.results = Array.isArray(file.results) ? file.results : [];
  const mine = page.results.map((r) => ({
    workload: r.workload, impl: r.impl, env: 'chromium', median_us: r.median_us, p10_us: r.p10_us, p90_us: r.p90_us,
    max_abs_diff_vs_ref: r.max_abs_diff_vs_ref, max_abs_diff_bound: r.max_abs_diff_bound ?? null,
    ratio_to_best_peer: r.ratio_to_best_peer ?? null, samples: r.samples,
    ...(r.impl === 'webgpu' ? { adapter: page.gpu.adapter, cpu_adapter: page.gpu.cpu_adapter } : {}),
  }));
  if (page.roundtrip) {
    mine.push({ workload: 'empty_submit_readback', impl: 'webgpu', env: 'chromium', median_us: page.roundtrip.median_us,
                p10_us: page.roundtrip.p10_us, p90_us: page.roundtrip.p90_us, max_abs_diff_vs_ref: null,
                samples: page.roundtrip.samples, adapter: page.gpu.adapter, cpu_adapter: page.gpu.cpu_adapter });
  }
  const key = (r) => `${r.env}|${r.workload}|${r.impl}`;
  const replaced = new Set(mine.map(key));
  file.results = file.results.filter((r) => !replaced.has(key(r))).concat(mine);
  // Decode workloads: what was decoded, by every column.
  file.chromium = { userAgent: page.env.userAgent, adapter: page.gpu.adapter || null, peers: page.peers, quick: a.quick,
                    decode: page.decode ?? {} };
  mkdirSync(dirname(a.out), { recursive: true });
  writeFileSync(a.out, JSON.stringify(file, null, 2) + '\n');
  console.log(`wrote ${relative(process.cwd(), a.out) || a.out}`);
}

const a = parseArgs(process.argv.slice(2));
// A run that stalls says where, once a minute (on stderr; a quick run takes about 15 s): a test that
// stops it after its time limit then names the phase instead of printing nothing.
let phase = 'assembling the page';
const started = Date.now();
setInterval(() => console.error(`run.mjs: still ${phase} after ${Math.round((Date.now() - started) / 1000)} s`), 60000).unref();
const dir = assemble(a);
const server = await startServer(dir, a.serve ? Number(process.env.PORT ?? 8001) : 0);
// The default workloads: the kernel ones, then decode_<model> for every model the page lists.
async function defaultWorkloads(tab) {
  const models = await tab.evaluate(async () => { await window.attn.ready; return window.attn.models().map((m) => m.name); });
  return [...KERNEL_WORKLOADS, ...models.map((m) => `decode_${m}`)];
}

if (a.serve) {
  if (!a.workloads) {  // ask the page once, headless, which models it has
    const browser = await chromium.launch({ executablePath: a.chromium, headless: true, args: ['--no-sandbox', '--no-first-run'] });
    try {
      const tab = await browser.newPage();
      await tab.goto(server.url);
      a.workloads = await defaultWorkloads(tab);
    } finally {
      await browser.close();
    }
  }
  writeOnnxModels(a, dir);
  console.log(`Serving the benchmark page at ${server.url} (loopback only; Ctrl+C to stop)`);
} else {
  const flags = ['--no-sandbox', '--no-first-run', '--disable-background-networking', '--disable-component-update',
                 '--disable-sync', '--disable-quic', '--disable-dev-shm-usage', '--mute-audio',
                 ...(a.webgpu ? ['--enable-unsafe-webgpu'] : [])];
  const browser = await chromium.launch({ executablePath: a.chromium, headless: true, args: flags });
  let page, problems = [];
  const machine = `${os.cpus()[0]?.model ?? 'unknown cpu'}, ${os.cpus().length} cores, ${os.platform()} ${os.arch()}, ` +
                  `Chromium ${browser.version()}`;
  try {
    const tab = await browser.newPage({ viewport: { width: 900, height: 700 } });
    tab.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    phase = 'loading the page';
    await tab.goto(server.url);
    phase = 'waiting for attn.ready and the models';
    a.workloads ??= await defaultWorkloads(tab);
    writeOnnxModels(a, dir);
    phase = 'in the page\'s runBench';
    page = await tab.evaluate((config) => window.runBench(config),
                              { workloads: a.workloads, samples: a.samples, impls: a.webgpu ? IMPLS : IMPLS.filter((i) => i !== 'webgpu') });
  } catch (err) {
    problems.push(`the benchmark page failed: ${err.message}`);
  } finally {
    await browser.close();
    server.server.close();
  }
  if (page) {
    problems.push(...report(a, page, machine));
    goals(a, page);
    writeResults(a, page, machine);
  }
  if (problems.length) fail(`problems:\n  ${problems.join('\n  ')}`);
}
