/**
 * The first-paint bench page: the built renderer (dist/renderer) served by a
 * tiny HTTP server on 127.0.0.1, with /bench.html = dist/renderer/index.html
 * plus browser/bench-fake-bridge.js loaded before the app's module script.
 * Bench-only: no token, no WebSocket, nothing but GET of these files.
 */
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

const FAKE_BRIDGE = join(import.meta.dirname, 'browser', 'bench-fake-bridge.js');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

export interface BenchPage {
  /** The page, without query: add `?rows=N`. */
  url: string;
  close(): Promise<void>;
}

/** index.html with the fake bridge's classic script before the first module script. */
export function benchHtml(indexHtml: string): string {
  const at = indexHtml.indexOf('<script type="module"');
  if (at < 0) throw new Error('dist/renderer/index.html has no module script to put the fake bridge before');
  return `${indexHtml.slice(0, at)}<script src="bench-fake-bridge.js"></script>\n    ${indexHtml.slice(at)}`;
}

export async function serveBenchPage(distDir: string): Promise<BenchPage> {
  const html = benchHtml(readFileSync(join(distDir, 'index.html'), 'utf8'));
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://127.0.0.1').pathname);
    const send = (status: number, type: string, body: string | Buffer): void => {
      response.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
      response.end(body);
    };
    if (path === '/bench.html') return send(200, TYPES['.html']!, html);
    const file = path === '/bench-fake-bridge.js' ? FAKE_BRIDGE : normalize(join(distDir, path));
    if (file !== FAKE_BRIDGE && !file.startsWith(`${distDir}${sep}`)) return send(404, 'text/plain', 'not found');
    readFile(file).then(
      (body) => send(200, TYPES[extname(file)] ?? 'application/octet-stream', body),
      () => send(404, 'text/plain', 'not found'),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/bench.html`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
