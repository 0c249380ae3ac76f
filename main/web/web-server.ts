/**
 * The web mode's front door: the built renderer over HTTP and the app
 * contract over one WebSocket (/ws), on a loopback address only, behind the
 * checks of request-guard.ts. Thin on purpose: the core validates and does
 * the work; this moves bytes and checks who is asking.
 */
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import type { Core } from '../core/api';
import { RENDERER_CSP } from '../adapters-shared/content-security-policy';
import { answerCallFrame, type EventFrame } from './contract-frames';
import { judgeRequest, NO_SESSION, sessionCookieHeader, TOKEN_PARAM, TOKEN_REFUSED } from './request-guard';
import { SessionRegistry } from './sessions';
import type { StaticFiles } from '../adapters-shared/static-files';

export const WEBSOCKET_PATH = '/ws';
export const LOOPBACK_BIND_ADDRESSES = ['127.0.0.1', '::1'] as const;

export interface WebServerOptions {
  core: Core;
  staticFiles: StaticFiles;
  /** 0 picks any free port. */
  port: number;
  /** Loopback only; anything else is refused before a socket is opened. */
  host?: string;
  /** Tests pass a known first token; a real run gets a fresh random one. */
  token?: string;
  /** The logins and sessions (serve.ts gives the core the same registry, for sessions.list/revoke). */
  sessions?: SessionRegistry;
}

export interface WebServer {
  /** The first URL that opens the app in a browser, its login token included (good once). */
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  readonly sessions: SessionRegistry;
  /** Another login URL, with a token of its own (good once). */
  newLoginUrl(): string;
  close(): Promise<void>;
}

/**
 * The socket layer drops frames above this (close 1009) to bound memory;
 * frames between MAX_FRAME_BYTES and this get an INVALID_ARGUMENT answer.
 */
const WS_MAX_PAYLOAD = 1024 * 1024;
/** A client that does not read its events is dropped; it reconnects and reloads state. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
const PING_EVERY_MS = 30_000;

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': RENDERER_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export function assertLoopbackBindAddress(host: string): asserts host is (typeof LOOPBACK_BIND_ADDRESSES)[number] {
  if (!(LOOPBACK_BIND_ADDRESSES as readonly string[]).includes(host)) {
    throw new Error(`The web mode listens on 127.0.0.1 or ::1 only, never on ${JSON.stringify(host)}: use an SSH tunnel to reach it from elsewhere.`);
  }
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const host = options.host ?? '127.0.0.1';
  assertLoopbackBindAddress(host);
  const sessions = options.sessions ?? new SessionRegistry();
  const firstToken = sessions.newToken(options.token);
  const { core, staticFiles } = options;
  const sessionOfSocket = new WeakMap<WebSocket, string>();

  const wss = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_PAYLOAD, perMessageDeflate: false, clientTracking: true });
  const alive = new WeakSet<WebSocket>();

  const server = createServer((request, response) => serveHttp(request, response, sessions, staticFiles));
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const url = requestUrl(request);
    const verdict = judgeRequest({ method: request.method ?? '', headers: request.headers, token: url.searchParams.get(TOKEN_PARAM), upgrade: true });
    if (verdict.kind === 'refuse') return refuseUpgrade(socket, verdict.status, verdict.reason);
    if (verdict.kind !== 'cookie') return refuseUpgrade(socket, 401, 'A WebSocket cannot exchange a login token.');
    const sessionId = sessions.sessionOf(verdict.secret);
    if (sessionId === undefined) return refuseUpgrade(socket, 401, NO_SESSION);
    if (url.pathname !== WEBSOCKET_PATH) return refuseUpgrade(socket, 404, 'No WebSocket here.');
    wss.handleUpgrade(request, socket, head, (ws) => {
      sessionOfSocket.set(ws, sessionId);
      wss.emit('connection', ws, request);
    });
  });

  wss.on('connection', (ws: WebSocket) => {
    const sessionId = sessionOfSocket.get(ws);
    const detach = sessionId === undefined ? () => undefined : sessions.attach(sessionId, ws);
    alive.add(ws);
    ws.on('pong', () => alive.add(ws));
    ws.on('close', detach);
    // Oversized frames (over WS_MAX_PAYLOAD) land here; ws closes with 1009.
    ws.on('error', () => ws.terminate());
    ws.on('message', (data: RawData, isBinary: boolean) => {
      void answerCallFrame(core, asBuffer(data), isBinary, { sessionId }).then((reply) => sendWsText(ws, JSON.stringify(reply)));
    });
  });

  const unsubscribe = core.subscribe((event, payload) => {
    const frame: EventFrame = { event, payload };
    const text = JSON.stringify(frame);
    for (const ws of wss.clients) sendWsText(ws, text);
  });

  const pinger = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.has(ws)) {
        ws.terminate();
        continue;
      }
      alive.delete(ws);
      ws.ping();
    }
  }, PING_EVERY_MS);
  pinger.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: options.port, host, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });

  const { port } = server.address() as AddressInfo;
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const loginUrl = (token: string): string => `${origin}/?${TOKEN_PARAM}=${token}`;
  return {
    url: loginUrl(firstToken),
    origin,
    port,
    token: firstToken,
    sessions,
    newLoginUrl: () => loginUrl(sessions.newToken()),
    close: async () => {
      clearInterval(pinger);
      unsubscribe();
      // Every session ends with the server (their sockets close with it).
      sessions.endAll();
      for (const ws of wss.clients) ws.close(1001, 'Freezeframe is stopping');
      wss.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function serveHttp(request: IncomingMessage, response: ServerResponse, sessions: SessionRegistry, staticFiles: StaticFiles): void {
  const method = request.method ?? '';
  const url = requestUrl(request);
  const verdict = judgeRequest({ method, headers: request.headers, token: url.searchParams.get(TOKEN_PARAM), upgrade: false });

  if (verdict.kind === 'refuse') return sendHttpText(response, verdict.status, verdict.reason);
  if (verdict.kind === 'cookie' && sessions.sessionOf(verdict.secret) === undefined) return sendHttpText(response, 401, NO_SESSION);
  if (verdict.kind === 'token') {
    // Good once: its own new session, and the token is spent.
    const login = sessions.redeem(verdict.token, single(request.headers['user-agent']));
    if (!login) return sendHttpText(response, 401, TOKEN_REFUSED);
    // The token leaves the address bar (and history) at once; from now on
    // the browser proves itself with the HttpOnly cookie.
    // Always to the app's root: a path like `/.//evil.example` must never
    // become a protocol-relative Location. Other query parameters stay.
    url.searchParams.delete(TOKEN_PARAM);
    response.writeHead(303, {
      ...SECURITY_HEADERS,
      'Set-Cookie': sessionCookieHeader(login.secret),
      Location: `/${url.search}`,
      'Cache-Control': 'no-store',
      'Content-Length': '0',
    });
    return void response.end();
  }

  if (method !== 'GET' && method !== 'HEAD') {
    response.setHeader('Allow', 'GET, HEAD');
    return sendHttpText(response, 405, 'Only GET and HEAD here; the app talks over its WebSocket.');
  }
  if (url.pathname === WEBSOCKET_PATH) return sendHttpText(response, 426, 'This is the WebSocket endpoint.');

  const file = staticFiles.lookup(url.pathname);
  if (file === undefined) {
    if (staticFiles.missing && url.pathname === '/') return sendHttpText(response, 503, 'The renderer is not built: run `npm run build`, then restart `npm run serve`.');
    return sendHttpText(response, 404, 'Not found.');
  }
  response.writeHead(200, {
    ...SECURITY_HEADERS,
    'Content-Type': file.contentType,
    'Content-Length': String(file.body.length),
    'Cache-Control': file.cacheControl,
  });
  response.end(method === 'HEAD' ? undefined : file.body);
}

function sendHttpText(response: ServerResponse, status: number, text: string): void {
  const body = Buffer.from(`${text}\n`, 'utf8');
  response.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': String(body.length),
    'Cache-Control': 'no-store',
  });
  response.end(response.req.method === 'HEAD' ? undefined : body);
}

function sendWsText(ws: WebSocket, text: string): void {
  if (ws.readyState !== WebSocket.OPEN) return;
  if (ws.bufferedAmount > MAX_BUFFERED_BYTES) return void ws.terminate();
  ws.send(text);
}

/** Refused before the upgrade: the client gets a plain HTTP status, no WebSocket. */
function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  const body = Buffer.from(`${reason}\n`, 'utf8');
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${body.length}\r\n\r\n${body.toString('utf8')}`,
  );
}

/** Only the path and query matter; the Host header was judged separately. */
function requestUrl(request: IncomingMessage): URL {
  try {
    return new URL(request.url ?? '/', 'http://127.0.0.1');
  } catch {
    return new URL('http://127.0.0.1/.unparseable');
  }
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function asBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

