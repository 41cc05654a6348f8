// summary.mjs: reads the JUnit XML that every test run wrote to build/test-results/ (GoogleTest
// native and wasm, ctest's other checks such as the benchmark smoke runs, the browser tests) and
// prints one line:
//   N passed, M failed
// An expected report that is missing (a binary that crashed before writing it) counts as a failure.
// Usage: node scripts/summary.mjs RESULTS_DIR expected1.xml expected2.xml ...
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const [dir = 'build/test-results', ...expected] = process.argv.slice(2);
let passed = 0, failed = 0;
const lines = [];
const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.xml')).sort() : [];
for (const name of expected) {
  if (!files.includes(name)) {
    failed += 1;
    lines.push(`  ${name}: MISSING (the run crashed or did not start)`);
  }
}
for (const name of files) {
  const xml = readFileSync(join(dir, name), 'utf8');
  // Each <testcase ...> is one test; it failed when a <failure or <error element sits inside it.
  let cases = xml.match(/<testcase\b[\s\S]*?(?:\/>|<\/testcase>)/g) || [];
  // ctest's own report lists each GoogleTest binary as one test; its cases are counted from the
  // binary's report (unit-*.xml), so count only ctest's other checks here.
  if (name.startsWith('ctest-')) cases = cases.filter((c) => !/name="unit_tests_/.test(c));
  let p = 0, f = 0;
  const failedNames = [];
  for (const c of cases) {
    const selfClosing = /^<testcase\b[^>]*\/>$/.test(c);
    if (!selfClosing && /<(failure|error)\b/.test(c)) {
      f += 1;
      failedNames.push((c.match(/name="([^"]*)"/) || [])[1]);
    } else if (/<skipped\b/.test(c) || /status="notrun"/.test(c)) {
      continue;
    } else {
      p += 1;
    }
  }
  passed += p; failed += f;
  lines.push(`  ${name}: ${p} passed, ${f} failed${failedNames.length ? ' (' + failedNames.join('; ') + ')' : ''}`);
}
console.log('Test reports:');
console.log(lines.join('\n'));
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
