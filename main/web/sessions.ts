/**
 * The web mode's logins and sessions. A login token is good once: its
 * exchange makes a session of its own (a fresh secret in an HttpOnly
 * cookie) and the token is gone, so a URL seen in shell history, a
 * process list or a screen share lets nobody in after the first load.
 * Sessions can be listed and revoked from the UI (its sockets closed at
 * once, code 4401), and all end when the server stops: they live in this
 * process's memory only. Secrets are kept as SHA-256 hashes and looked up
 * by them, so no comparison depends on a secret's bytes.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { WebSessionInfo } from '../../app/domain';

/** The WebSocket close code of a revoked session (the page then stops reconnecting and says so). */
export const SESSION_REVOKED_CODE = 4401;
export const SESSION_ENDED_CODE = 1001;

export interface SessionSocket {
  close(code: number, reason: string): void;
}

interface Session {
  id: string;
  createdAt: number;
  lastSeenAt: number;
  userAgent: string;
  sockets: Set<SessionSocket>;
}

const hash = (secret: string): string => createHash('sha256').update(secret, 'utf8').digest('hex');

export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

export class SessionRegistry {
  private readonly tokens = new Set<string>();
  private readonly sessions = new Map<string, Session>();
  private readonly byId = new Map<string, string>();
  private ended = false;

  constructor(private readonly now: () => number = Date.now) {}

  /** A new login token, good for one exchange. */
  newToken(token: string = newSecret()): string {
    if (!this.ended) this.tokens.add(hash(token));
    return token;
  }

  /** Spend a token: its new session's id and cookie secret, or undefined when it is not (or no longer) good. */
  redeem(token: string, userAgent: string | undefined): { id: string; secret: string } | undefined {
    const key = hash(token);
    if (!this.tokens.delete(key)) return undefined;
    const secret = newSecret();
    const id = randomBytes(6).toString('hex');
    const at = this.now();
    this.sessions.set(hash(secret), { id, createdAt: at, lastSeenAt: at, userAgent: (userAgent ?? 'unknown').slice(0, 200), sockets: new Set() });
    this.byId.set(id, hash(secret));
    return { id, secret };
  }

  /** The session a cookie secret belongs to (seen now), if it is one. */
  sessionOf(secret: string): string | undefined {
    const session = this.sessions.get(hash(secret));
    if (!session) return undefined;
    session.lastSeenAt = this.now();
    return session.id;
  }

  /** A socket of a session: closed when the session is revoked or ends. Returns its removal. */
  attach(id: string, socket: SessionSocket): () => void {
    const session = this.session(id);
    if (!session) {
      socket.close(SESSION_REVOKED_CODE, 'This session was revoked.');
      return () => undefined;
    }
    session.sockets.add(socket);
    return () => session.sockets.delete(socket);
  }

  list(currentId?: string): WebSessionInfo[] {
    return [...this.sessions.values()]
      .sort((a, b) => a.createdAt - b.createdAt)
      .map((s) => ({ id: s.id, createdAt: s.createdAt, lastSeenAt: s.lastSeenAt, userAgent: s.userAgent, connections: s.sockets.size, current: s.id === currentId }));
  }

  /** End a session: its cookie is refused from now on and its sockets close. */
  revoke(id: string): boolean {
    const key = this.byId.get(id);
    const session = key === undefined ? undefined : this.sessions.get(key);
    if (!session || key === undefined) return false;
    this.sessions.delete(key);
    this.byId.delete(id);
    for (const socket of session.sockets) socket.close(SESSION_REVOKED_CODE, 'This session was revoked.');
    return true;
  }

  /** The server stops: every token and session ends. */
  endAll(): void {
    this.ended = true;
    this.tokens.clear();
    for (const session of this.sessions.values()) for (const socket of session.sockets) socket.close(SESSION_ENDED_CODE, 'Freezeframe is stopping');
    this.sessions.clear();
    this.byId.clear();
  }

  private session(id: string): Session | undefined {
    const key = this.byId.get(id);
    return key === undefined ? undefined : this.sessions.get(key);
  }
}
