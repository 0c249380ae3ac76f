/**
 * The commands a plan runs (hooks, the command method), as the user main
 * runs as, never elevated: argv without a shell unless the plan opts in
 * (`/bin/sh -c argv[0]`, the rest as $1...). Each runs in its own process
 * group, so a timeout or a cancel ends the whole pipeline it started
 * (SIGTERM, then SIGKILL 2 s later). Output is streamed line by line, long
 * lines cut, and a tail is kept for the report.
 *
 * Each is started through util-linux `setpriv --pdeathsig TERM`, so that
 * should main die (kill -9) the command gets SIGTERM instead of running on
 * unsupervised (a hold hook keeping a database locked forever). The signal
 * reaches the direct child only (with `shell: true`, the sh), and the
 * kernel drops it when a set-user-ID program (sudo) is executed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { delimiter, join } from 'node:path';
import { realFileChecks } from '../../../helper/helper-path';

export type OutputStream = 'stdout' | 'stderr';

export interface CommandOutcome {
  exitCode: number | null;
  signal: string | null;
  ms: number;
  /** Ended by its timeout. */
  timedOut: boolean;
  /** Ended by the caller (cancel, window, release). */
  terminated: boolean;
  /** It could not be started at all (ENOENT, EACCES). */
  spawnError?: string;
  tail: string;
}

export interface CommandOptions {
  argv: readonly string[];
  shell?: boolean;
  env?: Readonly<Record<string, string>>;
  /** Keep stdin open (the hold hook is told to let go by its closing). */
  keepStdin?: boolean;
  onLine?(stream: OutputStream, text: string): void;
}

export const MAX_LINE_CHARS = 4096;
const TAIL_LINES = 60;
const KILL_GRACE_MS = 2000;
/** After the exit, how long grandchildren that kept stdout open may keep us waiting. */
const DRAIN_MS = 300;

/** Every command running now, so an exit that cannot wait (a CLI's SIGTERM) ends them all. */
const running = new Set<ChildCommand>();

/**
 * SIGKILL to the process group of every command still running: for a
 * process about to exit without waiting for them (their parent-death
 * signal is a SIGTERM, which a command may ignore).
 */
export function killAllCommands(): number {
  const count = running.size;
  for (const command of running) command.kill();
  return count;
}

export class ChildCommand {
  readonly outcome: Promise<CommandOutcome>;
  private readonly child: ChildProcess;
  private readonly startedAt = performance.now();
  private readonly tailLines: string[] = [];
  private exited = false;
  private terminated = false;
  private timedOut = false;
  private killTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: CommandOptions) {
    this.child = spawnCommand(options);
    running.add(this);
    this.child.stdin?.on('error', () => undefined); // EPIPE when it exits without reading
    this.outcome = new Promise((resolve) => {
      const pending = { stdout: '', stderr: '' };
      for (const stream of ['stdout', 'stderr'] as const) {
        this.child[stream]!.setEncoding('utf8');
        this.child[stream]!.on('data', (chunk: string) => {
          pending[stream] = this.emitLines(stream, pending[stream] + chunk);
        });
      }
      let spawnError: string | undefined;
      const finish = (exitCode: number | null, signal: string | null): void => {
        running.delete(this);
        if (this.killTimer) clearTimeout(this.killTimer);
        for (const stream of ['stdout', 'stderr'] as const) {
          if (pending[stream]) this.line(stream, pending[stream]);
          pending[stream] = '';
        }
        resolve({
          exitCode,
          signal,
          ms: Math.round(performance.now() - this.startedAt),
          timedOut: this.timedOut,
          terminated: this.terminated,
          ...(spawnError !== undefined && { spawnError }),
          tail: this.tailLines.join('\n'),
        });
      };
      this.child.once('error', (error: NodeJS.ErrnoException) => {
        if (this.child.pid !== undefined) return; // a kill or stdin error of a running child
        spawnError = `${options.argv[0]}: ${error.code ?? error.message}`;
        this.exited = true;
        finish(null, null);
      });
      this.child.once('exit', (code, signal) => {
        this.exited = true;
        // Output may still be in the pipes; a grandchild holding them open must not keep us waiting.
        const drain = setTimeout(() => {
          this.child.stdout?.destroy();
          this.child.stderr?.destroy();
          finish(code, signal);
        }, DRAIN_MS);
        this.child.once('close', () => {
          clearTimeout(drain);
          finish(code, signal);
        });
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return !this.exited;
  }

  /** Close its stdin (a hold hook's signal to let go). */
  closeStdin(): void {
    this.child.stdin?.end();
  }

  /** SIGTERM to its process group, SIGKILL 2 s later if it is still there. */
  terminate(reason: 'timeout' | 'caller' = 'caller'): Promise<CommandOutcome> {
    if (!this.exited && !this.killTimer) {
      if (reason === 'timeout') this.timedOut = true;
      else this.terminated = true;
      this.signalGroup('SIGTERM');
      this.killTimer = setTimeout(() => this.signalGroup('SIGKILL'), KILL_GRACE_MS);
    }
    return this.outcome;
  }

  /** SIGKILL to its process group now (counted as ended by the caller). */
  kill(): void {
    if (this.exited) return;
    this.terminated = true;
    this.signalGroup('SIGKILL');
  }

  private signalGroup(signal: NodeJS.Signals): void {
    if (this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, signal);
    } catch {
      // ESRCH: the group is gone already.
    }
  }

  /** Emit the complete lines of text; return the unfinished rest. */
  private emitLines(stream: OutputStream, text: string): string {
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      this.line(stream, text.slice(start, nl));
      start = nl + 1;
    }
    let rest = text.slice(start);
    // A line that never ends is cut into pieces rather than kept growing.
    while (rest.length > MAX_LINE_CHARS) {
      this.line(stream, rest.slice(0, MAX_LINE_CHARS));
      rest = rest.slice(MAX_LINE_CHARS);
    }
    return rest;
  }

  private line(stream: OutputStream, raw: string): void {
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    this.tailLines.push(stream === 'stderr' ? `! ${text}` : text);
    if (this.tailLines.length > TAIL_LINES) this.tailLines.shift();
    this.options.onLine?.(stream, text);
  }
}

export const SETPRIV_PATH = '/usr/bin/setpriv';
let setprivFound: boolean | undefined;

/** util-linux setpriv is there to give commands a parent-death signal (checked once). */
export function parentDeathSignalAvailable(): boolean {
  setprivFound ??= executable(SETPRIV_PATH);
  return setprivFound;
}

/**
 * Start a plan's command in its own process group, through setpriv when
 * there is one. A command that cannot be found is spawned directly, so that
 * it fails as it always did (ENOENT from spawn, not setpriv's exit 127).
 */
export function spawnCommand(options: Pick<CommandOptions, 'argv' | 'shell' | 'env' | 'keepStdin'>): ChildProcess {
  const env = { ...process.env, ...options.env };
  const [file, args] = options.shell ? ['/bin/sh', ['-c', options.argv[0]!, 'freezeframe-hook', ...options.argv.slice(1)]] : [options.argv[0]!, options.argv.slice(1)];
  const wrap = parentDeathSignalAvailable() && findExecutable(file, env.PATH);
  // setpriv sets the signal, then execvp()s the command in place: same pid, same process group, same argv.
  const [command, argv] = wrap ? [SETPRIV_PATH, ['--pdeathsig', 'TERM', '--', file, ...args]] : [file, args];
  return spawn(command, argv, {
    detached: true, // its own process group: a kill reaches everything it started
    stdio: [options.keepStdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    env,
  });
}

/** execvp would find file: a path as is, a bare name in PATH. */
export function findExecutable(file: string, path: string | undefined): boolean {
  if (file.includes('/')) return executable(file);
  return (path ?? '/usr/local/bin:/usr/bin:/bin').split(delimiter).some((dir) => executable(join(dir || '.', file)));
}

function executable(path: string): boolean {
  return realFileChecks.isExecutable(path) && realFileChecks.isFile(path);
}

/** Run to completion within timeoutMs (or until signal aborts it). */
export async function runCommand(options: CommandOptions & { timeoutMs: number; signal?: AbortSignal }): Promise<CommandOutcome> {
  const command = new ChildCommand(options);
  const timer = setTimeout(() => void command.terminate('timeout'), options.timeoutMs);
  const onAbort = (): void => void command.terminate('caller');
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await command.outcome;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

/** "exit 1", "killed by SIGTERM (timeout after 5000 ms)", "could not start: ENOENT". */
export function describeOutcome(outcome: CommandOutcome, timeoutMs?: number): string {
  if (outcome.spawnError) return `could not start (${outcome.spawnError})`;
  if (outcome.timedOut) return `timed out after ${timeoutMs ?? outcome.ms} ms and was killed`;
  if (outcome.terminated) return `was stopped (${outcome.signal ?? `exit ${outcome.exitCode}`})`;
  if (outcome.signal) return `was killed by ${outcome.signal}`;
  return `exited with status ${outcome.exitCode}`;
}

export function succeeded(outcome: CommandOutcome): boolean {
  return outcome.exitCode === 0 && !outcome.timedOut && !outcome.terminated && !outcome.spawnError;
}
