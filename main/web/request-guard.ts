/**
 * Who may talk to the web mode, as pure functions of a request's headers.
 *
 * - Host must be a loopback name: a page on evil.example whose DNS later
 *   points at 127.0.0.1 (DNS rebinding) sends `Host: evil.example`. Any port
 *   is fine, because `ssh -L 8080:127.0.0.1:7420` makes the browser say 8080.
 * - Origin, where the browser sends one that matters (WebSocket upgrade and
 *   every non-GET), must be this very origin: http:// + the Host it asked.
 *   Browsers do not enforce the same-origin policy on WebSockets; this does.
 * - The secret: a login token in the URL, good once (sessions.ts), then
 *   that login's own session cookie. Both looked up by their SHA-256.
 */
import type { IncomingHttpHeaders } from 'node:http';

export const SESSION_COOKIE = 'freezeframe_session';
export const TOKEN_PARAM = 'token';

/** `127.0.0.1`, `localhost` or `[::1]`, each with an optional port. Nothing else. */
const LOOPBACK_HOST = /^(?:127\.0\.0\.1|localhost|\[::1\])(?::[0-9]{1,5})?$/i;

export function isLoopbackHost(host: string | undefined): boolean {
  if (host === undefined || !LOOPBACK_HOST.test(host)) return false;
  const port = host.match(/:([0-9]+)$/)?.[1];
  return port === undefined || Number(port) <= 65_535;
}

/** The Origin this server's own pages send: the scheme is always http (no TLS on loopback). */
export function isOwnOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined || host === undefined || !isLoopbackHost(host)) return false;
  return origin.toLowerCase() === `http://${host.toLowerCase()}`;
}

/** One cookie's value from a Cookie header (the last one wins if a name repeats). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  let value: string | undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) value = part.slice(eq + 1).trim();
  }
  return value;
}

export function sessionCookieHeader(session: string): string {
  // No Max-Age: a session cookie, gone with the browser session; the
  // sessions are gone when the server stops anyway. No Secure: plain http on
  // loopback (the ssh tunnel is the transport security).
  return `${SESSION_COOKIE}=${session}; HttpOnly; SameSite=Strict; Path=/`;
}

export const TOKEN_REFUSED =
  'That login link was used already (each is good once), or is not this server\u2019s. Ask `npm run serve` for a new one: press Enter in its terminal, or send it SIGUSR2.';
export const NO_SESSION = 'Not signed in, or this browser\u2019s session was revoked: open a login link of `npm run serve` (press Enter in its terminal, or send it SIGUSR2, for a new one).';

export type GuardVerdict =
  /** The session cookie to look up (sessions.ts). */
  | { kind: 'cookie'; secret: string }
  /** A login token in the URL to spend: set its session's cookie and redirect to the clean URL. */
  | { kind: 'token'; token: string }
  | { kind: 'refuse'; status: 401 | 403; reason: string };

export interface GuardRequest {
  method: string;
  headers: IncomingHttpHeaders;
  /** The token query parameter, when the URL has one. */
  token: string | null;
  /** A WebSocket upgrade: needs its Origin, and cannot exchange a token. */
  upgrade: boolean;
}

/** Host, then Origin, then which secret it brings: 403 for the wrong place, 401 for no key (the registry judges the key). */
export function judgeRequest(request: GuardRequest): GuardVerdict {
  const host = single(request.headers.host);
  if (!isLoopbackHost(host)) return { kind: 'refuse', status: 403, reason: 'This server answers only to 127.0.0.1, localhost or [::1].' };

  const safeMethod = request.method === 'GET' || request.method === 'HEAD';
  const origin = single(request.headers.origin);
  // A same-origin GET normally has no Origin; when it has one, it must be ours too.
  const originRequired = request.upgrade || !safeMethod;
  if ((originRequired || origin !== undefined) && !isOwnOrigin(origin, host)) {
    return { kind: 'refuse', status: 403, reason: 'Requests from other sites are refused.' };
  }

  if (request.token !== null) {
    if (!request.upgrade && safeMethod && request.token.length > 0 && request.token.length <= 256) return { kind: 'token', token: request.token };
    return { kind: 'refuse', status: 401, reason: TOKEN_REFUSED };
  }
  const cookie = readCookie(single(request.headers.cookie), SESSION_COOKIE);
  if (cookie !== undefined && cookie.length > 0 && cookie.length <= 256) return { kind: 'cookie', secret: cookie };
  return { kind: 'refuse', status: 401, reason: NO_SESSION };
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
