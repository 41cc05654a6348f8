// strings_used.mjs: every string id the sources name literally (tr("..."), trf("..."), label_id("..."),
// stage/view/normalizer ids built from their tables aside) and every T('...') of web/*.js is a row of
// the strings table (src/views/strings_table.inc), so no screen shows a raw id; and no row is named
// twice. Not the translations' quality or completeness (tests/unit/test_views_strings.cpp). Run by ctest
// (strings_used); usage: node tests/checks/strings_used.mjs [ROOT]. Test: tests/checks/strings_used.mjs is its
// own test (ctest strings_used: it fails when no id is found, so a stale pattern cannot pass quietly).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readTable } from '../../scripts/strings_js.mjs';

const root = process.argv[2] || process.cwd();
const rows = readTable(readFileSync(join(root, 'src/views/strings_table.inc'), 'utf8'));
const ids = new Set();
const problems = [];
for (const r of rows) {
  if (ids.has(r.id)) problems.push(`the table names ${r.id} twice`);
  ids.add(r.id);
}
const files = [];
for (const dir of ['src/ui', 'src/app', 'src/views'])
  for (const f of readdirSync(join(root, dir))) if (/\.(h|cpp)$/.test(f)) files.push(join(dir, f));
for (const f of readdirSync(join(root, 'web'))) if (f.endsWith('.js')) files.push(join('web', f));
const cpp = /\b(?:tr|trf|tr_in|label_id)\((?:[^,()"]*,\s*)?"([a-z0-9_]+\.[a-z0-9_.]+)"/g;
const js = /\bT\('([a-z0-9_]+\.[a-z0-9_.]+)'/g;
let named = 0;
for (const f of files) {
  const text = readFileSync(join(root, f), 'utf8');
  for (const m of text.matchAll(f.endsWith('.js') ? js : cpp)) {
    ++named;
    if (!ids.has(m[1])) problems.push(`${f}: "${m[1]}" is not in the strings table`);
  }
}
if (named === 0) problems.push('no string id found in the sources: the patterns are out of date');
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`strings_used: ${named} ids named in the sources, all among the table's ${rows.length} rows`);
