// plain_host.mjs: a static web server as plain as a school's or a page service's, for the tests of the
// packed page: files under a sub-path (/course/attention/ by default), with Content-Type and
// Content-Length only: no COOP/COEP/CORP, no gzip, no cache headers, and .wasm sent as
// application/octet-stream as an old server would. It counts requests, records any outside its
// sub-path, and can switch its folder (a new build put on the server). Not the project's server
// (scripts/serve.mjs, which sends the isolation headers). Test: tests/e2e/dist.test.mjs, tests/e2e/offline.test.mjs.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf',
                '.txt': 'text/plain; charset=utf-8' };

// Serves `root` at http://127.0.0.1:<free port><prefix>. Resolves with { url, requests, outside,
// setRoot(dir), close() }: requests counts every request, outside lists paths asked outside the prefix.
export async function plainHost(root, prefix = '/course/attention/') {
  const host = { requests: 0, outside: [], root: resolve(root) };
  host.setRoot = (dir) => { host.root = resolve(dir); };
  const server = createServer(async (req, res) => {
    host.requests += 1;
    const path = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
    if (!path.startsWith(prefix)) {
      host.outside.push(path);
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found\n');
      return;
    }
    try {
      let file = normalize(join(host.root, path.slice(prefix.length)));
      if (file !== host.root && !file.startsWith(host.root + sep)) throw Object.assign(new Error('outside'), { code: 'ENOENT' });
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      res.writeHead(200, { 'Content-Type': TYPES[extname(file)] || 'application/octet-stream', 'Content-Length': body.length });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found\n');
    }
  });
  await new Promise((ok, fail) => { server.once('error', fail); server.listen(0, '127.0.0.1', ok); });
  host.url = `http://127.0.0.1:${server.address().port}${prefix}`;
  host.close = () => { server.closeAllConnections?.(); server.close(); };
  return host;
}
