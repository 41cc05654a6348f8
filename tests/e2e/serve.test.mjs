// serve.test.mjs: the server `make serve` runs: loopback only, COOP/COEP and wasm MIME headers,
// no path escapes its root, a busy port gets a message that names the variable to change, and gzip.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ROOT, WEB_DIR } from './browser.mjs';
import { startServer } from '../../scripts/serve.mjs';

test('serves the page with cross-origin isolation and the wasm MIME type, loopback only', async () => {
  const { server, url } = await startServer(WEB_DIR, 0);
  try {
    assert.equal(server.address().address, '127.0.0.1');
    const wasm = await fetch(url + 'attn.wasm');
    assert.equal(wasm.status, 200);
    assert.equal(wasm.headers.get('content-type'), 'application/wasm');
    assert.equal(wasm.headers.get('cross-origin-opener-policy'), 'same-origin');
    assert.equal(wasm.headers.get('cross-origin-embedder-policy'), 'require-corp');
    const escape = await fetch(url + '..%2f..%2fMakefile');
    assert.equal(escape.status, 404);
  } finally {
    server.close();
  }
});

test('a busy port is reported with the variable to change', async () => {
  const blocker = createServer();
  await new Promise((r) => blocker.listen(0, '127.0.0.1', r));
  const port = blocker.address().port;
  try {
    const run = spawnSync(process.execPath, [join(ROOT, 'scripts/serve.mjs'), WEB_DIR, '--port', String(port)],
                          { encoding: 'utf8', timeout: 10000 });
    assert.equal(run.status, 1);
    assert.match(run.stderr, new RegExp(`port ${port} is busy.*PORT`));
  } finally {
    blocker.close();
  }
});

// The raw response of GET path with the given request headers (node's fetch would decompress it).
function rawGet(url, headers) {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

test('gzip when the browser accepts it (the page\'s transfer size is measured so), identity otherwise or with --no-gzip', async () => {
  const file = readFileSync(join(WEB_DIR, 'attn.wasm'));
  const { server, url } = await startServer(WEB_DIR, 0);
  const plain = await startServer(WEB_DIR, 0, { gzip: false });
  try {
    const zipped = await rawGet(url + 'attn.wasm', { 'Accept-Encoding': 'gzip, deflate, br' });
    assert.equal(zipped.headers['content-encoding'], 'gzip');
    assert.equal(zipped.headers.vary, 'Accept-Encoding');
    assert.equal(Number(zipped.headers['content-length']), zipped.body.length);
    assert.ok(zipped.body.length < file.length * 0.6, `${zipped.body.length} of ${file.length} bytes`);
    assert.ok(gunzipSync(zipped.body).equals(file), 'the same bytes once decompressed');
    const identity = await rawGet(url + 'attn.wasm', {});
    assert.equal(identity.headers['content-encoding'], undefined);
    assert.ok(identity.body.equals(file));
    const off = await rawGet(plain.url + 'attn.wasm', { 'Accept-Encoding': 'gzip' });
    assert.equal(off.headers['content-encoding'], undefined);
    assert.ok(off.body.equals(file));
  } finally {
    server.close();
    plain.server.close();
  }
});
