// leaf-reporter.mjs: a node:test reporter that writes JUnit XML of the leaf tests only (not files or
// suites), the same on node 18 and 20, so scripts/summary.mjs counts each browser check once.
// Use: node --test --test-reporter=spec --test-reporter-destination=stdout
//        --test-reporter=./tests/e2e/leaf-reporter.mjs --test-reporter-destination=FILE.xml ...
const esc = (s) => String(s).replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]);

export default async function* leafReporter(source) {
  const cases = [];
  let lastNesting = -1;
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { name, nesting, details = {} } = event.data;
    // A test reported right after one deeper than itself has children: it is a file or a suite.
    const hasChildren = lastNesting === nesting + 1 || details.type === 'suite';
    lastNesting = nesting;
    if (hasChildren || event.data.skip) continue;
    const error = event.type === 'test:fail' ? (details.error?.cause?.message || details.error?.message || 'failed') : null;
    cases.push({ name, seconds: (details.duration_ms || 0) / 1000, error });
  }
  const failures = cases.filter((c) => c.error).length;
  yield `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites tests="${cases.length}" failures="${failures}">\n` +
        `<testsuite name="e2e" tests="${cases.length}" failures="${failures}">\n`;
  for (const c of cases) {
    yield `  <testcase name="${esc(c.name)}" time="${c.seconds.toFixed(3)}">` +
          (c.error ? `<failure message="${esc(c.error)}"/>` : '') + '</testcase>\n';
  }
  yield '</testsuite>\n</testsuites>\n';
}
