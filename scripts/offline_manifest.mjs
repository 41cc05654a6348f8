// offline_manifest.mjs: writes the service worker of a built page: web/sw.js with this build's version
// (a content hash of every file in the page's folder and of the worker itself) and the list of those
// files, as <folder>/sw.js. Run by the wasm build after the module and the page are in place
// (src/app/app.cmake). Not a bundler: it reads the folder as it is and rewrites one line.
// Test: tests/e2e/offline.test.mjs (a rebuilt folder gets a new version and replaces the old cache).
// Usage: node scripts/offline_manifest.mjs <page folder> [<worker template, default web/sw.js>]
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const WORKER = 'sw.js';
const LINE = /^const BUILD = .*\/\/ @build$/m;

// Every file under dir, as paths relative to dir with '/' separators, sorted (scripts/dist.mjs too).
export function filesUnder(dir) {
  const out = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push(relative(dir, p).split(sep).join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

// Every file of the page but the worker itself.
const pageFiles = (dir) => filesUnder(dir).filter((f) => f !== WORKER);

// The worker for the page in dir, from the template: { version, files, text } (nothing written).
export function offlineWorker(dir, template) {
  const source = readFileSync(template, 'utf8');
  if (!LINE.test(source)) throw new Error(`${template} has no 'const BUILD = ...  // @build' line to fill in`);
  const files = pageFiles(dir);
  for (const required of ['index.html', 'attn.js', 'attn.wasm']) {
    if (!files.includes(required)) throw new Error(`${dir} has no ${required}: build the page first (make wasm)`);
  }
  const hash = createHash('sha256').update(source);
  for (const f of files) hash.update(f + '\0' + createHash('sha256').update(readFileSync(join(dir, f))).digest('hex') + '\n');
  const version = hash.digest('hex').slice(0, 16);
  const text = source.replace(LINE, () => `const BUILD = ${JSON.stringify({ version, files })};  // @build`);
  return { version, files, text };
}

// Writes <dir>/sw.js from the template; returns { version, files, changed }.
export function writeOfflineWorker(dir, template) {
  const { version, files, text } = offlineWorker(dir, template);
  const target = join(dir, WORKER);
  const changed = !existsSync(target) || readFileSync(target, 'utf8') !== text;
  if (changed) writeFileSync(target, text);  // unchanged builds keep the file (and its date) as it was
  return { version, files, changed };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [dir, template = join(dirname(fileURLToPath(import.meta.url)), '../web/sw.js')] = process.argv.slice(2);
  if (!dir) {
    console.error('usage: node scripts/offline_manifest.mjs <page folder> [<worker template>]');
    process.exit(2);
  }
  try {
    const { version, files, changed } = writeOfflineWorker(dir, template);
    console.log(`offline: ${join(dir, WORKER)} ${changed ? 'written' : 'unchanged'}, version ${version}, ${files.length} files`);
  } catch (err) {
    console.error(`offline_manifest: ${err.message}`);
    process.exit(1);
  }
}
