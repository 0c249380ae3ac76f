import { stat } from 'node:fs/promises';

/**
 * Every message to the helper waits for one round trip through the libuv
 * threadpool first. If the pool's threads are all stuck writing to a
 * filesystem we froze (the deadlock the lease exists for), the round trip
 * never completes, nothing reaches the helper, and its lease thaws the
 * filesystem. Messages queued meanwhile share one probe, and the probe
 * touches /proc, which cannot be frozen.
 */
export class ThreadpoolGate {
  private inflight: Promise<void> | undefined;

  constructor(private readonly probe: () => Promise<unknown> = () => stat('/proc/self')) {}

  pass(): Promise<void> {
    if (!this.inflight) {
      const done = (): void => {
        this.inflight = undefined;
      };
      this.inflight = this.probe().then(done, done);
    }
    return this.inflight;
  }
}
