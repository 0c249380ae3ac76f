/**
 * This session's freeze windows, for the timeline: one per freeze, opened
 * when the helper reports `frozen`, closed by whatever ended it.
 */
import type { FreezeWindow, ThawCause } from '../../../app/domain';

export class FreezeHistory {
  private windows: FreezeWindow[] = [];
  /** Open window index by superblock key. */
  private readonly open = new Map<string, string>();
  private seq = 0;

  constructor(
    private readonly onChange: (windows: FreezeWindow[]) => void,
    private readonly max = 1000,
  ) {}

  list(): FreezeWindow[] {
    return this.windows;
  }

  isOpen(key: string): boolean {
    return this.open.has(key);
  }

  opened(key: string, window: Pick<FreezeWindow, 'path' | 'fsType' | 'majorMinor' | 'frozenAt' | 'timeoutMs' | 'deadlineAt'>): void {
    if (this.open.has(key)) return;
    const id = `w${++this.seq}`;
    this.open.set(key, id);
    this.replace([...this.windows, { id, ...window, thawedAt: null, heldMs: null, endedBy: null }]);
  }

  /** An Extend moved the open window's deadline. */
  extended(key: string, deadlineAt: number): void {
    const id = this.open.get(key);
    if (id === undefined) return;
    this.replace(this.windows.map((w) => (w.id === id ? { ...w, deadlineAt } : w)));
  }

  closed(key: string, end: { thawedAt: number; heldMs: number | null; endedBy: ThawCause }): void {
    const id = this.open.get(key);
    if (id === undefined) return;
    this.open.delete(key);
    this.replace(
      this.windows.map((w) => (w.id === id ? { ...w, thawedAt: end.thawedAt, heldMs: end.heldMs ?? Math.max(0, end.thawedAt - w.frozenAt), endedBy: end.endedBy } : w)),
    );
  }

  private replace(next: FreezeWindow[]): void {
    // Oldest closed windows go first when the session gets long.
    while (next.length > this.max) {
      const i = next.findIndex((w) => w.endedBy !== null);
      next.splice(i === -1 ? 0 : i, 1);
    }
    this.windows = next;
    this.onChange(next);
  }
}
