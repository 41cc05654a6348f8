// run.mjs: runs the native (Google Benchmark) and node-wasm benchmarks of every workload with the
// Scalar and Simd backends, prints one table (median, p10-p90, SIMD/scalar speedup measured in the
// same run, GFLOP/s, max |simd - scalar|) and writes build/bench/results.json. Not a benchmark
// itself; no npm dependencies. Its --quick mode is a test (ctest: bench_quick_native, bench_quick_wasm).
//
// Usage: node tests/bench/run.mjs [--quick] [--only native|wasm] [--native PATH] [--wasm PATH]
//                                 [--workloads a,b,...] [--out FILE]
//   defaults: build/native-release/tests/bench/bench_native, build/wasm-release/tests/bench/bench_wasm.js,
//             build/bench/results.json (paths relative to the repository root)
// Exit status 1 when a harness is missing or fails, a result is missing or not finite, or the Simd
// output differs from the Scalar one by more than kMaxAbsDiff.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
// Workload outputs are O(1); the kernels agree to ~1e-6 (tests/unit/test_kernels.cpp). 1e-4 flags a
// real bug without tripping on rounding.
const kMaxAbsDiff = 1e-4;

function parseArgs(argv) {
  const a = {
    quick: false,
    only: null,
    native: path.join(root, 'build/native-release/tests/bench/bench_native'),
    wasm: path.join(root, 'build/wasm-release/tests/bench/bench_wasm.js'),
    workloads: null,
    out: path.join(root, 'build/bench/results.json'),
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) fail(`${arg} needs a value`);
      return argv[++i];
    };
    if (arg === '--quick') a.quick = true;
    else if (arg === '--only') a.only = value();
    else if (arg === '--native') a.native = path.resolve(value());
    else if (arg === '--wasm') a.wasm = path.resolve(value());
    else if (arg === '--workloads') a.workloads = value();
    else if (arg === '--out') a.out = path.resolve(value());
    else fail(`unknown argument ${arg}`);
  }
  if (a.only && a.only !== 'native' && a.only !== 'wasm') fail(`--only takes native or wasm, not ${a.only}`);
  return a;
}

function fail(msg) {
  console.error(`run.mjs: ${msg}`);
  process.exit(1);
}

// Linear interpolation between order statistics (p = q (n - 1)), the same as bench_wasm.cpp.
function quantile(values, q) {
  const v = [...values].sort((x, y) => x - y);
  const pos = q * (v.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, v.length - 1);
  return v[lo] + (v[hi] - v[lo]) * (pos - lo);
}

function run(cmd, args, what) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.error || r.status !== 0) fail(`${what} failed (${r.error ?? `exit ${r.status}`}):\n${r.stderr}`);
  try {
    // Google Benchmark writes a bare NaN for 0/0 statistics (the coefficient of variation of a
    // constant counter); quote it so the JSON parses and a NaN still fails every numeric check.
    return JSON.parse(r.stdout.replace(/:\s*(-?)(NaN|inf|Infinity)\b/g, ': "$1$2"'));
  } catch (e) {
    fail(`${what} printed no JSON: ${e.message}\n${r.stdout.slice(0, 2000)}`);
  }
}

function runNative(a) {
  if (!existsSync(a.native)) fail(`no native benchmark at ${a.native}: build the native-release tree first`);
  const args = ['--benchmark_format=json', '--benchmark_enable_random_interleaving=true',
    a.quick ? '--reps=3' : '--reps=15', a.quick ? '--min_time=0.005' : '--min_time=0.05'];
  if (a.workloads) args.push(`--workloads=${a.workloads}`);
  const json = run(a.native, args, 'bench_native');
  const byKey = new Map();  // "workload/impl" -> {times, diff, flops}
  for (const b of json.benchmarks) {
    if (b.run_type !== 'iteration') continue;
    if (b.time_unit !== 'us') fail(`bench_native reported ${b.time_unit}, expected us`);
    const [workload, impl] = b.name.split('/');
    const key = `${workload}/${impl}`;
    if (!byKey.has(key)) byKey.set(key, { workload, impl, times: [], diff: b.max_abs_diff_vs_ref, flops: b.flops });
    byKey.get(key).times.push(b.real_time);
  }
  return [...byKey.values()].map((r) => ({
    workload: r.workload, impl: r.impl, env: 'native',
    median_us: quantile(r.times, 0.5), p10_us: quantile(r.times, 0.1), p90_us: quantile(r.times, 0.9),
    max_abs_diff_vs_ref: r.diff, flops: r.flops, samples: r.times.length,
  }));
}

function runWasm(a) {
  if (!existsSync(a.wasm)) fail(`no wasm benchmark at ${a.wasm}: build the wasm-release tree first`);
  const args = ['--no-experimental-fetch', a.wasm];
  if (a.quick) args.push('--quick');
  if (a.workloads) args.push(`--workloads=${a.workloads}`);
  const json = run(process.execPath, args, 'bench_wasm');
  return json.results.map((r) => ({
    workload: r.workload, impl: r.impl, env: r.env,
    median_us: r.median_us, p10_us: r.p10_us, p90_us: r.p90_us,
    max_abs_diff_vs_ref: r.max_abs_diff_vs_ref, flops: r.flops, samples: r.samples_us.length,
  }));
}

function fmt(x, digits = 1) {
  return x >= 1000 ? x.toFixed(0) : x.toFixed(digits);
}

const a = parseArgs(process.argv.slice(2));
const results = [];
if (a.only !== 'wasm') results.push(...runNative(a));
if (a.only !== 'native') results.push(...runWasm(a));

// one order for the table and the file: env, then workload (numbers compared as numbers), scalar first
const envOrder = { native: 0, 'node-wasm': 1 };
results.sort((x, y) => (envOrder[x.env] - envOrder[y.env]) ||
  x.workload.localeCompare(y.workload, 'en', { numeric: true }) || x.impl.localeCompare(y.impl));

// speedup and GFLOP/s, both from this run
const problems = [];
for (const r of results) {
  const scalar = results.find((s) => s.env === r.env && s.workload === r.workload && s.impl === 'scalar');
  r.speedup_vs_scalar = scalar ? scalar.median_us / r.median_us : null;
  r.gflops = r.flops / (r.median_us * 1e3);
  for (const k of ['median_us', 'p10_us', 'p90_us']) {
    if (!(Number.isFinite(r[k]) && r[k] > 0)) problems.push(`${r.env} ${r.workload} ${r.impl}: ${k} = ${r[k]}`);
  }
  if (!(r.max_abs_diff_vs_ref <= kMaxAbsDiff)) {
    problems.push(`${r.env} ${r.workload} ${r.impl}: max_abs_diff_vs_ref ${r.max_abs_diff_vs_ref} > ${kMaxAbsDiff}`);
  }
}
const envs = [...new Set(results.map((r) => r.env))];
const workloads = [...new Set(results.map((r) => r.workload))];
for (const env of envs) {
  for (const w of workloads) {
    for (const impl of ['scalar', 'simd']) {
      if (!results.some((r) => r.env === env && r.workload === w && r.impl === impl)) problems.push(`${env} ${w}: no ${impl} result`);
    }
  }
}

const machine = `${os.cpus()[0]?.model ?? 'unknown cpu'}, ${os.cpus().length} cores, ${os.platform()} ${os.arch()}, node ${process.version}`;
const header = ['workload', 'env', 'impl', 'median us', 'p10-p90 us', 'GFLOP/s', 'simd/scalar', 'max_abs_diff_vs_ref'];
const rows = results.map((r) => [
  r.workload, r.env, r.impl, fmt(r.median_us, 2), `${fmt(r.p10_us, 2)}-${fmt(r.p90_us, 2)}`, r.gflops.toFixed(2),
  r.impl === 'scalar' ? '1.00x' : `${r.speedup_vs_scalar.toFixed(2)}x`, r.max_abs_diff_vs_ref.toExponential(2),
]);
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
const line = (cells) => cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
console.log(`machine: ${machine}${a.quick ? '   (--quick: few samples, timings indicative only)' : ''}`);
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const row of rows) console.log(line(row));

mkdirSync(path.dirname(a.out), { recursive: true });
writeFileSync(a.out, JSON.stringify({
  machine,
  quick: a.quick,
  results: results.map((r) => ({
    workload: r.workload, impl: r.impl, env: r.env, median_us: r.median_us, p10_us: r.p10_us, p90_us: r.p90_us,
    max_abs_diff_vs_ref: r.max_abs_diff_vs_ref, speedup_vs_scalar: r.speedup_vs_scalar, gflops: r.gflops,
    samples: r.samples,
  })),
}, null, 2) + '\n');
console.log(`wrote ${path.relative(process.cwd(), a.out) || a.out}`);

if (problems.length) fail(`problems:\n  ${problems.join('\n  ')}`);
