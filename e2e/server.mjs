// A tiny static file server for the built app (dist/), with the cross-origin isolation headers
// (COOP same-origin + COEP require-corp) that `trunk serve` also sends, so SharedArrayBuffer is
// available exactly as in development. No dependencies; loopback only.
//
// As a module:  const srv = await startServer({ root: 'dist' }); ... srv.url ...; await srv.close();
// As a command: node e2e/server.mjs [DIR=dist] [PORT=0]   (0 = a free port; prints the URL)

import { createServer } from 'node:http';
import { createReadStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/**
 * Starts the server on 127.0.0.1; resolves to { url, port, close() }. `isolation: false` leaves
 * out the COOP/COEP headers (a static host without them, or an LMS); `prefix` (e.g. '/course/x')
 * serves the site from that sub-folder only, as a host that publishes it there.
 */
export async function startServer({ root = 'dist', port = 0, host = '127.0.0.1', isolation = true, prefix = '' } = {}) {
  const base = path.resolve(root);
  const server = createServer(async (req, res) => {
    const headers = { ...(isolation ? ISOLATION_HEADERS : {}), 'Cache-Control': 'no-store' };
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, headers).end();
        return;
      }
      let urlPath = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      if (prefix) {
        if (!urlPath.startsWith(prefix + '/')) {
          res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('not found (outside the sub-folder)');
          return;
        }
        urlPath = urlPath.slice(prefix.length);
      }
      let file = path.join(base, urlPath);
      if (file !== base && !file.startsWith(base + path.sep)) {
        res.writeHead(403, headers).end('forbidden');
        return;
      }
      let stat = await fs.stat(file).catch(() => null);
      if (stat && stat.isDirectory()) {
        file = path.join(file, 'index.html');
        stat = await fs.stat(file).catch(() => null);
      }
      if (!stat || !stat.isFile()) {
        res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('not found');
        return;
      }
      const type = TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream';
      res.writeHead(200, { ...headers, 'Content-Type': type, 'Content-Length': stat.size });
      if (req.method === 'HEAD') {
        res.end();
        return;
      }
      createReadStream(file).on('error', () => res.destroy()).pipe(res);
    } catch (err) {
      res.writeHead(500, headers).end(String(err));
    }
  });
  // Keep-alive sockets would hold close() open; track and end them.
  const sockets = new Set();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const actual = server.address().port;
  return {
    url: `http://${host}:${actual}`,
    port: actual,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [root = 'dist', port = '0'] = process.argv.slice(2);
  const srv = await startServer({ root, port: Number(port) });
  console.log(`serving ${path.resolve(root)} at ${srv.url}/ (COOP/COEP on; Ctrl-C stops)`);
  const stop = async () => {
    await srv.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
