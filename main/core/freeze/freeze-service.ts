/**
 * Freeze, thaw, extend and probe one filesystem (superblock) through the
 * helper, one action at a time per filesystem. The states live in the
 * ledger; this adds the in-between states and what a failure teaches.
 * "Frozen elsewhere" is learned only from a freeze that meets EBUSY or a
 * probe the user asked for: nothing here probes behind the user's back.
 */
import type { FreezeInfo, Notice, ThawCause } from '../../../app/domain';
import { assertNever } from '../../../app/errors';
import { HelperError } from '../../helper/helper-error';
import type * as p from '../../helper/protocol';
import { CoreError, toErrorShape } from '../core-error';
import { freezeFailed, nothingToExtend, thawFailed, type Failure } from './user-messages';
import { FreezeFailures } from './failure-rollback';
import { FreezeGroup, type GroupFreeze } from './group-freeze';
import type { FreezeHistory } from './history';
import { FreezeLedger } from './ledger';
import { isHeld, thawedPatch, type SuperblockState } from './superblock-state';
import type { HelperConnection, HelperSupervisor } from './helper-supervisor';
import type { MountBase } from '../mounts/mount-table';

export interface FreezeServiceDeps {
  helper: Pick<HelperSupervisor, 'ensure' | 'running' | 'onEvent' | 'onExit' | 'onAttach'>;
  table: { row(id: string): MountBase | undefined; rowsOfSuperblock(key: string): readonly MountBase[] };
  history: FreezeHistory;
  notify(notice: Omit<Notice, 'at'>): void;
  /** The FreezeInfo of this superblock's rows changed. */
  onChanged(key: string): void;
  /** Called before a freeze is sent (the log stops writing to disk). */
  beforeFreeze?(): void;
  /** The helper said MOUNT_CHANGED: the table should look again. */
  onMountChanged?(): void;
  log?(level: 'info' | 'warn' | 'error', message: string): void;
  now?(): number;
  mono?(): number;
  writersIntervalMs?: number;
}

export class FreezeService {
  readonly ledger: FreezeLedger;
  private readonly failures: FreezeFailures;
  private readonly group: FreezeGroup;

  constructor(private readonly deps: FreezeServiceDeps) {
    const log = deps.log ?? (() => undefined);
    this.ledger = new FreezeLedger({
      rowsOfSuperblock: (key) => deps.table.rowsOfSuperblock(key),
      history: deps.history,
      notify: (notice) => deps.notify(notice),
      onChanged: (key) => deps.onChanged(key),
      runningHelper: () => deps.helper.running(),
      log,
      now: deps.now ?? Date.now,
      mono: deps.mono ?? (() => performance.now()),
      writersIntervalMs: deps.writersIntervalMs ?? 1000,
    });
    this.failures = new FreezeFailures({
      ledger: this.ledger,
      runningHelper: () => deps.helper.running(),
      onMountChanged: () => deps.onMountChanged?.(),
      now: () => (deps.now ?? Date.now)(),
    });
    this.group = new FreezeGroup({
      ledger: this.ledger,
      helper: deps.helper,
      failures: this.failures,
      beforeFreeze: () => deps.beforeFreeze?.(),
    });
    deps.helper.onEvent((event) => this.onHelperEvent(event, log));
    deps.helper.onExit(() => this.ledger.helperExited());
    deps.helper.onAttach((connection) => void this.ledger.reconcile(connection));
  }

  /** Take over what an already running helper holds (call once the mount table is read). */
  async adoptRunningHelper(): Promise<void> {
    const helper = this.deps.helper.running();
    if (helper) await this.ledger.reconcile(helper);
  }

  /** The row's FreezeInfo; the same object until something in it changes. */
  info(base: MountBase): FreezeInfo {
    return this.ledger.stateOf(base).info;
  }

  /** With remainingMs as of now: for anything about to be sent. */
  freshInfo(base: MountBase): FreezeInfo {
    return this.ledger.freshInfo(base);
  }

  frozenCount(): number {
    return this.ledger.frozenCount();
  }

  anythingFrozen(): boolean {
    return this.ledger.anythingFrozen();
  }

  async start(id: string, timeoutMs: number, confirm?: string): Promise<FreezeInfo> {
    const row = this.row(id);
    if (!row.freezable) throw new HelperError('UNSUPPORTED_FS', `${row.path} is ${row.fsType}, which the kernel cannot freeze.`);
    const dangerous = row.danger.length > 0;
    if (dangerous && confirm !== row.path) {
      throw new CoreError('DANGER_NOT_CONFIRMED', `Freezing ${row.path} is dangerous. ${row.danger.map((d) => d.reason).join(' ')} Type its mountpoint to confirm.`);
    }
    return this.act(row, async (key, helper, before) => {
      if (isHeld(before)) throw new HelperError('ALREADY_FROZEN', `${row.path} is already frozen by this app.`);
      this.ledger.patch(key, { state: 'freezing', lastError: undefined });
      this.deps.beforeFreeze?.();
      this.ledger.asked.set(key, timeoutMs);
      try {
        // The mount id we listed: a remount in between is MOUNT_CHANGED, not a surprise freeze.
        // allowUnsafe only once the user typed the mountpoint (the helper then caps it at 30 s).
        const seen = this.ledger.eventsSeen(key);
        const result = await helper.freeze(row.path, timeoutMs, { mountId: row.mountId, ...(dangerous && { allowUnsafe: true }) });
        if (this.ledger.eventsSeen(key) === seen) this.ledger.frozen(result.mount, result.frozenAt, result.remainingMs);
      } catch (error) {
        const failure = freezeFailed(error, { dangerous, timeoutMs, maxTimeoutMs: helper.hello.maxTimeoutMs });
        this.failures.afterFreezeError(key, before, failure);
        throw failure;
      } finally {
        this.ledger.asked.delete(key);
      }
      return this.freshInfo(row);
    });
  }

  async thaw(id: string, force = false): Promise<FreezeInfo> {
    const row = this.row(id);
    return this.act(row, async (key, helper, before) => {
      const held = isHeld(before);
      if (held) this.ledger.patch(key, { state: 'thawing', lastError: undefined });
      try {
        // What we hold is named by the mount id it was frozen through: the helper finds it without a path lookup.
        const target: p.MountTarget = held ? { mountId: before.heldMountId! } : { path: row.path };
        await helper.thaw(target, force ? { force } : {});
        if (!isHeld(this.ledger.get(key)!)) this.ledger.patch(key, { ...thawedPatch(), lastError: undefined });
      } catch (error) {
        const failure = thawFailed(error);
        const lastError = toErrorShape(failure).shape;
        this.failures.afterThawError(key, held, failure.code, lastError);
        throw failure;
      }
      return this.freshInfo(row);
    });
  }

  async extend(id: string, timeoutMs: number): Promise<FreezeInfo> {
    const row = this.row(id);
    return this.act(row, async (key, helper, before) => {
      if (!isHeld(before)) throw nothingToExtend(row.path, before);
      this.ledger.asked.set(key, timeoutMs);
      try {
        const result = await helper.extend({ mountId: before.heldMountId! }, timeoutMs);
        this.ledger.extended(result.mount, result.remainingMs);
      } catch (error) {
        // Its deadline (or a thaw) got there first: the helper's thawed event came before this reply.
        const now = this.ledger.get(key)!;
        if ((error as Failure).code === 'NOT_HELD' && !isHeld(now)) throw nothingToExtend(row.path, now);
        const failure = freezeFailed(error, { dangerous: row.danger.length > 0, timeoutMs, maxTimeoutMs: helper.hello.maxTimeoutMs });
        this.ledger.patch(key, { lastError: toErrorShape(failure).shape });
        throw failure;
      } finally {
        this.ledger.asked.delete(key);
      }
      return this.freshInfo(row);
    });
  }

  /** The user asked: is it frozen? (May freeze and thaw it for an instant.) */
  async probe(id: string): Promise<{ frozen: boolean; intrusive: boolean; freeze: FreezeInfo }> {
    const row = this.row(id);
    return this.act(row, async (key, helper) => {
      try {
        const { frozen, intrusive } = await helper.probe(row.path);
        const s = this.ledger.get(key)!;
        if (!isHeld(s)) {
          this.ledger.patch(
            key,
            frozen ? { state: 'frozen-elsewhere', elsewhereSince: s.elsewhereSince ?? (this.deps.now ?? Date.now)(), lastError: undefined } : { ...thawedPatch(), lastError: undefined },
          );
        }
        return { frozen, intrusive, freeze: this.freshInfo(row) };
      } catch (error) {
        const lastError = toErrorShape(error).shape;
        this.ledger.patch(key, lastError.code === 'UNSUPPORTED_FS' ? { state: 'unsupported', lastError } : { lastError });
        throw error;
      }
    });
  }

  /**
   * Freeze several filesystems together (all or nothing, one shared
   * deadline): the backup engine's consistency group. See FreezeGroup.
   */
  freezeGroup(rows: readonly MountBase[], timeoutMs: number, opts: { allowUnsafe?: boolean } = {}): Promise<GroupFreeze> {
    return this.group.freeze(rows, timeoutMs, opts);
  }

  /** Thaw what freezeGroup froze, last member first; the first failure is thrown after all were tried. */
  thawGroup(group: GroupFreeze, cause?: ThawCause): Promise<void> {
    return this.group.thaw(group, cause);
  }

  /** Thaw everything this app holds (the helper's events update each row). Never starts a helper. */
  async thawAll(): Promise<{ thawed: string[] }> {
    const helper = this.deps.helper.running();
    if (!helper) return { thawed: [] };
    return { thawed: (await helper.thawAll()).thawed };
  }

  tableChanged(present: ReadonlySet<string>): void {
    this.ledger.tableChanged(present);
  }

  stop(): void {
    this.ledger.stop();
  }

  private row(id: string): MountBase {
    const row = this.deps.table.row(id);
    if (!row) throw new CoreError('UNKNOWN_MOUNT', 'That filesystem is no longer mounted (the list was out of date).');
    return row;
  }

  /** One action at a time per filesystem; the helper is started (again) if need be. */
  private async act<T>(row: MountBase, action: (key: string, helper: HelperConnection, before: SuperblockState) => Promise<T>): Promise<T> {
    const key = row.majorMinor;
    const s = this.ledger.stateOf(row);
    if (s.busy) throw new CoreError('BUSY', `Another action on ${row.path} is still running.`);
    s.busy = true;
    try {
      const helper = await this.deps.helper.ensure();
      return await action(key, helper, this.ledger.stateOf(row));
    } finally {
      const now = this.ledger.get(key);
      if (now) now.busy = false;
    }
  }

  private onHelperEvent(event: p.HelperEvent, log: NonNullable<FreezeServiceDeps['log']>): void {
    if ('mount' in event) this.ledger.noteEvent(event.mount.majorMinor);
    switch (event.event) {
      case 'frozen':
        return this.ledger.frozen(event.mount, event.frozenAt, event.remainingMs);
      case 'extended':
        return this.ledger.extended(event.mount, event.remainingMs);
      case 'thawed':
        return this.ledger.thawed(event.mount, event.reason, event.heldMs, event.alreadyThawed === true);
      case 'lease-warning':
        return log('warn', `helper: lease warning, ${event.remainingMs} ms left (main was slow to send heartbeats)`);
      case 'guardian-restarted':
        return; // the supervisor reports it
      default:
        assertNever(event, 'helper event');
    }
  }
}
