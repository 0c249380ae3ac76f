/**
 * The built renderer (dist/renderer) as a fixed allow-list, read once at
 * start. A request path is only ever a key into this map: it is never joined
 * to a directory, so `..`, encoded dots or slashes, and symlinks cannot reach
 * any other file. Used by the web server and by Electron's app:// protocol.
 */
import { lstat, readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';

export interface StaticFile {
  body: Buffer;
  contentType: string;
  cacheControl: string;
}

export interface StaticFiles {
  /** The build directory did not exist or had no index.html. */
  readonly missing: boolean;
  readonly size: number;
  /** `pathname` exactly as it appears in the request URL (still percent-encoded). */
  lookup(pathname: string): StaticFile | undefined;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};

/** The renderer build is small; anything near this is not the renderer. */
const MAX_TOTAL_BYTES = 64 * 1024 * 1024;
const MAX_DEPTH = 8;

export async function loadStaticFiles(dir: string): Promise<StaticFiles> {
  const files = new Map<string, StaticFile>();
  let total = 0;

  async function walk(relative: string[], depth: number): Promise<void> {
    if (depth > MAX_DEPTH) return;
    const entries = await readdir(join(dir, ...relative), { withFileTypes: true });
    for (const entry of entries) {
      const segments = [...relative, entry.name];
      if (entry.isDirectory()) {
        await walk(segments, depth + 1);
        continue;
      }
      // Regular files only: a symlink in the build dir could point anywhere.
      if (!entry.isFile()) continue;
      const absolute = join(dir, ...segments);
      if (!(await lstat(absolute)).isFile()) continue;
      const body = await readFile(absolute);
      total += body.length;
      if (total > MAX_TOTAL_BYTES) throw new Error(`${dir} holds more than ${MAX_TOTAL_BYTES} bytes: is it really the renderer build?`);
      const urlPath = `/${segments.map(encodeURIComponent).join('/')}`;
      files.set(urlPath, { body, contentType: contentTypeOf(entry.name), cacheControl: cachePolicy(urlPath) });
    }
  }

  try {
    await walk([], 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const index = files.get('/index.html');
  if (index) files.set('/', index);

  return {
    missing: index === undefined,
    size: files.size,
    lookup: (pathname) => files.get(pathname),
  };
}

function contentTypeOf(name: string): string {
  return CONTENT_TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream';
}

function cachePolicy(urlPath: string): string {
  // Vite names everything under assets/ by content hash: safe to keep. The
  // page itself must always be fresh, or a rebuilt app loads stale chunks.
  if (urlPath.startsWith('/assets/')) return 'private, max-age=31536000, immutable';
  if (urlPath === '/index.html') return 'no-store';
  return 'no-cache';
}
