/**
 * The two clocks of a run (after Windows VSS): the quiesce window runs from
 * the pre-freeze hook's start to the thaw, the hold window from the freeze
 * to the thaw. Whichever runs out first ends the capture: the engine thaws
 * and the snapshot is untrustworthy. The helper's deadline (the hold window)
 * is the backstop; this clock fires a little before it so that the engine,
 * not the helper, ends the hold and says why.
 */

export type WindowName = 'quiesce' | 'hold';

/** How long before the helper's deadline the engine thaws by itself. */
export const HOLD_MARGIN_MS = 50;

export interface RunClocksOptions {
  quiesceWindowMs: number;
  holdWindowMs: number;
  onExpired(window: WindowName): void;
  mono?: () => number;
}

export class RunClocks {
  private quiesceStart: number | undefined;
  private holdDeadline: number | undefined;
  private stopped = false;
  private readonly timers: NodeJS.Timeout[] = [];
  private expiredWindow: WindowName | undefined;
  private readonly mono: () => number;

  constructor(private readonly options: RunClocksOptions) {
    this.mono = options.mono ?? (() => performance.now());
  }

  get expired(): WindowName | undefined {
    return this.expiredWindow;
  }

  startQuiesce(): void {
    this.quiesceStart = this.mono();
    this.arm('quiesce', this.options.quiesceWindowMs);
  }

  /** The freeze is done; the helper said its deadline is remainingMs away. */
  startHold(helperRemainingMs: number): void {
    const ms = Math.min(this.options.holdWindowMs, helperRemainingMs);
    this.holdDeadline = this.mono() + ms;
    this.arm('hold', Math.max(0, ms - HOLD_MARGIN_MS));
  }

  quiesceRemainingMs(): number | null {
    if (this.quiesceStart === undefined || this.stopped) return null;
    return Math.max(0, Math.round(this.quiesceStart + this.options.quiesceWindowMs - this.mono()));
  }

  holdRemainingMs(): number | null {
    if (this.holdDeadline === undefined || this.stopped) return null;
    return Math.max(0, Math.round(this.holdDeadline - this.mono()));
  }

  /**
   * The helper timeout for a freeze now: the hold window, but never past
   * the end of the quiesce window. Null when too little is left to freeze
   * at all (the helper's minimum timeout is 1 s).
   */
  freezeTimeoutMs(): number | null {
    const quiesceLeft = this.quiesceRemainingMs() ?? this.options.quiesceWindowMs;
    const ms = Math.min(this.options.holdWindowMs, quiesceLeft);
    return ms >= 1000 ? ms : null;
  }

  /** Something else ended the window (the helper's deadline event): same consequence. */
  markExpired(window: WindowName): void {
    if (this.stopped || this.expiredWindow) return;
    this.expiredWindow = window;
    this.options.onExpired(window);
  }

  /** The thaw happened (or the run ended): no clock fires any more. */
  stop(): void {
    this.stopped = true;
    for (const timer of this.timers.splice(0)) clearTimeout(timer);
  }

  private arm(window: WindowName, ms: number): void {
    if (this.stopped) return;
    const timer = setTimeout(() => this.markExpired(window), ms);
    this.timers.push(timer);
  }
}
