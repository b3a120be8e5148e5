#!/usr/bin/env node
// A tiny static server for the admin what-if page: serves only www/ and pkg/ of this repository,
// on 127.0.0.1, with no dependencies. `node www/serve.mjs [--port N]` (or PORT=N); default 8080.
// `--port 0` picks a free port. The first line printed is the page's URL.
import { createServer } from 'node:http';
import { createReadStream, statSync } from 'node:fs';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const HOST = '127.0.0.1';
// Only these top-level directories are served; everything else is 404.
const SERVED = new Set(['www', 'pkg']);
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.csv': 'text/csv; charset=utf-8',
  '.ndjson': 'application/x-ndjson',
  '.md': 'text/markdown; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

function parsePort(argv) {
  let port = process.env.PORT ?? '8080';
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--port') port = argv[++i];
    else if (argv[i].startsWith('--port=')) port = argv[i].slice('--port='.length);
    else if (argv[i] === '--help' || argv[i] === '-h') {
      console.log('usage: node www/serve.mjs [--port N]   (or PORT=N; default 8080, 0 = any free port)');
      process.exit(0);
    } else {
      console.error(`serve: unknown option ${argv[i]} (options: --port N)`);
      process.exit(2);
    }
  }
  const n = Number(port);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    console.error(`serve: the port must be an integer 0..65535, got "${port}"`);
    process.exit(2);
  }
  return n;
}

/** The file a URL path names, or null when it is outside www/ and pkg/. */
function fileFor(urlPath) {
  let path;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (path.includes('\0')) return null;
  const file = resolve(root, '.' + path);
  // resolve() has removed every `..`; the result must still be inside one of the served trees.
  const top = file.startsWith(root + sep) ? file.slice(root.length + 1).split(sep)[0] : '';
  return SERVED.has(top) ? file : null;
}

function send(res, status, text) {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', `http://${HOST}`);
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed\n');
  if (url.pathname === '/' || url.pathname === '/www') {
    res.writeHead(302, { location: '/www/' });
    return res.end();
  }
  let file = fileFor(url.pathname);
  if (!file) return send(res, 404, 'not found\n');
  let stat;
  try {
    stat = statSync(file);
    if (stat.isDirectory()) {
      if (!url.pathname.endsWith('/')) {
        res.writeHead(302, { location: url.pathname + '/' });
        return res.end();
      }
      file = join(file, 'index.html');
      stat = statSync(file);
    }
  } catch {
    return send(res, 404, 'not found\n');
  }
  if (!stat.isFile()) return send(res, 404, 'not found\n');
  res.writeHead(200, {
    'content-type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'content-length': stat.size,
    // pkg/ may be rebuilt at any moment: always revalidate.
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
  });
  if (req.method === 'HEAD') return res.end();
  createReadStream(file).on('error', () => res.destroy()).pipe(res);
});

const port = parsePort(process.argv.slice(2));
server.on('error', (e) => {
  if (e.code === 'EADDRINUSE') {
    console.error(`serve: port ${port} on ${HOST} is already in use; choose another with --port N (or PORT=N)`);
  } else {
    console.error(`serve: cannot listen on ${HOST}:${port}: ${e.message}`);
  }
  process.exit(1);
});
server.listen(port, HOST, () => {
  const { port: actual } = server.address();
  console.log(`http://${HOST}:${actual}/www/`);
  console.log('serving www/ and pkg/ (the admin what-if page); Ctrl-C to stop');
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(0));
