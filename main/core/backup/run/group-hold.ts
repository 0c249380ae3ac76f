/**
 * A run's hold of its consistency group: the members to freeze, frozen
 * together through the freeze service with the hold clock's deadline, the
 * writers they block counted while frozen, and one thaw that every caller
 * waits for. Nothing here writes to disk.
 */
import type { BackupPhase } from '../../../../app/backup';
import { toErrorShape } from '../../core-error';
import type { GroupFreeze } from '../../freeze/group-freeze';
import type { MountBase } from '../../mounts/mount-table';
import type { BackupRunDeps } from './backup-run';
import type { RunClocks } from './clocks';
import type { ProgressEmitter } from './progress-emitter';
import type { RunRecord } from './run-record';
import { WritersTracker } from './writers-tracker';

export interface GroupHoldDeps {
  freeze: BackupRunDeps['freeze'];
  helper: BackupRunDeps['helper'];
  writersIntervalMs?: number;
  record: RunRecord;
  clocks: RunClocks;
  progress: Pick<ProgressEmitter, 'now' | 'soon'>;
  setPhase(phase: BackupPhase): void;
}

export class GroupHold {
  private group: GroupFreeze | undefined;
  private thawing: Promise<void> | undefined;
  private writers: WritersTracker | undefined;

  constructor(private readonly deps: GroupHoldDeps) {}

  /** The group was frozen (it may have been thawed since). */
  get frozen(): boolean {
    return this.group !== undefined;
  }

  /** Our thaw began: a thawed event from now on is ours. */
  get thawStarted(): boolean {
    return this.thawing !== undefined;
  }

  get writersBlocked(): number {
    return this.writers?.current ?? 0;
  }

  /** One of the filesystems the group froze. */
  includes(majorMinor: string): boolean {
    return this.group?.mounts.some((m) => m.majorMinor === majorMinor) ?? false;
  }

  /** Held frozen by the run now: from the group freeze until its thaw ended. */
  holds(majorMinor: string): boolean {
    return this.deps.record.thawedAt === undefined && this.includes(majorMinor);
  }

  async freeze(rows: MountBase[], timeoutMs: number): Promise<GroupFreeze> {
    const { record, clocks } = this.deps;
    const group = await this.deps.freeze.freezeGroup(rows, timeoutMs, { allowUnsafe: rows.some((r) => r.danger.length > 0) });
    this.group = group;
    record.frozenAt = group.frozenAt;
    clocks.startHold(group.remainingMs);
    this.writers = new WritersTracker(() => this.deps.helper.running(), group.mounts.map((m) => m.path), () => this.deps.progress.soon(), this.deps.writersIntervalMs);
    this.writers.start();
    return group;
  }

  /** Thaw the group now (once); every caller waits for the same thaw. */
  thaw(): Promise<void> {
    const group = this.group;
    if (!group) return Promise.resolve();
    const { record } = this.deps;
    this.thawing ??= (async () => {
      await this.writers?.finish();
      this.deps.setPhase('thaw');
      const startedAt = Date.now();
      try {
        // A window that ran out is the run's deadline, not a request: the timeline says so.
        await this.deps.freeze.thawGroup(group, record.expiredWindow ? 'backup-window' : undefined);
        record.phase('thaw', startedAt, 'ok');
      } catch (error) {
        // The helper's deadline still thaws it; say so rather than hide it.
        record.fail(error);
        record.phase('thaw', startedAt, 'failed', `${toErrorShape(error).shape.message} (the helper's deadline thaws it)`);
      } finally {
        record.thawedAt = Date.now();
        record.quiesceEndedAt = record.thawedAt;
        record.maxWritersBlocked = this.writers?.max ?? 0;
        this.deps.clocks.stop();
        this.deps.progress.now();
      }
    })();
    return this.thawing;
  }
}
