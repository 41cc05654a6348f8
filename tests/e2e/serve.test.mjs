// serve.test.mjs: the server `make serve` runs: loopback only, COOP/COEP and wasm MIME headers,
// no path escapes its root, and a busy port gets a message that names the variable to change.
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
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
