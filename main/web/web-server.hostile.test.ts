/**
 * Hostile input through the web mode's socket, against the real core on a
 * recording fake helper: random and malformed frames for every contract
 * method, binary and oversized frames, deep nesting. Every frame gets one
 * reply with a typed error (or a Result), the connection stays up, the
 * server keeps serving, and nothing is frozen. Plus the Host/Origin/token
 * cases web-server.test.ts does not cover, over real sockets.
 */
import { request } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { METHOD_NAMES } from '../../app/contract';
import { startTestCore, type TestCore } from '../core/testing/core-harness';
import { checkResult, hostileParams, prng } from '../../testing/hostile-payloads';
import { loadStaticFiles } from '../adapters-shared/static-files';
import { startWebServer, type WebServer } from './web-server';

const TOKEN = 't'.repeat(43);
let t: TestCore;
let server: WebServer;
let cookie: string;

beforeAll(async () => {
  process.env.XDG_CONFIG_HOME = mkdtempSync(join(tmpdir(), 'freezeframe-hostile-'));
  t = await startTestCore();
  server = await startWebServer({ core: t.core, staticFiles: await loadStaticFiles('/nonexistent'), port: 0, token: TOKEN });
  cookie = await new Promise<string>((ok) =>
    request({ host: '127.0.0.1', port: server.port, path: `/?token=${TOKEN}`, headers: { Host: `127.0.0.1:${server.port}` } }, (res) => {
      res.resume();
      ok(String(res.headers['set-cookie']?.[0]).split(';')[0]!);
    }).end(),
  );
});

afterAll(async () => {
  await server?.close();
  await t?.core.shutdown();
});

function open(headers: Record<string, string> = {}, path = '/ws'): Promise<WebSocket | number> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}${path}`, { headers: { Cookie: cookie, Origin: `http://127.0.0.1:${server.port}`, ...headers } });
  return new Promise((ok) => {
    ws.once('open', () => ok(ws));
    ws.once('unexpected-response', (_req, res) => ok(res.statusCode ?? 0));
    ws.once('error', () => ok(0));
  });
}

describe('web socket under hostile input', () => {
  it('answers every random frame for every method once, with a typed error, and freezes nothing', async () => {
    const ws = (await open()) as WebSocket;
    const replies: Array<{ id: unknown; result: unknown }> = [];
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data));
      if (!('event' in frame)) replies.push(frame); // events (helper.changed...) also flow on this socket
    });
    const rand = prng(0xbad5eed);
    const frames: Array<string | Buffer> = [];
    let n = 0;
    for (const method of METHOD_NAMES) {
      for (const params of hostileParams(rand, 40)) frames.push(JSON.stringify({ id: ++n, method, params }));
    }
    frames.push('[[[[[[[[[[[[[[[[[[[[' .repeat(2000), '{"id":1e400,"method":"app.info"}', '{"id":"x".repeat,"method":1}', Buffer.from([0xff, 0xfe, 0x00]), JSON.stringify({ id: 'big', method: 'app.info', params: { pad: 'p'.repeat(63 * 1024) } }), '"just a string"', '{"id":{},"method":"app.info"}');
    for (const frame of frames) ws.send(frame, { binary: Buffer.isBuffer(frame) });
    const end = Date.now() + 20_000;
    while (replies.length < frames.length && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    expect(replies).toHaveLength(frames.length);
    for (const reply of replies) expect(checkResult(reply.result), JSON.stringify(reply).slice(0, 160)).toBeUndefined();
    const ids = replies.map((r) => r.id).filter((id) => typeof id === 'number');
    expect(new Set(ids).size).toBe(n); // one reply per identifiable call
    expect(ws.readyState).toBe(WebSocket.OPEN);
    const started = t.starts() > 0 ? t.helper() : undefined;
    expect(started?.calls.filter((c) => c.op === 'freeze') ?? []).toEqual([]);
    expect(started?.held.size ?? 0).toBe(0);
    ws.close();
  });

  it('drops an oversized frame (1009) and still serves the next client', async () => {
    const ws = (await open()) as WebSocket;
    const closed = new Promise<number>((r) => ws.once('close', (code: number) => r(code)));
    ws.send(Buffer.alloc(3 * 1024 * 1024, 0x7b));
    expect(await closed).toBe(1009);
    const next = (await open()) as WebSocket;
    const reply = new Promise<{ result: { ok: boolean } }>((r) => next.once('message', (d) => r(JSON.parse(String(d)))));
    next.send(JSON.stringify({ id: 1, method: 'mounts.list', params: {} }));
    expect((await reply).result.ok).toBe(true);
    next.close();
  });

  it('refuses upgrades that web-server.test.ts does not try', async () => {
    const port = server.port;
    expect(await open({ Origin: 'null' })).toBe(403); // sandboxed iframes and file:// pages send "null"
    expect(await open({ Origin: `http://localhost:${port}` })).toBe(403); // another name for us is another origin
    expect(await open({ Origin: `http://127.0.0.1:${port + 1}` })).toBe(403);
    expect(await open({ Host: `evil.example:${port}`, Origin: `http://evil.example:${port}` })).toBe(403); // DNS rebinding, with a valid cookie
    expect(await open({ Host: `127.0.0.1.evil.example:${port}`, Origin: `http://127.0.0.1.evil.example:${port}` })).toBe(403);
    expect(await open({ Cookie: `freezeframe_session=${'s'.repeat(43)}` })).toBe(401);
    expect(await open({ Cookie: `${cookie}x` })).toBe(401);
    expect(await open({}, `/ws?token=${TOKEN}`)).toBe(401); // a token cannot be exchanged on a socket
    expect(await open({}, '/elsewhere')).toBe(404);
    const ok = await open({ Cookie: `a=b; ${cookie}; c=d` });
    expect(ok).toBeInstanceOf(WebSocket);
    (ok as WebSocket).close();
  });
});
