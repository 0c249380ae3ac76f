/**
 * Quitting with filesystems frozen asks first, then thaws, then quits; and
 * it runs once, however many times before-quit fires meanwhile (the tray's
 * Quit, the last window closing, a signal). No electron import: the quit
 * sequence is testable on its own.
 */
export interface QuitGuardDeps {
  frozenCount(): number;
  /** "Thaw N filesystems and quit?": true to go ahead. */
  confirmThaw(count: number): Promise<boolean>;
  /** Thaw all and stop the helper (core.shutdown). */
  shutdown(): Promise<void>;
  /** Quit for real (app.quit); before-quit fires again and is let through. */
  quit(): void;
  report?(message: string): void;
  shutdownTimeoutMs?: number;
}

type QuitState = 'running' | 'asking' | 'thawing' | 'done';

export function createQuitGuard(deps: QuitGuardDeps) {
  let state: QuitState = 'running';

  async function thawThenQuit(): Promise<void> {
    state = 'thawing';
    const timeoutMs = deps.shutdownTimeoutMs ?? 20_000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    try {
      const outcome = await Promise.race([deps.shutdown().then(() => 'done' as const), timedOut]);
      // Even then nothing stays frozen: the helper thaws all it holds when this process's pipe closes.
      if (outcome === 'timeout') deps.report?.(`Thawing took longer than ${timeoutMs} ms; quitting anyway.`);
    } catch (error) {
      deps.report?.(`Thawing before quit failed: ${String(error)}; the helper thaws what it holds as the app exits.`);
    } finally {
      clearTimeout(timer);
    }
    state = 'done';
    deps.quit();
  }

  return {
    /** For app.on('before-quit'). */
    onBeforeQuit(event: { preventDefault(): void }): void {
      if (state === 'done') return;
      event.preventDefault();
      if (state !== 'running') return;
      const count = deps.frozenCount();
      if (count === 0) {
        void thawThenQuit();
        return;
      }
      state = 'asking';
      void deps.confirmThaw(count).then(
        (go) => {
          if (state !== 'asking') return undefined; // a signal took over meanwhile
          if (go) return thawThenQuit();
          state = 'running';
          return undefined;
        },
        () => {
          if (state === 'asking') state = 'running';
        },
      );
    },
    /** A signal (SIGTERM, SIGINT): nobody to ask; thaw and quit. */
    thawAndQuit(): void {
      if (state === 'thawing' || state === 'done') return;
      void thawThenQuit();
    },
  };
}
