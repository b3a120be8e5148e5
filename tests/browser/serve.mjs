// A tiny static file server for the browser tests: 127.0.0.1 only, a random free port, `.wasm`
// served as application/wasm (WebAssembly.instantiateStreaming requires it), no directory listings.
import { createServer } from 'node:http';
import { createReadStream, statSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** Serves `root` at http://127.0.0.1:<port>/; resolves to `{ url, close() }`. */
export function serve(root) {
  root = resolve(root);
  const server = createServer((req, res) => {
    let file;
    try {
      const path = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname);
      file = resolve(join(root, path));
      if (file !== root && !file.startsWith(root + sep)) throw new Error('outside the root');
      if (statSync(file).isDirectory()) file = join(file, 'index.html');
      if (!statSync(file).isFile()) throw new Error('not a file');
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    createReadStream(file).pipe(res);
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      ok({ url: `http://127.0.0.1:${port}/`, close: () => new Promise((done) => server.close(done)) });
    });
  });
}
