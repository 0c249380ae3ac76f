/**
 * The web mode's front door against a small fake Core: what a browser, a
 * hostile page and a confused client each get back, over real sockets.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ContractEvents, EventName, Result } from '../../app/contract';
import type { CallerContext, Core, CoreEventListener } from '../core/api';
import { loadStaticFiles } from '../adapters-shared/static-files';
import { startWebServer, type WebServer } from './web-server';

class FakeCore implements Core {
  readonly calls: Array<{ method: string; params: unknown }> = [];
  private readonly listeners = new Set<CoreEventListener>();
  readonly callers: Array<CallerContext | undefined> = [];
  async dispatch(method: string, params: unknown, caller?: CallerContext): Promise<Result<unknown>> {
    this.calls.push({ method, params });
    this.callers.push(caller);
    return { ok: true, value: { generation: 7, mounts: [] } };
  }
  subscribe(listener: CoreEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit<E extends EventName>(event: E, payload: ContractEvents[E]): void {
    for (const listener of this.listeners) listener(event, payload);
  }
  frozenCount(): number {
    return 0;
  }
  async shutdown(): Promise<void> {}
}

const root = mkdtempSync(join(tmpdir(), 'freezeframe-web-test-'));
const buildDir = join(root, 'dist', 'renderer');
mkdirSync(join(buildDir, 'assets'), { recursive: true });
writeFileSync(join(buildDir, 'index.html'), '<!doctype html><title>Freezeframe</title><script type="module" src="/assets/app.js"></script>');
writeFileSync(join(buildDir, 'assets', 'app.js'), 'console.log("renderer")');
// A chunk the entry imports only when a view opens (Vite's name-hash.js, hash in base64url).
writeFileSync(join(buildDir, 'assets', 'backups-view-B0_x-9Q.js'), 'export const view = "lazy chunk"');
writeFileSync(join(root, 'dist', 'package.json'), '{"secret": "outside the build"}');
writeFileSync(join(root, 'package.json'), '{"secret": "outside the build"}');

const TOKEN = 'k'.repeat(43);
let core: FakeCore;
let server: WebServer;
let host: string;
let cookie: string;

beforeAll(async () => {
  core = new FakeCore();
  server = await startWebServer({ core, staticFiles: await loadStaticFiles(buildDir), port: 0, token: TOKEN });
  host = `127.0.0.1:${server.port}`;
  const exchange = await get(`/?token=${TOKEN}`);
  cookie = String(exchange.headers['set-cookie']?.[0]).split(';')[0]!;
});
afterAll(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function send(method: string, path: string, headers: Record<string, string> = {}, port = server.port): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers: { Host: host, ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
const get = (path: string, headers: Record<string, string> = {}): Promise<Reply> => send('GET', path, headers);

/** Opens a WebSocket, or reports the HTTP status that refused the upgrade. */
function openSocket(headers: Record<string, string>, path = '/ws'): Promise<{ ws?: WebSocket; refusedWith?: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}${path}`, { headers: { Host: host, ...headers } });
    ws.once('open', () => resolve({ ws }));
    ws.once('unexpected-response', (_req, res) => {
      resolve({ refusedWith: res.statusCode ?? 0 });
      res.resume();
    });
    ws.once('error', reject);
  });
}

const sockets: WebSocket[] = [];
afterEach(() => {
  for (const ws of sockets.splice(0)) ws.terminate();
});

async function authorizedSocket(): Promise<WebSocket> {
  const { ws } = await openSocket({ Cookie: cookie, Origin: `http://${host}` });
  if (!ws) throw new Error('the authorized socket was refused');
  sockets.push(ws);
  return ws;
}

function nextMessage(ws: WebSocket): Promise<Record<string, unknown>> {
  return new Promise((resolve) => ws.once('message', (data: Buffer) => resolve(JSON.parse(data.toString('utf8')) as Record<string, unknown>)));
}

async function call(ws: WebSocket, frame: string | Buffer, binary = false): Promise<Record<string, unknown>> {
  const reply = nextMessage(ws);
  ws.send(frame, { binary });
  return reply;
}

/** A fresh login token of the server (each is good once). */
const freshToken = (): string => new URL(server.newLoginUrl()).searchParams.get('token')!;

describe('the token', () => {
  it('is exchanged on first load for an HttpOnly, SameSite=Strict cookie, and the URL is cleaned', async () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${TOKEN}`);
    const token = freshToken();
    const exchange = await get(`/?token=${token}`);
    expect(exchange.status).toBe(303);
    expect(exchange.headers.location).toBe('/');
    const setCookie = String(exchange.headers['set-cookie']?.[0]);
    expect(setCookie).toMatch(/^freezeframe_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/$/);
    expect(setCookie).not.toContain(token);
    expect(exchange.headers['referrer-policy']).toBe('no-referrer');
    // Other parameters survive the cleaning; the redirect never leaves this origin.
    expect((await get(`/?renderStats&token=${freshToken()}`)).headers.location).toBe('/?renderStats=');
    expect((await get(`/.//evil.example/?token=${freshToken()}`)).headers.location).toBe('/');

    const page = await get('/', { Cookie: cookie });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Freezeframe</title>');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['cache-control']).toBe('no-store');
  });

  it('is good once: the same URL twice gets a session, then 401 (issue 12)', async () => {
    const token = freshToken();
    const first = await get(`/?token=${token}`);
    expect(first.status).toBe(303);
    const second = await get(`/?token=${token}`);
    expect(second.status).toBe(401);
    expect(second.headers['set-cookie']).toBeUndefined();
    expect(second.body).toMatch(/used already \(each is good once\)/);
    // The first token of the run too (spent in beforeAll).
    expect((await get(`/?token=${TOKEN}`)).status).toBe(401);
  });

  it('makes a session of its own at each exchange: distinct cookies, each listed, each revocable alone (issue 12)', async () => {
    const a = String((await get(`/?token=${freshToken()}`)).headers['set-cookie']?.[0]).split(';')[0]!;
    const b = String((await get(`/?token=${freshToken()}`)).headers['set-cookie']?.[0]).split(';')[0]!;
    expect(a).not.toBe(b);
    expect((await get('/', { Cookie: a })).status).toBe(200);
    const before = server.sessions.list();
    const { ws } = await openSocket({ Cookie: b, Origin: `http://${host}` });
    sockets.push(ws!);
    // The socket's calls carry its session, so sessions.list can say which one is "this browser".
    await call(ws!, JSON.stringify({ id: 1, method: 'sessions.list', params: {} }));
    const bId = core.callers.at(-1)!.sessionId!;
    expect(server.sessions.list(bId).filter((s) => s.current)).toHaveLength(1);
    expect(server.sessions.list().length).toBe(before.length);
    const closed = new Promise<number>((resolve) => ws!.once('close', (code: number) => resolve(code)));
    expect(server.sessions.revoke(bId)).toBe(true);
    expect(await closed).toBe(4401);
    expect((await get('/', { Cookie: b })).status).toBe(401);
    expect((await openSocket({ Cookie: b, Origin: `http://${host}` })).refusedWith).toBe(401);
    // The other session is untouched.
    expect((await get('/', { Cookie: a })).status).toBe(200);
    expect(server.sessions.revoke(bId)).toBe(false);
  });

  it('refuses HTTP with 401 without a token, with a wrong token and with a wrong cookie', async () => {
    expect((await get('/')).status).toBe(401);
    expect((await get('/assets/app.js')).status).toBe(401);
    expect((await get(`/?token=${'x'.repeat(43)}`)).status).toBe(401);
    expect((await get('/?token=short')).status).toBe(401);
    expect((await get('/', { Cookie: `freezeframe_session=${TOKEN}` })).status).toBe(401);
    expect((await get('/', { Cookie: 'freezeframe_session=' })).status).toBe(401);
  });

  it('refuses the WebSocket upgrade with 401 without a valid cookie', async () => {
    const origin = `http://${host}`;
    expect((await openSocket({ Origin: origin })).refusedWith).toBe(401);
    expect((await openSocket({ Origin: origin, Cookie: 'freezeframe_session=wrong' })).refusedWith).toBe(401);
    // The token is for the page load only; a socket cannot trade it.
    expect((await openSocket({ Origin: origin }, `/ws?token=${freshToken()}`)).refusedWith).toBe(401);
  });

  it('ends every session when the server stops (issue 12)', async () => {
    const other = await startWebServer({ core, staticFiles: await loadStaticFiles(buildDir), port: 0 });
    const exchange = await send('GET', new URL(other.url).pathname + new URL(other.url).search, { Host: `127.0.0.1:${other.port}` }, other.port);
    expect(exchange.status).toBe(303);
    const ws = new WebSocket(`ws://127.0.0.1:${other.port}/ws`, { headers: { Host: `127.0.0.1:${other.port}`, Origin: `http://127.0.0.1:${other.port}`, Cookie: String(exchange.headers['set-cookie']?.[0]).split(';')[0]! } });
    await new Promise((resolve) => ws.once('open', resolve));
    const closed = new Promise<number>((resolve) => ws.once('close', (code: number) => resolve(code)));
    expect(other.sessions.list()).toHaveLength(1);
    await other.close();
    expect(await closed).toBe(1001);
    expect(other.sessions.list()).toEqual([]);
    expect(other.newLoginUrl()).toMatch(/token=/);
    expect(other.sessions.redeem(new URL(other.newLoginUrl()).searchParams.get('token')!, 'x')).toBeUndefined();
  });
});

describe('Host and Origin', () => {
  it('refuses a non-loopback Host with 403, even with a valid cookie', async () => {
    for (const badHost of ['evil.example', '127.0.0.1.evil.example', `127.0.0.1.evil.example:${server.port}`, 'localhost.evil.example', '10.0.0.1:7420']) {
      expect((await get('/', { Host: badHost, Cookie: cookie })).status, badHost).toBe(403);
      expect((await get(`/?token=${TOKEN}`, { Host: badHost })).status, badHost).toBe(403);
      expect((await openSocket({ Host: badHost, Cookie: cookie, Origin: `http://${badHost}` })).refusedWith, badHost).toBe(403);
    }
  });

  it('accepts loopback names on any port (ssh -L remaps it)', async () => {
    for (const goodHost of ['localhost:8080', 'LOCALHOST:8080', '[::1]:9999', '127.0.0.1']) {
      expect((await get('/', { Host: goodHost, Cookie: cookie })).status, goodHost).toBe(200);
      const { ws } = await openSocket({ Host: goodHost, Cookie: cookie, Origin: `http://${goodHost}` });
      expect(ws, goodHost).toBeDefined();
      ws?.terminate();
    }
  });

  it('refuses a foreign Origin with 403 on a POST and on the WebSocket upgrade', async () => {
    expect((await send('POST', '/', { Cookie: cookie, Origin: 'http://evil.example' })).status).toBe(403);
    expect((await send('POST', '/', { Cookie: cookie })).status).toBe(403);
    expect((await send('POST', '/', { Cookie: cookie, Origin: `http://${host}` })).status).toBe(405);
    for (const origin of ['http://evil.example', 'null', `https://${host}`, 'http://127.0.0.1:1']) {
      expect((await openSocket({ Cookie: cookie, Origin: origin })).refusedWith, origin).toBe(403);
    }
    expect((await openSocket({ Cookie: cookie })).refusedWith).toBe(403);
  });
});

describe('binding', () => {
  it('listens on 127.0.0.1 and refuses any non-loopback address before opening a socket', async () => {
    for (const address of ['0.0.0.0', '::', '192.168.1.10', 'localhost', '']) {
      await expect(startWebServer({ core, staticFiles: await loadStaticFiles(buildDir), port: 0, host: address })).rejects.toThrow(/127\.0\.0\.1 or ::1 only/);
    }
    expect(server.origin).toBe(`http://127.0.0.1:${server.port}`);
  });
});

describe('static files', () => {
  it('serves only files of the build directory: traversal in any spelling is 404', async () => {
    expect((await get('/assets/app.js', { Cookie: cookie })).body).toContain('renderer');
    for (const path of [
      '/../package.json',
      '/../../package.json',
      '/%2e%2e/package.json',
      '/%2E%2E/%2e%2e/package.json',
      '/..%2fpackage.json',
      '/..%2F..%2Fpackage.json',
      '/assets/..%2f..%2fpackage.json',
      '/assets/%2e%2e/%2e%2e/package.json',
      '/%252e%252e/package.json',
      '/..\\package.json',
      '//etc/passwd',
      '/index.html/../../package.json',
      '/assets',
      '/ws/../package.json',
    ]) {
      const reply = await get(path, { Cookie: cookie });
      expect(reply.status, path).toBe(404);
      expect(reply.body, path).not.toContain('outside the build');
    }
  });

  it('serves a lazily imported chunk like the entry: JavaScript, under the CSP, cached by its hash', async () => {
    // The allow-list is every file of the build, read at start: a chunk Vite adds needs no listing.
    const reply = await get('/assets/backups-view-B0_x-9Q.js', { Cookie: cookie });
    expect(reply.status).toBe(200);
    expect(reply.body).toContain('lazy chunk');
    expect(reply.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(reply.headers['content-security-policy']).toContain("script-src 'self'");
    expect(reply.headers['cache-control']).toBe('private, max-age=31536000, immutable');
    expect((await get('/assets/backups-view-B0_x-9Q.js')).status).toBe(401);
  });

  it('says so when the renderer is not built', async () => {
    const bare = await startWebServer({ core, staticFiles: await loadStaticFiles(join(root, 'nothing-here')), port: 0 });
    try {
      // Secrets are per run: this server knows neither the other's token nor its cookie.
      expect((await send('GET', '/', { Cookie: cookie }, bare.port)).status).toBe(401);
      expect((await send('GET', `/?token=${TOKEN}`, {}, bare.port)).status).toBe(401);
      const exchange = await send('GET', `/?token=${bare.token}`, {}, bare.port);
      const bareCookie = String(exchange.headers['set-cookie']?.[0]).split(';')[0]!;
      const page = await send('GET', '/', { Cookie: bareCookie }, bare.port);
      expect(page.status).toBe(503);
      expect(page.body).toContain('npm run build');
    } finally {
      await bare.close();
    }
  });
});

describe('the contract over the WebSocket', () => {
  it('dispatches a call to the core and answers with its Result under the same id', async () => {
    const ws = await authorizedSocket();
    const reply = await call(ws, JSON.stringify({ id: 41, method: 'mounts.list', params: {} }));
    expect(reply).toEqual({ id: 41, result: { ok: true, value: { generation: 7, mounts: [] } } });
    expect(core.calls.at(-1)).toEqual({ method: 'mounts.list', params: {} });
  });

  it('answers garbage with INVALID_ARGUMENT and keeps the connection', async () => {
    const ws = await authorizedSocket();
    const before = core.calls.length;
    const garbage: Array<[string | Buffer, boolean, unknown]> = [
      ['not json', false, null],
      ['[]', false, null],
      ['null', false, null],
      ['{"method":"mounts.list","params":{}}', false, null],
      ['{"id":-1,"method":"mounts.list","params":{}}', false, null],
      ['{"id":2}', false, 2],
      ['{"id":3,"method":"rm -rf /","params":{}}', false, 3],
      ['{"id":4,"method":"__proto__","params":{}}', false, 4],
      ['{"id":5,"method":"mounts.list","params":{},"extra":1}', false, 5],
      [Buffer.from(JSON.stringify({ id: 6, method: 'mounts.list', params: {} })), true, null],
      [JSON.stringify({ id: 7, method: 'freeze.start', params: { id: 'm1', timeoutMs: 60000, confirm: 'x'.repeat(100 * 1024) } }), false, null],
    ];
    for (const [frame, binary, id] of garbage) {
      const reply = await call(ws, frame, binary);
      expect(reply, String(frame).slice(0, 80)).toMatchObject({ id, result: { ok: false, error: { code: 'INVALID_ARGUMENT' } } });
    }
    expect(core.calls.length).toBe(before);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    expect(await call(ws, JSON.stringify({ id: 'after', method: 'app.info', params: {} }))).toMatchObject({ id: 'after', result: { ok: true } });
  });

  it('drops a socket that sends megabytes, and the server keeps serving', async () => {
    const ws = await authorizedSocket();
    const closed = new Promise<number>((resolve) => ws.once('close', (code: number) => resolve(code)));
    ws.send('x'.repeat(2 * 1024 * 1024));
    expect(await closed).toBe(1009);
    const next = await authorizedSocket();
    expect(await call(next, JSON.stringify({ id: 1, method: 'mounts.list', params: {} }))).toMatchObject({ result: { ok: true } });
  });

  it('pushes core events to every connected client', async () => {
    const first = await authorizedSocket();
    const second = await authorizedSocket();
    const notice = { level: 'info' as const, message: 'thawed by its deadline', at: 1 };
    const received = Promise.all([nextMessage(first), nextMessage(second)]);
    core.emit('notice', notice);
    expect(await received).toEqual([
      { event: 'notice', payload: notice },
      { event: 'notice', payload: notice },
    ]);
  });
});
