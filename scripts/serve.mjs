// serve.mjs: a small static file server for the built page, on loopback only.
// Sends COOP/COEP headers (cross-origin isolation: precise timers for benchmarks), the right MIME
// types (application/wasm), gzip when the browser accepts it (as any real host would: the page's
// transfer size is measured that way), and never serves outside its root. Used by `make serve` and the tests.
// Usage: node scripts/serve.mjs [ROOT] [--port N] [--no-gzip]   (PORT env also works; 0 picks a free port)
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const MIME = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.wasm': 'application/wasm', '.json': 'application/json; charset=utf-8',
  '.png': 'image/png', '.svg': 'image/svg+xml', '.ttf': 'font/ttf', '.tsv': 'text/tab-separated-values; charset=utf-8',
  '.safetensors': 'application/octet-stream', '.txt': 'text/plain; charset=utf-8', '.wgsl': 'text/plain; charset=utf-8',
};

// Worth compressing: text, the module, the font, the weights. Not images (already compressed).
const GZIP_TYPES = new Set(['.html', '.js', '.mjs', '.css', '.wasm', '.json', '.svg', '.ttf', '.tsv', '.safetensors', '.txt', '.wgsl']);

// Starts serving `root` on 127.0.0.1:port. Resolves with { server, port, url }.
// gzip: compress (level 9, once per file version, kept in memory) when Accept-Encoding allows.
export function startServer(root, port = 0, { gzip = true } = {}) {
  const base = resolve(root);
  const compressed = new Map();  // path -> { mtimeMs, size, body }
  const server = createServer(async (req, res) => {
    const headers = {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Cache-Control': 'no-cache',
    };
    try {
      const path = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
      let file = normalize(join(base, path));
      if (file !== base && !file.startsWith(base + sep)) throw Object.assign(new Error('outside root'), { code: 'ENOENT' });
      let info = await stat(file);
      if (info.isDirectory()) {
        file = join(file, 'index.html');
        info = await stat(file);
      }
      let body = await readFile(file);
      const type = { 'Content-Type': MIME[extname(file)] || 'application/octet-stream' };
      if (gzip && GZIP_TYPES.has(extname(file))) {
        type.Vary = 'Accept-Encoding';
        if (/\bgzip\b/.test(req.headers['accept-encoding'] || '')) {
          let cached = compressed.get(file);
          if (!cached || cached.mtimeMs !== info.mtimeMs || cached.size !== info.size) {
            cached = { mtimeMs: info.mtimeMs, size: info.size, body: gzipSync(body, { level: 9 }) };
            compressed.set(file, cached);
          }
          body = cached.body;
          type['Content-Encoding'] = 'gzip';
        }
      }
      res.writeHead(200, { ...headers, ...type, 'Content-Length': body.length });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch (err) {
      const status = err.code === 'ENOENT' || err.code === 'ENOTDIR' ? 404 : 500;
      res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(status === 404 ? 'not found\n' : 'server error\n');
    }
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const actual = server.address().port;
      resolvePromise({ server, port: actual, url: `http://127.0.0.1:${actual}/` });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const portFlag = args.indexOf('--port');
  const port = Number(portFlag >= 0 ? args[portFlag + 1] : (process.env.PORT ?? 8000));
  const root = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--port') ?? 'build/wasm-release/web';
  const gzip = !args.includes('--no-gzip');
  try {
    await stat(join(root, 'index.html'));
  } catch {
    console.error(`serve: ${root}/index.html not found: build the page first (make serve does)`);
    process.exit(1);
  }
  try {
    const { url } = await startServer(root, port, { gzip });
    console.log(`Serving ${root} at ${url} (loopback only${gzip ? ', gzip' : ''}; Ctrl+C to stop)`);
  } catch (err) {
    if (err.code === 'EADDRINUSE') console.error(`serve: port ${port} is busy: choose another with PORT, e.g. make serve PORT=8080`);
    else console.error(`serve: cannot listen on 127.0.0.1:${port}: ${err.message}`);
    process.exit(1);
  }
}
