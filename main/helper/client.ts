/**
 * The client side of helper protocol v1: one helper process, typed async
 * calls, an event stream, heartbeats that prove this process can still do
 * I/O. Deadlines and the lease live in the helper, never here: this class
 * only keeps the lease alive while the process is healthy.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import type { z } from 'zod';
import { HelperError } from './helper-error';
import { exitError, launchHelper, pkexecExitError, type LaunchMode, type LaunchOptions } from './launch';
import { LineSplitter } from './line-splitter';
import * as p from './protocol';
import { ThreadpoolGate } from './threadpool-gate';

export interface HelperClientOptions extends LaunchOptions {
  /** How long to wait for the greeting; pkexec waits on a human. */
  greetingTimeoutMs?: number;
  /** Default per-call timeout. */
  callTimeoutMs?: number;
  /** For calls that run FIFREEZE (it syncs, and queues behind other freezes). */
  slowCallTimeoutMs?: number;
  /** Turn the periodic heartbeat off (tests of the lease do). */
  heartbeat?: boolean;
  gate?: ThreadpoolGate;
}

export interface HelperExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderrTail: string;
  error: HelperError;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: HelperError) => void;
  schema: z.ZodType;
  timer: NodeJS.Timeout;
}

type Listener<T> = (value: T) => void;

const STDERR_TAIL = 4096;

export class HelperClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly eventListeners = new Set<Listener<p.HelperEvent>>();
  private readonly exitListeners = new Set<Listener<HelperExit>>();
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private heartbeatInFlight = false;
  private exitInfo: HelperExit | undefined;
  private stderrTail = '';
  readonly exited: Promise<HelperExit>;

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    readonly mode: LaunchMode,
    readonly hello: p.Hello,
    private readonly options: HelperClientOptions,
    private readonly gate: ThreadpoolGate,
    splitter: { setHandler(handler: (line: string) => void): void },
    stderrSoFar: string,
  ) {
    this.stderrTail = stderrSoFar;
    splitter.setHandler((line) => this.onLine(line));
    child.stderr.on('data', (chunk: Buffer) => this.keepStderr(chunk));
    child.stdin.on('error', () => {
      // EPIPE: the helper is gone; 'close' below reports it.
    });
    this.exited = new Promise((resolve) => {
      child.once('close', (code, signal) => {
        const info: HelperExit = { code, signal, stderrTail: this.stderrTail, error: exitError(code, signal, this.stderrTail) };
        this.exitInfo = info;
        this.stopHeartbeat();
        for (const [id, call] of this.pending) {
          clearTimeout(call.timer);
          call.reject(info.error);
          this.pending.delete(id);
        }
        for (const listener of this.exitListeners) safely(listener, info);
        resolve(info);
      });
    });
    if (options.heartbeat !== false) this.startHeartbeat();
  }

  /** Launch the helper (directly as root, else through pkexec) and wait for its greeting. */
  static async start(options: HelperClientOptions): Promise<HelperClient> {
    const { child, mode } = await launchHelper(options);
    let stderr = '';
    const onStderr = (chunk: Buffer): void => {
      stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_TAIL);
    };
    child.stderr.on('data', onStderr);
    child.stdin.on('error', () => undefined);

    let handler: ((line: string) => void) | undefined;
    const earlyLines: string[] = [];
    const splitter = new LineSplitter(
      (line) => (handler ? handler(line) : earlyLines.push(line)),
      () => undefined,
    );
    child.stdout.on('data', (chunk: Buffer) => splitter.push(chunk));

    const greetingTimeoutMs = options.greetingTimeoutMs ?? (mode === 'pkexec' ? 300_000 : 10_000);
    const hello = await new Promise<p.Hello>((resolve, reject) => {
      const fail = (error: HelperError): void => {
        cleanup();
        child.stdin.end();
        if (mode === 'direct') child.kill('SIGTERM');
        reject(error);
      };
      const onClose = (code: number | null, signal: NodeJS.Signals | null): void => {
        fail(mode === 'pkexec' ? pkexecExitError(code, signal, stderr) : exitError(code, signal, stderr));
      };
      const timer = setTimeout(
        () => fail(new HelperError('CALL_TIMEOUT', `The helper did not greet within ${greetingTimeoutMs} ms.`)),
        greetingTimeoutMs,
      );
      const cleanup = (): void => {
        clearTimeout(timer);
        child.off('close', onClose);
        handler = undefined;
      };
      handler = (line) => {
        cleanup();
        const parsed = p.helloSchema.safeParse(safeJson(line));
        if (!parsed.success) {
          fail(new HelperError('PROTOCOL_ERROR', `The helper's first line is not a protocol greeting: ${line.slice(0, 200)}`));
        } else if (parsed.data.protocol !== p.PROTOCOL_VERSION) {
          fail(new HelperError('PROTOCOL_MISMATCH', `The helper speaks protocol ${parsed.data.protocol}; this app speaks ${p.PROTOCOL_VERSION}. Install matching versions.`));
        } else {
          resolve(parsed.data);
        }
      };
      child.once('close', onClose);
      const first = earlyLines.shift();
      if (first !== undefined) handler(first);
    });

    child.stderr.off('data', onStderr);
    const client = new HelperClient(child, mode, hello, options, options.gate ?? new ThreadpoolGate(), {
      setHandler: (h) => {
        handler = h;
        for (const line of earlyLines.splice(0)) h(line);
      },
    }, stderr);
    return client;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.exitInfo === undefined;
  }

  onEvent(listener: Listener<p.HelperEvent>): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  onExit(listener: Listener<HelperExit>): () => void {
    this.exitListeners.add(listener);
    return () => this.exitListeners.delete(listener);
  }

  freeze(path: string, timeoutMs: number, opts: { mountId?: number; allowUnsafe?: boolean } = {}): Promise<p.FreezeResult> {
    return this.call('freeze', { path, timeoutMs, ...opts }, p.freezeResultSchema, this.slowTimeout());
  }

  freezeGroup(paths: string[], timeoutMs: number, opts: { mountIds?: number[]; allowUnsafe?: boolean } = {}): Promise<p.FreezeGroupResult> {
    return this.call('freezeGroup', { paths, timeoutMs, ...opts }, p.freezeGroupResultSchema, this.slowTimeout());
  }

  thaw(target: p.MountTarget, opts: { force?: boolean } = {}): Promise<p.ThawResult> {
    return this.call('thaw', { ...target, ...opts }, p.thawResultSchema);
  }

  thawAll(): Promise<p.ThawAllResult> {
    return this.call('thawAll', {}, p.thawAllResultSchema);
  }

  extend(target: p.MountTarget, timeoutMs: number): Promise<p.ExtendResult> {
    return this.call('extend', { ...target, timeoutMs }, p.extendResultSchema);
  }

  status(): Promise<p.StatusResult> {
    return this.call('status', {}, p.statusResultSchema);
  }

  heartbeat(): Promise<p.HeartbeatResult> {
    return this.call('heartbeat', {}, p.heartbeatResultSchema);
  }

  probe(path: string): Promise<p.ProbeResult> {
    return this.call('probe', { path }, p.probeResultSchema, this.slowTimeout());
  }

  writers(path: string): Promise<p.WritersResult> {
    return this.call('writers', { path }, p.writersResultSchema, this.slowTimeout());
  }

  /** Thaw everything and ask the helper to exit. */
  async shutdown(): Promise<p.ShutdownResult> {
    const result = await this.call('shutdown', {}, p.shutdownResultSchema);
    await this.exited;
    return result;
  }

  /**
   * Close the helper's stdin: it thaws everything (reason client-gone) and
   * exits. Resolves when it has exited.
   */
  async close(timeoutMs = 5000): Promise<HelperExit> {
    this.stopHeartbeat();
    this.child.stdin.end();
    const timer = setTimeout(() => {
      if (this.mode === 'direct') this.child.kill('SIGTERM');
    }, timeoutMs);
    const info = await this.exited;
    clearTimeout(timer);
    return info;
  }

  private call<T>(op: string, args: object, schema: z.ZodType<T>, timeoutMs = this.options.callTimeoutMs ?? 10_000): Promise<T> {
    if (this.exitInfo) return Promise.reject(this.exitInfo.error);
    const id = this.nextId++;
    const line = `${JSON.stringify({ id, op, ...args })}\n`;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new HelperError('CALL_TIMEOUT', `The helper did not answer "${op}" within ${timeoutMs} ms.`));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, schema, timer });
      void this.gate.pass().then(() => {
        if (this.exitInfo || !this.pending.has(id)) return;
        this.child.stdin.write(line);
      });
    });
  }

  private slowTimeout(): number {
    return this.options.slowCallTimeoutMs ?? 120_000;
  }

  private onLine(line: string): void {
    const message = safeJson(line) as { type?: unknown } | undefined;
    if (message?.type === 'reply') return this.onReply(message);
    if (message?.type === 'event') {
      const parsed = p.eventSchema.safeParse(message);
      if (parsed.success) {
        for (const listener of this.eventListeners) safely(listener, parsed.data);
        return;
      }
    }
    process.emitWarning(`freezeframe: ignoring a line from the helper that is not protocol v1: ${line.slice(0, 200)}`);
  }

  private onReply(message: unknown): void {
    const parsed = p.replySchema.safeParse(message);
    if (!parsed.success) {
      process.emitWarning(`freezeframe: malformed reply from the helper: ${JSON.stringify(message).slice(0, 200)}`);
      return;
    }
    const reply = parsed.data;
    const call = reply.id === null ? undefined : this.pending.get(reply.id);
    if (!call || reply.id === null) return; // a late reply to a call that already timed out
    this.pending.delete(reply.id);
    clearTimeout(call.timer);
    if (!reply.ok) {
      const { code, message: text, errno, path } = reply.error;
      call.reject(new HelperError(code, text, { ...(errno !== undefined && { errno }), ...(path !== undefined && { path }) }));
      return;
    }
    const { type: _type, id: _id, ok: _ok, ...fields } = reply;
    const result = call.schema.safeParse(fields);
    if (result.success) call.resolve(result.data);
    else call.reject(new HelperError('PROTOCOL_ERROR', `The helper's reply does not match protocol v1: ${result.error.message}`));
  }

  private startHeartbeat(): void {
    // A third of the lease: two heartbeats can be lost before it runs out.
    const every = Math.max(100, Math.floor(this.hello.leaseMs / 3));
    this.heartbeatTimer = setInterval(() => {
      if (this.heartbeatInFlight) return;
      this.heartbeatInFlight = true;
      this.heartbeat()
        .catch(() => undefined)
        .finally(() => {
          this.heartbeatInFlight = false;
        });
    }, every);
    this.heartbeatTimer.unref();
  }

  private stopHeartbeat(): void {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
  }

  private keepStderr(chunk: Buffer): void {
    this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL);
  }
}

function safeJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

function safely<T>(listener: Listener<T>, value: T): void {
  try {
    listener(value);
  } catch (error) {
    // A consumer's bug must not stop us reading the helper's output.
    process.emitWarning(`freezeframe: a helper listener threw: ${String(error)}`);
  }
}
