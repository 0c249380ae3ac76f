/**
 * A consistency group: several filesystems frozen together through the
 * helper's freezeGroup (all or nothing, one shared deadline) and thawed
 * last member first. Each row shows frozen by this app as with a single
 * freeze; the ledger holds the states, as for freeze-service.
 */
import type { ThawCause } from '../../../app/domain';
import { HelperError } from '../../helper/helper-error';
import type * as p from '../../helper/protocol';
import { CoreError, toErrorShape } from '../core-error';
import { freezeFailed, thawFailed } from './user-messages';
import type { FreezeFailures } from './failure-rollback';
import type { FreezeLedger } from './ledger';
import { isHeld, thawedPatch, type SuperblockState } from './superblock-state';
import type { HelperConnection, HelperSupervisor } from './helper-supervisor';
import type { MountBase } from '../mounts/mount-table';

/** What a group freeze holds: one mount per member, in request order, and the shared deadline. */
export interface GroupFreeze {
  mounts: p.MountInfo[];
  frozenAt: number;
  remainingMs: number;
}

type GroupCapable = HelperConnection & { freezeGroup(paths: string[], timeoutMs: number, opts?: { mountIds?: number[]; allowUnsafe?: boolean }): Promise<p.FreezeGroupResult> };

/** The real client has freezeGroup; a connection without it cannot run a consistency group. */
function canFreezeGroup(helper: HelperConnection): helper is GroupCapable {
  return typeof (helper as Partial<GroupCapable>).freezeGroup === 'function';
}

export interface FreezeGroupDeps {
  ledger: FreezeLedger;
  helper: Pick<HelperSupervisor, 'ensure' | 'running'>;
  failures: FreezeFailures;
  /** Called before a freeze is sent (the log stops writing to disk). */
  beforeFreeze?(): void;
}

export class FreezeGroup {
  constructor(private readonly deps: FreezeGroupDeps) {}

  async freeze(rows: readonly MountBase[], timeoutMs: number, opts: { allowUnsafe?: boolean } = {}): Promise<GroupFreeze> {
    const { ledger } = this.deps;
    const keys = [...new Set(rows.map((row) => row.majorMinor))];
    const before = new Map<string, SuperblockState>();
    for (const row of rows) {
      const s = ledger.stateOf(row);
      if (s.busy) throw new CoreError('BUSY', `Another action on ${row.path} is still running.`);
      if (isHeld(s)) throw new HelperError('ALREADY_FROZEN', `${row.path} is already frozen by this app.`);
      before.set(row.majorMinor, { ...s });
    }
    for (const key of keys) ledger.get(key)!.busy = true;
    try {
      const helper = await this.deps.helper.ensure();
      if (!canFreezeGroup(helper)) throw new CoreError('INTERNAL', 'This helper connection cannot freeze a group.');
      for (const key of keys) {
        ledger.patch(key, { state: 'freezing', lastError: undefined });
        ledger.asked.set(key, timeoutMs);
      }
      this.deps.beforeFreeze?.();
      try {
        const seen = new Map(keys.map((key) => [key, ledger.eventsSeen(key)]));
        const result = await helper.freezeGroup(
          rows.map((row) => row.path),
          timeoutMs,
          { mountIds: rows.map((row) => row.mountId), ...(opts.allowUnsafe && { allowUnsafe: true }) },
        );
        for (const mount of result.mounts) {
          if (ledger.eventsSeen(mount.majorMinor) === seen.get(mount.majorMinor)) ledger.frozen(mount, result.frozenAt, result.remainingMs);
        }
        return { mounts: result.mounts, frozenAt: result.frozenAt, remainingMs: result.remainingMs };
      } catch (error) {
        const failure = freezeFailed(error, { dangerous: opts.allowUnsafe === true, timeoutMs, maxTimeoutMs: helper.hello.maxTimeoutMs });
        for (const key of keys) this.deps.failures.afterFreezeError(key, before.get(key)!, failure);
        throw failure;
      } finally {
        for (const key of keys) ledger.asked.delete(key);
      }
    } finally {
      for (const key of keys) {
        const s = ledger.get(key);
        if (s) s.busy = false;
      }
    }
  }

  /**
   * Thaw what freeze froze, last member first, skipping members that are no
   * longer held (a deadline or the user got there first). Every member is
   * tried; the first failure is thrown after all were.
   */
  async thaw(group: GroupFreeze, cause?: ThawCause): Promise<void> {
    const { ledger } = this.deps;
    const helper = this.deps.helper.running();
    if (!helper) return; // the helper is gone: its guardian thawed what it held
    let firstFailure: Error | undefined;
    for (const mount of [...group.mounts].reverse()) {
      const key = mount.majorMinor;
      const s = ledger.get(key);
      if (!s || !isHeld(s)) continue;
      ledger.patch(key, { state: 'thawing', lastError: undefined });
      if (cause) ledger.thawCauses.set(key, cause);
      try {
        await helper.thaw({ mountId: s.heldMountId! });
        if (!isHeld(ledger.get(key)!)) ledger.patch(key, { ...thawedPatch(), lastError: undefined });
      } catch (error) {
        const failure = thawFailed(error);
        if (failure.code === 'NOT_FROZEN' || failure.code === 'NOT_HELD') {
          ledger.patch(key, thawedPatch());
          continue;
        }
        this.deps.failures.afterThawError(key, true, failure.code, toErrorShape(failure).shape);
        firstFailure ??= failure;
      } finally {
        ledger.thawCauses.delete(key);
      }
    }
    if (firstFailure) throw firstFailure;
  }
}
