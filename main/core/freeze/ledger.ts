/**
 * What main knows of each filesystem's freeze state, keyed by superblock
 * (major:minor), and how the helper's events and status move it. The
 * helper is the authority: its events (written before its replies) drive
 * the state; the actions in freeze-service.ts only add the in-between
 * states (freezing, thawing) and what failures teach (frozen elsewhere,
 * unsupported).
 */
import type { BlockedWriter, FreezeInfo, Notice, ThawCause } from '../../../app/domain';
import type * as p from '../../helper/protocol';
import { thawNotice } from './user-messages';
import type { FreezeHistory } from './history';
import { buildInfo, initialState, isHeld, remainingAt, sameWriters, thawedPatch, type SuperblockState } from './superblock-state';
import type { HelperConnection } from './helper-supervisor';
import type { MountBase } from '../mounts/mount-table';

export interface FreezeLedgerDeps {
  rowsOfSuperblock(key: string): readonly MountBase[];
  history: FreezeHistory;
  notify(notice: Omit<Notice, 'at'>): void;
  /** The FreezeInfo of this superblock's rows changed. */
  onChanged(key: string): void;
  /** The helper to ask for blocked writers; never one started for the purpose. */
  runningHelper(): HelperConnection | undefined;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  now(): number;
  mono(): number;
  writersIntervalMs: number;
}

export class FreezeLedger {
  private readonly states = new Map<string, SuperblockState>();
  /** The timeoutMs of a freeze or extend in flight, for the event that precedes its reply. */
  readonly asked = new Map<string, number>();
  /** Why a thaw in flight was asked for, when it is more than a request (a backup run's window ran out). */
  readonly thawCauses = new Map<string, ThawCause>();
  private readonly eventCounts = new Map<string, number>();
  private writersTimer: NodeJS.Timeout | undefined;
  private writersPolling = false;

  constructor(private readonly deps: FreezeLedgerDeps) {}

  get(key: string): SuperblockState | undefined {
    return this.states.get(key);
  }

  stateOf(base: MountBase): SuperblockState {
    let s = this.states.get(base.majorMinor);
    if (!s) {
      s = initialState(base.fsType, base.freezable);
      this.states.set(base.majorMinor, s);
    }
    return s;
  }

  /** The FreezeInfo with remainingMs as of now: for anything about to be sent. */
  freshInfo(base: MountBase): FreezeInfo {
    const s = this.stateOf(base);
    return s.deadlineMono === undefined ? s.info : { ...s.info, remainingMs: remainingAt(s, this.deps.mono())! };
  }

  frozenCount(): number {
    let n = 0;
    for (const s of this.states.values()) if (isHeld(s) || s.state === 'freezing') n++;
    return n;
  }

  anythingFrozen(): boolean {
    for (const s of this.states.values()) if (s.state !== 'thawed' && s.state !== 'unsupported') return true;
    return false;
  }

  /** Change a superblock's state; its FreezeInfo object is replaced only if what it shows changed. */
  patch(key: string, changes: Partial<SuperblockState>, unlisted?: { fsType: string }): void {
    const old = this.states.get(key);
    // Not in the table (yet, or any more): only what the helper holds is worth keeping.
    const base = this.deps.rowsOfSuperblock(key)[0] ?? (unlisted && { fsType: unlisted.fsType, freezable: true });
    if (!old && !base) return;
    const next: SuperblockState = { ...(old ?? initialState(base!.fsType, base!.freezable)), ...changes };
    next.info = buildInfo(next, this.deps.mono());
    if (old && sameInfo(old, next)) next.info = old.info;
    this.states.set(key, next);
    if (!old || next.info !== old.info) this.deps.onChanged(key);
    this.syncWritersPolling();
  }

  frozen(mount: p.MountInfo, frozenAt: number, remainingMs: number): void {
    const key = mount.majorMinor;
    const timeoutMs = this.asked.get(key) ?? remainingMs;
    this.patch(key, {
      state: 'frozen',
      heldPath: mount.path,
      heldMountId: mount.mountId,
      frozenAt,
      deadlineMono: this.deps.mono() + remainingMs,
      timeoutMs,
      elsewhereSince: undefined,
      lastError: undefined,
    }, mount);
    this.deps.history.opened(key, { path: mount.path, fsType: mount.fsType, majorMinor: key, frozenAt, timeoutMs, deadlineAt: this.deps.now() + remainingMs });
  }

  /** The helper sent an event about this filesystem (see eventsSeen). */
  noteEvent(key: string): void {
    this.eventCounts.set(key, (this.eventCounts.get(key) ?? 0) + 1);
  }

  /**
   * How many helper events named this filesystem so far. A reply is applied
   * only if no event came since its request: the helper writes its events
   * before its reply, but the code awaiting the reply runs later (a
   * microtask), after events read from the same chunk, such as a
   * lease-expired thaw that would otherwise be undone.
   */
  eventsSeen(key: string): number {
    return this.eventCounts.get(key) ?? 0;
  }

  extended(mount: p.MountInfo, remainingMs: number): void {
    const key = mount.majorMinor;
    const s = this.states.get(key);
    if (!s || !isHeld(s)) return;
    this.patch(key, { deadlineMono: this.deps.mono() + remainingMs, timeoutMs: this.asked.get(key) ?? remainingMs, lastError: undefined });
    this.deps.history.extended(key, this.deps.now() + remainingMs);
  }

  thawed(mount: Pick<p.MountInfo, 'path' | 'majorMinor'>, reason: p.ThawReason, heldMs: number | null, alreadyThawed: boolean): void {
    const key = mount.majorMinor;
    const s = this.states.get(key);
    const wasHeld = (s !== undefined && isHeld(s)) || this.deps.history.isOpen(key);
    this.patch(key, thawedPatch());
    if (!wasHeld) return; // a forced thaw of someone else's freeze: no window of ours ended
    const endedBy: ThawCause = alreadyThawed ? 'external' : reason === 'request' ? (this.thawCauses.get(key) ?? reason) : reason;
    this.deps.history.closed(key, { thawedAt: this.deps.now(), heldMs: heldMs !== null && heldMs >= 0 ? heldMs : null, endedBy });
    const notice = thawNotice(mount.path, reason, heldMs, alreadyThawed);
    if (notice) this.deps.notify({ ...notice, code: `thawed:${reason}` });
    this.deps.log('info', `thawed ${mount.path} (${reason}${alreadyThawed ? ', already thawed' : ''}), held ${heldMs ?? '?'} ms`);
  }

  /** The helper is gone: its guardian thawed whatever it held. */
  helperExited(): void {
    const paths: string[] = [];
    for (const [key, s] of [...this.states]) {
      if (!isHeld(s)) continue;
      paths.push(s.heldPath!);
      this.patch(key, thawedPatch());
      this.deps.history.closed(key, { thawedAt: this.deps.now(), heldMs: null, endedBy: 'helper-exited' });
    }
    if (paths.length) {
      this.deps.notify({ level: 'error', code: 'helper-exited', message: `The freeze helper exited; its guardian thawed ${paths.join(', ')}.` });
    }
  }

  /** Make our view match what the helper says it holds (after a start, or a surprise). */
  async reconcile(helper: HelperConnection): Promise<void> {
    let status: p.StatusResult;
    try {
      status = await helper.status();
    } catch (error) {
      this.deps.log('warn', `helper: status failed while reconciling: ${(error as Error).message}`);
      return;
    }
    const heldNow = new Set<string>();
    for (const held of status.frozen) {
      heldNow.add(held.majorMinor);
      const s = this.states.get(held.majorMinor);
      if (!s || !isHeld(s)) this.frozen(held, held.frozenAt, held.remainingMs);
    }
    for (const [key, s] of [...this.states]) {
      if (isHeld(s) && !heldNow.has(key)) this.thawed({ path: s.heldPath!, majorMinor: key }, 'request', null, true);
    }
  }

  /** The mount table changed: forget filesystems that are gone, unless something is under way. */
  tableChanged(present: ReadonlySet<string>): void {
    for (const [key, s] of [...this.states]) {
      const base = this.deps.rowsOfSuperblock(key)[0];
      // Gone, or its major:minor now names another filesystem: start afresh.
      const stale = !present.has(key) || (base !== undefined && base.fsType !== s.fsType);
      if (!stale || isHeld(s) || s.busy || s.state === 'freezing') continue;
      this.states.delete(key);
      if (present.has(key)) this.deps.onChanged(key);
    }
  }

  stop(): void {
    if (this.writersTimer) clearInterval(this.writersTimer);
    this.writersTimer = undefined;
  }

  private syncWritersPolling(): void {
    let any = false;
    for (const s of this.states.values()) if (isHeld(s)) any = true;
    if (any && !this.writersTimer) {
      this.writersTimer = setInterval(() => void this.pollWriters(), this.deps.writersIntervalMs);
      this.writersTimer.unref();
    } else if (!any && this.writersTimer) {
      this.stop();
    }
  }

  /** Blocked writers of each held filesystem, once a second while anything is frozen. */
  async pollWriters(): Promise<void> {
    const helper = this.deps.runningHelper();
    if (!helper || this.writersPolling) return;
    this.writersPolling = true;
    try {
      for (const [key, s] of [...this.states]) {
        if (!isHeld(s)) continue;
        let blocked: BlockedWriter[];
        try {
          const result = await helper.writers(s.heldPath!);
          blocked = result.blocked.map(({ pid, tid, comm, syscall, path }) => ({ pid, ...(tid !== undefined && { tid }), comm, syscall, path }));
        } catch {
          continue; // a thaw raced us, or the helper went away: the next round sees
        }
        const now = this.states.get(key);
        if (now && isHeld(now) && !sameWriters(now.writers, blocked)) this.patch(key, { writers: blocked });
      }
    } finally {
      this.writersPolling = false;
    }
  }
}

/** Same FreezeInfo content (remainingMs aside, unless the deadline itself moved). */
function sameInfo(a: SuperblockState, b: SuperblockState): boolean {
  const x = a.info;
  const y = b.info;
  return (
    x.state === y.state &&
    x.frozenAt === y.frozenAt &&
    x.timeoutMs === y.timeoutMs &&
    x.elsewhereSince === y.elsewhereSince &&
    x.writers === y.writers &&
    x.lastError?.code === y.lastError?.code &&
    x.lastError?.message === y.lastError?.message &&
    a.deadlineMono === b.deadlineMono
  );
}
