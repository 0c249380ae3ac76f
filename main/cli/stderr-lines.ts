/**
 * The command line's stderr: one ordered stream for its own lines and the
 * core's log, so a file (cron's `2>>/var/log/...`) reads in the order things
 * happened. That file may be on a member of the group: while anything is
 * frozen, lines wait in memory, in order, and are written after the thaw.
 * A terminal or a pipe cannot be frozen, so lines go out at once there.
 */
import type { LogSink } from '../core/log-buffer';

export class StderrLines {
  private readonly held: string[] = [];
  private frozenNow: () => boolean = () => false;

  constructor(
    private readonly stream: NodeJS.WritableStream,
    /** Hold lines while frozen: stderr is a regular file. */
    private readonly holdWhileFrozen: boolean,
  ) {}

  /** How to tell whether anything is frozen (or being frozen) now: the core's count, once it exists. */
  watchFreezes(frozenNow: () => boolean): void {
    this.frozenNow = frozenNow;
  }

  write(text: string): void {
    if (this.holdWhileFrozen && this.frozenNow()) {
      this.held.push(text);
      return;
    }
    this.flushHeld();
    this.stream.write(text);
  }

  /** Write what waited, if nothing is frozen any more (called on each of the core's events). */
  flushIfThawed(): void {
    if (!(this.holdWhileFrozen && this.frozenNow())) this.flushHeld();
  }

  /** At the end, whatever the state: the run is over and everything was thawed. */
  async drain(): Promise<void> {
    if (this.held.length === 0) return;
    const text = this.held.splice(0).join('');
    await new Promise<void>((resolve) => this.stream.write(text, () => resolve()));
  }

  /** The core's log, through the same order (it need not hold lines back itself). */
  logSink(): LogSink {
    return {
      write: async (text) => this.write(text),
      handlesFreezes: true,
    };
  }

  private flushHeld(): void {
    if (this.held.length) this.stream.write(this.held.splice(0).join(''));
  }
}
