/**
 * window.freezeframe in a browser (the web mode): the same FreezeframeApi the
 * Electron preload exposes, over one WebSocket to the page's own origin. The
 * server authenticates it by the HttpOnly session cookie the page load set;
 * nothing here ever sees a secret.
 *
 * When the socket drops, pending and new calls resolve to an error Result at
 * once (the UI says why), and the bridge reconnects with backoff. After a
 * reconnect it re-reads the mount table, helper status and history and hands
 * them to subscribers as ordinary events, since events were missed meanwhile.
 */
import { EVENT_NAMES, METHOD_NAMES, type ContractEvents, type EventName, type FreezeframeApi, type MethodName, type Result } from '../../app/contract';

/** The part of a WebSocket the bridge uses (a seam for tests). */
export interface SocketLike {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: Event) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
}

export interface WebBridgeOptions {
  /** Defaults to ws(s)://<this page's host>/ws. */
  url?: string;
  connect?: (url: string) => SocketLike;
  /** Where window.freezeframe goes. */
  target?: object;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  connectTimeoutMs?: number;
}

/** The server closes a revoked session's sockets with this code (main/web/sessions.ts). */
export const SESSION_REVOKED_CODE = 4401;
export const SESSION_REVOKED_MESSAGE =
  "This browser's session was revoked, so it is no longer connected to Freezeframe. To use it here again, open a new login link of the server (press Enter in the terminal that runs `npm run serve`).";

export const LOST_CONNECTION_MESSAGE =
  "Lost the connection to Freezeframe's server. Reconnecting; if the server was restarted, open the new URL it printed.";

type Listener = (payload: unknown) => void;
type Resolve = (result: Result<unknown>) => void;

const lost = (): Result<never> => ({ ok: false, error: { code: 'DISCONNECTED', message: LOST_CONNECTION_MESSAGE } });
const revoked = (): Result<never> => ({ ok: false, error: { code: 'UNAUTHORIZED', message: SESSION_REVOKED_MESSAGE } });
const eventNames: ReadonlySet<string> = new Set(EVENT_NAMES);

class BridgeConnection {
  private socket: SocketLike | undefined;
  private state: 'connecting' | 'open' | 'waiting' | 'revoked' = 'waiting';
  private nextId = 1;
  private readonly pending = new Map<number, Resolve>();
  /** Calls made while a connection attempt is under way: sent once it opens. */
  private readonly queued: Array<{ id: number; text: string }> = [];
  private readonly listeners = new Map<EventName, Set<Listener>>();
  private backoffMs: number;
  private hasBeenOpen = false;
  private announcedLoss = false;
  private firstAttemptDone: (() => void) | undefined;
  readonly firstAttempt = new Promise<void>((resolve) => (this.firstAttemptDone = resolve));

  constructor(
    private readonly url: string,
    private readonly connect: (url: string) => SocketLike,
    private readonly options: Required<Pick<WebBridgeOptions, 'initialBackoffMs' | 'maxBackoffMs' | 'connectTimeoutMs'>>,
  ) {
    this.backoffMs = options.initialBackoffMs;
    this.open();
  }

  call(method: MethodName, params: unknown): Promise<Result<unknown>> {
    if (this.state === 'revoked') return Promise.resolve(revoked());
    if (this.state === 'waiting') return Promise.resolve(lost());
    const id = this.nextId++;
    const text = JSON.stringify({ id, method, params: params === undefined ? {} : params });
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      if (this.state === 'open' && this.socket) this.socket.send(text);
      else this.queued.push({ id, text });
    });
  }

  subscribe(event: EventName, listener: Listener): () => void {
    if (!eventNames.has(event)) throw new TypeError(`There is no event named ${JSON.stringify(event)}.`);
    if (typeof listener !== 'function') throw new TypeError('subscribe needs a listener function.');
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => void set.delete(listener);
  }

  private open(): void {
    this.state = 'connecting';
    let socket: SocketLike;
    try {
      socket = this.connect(this.url);
    } catch {
      return this.onDisconnect();
    }
    this.socket = socket;
    // A connect that neither opens nor fails (a half-dead tunnel) counts as failed.
    const timer = setTimeout(() => socket.close(), this.options.connectTimeoutMs);
    socket.onopen = () => {
      clearTimeout(timer);
      this.onOpen(socket);
    };
    socket.onmessage = (event) => this.onMessage(event.data);
    socket.onerror = () => undefined; // onclose follows with the details that matter
    socket.onclose = (event) => {
      clearTimeout(timer);
      if (this.socket !== socket) return;
      if (event?.code === SESSION_REVOKED_CODE) this.onRevoked();
      else this.onDisconnect();
    };
  }

  private onOpen(socket: SocketLike): void {
    if (this.socket !== socket) return;
    this.state = 'open';
    this.backoffMs = this.options.initialBackoffMs;
    for (const { text } of this.queued.splice(0)) socket.send(text);
    const reconnected = this.hasBeenOpen;
    this.hasBeenOpen = true;
    this.firstAttemptDone?.();
    if (reconnected) void this.resync();
  }

  private onDisconnect(): void {
    this.socket = undefined;
    this.state = 'waiting';
    this.queued.length = 0;
    for (const resolve of this.pending.values()) resolve(lost());
    this.pending.clear();
    this.firstAttemptDone?.();
    if (this.hasBeenOpen && !this.announcedLoss) {
      this.announcedLoss = true;
      this.deliver('notice', { level: 'error', code: 'DISCONNECTED', message: LOST_CONNECTION_MESSAGE, at: Date.now() });
    }
    // Jitter, so that many tabs do not all knock at the same moment.
    const delay = this.backoffMs * (0.8 + Math.random() * 0.4);
    this.backoffMs = Math.min(this.backoffMs * 2, this.options.maxBackoffMs);
    setTimeout(() => this.open(), delay);
  }

  /** Revoked: its cookie is refused from now on, so reconnecting is pointless. Say so once, and stop. */
  private onRevoked(): void {
    this.socket = undefined;
    this.state = 'revoked';
    this.queued.length = 0;
    for (const resolve of this.pending.values()) resolve(revoked());
    this.pending.clear();
    this.firstAttemptDone?.();
    this.deliver('notice', { level: 'error', code: 'UNAUTHORIZED', message: SESSION_REVOKED_MESSAGE, at: Date.now() });
  }

  /** Events were missed while disconnected: fetch the state and hand it on as events. */
  private async resync(): Promise<void> {
    const [mounts, helper, history] = await Promise.all([this.call('mounts.list', {}), this.call('helper.status', {}), this.call('history.list', {})]);
    if (mounts.ok) this.deliver('mounts.changed', mounts.value as ContractEvents['mounts.changed']);
    if (helper.ok) this.deliver('helper.changed', helper.value as ContractEvents['helper.changed']);
    if (history.ok) this.deliver('history.changed', history.value as ContractEvents['history.changed']);
    if (this.announcedLoss && this.state === 'open') {
      this.announcedLoss = false;
      this.deliver('notice', { level: 'info', message: "Reconnected to Freezeframe's server.", at: Date.now() });
    }
  }

  private onMessage(data: unknown): void {
    if (typeof data !== 'string') return;
    let frame: unknown;
    try {
      frame = JSON.parse(data);
    } catch {
      return;
    }
    if (typeof frame !== 'object' || frame === null) return;
    const { id, result, event, payload } = frame as Record<string, unknown>;
    if (typeof id === 'number' && this.pending.has(id)) {
      const resolve = this.pending.get(id)!;
      this.pending.delete(id);
      resolve(isResult(result) ? result : { ok: false, error: { code: 'INTERNAL', message: "Freezeframe's server sent a malformed reply." } });
    } else if (typeof event === 'string' && eventNames.has(event)) {
      this.deliver(event as EventName, payload);
    }
  }

  private deliver(event: EventName, payload: unknown): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) {
      try {
        listener(payload);
      } catch (error) {
        // One broken listener must not starve the others.
        console.error(`freezeframe: a listener for ${event} threw`, error);
      }
    }
  }
}

function isResult(value: unknown): value is Result<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as { ok?: unknown; error?: { code?: unknown; message?: unknown } };
  if (r.ok === true) return 'value' in r;
  return r.ok === false && typeof r.error?.code === 'string' && typeof r.error.message === 'string';
}

function defaultUrl(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
}

/** Installs window.freezeframe and waits for the first connection attempt to end. */
export async function installWebBridge(options: WebBridgeOptions = {}): Promise<void> {
  const connection = new BridgeConnection(options.url ?? defaultUrl(), options.connect ?? ((url) => new WebSocket(url)), {
    initialBackoffMs: options.initialBackoffMs ?? 250,
    maxBackoffMs: options.maxBackoffMs ?? 5000,
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
  });
  const api: Record<string, unknown> = {};
  for (const method of METHOD_NAMES) api[method] = (params: unknown) => connection.call(method, params);
  api.subscribe = (event: EventName, listener: Listener) => connection.subscribe(event, listener);
  // Frozen and non-writable, like what contextBridge gives the page in Electron.
  Object.defineProperty(options.target ?? window, 'freezeframe', {
    value: Object.freeze(api) as FreezeframeApi,
    writable: false,
    configurable: false,
    enumerable: true,
  });
  await connection.firstAttempt;
}
