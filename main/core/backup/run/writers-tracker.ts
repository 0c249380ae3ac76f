/**
 * The most writers blocked at once while the group is frozen: the helper's
 * writers op for each frozen member every ~250 ms, counted by thread.
 */
import type { HelperConnection } from '../../freeze/helper-supervisor';

export class WritersTracker {
  max = 0;
  current = 0;
  private timer: NodeJS.Timeout | undefined;
  private polling = false;

  constructor(
    private readonly helper: () => HelperConnection | undefined,
    private readonly paths: readonly string[],
    private readonly onCount: (count: number) => void,
    private readonly intervalMs = 250,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.poll(), this.intervalMs);
    this.timer.unref();
    void this.poll();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * One last count just before the thaw, then stop: a hold shorter than the
   * interval would otherwise fall between two polls and report no writers.
   * Bounded, so the thaw is never held up by more than `budgetMs`.
   */
  async finish(budgetMs = 10): Promise<void> {
    if (this.timer) {
      let timeout: NodeJS.Timeout | undefined;
      await Promise.race([this.poll(true), new Promise<void>((resolve) => (timeout = setTimeout(resolve, budgetMs)))]);
      clearTimeout(timeout);
    }
    this.stop();
  }

  private async poll(final = false): Promise<void> {
    const helper = this.helper();
    if (!helper || (this.polling && !final) || !this.timer) return;
    this.polling = true;
    try {
      const blocked = new Set<string>();
      for (const path of this.paths) {
        try {
          for (const w of (await helper.writers(path)).blocked) blocked.add(`${w.pid}:${w.tid ?? w.pid}`);
        } catch {
          // A thaw raced us: the next round (if any) sees.
        }
      }
      if (!this.timer) return; // stopped meanwhile: these counts are after the thaw
      this.current = blocked.size;
      this.max = Math.max(this.max, this.current);
      this.onCount(this.current);
    } finally {
      this.polling = false;
    }
  }
}
