/**
 * The live state of a run as `backup.progress` sends it: every phase or
 * status change at once, byte progress and writer counts at most ~10 times
 * a second (a trailing update keeps the last value from being lost).
 */
import type { BackupRunState } from '../../../../app/backup';

export class ProgressEmitter {
  private lastAt = 0;
  private trailing: NodeJS.Timeout | undefined;

  constructor(
    private readonly snapshot: () => BackupRunState,
    private readonly emit: (state: BackupRunState) => void,
    private readonly intervalMs = 100,
  ) {}

  /** A phase or status change: sent now. */
  now(): void {
    if (this.trailing) clearTimeout(this.trailing);
    this.trailing = undefined;
    this.lastAt = performance.now();
    this.emit(this.snapshot());
  }

  /** Progress: sent if the last send is old enough, else once at the end of the interval. */
  soon(): void {
    const wait = this.lastAt + this.intervalMs - performance.now();
    if (wait <= 0) return this.now();
    this.trailing ??= setTimeout(() => this.now(), wait);
  }

  stop(): void {
    if (this.trailing) clearTimeout(this.trailing);
    this.trailing = undefined;
  }
}
