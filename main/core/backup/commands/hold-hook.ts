/**
 * The hold hook: a command that takes a lock living only as long as its
 * session (MySQL's FLUSH TABLES WITH READ LOCK), says so with a ready line
 * on stdout, and keeps running through the freeze. After the thaw it is told
 * to let go: stdin closed, SIGTERM after releaseTimeoutMs, SIGKILL 2 s later.
 */
import type { HoldHookSpec } from '../../../../app/backup';
import { ChildCommand, type CommandOutcome, type OutputStream } from './child-command';

export type ReadyResult = { ready: true } | { ready: false; why: string };

export class HoldHook {
  private readonly command: ChildCommand;
  private readonly readyPromise: Promise<ReadyResult>;
  private released = false;

  constructor(
    private readonly spec: HoldHookSpec,
    env: Readonly<Record<string, string>>,
    onLine: (stream: OutputStream, text: string) => void,
  ) {
    let markReady: () => void = () => undefined;
    const readySeen = new Promise<void>((resolve) => (markReady = resolve));
    this.command = new ChildCommand({
      argv: spec.argv,
      shell: spec.shell,
      env,
      keepStdin: true,
      onLine: (stream, text) => {
        if (stream === 'stdout' && text.trim() === spec.readyLine) markReady();
        onLine(stream, text);
      },
    });
    this.readyPromise = Promise.race([
      readySeen.then((): ReadyResult => ({ ready: true })),
      this.command.outcome.then((o): ReadyResult => ({ ready: false, why: `it ended before printing "${spec.readyLine}" (${o.spawnError ?? (o.signal ? `killed by ${o.signal}` : `exit ${o.exitCode}`)})` })),
    ]);
  }

  get running(): boolean {
    return this.command.running;
  }

  /** Ended on its own before it was released (its lock is gone). */
  get outcome(): Promise<CommandOutcome> {
    return this.command.outcome;
  }

  /** Ready within timeoutMs (also bounded by the caller's signal), or why not; a hook that is not ready is stopped. */
  async waitReady(timeoutMs: number, signal?: AbortSignal): Promise<ReadyResult> {
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const timedOut = new Promise<ReadyResult>((resolve) => {
      timer = setTimeout(() => resolve({ ready: false, why: `it did not print "${this.spec.readyLine}" within ${timeoutMs} ms` }), timeoutMs);
      onAbort = () => resolve({ ready: false, why: 'the run was stopped while waiting for it' });
      if (signal?.aborted) onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    try {
      const result = await Promise.race([this.readyPromise, timedOut]);
      if (!result.ready) await this.command.terminate('caller');
      return result;
    } finally {
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Let go: close stdin, wait releaseTimeoutMs for it to exit, then SIGTERM (and SIGKILL). */
  async release(): Promise<CommandOutcome> {
    if (this.released) return this.command.outcome;
    this.released = true;
    this.command.closeStdin();
    let timer: NodeJS.Timeout | undefined;
    const exitedInTime = await Promise.race([
      this.command.outcome.then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), this.spec.releaseTimeoutMs))),
    ]);
    clearTimeout(timer);
    return exitedInTime ? this.command.outcome : this.command.terminate('caller');
  }

  /** Stop it now (cancel, a failure before the freeze). */
  kill(): Promise<CommandOutcome> {
    this.released = true;
    return this.command.terminate('caller');
  }
}
