// fuzz.mjs: runs the libFuzzer harnesses of tests/fuzz (built by the native-asan preset), --jobs at a
// time (default: the number of CPUs; each harness is one process on one core), each for a given time, starting from its committed corpus (tests/fuzz/corpus/<name>/).
// New inputs go to build/fuzz/corpus/<name>/ (the committed corpus changes only by hand), crashes to
// build/fuzz/artifacts/. Prints one line per harness with its executions and what it found, and
// (with --junit) writes one JUnit test case per harness: failed when the harness crashed, leaked,
// hit undefined behaviour, timed out on one input or did not run. With --runs N a harness stops after N
// executions of mutated inputs (libFuzzer's -runs), or after --seconds, whichever comes first.
// Not the harnesses themselves. Test: make test (each briefly) and make fuzz (FUZZ_SECONDS each).
// Usage: node scripts/fuzz.mjs [--seconds S] [--runs N] [--junit FILE] [--only name,name] [--build DIR] [--jobs N]
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const seconds = Number(opt('--seconds', '60'));
const runs = Number(opt('--runs', '0'));  // 0: no limit but the time
const junit = opt('--junit', '');
const build = resolve(root, opt('--build', 'build/native-asan'));
const corpusRoot = join(root, 'tests/fuzz/corpus');
const only = opt('--only', '');
const harnesses = (only ? only.split(',') : readdirSync(corpusRoot).sort()).filter(Boolean);
const jobs = Number(opt('--jobs', String(availableParallelism())));
if (!Number.isFinite(seconds) || seconds <= 0) {
  console.error('fuzz: --seconds must be a positive number');
  process.exit(2);
}
if (!Number.isInteger(runs) || runs < 0) {
  console.error('fuzz: --runs must be a whole number (0: no limit)');
  process.exit(2);
}
if (!Number.isInteger(jobs) || jobs < 1) {
  console.error('fuzz: --jobs must be a whole number from 1');
  process.exit(2);
}

const esc = (s) => String(s).replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]);

function runOne(name) {
  const exe = join(build, 'tests/fuzz', `fuzz_${name}`);
  const fresh = join(root, 'build/fuzz/corpus', name);
  const artifacts = join(root, 'build/fuzz/artifacts', name) + '/';
  mkdirSync(fresh, { recursive: true });
  mkdirSync(artifacts, { recursive: true });
  if (!existsSync(exe)) return Promise.resolve({ name, ok: false, execs: 0, seconds: 0, why: `${exe} is not built (make asan)` });
  // -timeout: one input taking longer is a finding; -rss_limit_mb: so is memory beyond 2 GB.
  const argv = [fresh, join(corpusRoot, name), `-max_total_time=${seconds}`, '-timeout=20', '-rss_limit_mb=2048',
                '-print_final_stats=1', `-artifact_prefix=${artifacts}`, '-max_len=4096', ...(runs ? [`-runs=${runs}`] : [])];
  const started = Date.now();
  return new Promise((done) => {
    const child = spawn(exe, argv, {
      cwd: root,
      env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1:allocator_may_return_null=1', UBSAN_OPTIONS: 'print_stacktrace=1' },
    });
    let log = '';
    child.stdout.on('data', (d) => { log += d; });
    child.stderr.on('data', (d) => { log += d; });
    child.on('close', (code) => {
      const execs = Number((log.match(/stat::number_of_executed_units:\s*(\d+)/) || [])[1] || 0);
      const elapsed = (Date.now() - started) / 1000;
      let why = '';
      if (code !== 0) {
        const summary = log.match(/SUMMARY: .*|ERROR: libFuzzer: .*|property failed: .*|==\d+==ERROR: .*/g) || [`exit code ${code}`];
        const saved = (log.match(/Test unit written to (\S+)/) || [])[1];
        why = summary.slice(0, 2).join('; ') + (saved ? ` (input: ${saved})` : '');
        writeFileSync(join(root, 'build/fuzz', `${name}.log`), log);
      }
      done({ name, ok: code === 0, execs, seconds: elapsed, why });
    });
  });
}

// `jobs` workers take the harnesses in order; results keep the harnesses' order.
const results = new Array(harnesses.length);
let next = 0;
async function worker() {
  while (next < harnesses.length) {
    const i = next++;
    const r = await runOne(harnesses[i]);
    results[i] = r;
    console.log(`fuzz_${r.name}: ${r.ok ? 'ok' : 'FAILED'}, ${r.execs} executions in ${r.seconds.toFixed(1)} s` +
                (r.ok ? '' : ` - ${r.why} (log: build/fuzz/${r.name}.log)`));
  }
}
await Promise.all(Array.from({ length: Math.min(jobs, harnesses.length) }, worker));
if (junit) {
  const failures = results.filter((r) => !r.ok).length;
  let xml = `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites tests="${results.length}" failures="${failures}">\n` +
            `<testsuite name="fuzz" tests="${results.length}" failures="${failures}">\n`;
  for (const r of results) {
    xml += `  <testcase classname="fuzz" name="fuzz_${esc(r.name)} (${r.execs} executions)" time="${r.seconds.toFixed(3)}">` +
           (r.ok ? '' : `<failure message="${esc(r.why)}"/>`) + '</testcase>\n';
  }
  writeFileSync(junit, xml + '</testsuite>\n</testsuites>\n');
}
process.exit(results.every((r) => r.ok) ? 0 : 1);
