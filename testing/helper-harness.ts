/**
 * What the integration tests share: the built helper, a client with short
 * limits (every freeze here has a deadline of a few seconds, so a bug thaws
 * itself), an event log to wait on, and a raw line driver for abuse tests.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { HelperClient, type HelperClientOptions } from '../main/helper/client';
import type { HelperEvent } from '../main/helper/protocol';
import { LineSplitter } from '../main/helper/line-splitter';
import { canRunRootTests } from './loop-mounts';

export const HELPER_PATH = resolve(import.meta.dirname, '../native-helper/build/freezeframe-helper');

export const rootTests = ((): { ok: boolean; why: string } => {
  const can = canRunRootTests();
  if (can.ok && !existsSync(HELPER_PATH)) return { ok: false, why: `helper not built (${HELPER_PATH}); run npm run build:helper` };
  return can;
})();

if (!rootTests.ok) {
  console.warn(`\n*** NOT RUN: real-kernel freeze tests need root and loop devices: ${rootTests.why} ***\n`);
}

export async function startClient(options: Partial<HelperClientOptions> = {}): Promise<{ client: HelperClient; events: EventLog }> {
  const client = await HelperClient.start({ helperPath: HELPER_PATH, leaseMs: 5000, maxTimeoutMs: 30_000, maxHoldMs: 60_000, ...options });
  const events = new EventLog();
  client.onEvent((event) => events.push(event));
  return { client, events };
}

export class EventLog {
  readonly all: Array<HelperEvent & { at: number }> = [];
  private waiters: Array<() => void> = [];

  push(event: HelperEvent): void {
    this.all.push({ ...event, at: performance.now() });
    for (const wake of this.waiters.splice(0)) wake();
  }

  async waitFor<E extends HelperEvent['event']>(
    event: E,
    match: (e: Extract<HelperEvent, { event: E }>) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<Extract<HelperEvent, { event: E }> & { at: number }> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const found = this.all.find((e) => e.event === event && match(e as unknown as Extract<HelperEvent, { event: E }>));
      if (found) return found as Extract<HelperEvent, { event: E }> & { at: number };
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`no "${event}" event within ${timeoutMs} ms; saw: ${this.all.map((e) => e.event).join(', ')}`);
      await new Promise<void>((wake) => {
        const timer = setTimeout(wake, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          wake();
        });
      });
    }
  }
}

/** The helper on raw pipes: for lines no well-behaved client would send. */
export class RawHelper {
  readonly child: ChildProcessWithoutNullStreams;
  readonly lines: unknown[] = [];
  readonly exit: Promise<number | null>;
  private waiters: Array<() => void> = [];

  constructor(args: string[] = ['--stdio', '--lease-ms', '5000', '--max-timeout-ms', '30000', '--max-hold-ms', '60000']) {
    this.child = spawn(HELPER_PATH, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdin.on('error', () => undefined);
    const splitter = new LineSplitter(
      (line) => {
        this.lines.push(JSON.parse(line));
        for (const wake of this.waiters.splice(0)) wake();
      },
      () => undefined,
    );
    this.child.stdout.on('data', (chunk: Buffer) => splitter.push(chunk));
    this.exit = new Promise((resolveExit) => this.child.once('exit', (code) => resolveExit(code)));
  }

  write(data: string | Buffer): void {
    this.child.stdin.write(data);
  }

  /** The next line matching pred (searching from the start of what was read). */
  async waitLine(pred: (line: Record<string, unknown>) => boolean, timeoutMs = 5000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.lines.find((l) => pred(l as Record<string, unknown>));
      if (found) return found as Record<string, unknown>;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching line within ${timeoutMs} ms; got ${JSON.stringify(this.lines).slice(0, 2000)}`);
      await new Promise<void>((wake) => {
        const timer = setTimeout(wake, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          wake();
        });
      });
    }
  }

  reply(id: number | null, timeoutMs = 5000): Promise<Record<string, unknown>> {
    return this.waitLine((l) => l.type === 'reply' && l.id === id, timeoutMs);
  }

  async close(): Promise<void> {
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGTERM'), 5000);
    await this.exit;
    clearTimeout(timer);
  }
}
