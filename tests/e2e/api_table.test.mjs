// api_table.test.mjs: README's window.attn table against the page. Every method the page offers on
// window.attn (a function, except the on* hooks the page sets for the engine) must be named in the
// table, and every name the table uses must exist on window.attn: an undocumented method or a
// documented-but-missing one fails. Then every method of the engine's one API table (attn.methods(),
// src/app/api_table.cpp) answers through attn.call (an unknown one says so), and attn_cli answers the
// engine's rows the same way while it refuses the page's ones with a reason.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLI, ROOT, suite } from './browser.mjs';

let page;
suite({ onPage: (p) => { page = p; } });

// The names README's window.attn table uses: every `attn.<name>` in its rows.
function documented() {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('## `window.attn`');
  assert.ok(start >= 0, 'README has a window.attn section');
  const rows = readme.slice(start).split('\n').filter((l) => l.startsWith('| ')).slice(1);  // after the header row
  const names = new Set();
  for (const row of rows) for (const m of row.matchAll(/\battn\.([A-Za-z_]\w*)/g)) names.add(m[1]);
  return names;
}

test("README's window.attn table names every method of the page, and nothing else", async () => {
  const docs = documented();
  await page.evaluate(() => window.attn.exportCsv());  // attn.lastExport exists once something was exported
  const onPage = await page.evaluate(() => Object.keys(window.attn).map((k) => [k, typeof window.attn[k]]));
  const keys = new Set(onPage.map(([k]) => k));
  const methods = onPage.filter(([k, t]) => t === 'function' && !/^on[A-Z]/.test(k)).map(([k]) => k);
  // A namespace of methods (attn.train): each of its methods is named in the table as attn.train.<name>.
  const nested = await page.evaluate(() => Object.entries(window.attn)
    .filter(([, v]) => v && typeof v === 'object' && Object.values(v).length && Object.values(v).every((f) => typeof f === 'function'))
    .flatMap(([k, v]) => Object.keys(v).map((f) => `${k}.${f}`)));
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const undocumentedNested = nested.filter((m) => !readme.includes(`attn.${m}(`));
  assert.deepEqual(undocumentedNested, [], `window.attn methods missing from README's table: ${undocumentedNested.join(', ')}`);
  const undocumented = methods.filter((m) => !docs.has(m));
  assert.deepEqual(undocumented, [], `window.attn methods missing from README's table: ${undocumented.join(', ')}`);
  const missing = [...docs].filter((d) => !keys.has(d));
  assert.deepEqual(missing, [], `README's table names what window.attn lacks: ${missing.join(', ')}`);
});

test('every row of the API table answers through attn.call; an unknown method is refused by name', async () => {
  const table = await page.evaluate(() => window.attn.methods());
  const names = table.map((m) => m.name);
  assert.equal(new Set(names).size, names.length, 'one row per method');
  for (const m of ['version', 'ui.state', 'ui.views', 'ui.backend', 'gpu.status', 'api.methods']) assert.ok(names.includes(m), m);
  const views = await page.evaluate(() => window.attn.views());
  for (const v of views) for (const m of v.methods) assert.ok(names.includes(m), `${v.id}'s ${m} is in the API table`);
  const err = await page.evaluate(() => { try { window.attn.call('no.such_method'); return ''; } catch (e) { return e.message; } });
  assert.equal(err, "no.such_method: unknown method 'no.such_method'");
  // methods that take no arguments answer without an error
  for (const m of ['version', 'api.methods', 'ui.state', 'ui.views', 'ui.models', 'ui.perf', 'ui.page', 'ui.link_state', 'gpu.status'])
    await page.evaluate((name) => window.attn.call(name), m);
});

test('attn_cli answers through the same table: the engine rows, and the page rows refused with a reason', () => {
  const run = (...args) => {
    try {
      return { code: 0, out: JSON.parse(execFileSync(CLI, args, { encoding: 'utf8' })) };
    } catch (e) {
      return { code: e.status, out: JSON.parse(e.stdout) };
    }
  };
  const listed = run('api.methods');
  assert.equal(listed.code, 0);
  const engine = listed.out.filter((m) => !m.needs_app).map((m) => m.name);
  assert.ok(engine.includes('version') && engine.includes('workload.run'), engine.join(', '));
  assert.equal(run('version').out.version, '0.1.0');
  assert.equal(run('version').out.max_model_file_bytes, 64 * 1024 * 1024, 'the largest model file (views/model_store.h)');
  const refused = run('ui.state');
  assert.equal(refused.code, 1);
  assert.match(refused.out.error, /^ui\.state: answered by the running page only/);
});
