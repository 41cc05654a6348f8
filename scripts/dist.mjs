// dist.mjs: `make dist`: the built page as a folder for any static web server, and a .zip of it:
// <out>/attention-step-by-step/ (the page, attn.js, attn.wasm, the font, the models, the offline worker,
// README.txt) and <out>/attention-step-by-step.zip. It copies the wasm build's page folder, checks that
// every path in it is relative and that nothing needs special server headers, and zips it with python3's
// zipfile module. Not a build step: it packs what `make wasm` built.
// Test: tests/e2e/dist.test.mjs (served under a sub-path by a server that sends no COOP/COEP headers).
// Usage: node scripts/dist.mjs [--web build/wasm-release/web] [--out build/dist]
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { filesUnder } from './offline_manifest.mjs';

export const NAME = 'attention-step-by-step';
const REQUIRED = ['index.html', 'strings.js', 'loader.js', 'page.js', 'train.js', 'train_worker.js', 'attn.js', 'attn.wasm',
                  'attn_train.js', 'attn_train.wasm', 'sw.js', 'fonts/DejaVuSans.ttf'];

// What a teacher who unpacks the .zip reads first (README.md's Hosting section says the same).
const README = `attention, step by step: the page, ready for any web server
===========================================================

Everything here is plain files: copy this folder, as it is, to any place a web
server serves, and open that address in a browser. No special server settings
are needed, and nothing is downloaded from anywhere else.

- A school or home server: copy the folder into the server's web folder (for
  example /var/www/html/attention-step-by-step/) and open
  http://<server>/attention-step-by-step/
- A static page service (GitHub Pages, GitLab Pages, Netlify, ...): upload the
  folder's contents (or put them in the repository folder the service
  publishes) and open the address it gives.
- On your own computer: in this folder run   python3 -m http.server 8000
  and open http://localhost:8000/

Opening index.html by double-clicking does not work: browsers let a page read
its files (the engine, the models) only from a web server.

Offline: over https (as GitHub Pages serves) or from localhost, the first visit
stores every file in the browser; later visits work without a network. A new
copy of this folder on the server replaces the stored one at the next visit.
Over plain http from another machine, browsers do not store pages this way:
the page works, but needs the network on each visit.
`;

// Paths the page asks for must be relative, so the folder works under any path of any host.
function checkRelative(dir) {
  const problems = [];
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  for (const [, attr, value] of html.matchAll(/\b(src|href)\s*=\s*"([^"]*)"/g)) {
    if (/^(\/|[a-z][a-z0-9+.-]*:\/\/)/i.test(value)) problems.push(`index.html: ${attr}="${value}" is not relative`);
  }
  const worker = readFileSync(join(dir, 'sw.js'), 'utf8').match(/^const BUILD = (.*);  \/\/ @build$/m);
  const build = worker ? JSON.parse(worker[1]) : null;
  if (!build || !build.version) problems.push('sw.js has no build version: build the page with make wasm');
  else {
    for (const f of build.files) if (f.startsWith('/') || f.includes('..') || f.includes('://')) problems.push(`sw.js: '${f}' is not relative`);
  }
  return { problems, build };
}

// Writes the folder and the .zip; returns { folder, zip, files, bytes, zipBytes, version }.
export function makeDist({ web, out }) {
  for (const f of REQUIRED) {
    if (!existsSync(join(web, f))) throw new Error(`${join(web, f)} is missing: build the page first (make wasm)`);
  }
  const { problems, build } = checkRelative(web);
  if (problems.length) throw new Error(problems.join('; '));
  const folder = join(out, NAME);
  const zip = join(out, `${NAME}.zip`);
  mkdirSync(out, { recursive: true });
  rmSync(folder, { recursive: true, force: true });
  rmSync(zip, { force: true });
  cpSync(web, folder, { recursive: true });
  // The worker stores exactly its build's files: a file it does not list (left over from an older
  // build) would be served online but missing offline, so only the listed ones are packed.
  for (const f of filesUnder(folder)) {
    if (f !== 'sw.js' && !build.files.includes(f)) rmSync(join(folder, f));
  }
  writeFileSync(join(folder, 'README.txt'), README);
  const zipped = spawnSync('python3', ['-m', 'zipfile', '-c', `${NAME}.zip`, `${NAME}/`], { cwd: out, encoding: 'utf8' });
  if (zipped.error || zipped.status !== 0) {
    throw new Error(`could not write ${zip} with python3's zipfile: ${zipped.error?.message ?? zipped.stderr.trim()}`);
  }
  const files = filesUnder(folder);
  const bytes = files.reduce((n, f) => n + statSync(join(folder, f)).size, 0);
  return { folder, zip, files, bytes, zipBytes: statSync(zip).size, version: build.version };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
  try {
    const r = makeDist({ web: opt('--web', 'build/wasm-release/web'), out: opt('--out', 'build/dist') });
    const mb = (n) => (n / 1048576).toFixed(1);
    console.log(`dist: ${r.folder}/ (${r.files.length} files, ${mb(r.bytes)} MB, version ${r.version}) and ${r.zip} (${mb(r.zipBytes)} MB)`);
    console.log('dist: copy the folder to any web server (README.md, Hosting); no special headers are needed');
  } catch (err) {
    console.error(`dist: ${err.message}`);
    process.exit(1);
  }
}
