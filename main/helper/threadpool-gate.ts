import { stat } from 'node:fs/promises';

/**
 * Every message to the helper waits for a recent round trip through the
 * libuv threadpool first. If the pool's threads are all stuck writing to a
 * filesystem we froze (the deadlock the lease exists for), the round trip
 * never completes, nothing reaches the helper, and its lease thaws the
 * filesystem. Messages queued meanwhile share one probe, and the probe
 * touches /proc, which cannot be frozen.
 *
 * A probe that completed less than `freshMs` ago still counts, so a freeze
 * and the thaw right after it do not pay for two: a stuck pool can then
 * renew the lease for at most `freshMs` more — nothing beside a lease of
 * seconds.
 */
export class ThreadpoolGate {
  private inflight: Promise<void> | undefined;
  private lastPassedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly probe: () => Promise<unknown> = () => stat('/proc/self'),
    private readonly freshMs = 50,
    private readonly now: () => number = () => performance.now(),
  ) {}

  pass(): Promise<void> {
    if (this.now() - this.lastPassedAt < this.freshMs) return Promise.resolve();
    if (!this.inflight) {
      const done = (): void => {
        this.inflight = undefined;
        this.lastPassedAt = this.now();
      };
      this.inflight = this.probe().then(done, done);
    }
    return this.inflight;
  }
}
