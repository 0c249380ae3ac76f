/**
 * A database server started on the restore check's scratch, in the
 * foreground, as the owner of the copied files (postgres refuses to run as
 * root; mariadbd switches by --user itself). Its log is its stderr, kept in
 * memory (nothing written beside the clone). It must answer before the
 * deadline; whatever happens, stop() ends it: the polite signal first,
 * SIGKILL after the grace.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { PresetError } from './preset-error';

const LOG_LINES = 400;

export interface ThrowawayOptions {
  argv: readonly string[];
  /** Run as this uid/gid (through setpriv) when we are root and it is not. */
  runAs?: { uid: number; gid: number };
  /** The signal that shuts it down cleanly (postgres: SIGINT, fast shutdown; mariadbd: SIGTERM). */
  stopSignal: NodeJS.Signals;
  what: string;
}

export class ThrowawayServer {
  private readonly child: ChildProcess;
  private readonly lines: string[] = [];
  private exited = false;
  readonly exit: Promise<{ code: number | null; signal: string | null }>;
  readonly startedAt = performance.now();

  constructor(private readonly options: ThrowawayOptions) {
    const [file, ...args] = options.argv;
    const asOther = options.runAs && process.geteuid?.() === 0 && options.runAs.uid !== 0;
    const argv = asOther ? ['/usr/bin/setpriv', `--reuid=${options.runAs!.uid}`, `--regid=${options.runAs!.gid}`, '--clear-groups', '--', file!, ...args] : [file!, ...args];
    this.child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    for (const stream of [this.child.stdout!, this.child.stderr!]) {
      let pending = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        const parts = (pending + chunk).split('\n');
        pending = parts.pop()!;
        for (const line of parts) this.keep(line);
      });
    }
    this.exit = new Promise((resolve) => {
      this.child.once('error', (error) => {
        this.exited = true;
        this.keep(`could not start ${file}: ${error.message}`);
        resolve({ code: null, signal: null });
      });
      this.child.once('exit', (code, signal) => {
        this.exited = true;
        resolve({ code, signal });
      });
    });
  }

  get log(): readonly string[] {
    return this.lines;
  }

  logTail(lines = 25): string {
    return this.lines.slice(-lines).join('\n');
  }

  /** Poll `probe` until it answers: the ms from the start. Exits and the deadline are typed failures. */
  async waitAnswering(probe: () => Promise<boolean>, deadline: number): Promise<number> {
    for (;;) {
      if (this.exited) {
        const { code, signal } = await this.exit;
        throw new PresetError('RESTORE_START_FAILED', `The ${this.options.what} on the clone exited before it answered (${signal ?? `exit ${code}`}): it did not recover.`, this.logTail());
      }
      if (await probe().catch(() => false)) return Math.round(performance.now() - this.startedAt);
      if (performance.now() > deadline) throw new PresetError('RESTORE_TIMEOUT', `The ${this.options.what} on the clone did not answer in time.`, this.logTail());
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Shut it down; SIGKILL after graceMs. Resolves once it is gone. */
  async stop(graceMs = 30_000): Promise<void> {
    if (this.exited) return;
    this.child.kill(this.options.stopSignal);
    let timer: NodeJS.Timeout | undefined;
    const gone = await Promise.race([this.exit.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), graceMs)))]);
    clearTimeout(timer);
    if (!gone) {
      this.child.kill('SIGKILL');
      await this.exit;
    }
  }

  private keep(line: string): void {
    this.lines.push(line);
    if (this.lines.length > LOG_LINES) this.lines.splice(0, this.lines.length - LOG_LINES);
  }
}
