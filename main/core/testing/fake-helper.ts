/**
 * A stand-in for the helper with the same interface as HelperClient, for
 * unit tests of the core: it keeps the held table the real helper keeps,
 * writes events before replies as the real one does, and can be told that
 * a filesystem is frozen by someone else, is unsupported, or that it dies.
 */
import { DANGEROUS_MAX_TIMEOUT_MS } from '../../../app/limits';
import type { HelperExit } from '../../helper/client';
import { HelperError } from '../../helper/helper-error';
import type * as p from '../../helper/protocol';
import type { HelperConnection } from '../freeze/helper-supervisor';

export interface FakeMount {
  path: string;
  mountId: number;
  majorMinor: string;
  fsType: string;
}

interface Held {
  mount: p.MountInfo;
  frozenAt: number;
  deadlineAt: number;
}

export class FakeHelper implements HelperConnection {
  readonly hello: p.Hello = { type: 'hello', protocol: 1, helperVersion: '1.0.0-fake', pid: 4242, euid: 0, leaseMs: 15000, maxTimeoutMs: 900000, maxHoldMs: 3600000, guardianPid: 4243 };
  readonly mode = 'direct' as const;
  readonly pid = 4242;
  running = true;
  readonly calls: Array<{ op: string; args: unknown }> = [];
  readonly held = new Map<string, Held>();
  readonly frozenElsewhere = new Set<string>();
  readonly unsupported = new Set<string>();
  readonly writersByPath = new Map<string, p.BlockedWriter[]>();
  /** The next call of this op fails with this error. */
  readonly failNext = new Map<string, HelperError>();
  /** While set, replies wait for it (to test BUSY and in-between states). */
  gate: Promise<void> | undefined;
  private readonly eventListeners = new Set<(event: p.HelperEvent) => void>();
  private readonly exitListeners = new Set<(exit: HelperExit) => void>();

  constructor(public mounts: FakeMount[]) {}

  onEvent(listener: (event: p.HelperEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  onExit(listener: (exit: HelperExit) => void): () => void {
    this.exitListeners.add(listener);
    return () => this.exitListeners.delete(listener);
  }

  async freeze(path: string, timeoutMs: number, opts: { mountId?: number; allowUnsafe?: boolean } = {}): Promise<p.FreezeResult> {
    await this.begin('freeze', { path, timeoutMs, ...opts });
    const mount = this.mountAt(path);
    if (opts.mountId !== undefined && opts.mountId !== mount.mountId) throw new HelperError('MOUNT_CHANGED', `${path} is not mount ${opts.mountId}`);
    if (opts.allowUnsafe && timeoutMs > DANGEROUS_MAX_TIMEOUT_MS) throw new HelperError('TIMEOUT_OUT_OF_RANGE', `timeoutMs over ${DANGEROUS_MAX_TIMEOUT_MS} with allowUnsafe`);
    if (this.unsupported.has(mount.majorMinor)) throw new HelperError('UNSUPPORTED_FS', `${path}: Operation not supported`, { errno: 95 });
    if (this.held.has(mount.majorMinor)) throw new HelperError('ALREADY_FROZEN', `${path} is already frozen by this helper`);
    if (this.frozenElsewhere.has(mount.majorMinor)) throw new HelperError('FROZEN_ELSEWHERE', `${path} is frozen by another program`, { errno: 16 });
    const frozenAt = Date.now();
    this.held.set(mount.majorMinor, { mount, frozenAt, deadlineAt: frozenAt + timeoutMs });
    this.emit({ type: 'event', event: 'frozen', mount, frozenAt, deadline: frozenAt + timeoutMs, remainingMs: timeoutMs });
    return { mount, frozenAt, deadline: frozenAt + timeoutMs, remainingMs: timeoutMs };
  }

  /** All or nothing, one shared deadline, a frozen event per member: as the real helper's freezeGroup. */
  async freezeGroup(paths: string[], timeoutMs: number, opts: { mountIds?: number[]; allowUnsafe?: boolean } = {}): Promise<p.FreezeGroupResult> {
    await this.begin('freezeGroup', { paths, timeoutMs, ...opts });
    const mounts = paths.map((path, i) => {
      const mount = this.mountAt(path);
      if (opts.mountIds && opts.mountIds[i] !== mount.mountId) throw new HelperError('MOUNT_CHANGED', `${path} is not mount ${opts.mountIds[i]}`);
      if (this.held.has(mount.majorMinor)) throw new HelperError('ALREADY_FROZEN', `${path} is already frozen by this helper`);
      if (this.frozenElsewhere.has(mount.majorMinor)) throw new HelperError('FROZEN_ELSEWHERE', `${path} is frozen by another program`, { errno: 16 });
      return mount;
    });
    const frozenAt = Date.now();
    for (const mount of mounts) {
      this.held.set(mount.majorMinor, { mount, frozenAt, deadlineAt: frozenAt + timeoutMs });
      this.emit({ type: 'event', event: 'frozen', mount, frozenAt, deadline: frozenAt + timeoutMs, remainingMs: timeoutMs });
    }
    return { mounts, frozenAt, deadline: frozenAt + timeoutMs, remainingMs: timeoutMs };
  }

  async thaw(target: p.MountTarget, opts: { force?: boolean } = {}): Promise<p.ThawResult> {
    await this.begin('thaw', { ...target, ...opts });
    const held = target.mountId !== undefined ? [...this.held.values()].find((h) => h.mount.mountId === target.mountId) : undefined;
    const mount = held?.mount ?? this.mountAt(target.path!);
    const entry = this.held.get(mount.majorMinor);
    if (entry) {
      this.held.delete(mount.majorMinor);
      const heldMs = Date.now() - entry.frozenAt;
      this.emit({ type: 'event', event: 'thawed', mount, reason: 'request', heldMs });
      return { mount, thawedAt: Date.now(), heldMs };
    }
    if (!opts.force) throw new HelperError('NOT_HELD', `${mount.path} is not frozen by this helper; if another program froze it, thaw with force`);
    if (!this.frozenElsewhere.delete(mount.majorMinor)) throw new HelperError('NOT_FROZEN', `${mount.path} is not frozen`, { errno: 22 });
    this.emit({ type: 'event', event: 'thawed', mount, reason: 'request', heldMs: null });
    return { mount, thawedAt: Date.now(), heldMs: null };
  }

  async thawAll(): Promise<p.ThawAllResult> {
    await this.begin('thawAll', {});
    const thawed: string[] = [];
    for (const [key, entry] of [...this.held]) {
      this.held.delete(key);
      thawed.push(entry.mount.path);
      this.emit({ type: 'event', event: 'thawed', mount: entry.mount, reason: 'request', heldMs: Date.now() - entry.frozenAt });
    }
    return { thawed };
  }

  async extend(target: p.MountTarget, timeoutMs: number): Promise<p.ExtendResult> {
    await this.begin('extend', { ...target, timeoutMs });
    const entry = [...this.held.values()].find((h) => h.mount.mountId === target.mountId || h.mount.path === target.path);
    if (!entry) throw new HelperError('NOT_HELD', 'not held');
    entry.deadlineAt = Date.now() + timeoutMs;
    this.emit({ type: 'event', event: 'extended', mount: entry.mount, deadline: entry.deadlineAt, remainingMs: timeoutMs });
    return { mount: entry.mount, deadline: entry.deadlineAt, remainingMs: timeoutMs };
  }

  async status(): Promise<p.StatusResult> {
    this.calls.push({ op: 'status', args: {} });
    const now = Date.now();
    return {
      frozen: [...this.held.values()].map((h) => ({ ...h.mount, frozenAt: h.frozenAt, deadline: h.deadlineAt, remainingMs: h.deadlineAt - now })),
      leaseDeadline: now + 15000,
      guardian: { pid: 4243, alive: true },
    };
  }

  async probe(path: string): Promise<p.ProbeResult> {
    await this.begin('probe', { path });
    const mount = this.mountAt(path);
    if (this.unsupported.has(mount.majorMinor)) throw new HelperError('UNSUPPORTED_FS', `${path}: Operation not supported`);
    const frozen = this.held.has(mount.majorMinor) || this.frozenElsewhere.has(mount.majorMinor);
    return { frozen, intrusive: !frozen };
  }

  async writers(path: string): Promise<p.WritersResult> {
    this.calls.push({ op: 'writers', args: { path } });
    return { blocked: this.writersByPath.get(path) ?? [] };
  }

  async close(): Promise<HelperExit> {
    this.calls.push({ op: 'close', args: {} });
    for (const [key, entry] of [...this.held]) {
      this.held.delete(key);
      this.emit({ type: 'event', event: 'thawed', mount: entry.mount, reason: 'client-gone', heldMs: Date.now() - entry.frozenAt });
    }
    return this.die(0, null);
  }

  /** The helper thaws by itself (deadline, lease...), as its timer would. */
  expire(majorMinor: string, reason: p.ThawReason = 'deadline'): void {
    const entry = this.held.get(majorMinor);
    if (!entry) throw new Error(`fake helper holds nothing at ${majorMinor}`);
    this.held.delete(majorMinor);
    this.emit({ type: 'event', event: 'thawed', mount: entry.mount, reason, heldMs: Date.now() - entry.frozenAt });
  }

  /** The process ends (killed, crashed, or closed). */
  die(code: number | null = null, signal: NodeJS.Signals | null = 'SIGKILL'): HelperExit {
    this.running = false;
    this.held.clear(); // the guardian thawed them
    const exit: HelperExit = { code, signal, stderrTail: '', error: new HelperError('HELPER_EXITED', `The freeze helper ${signal ? `was killed by ${signal}` : `exited with status ${code}`}`) };
    for (const listener of this.exitListeners) listener(exit);
    return exit;
  }

  private async begin(op: string, args: unknown): Promise<void> {
    this.calls.push({ op, args });
    if (!this.running) throw new HelperError('HELPER_EXITED', 'The freeze helper exited');
    if (this.gate) await this.gate;
    const failure = this.failNext.get(op);
    if (failure) {
      this.failNext.delete(op);
      throw failure;
    }
  }

  private mountAt(path: string): p.MountInfo {
    const found = this.mounts.filter((m) => m.path === path).pop();
    if (!found) throw new HelperError('NOT_A_MOUNTPOINT', `${path} is not a mountpoint`);
    return { ...found, source: '/dev/fake', options: 'rw', readOnly: false };
  }

  private emit(event: p.HelperEvent): void {
    for (const listener of this.eventListeners) listener(event);
  }
}
