/**
 * The manual method's wait for "Snapshot taken": one wait at a time, ended
 * by the operator, or rejected the moment the capture is stopped (a window
 * ran out, the freeze ended early, a cancel).
 */
export class OperatorWait {
  private pending: (() => void) | undefined;

  get waiting(): boolean {
    return this.pending !== undefined;
  }

  /** Resolves when the operator confirms; onWaiting runs once the wait began. */
  wait(signal: AbortSignal, stopReason: () => Error, onWaiting: () => void): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal.aborted) return reject(stopReason());
      this.pending = resolve;
      onWaiting();
      signal.addEventListener('abort', () => reject(stopReason()), { once: true });
    }).finally(() => (this.pending = undefined));
  }

  /** The operator pressed "Snapshot taken": false when nothing waits. */
  confirm(): boolean {
    const resolve = this.pending;
    this.pending = undefined;
    resolve?.();
    return resolve !== undefined;
  }
}
