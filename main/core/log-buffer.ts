/**
 * The app's log. While anything is frozen, main writes nothing to disk: a
 * write to a frozen filesystem blocks (synchronously: the whole process;
 * asynchronously: a libuv pool thread, which the helper's heartbeats need).
 * So lines wait in memory (bounded: the oldest are dropped, and counted),
 * and are written, asynchronously and one write at a time, after the thaw.
 */

export interface LogSink {
  write(text: string): Promise<void>;
  /**
   * The sink keeps lines in memory itself while anything is frozen, in order
   * with its other output (the command line's stderr): the buffer passes
   * lines on at once instead of holding them back.
   */
  handlesFreezes?: boolean;
}

export type LogLevel = 'info' | 'warn' | 'error';

export interface LogBufferOptions {
  maxBufferedLines?: number;
  now?: () => Date;
}

export class LogBuffer {
  private queue: string[] = [];
  private droppedCount = 0;
  private held = false;
  private writing: Promise<void> | undefined;
  private readonly max: number;

  constructor(
    private readonly sink: LogSink,
    private readonly options: LogBufferOptions = {},
  ) {
    this.max = options.maxBufferedLines ?? 5000;
  }

  /** Lines dropped since the last flush because the buffer was full. */
  get dropped(): number {
    return this.droppedCount;
  }

  get buffered(): number {
    return this.queue.length;
  }

  log(level: LogLevel, message: string): void {
    const at = (this.options.now ?? (() => new Date()))().toISOString();
    this.queue.push(`${at} ${level.padEnd(5)} ${message.replace(/\n/g, '\n    ')}\n`);
    if (this.queue.length > this.max) {
      this.queue.shift();
      this.droppedCount++;
    }
    if (!this.held) this.kick();
  }

  /** Something is (or is about to be) frozen: keep lines in memory. */
  hold(): void {
    if (this.sink.handlesFreezes) return;
    this.held = true;
  }

  /** Nothing is frozen any more: write what waited. */
  release(): void {
    if (!this.held) return;
    this.held = false;
    this.kick();
  }

  setHeld(held: boolean): void {
    if (held) this.hold();
    else this.release();
  }

  /** Resolves when what is queued now has been written (or held back). */
  async flush(): Promise<void> {
    while (!this.held && (this.writing || this.queue.length > 0)) {
      this.kick();
      await this.writing;
    }
  }

  private kick(): void {
    if (this.writing || this.held || this.queue.length === 0) return;
    let text = this.queue.join('');
    this.queue = [];
    if (this.droppedCount > 0) {
      text = `${(this.options.now ?? (() => new Date()))().toISOString()} warn  ${this.droppedCount} log lines were dropped while filesystems were frozen\n${text}`;
      this.droppedCount = 0;
    }
    this.writing = this.sink
      .write(text)
      .catch(() => undefined) // a log that cannot be written must not take the app down
      .finally(() => {
        this.writing = undefined;
        this.kick();
      });
  }
}

/** Appends to a file (async, one write at a time). */
export function fileSink(path: string, appendFile: (path: string, text: string) => Promise<void>): LogSink {
  return { write: (text) => appendFile(path, text) };
}
