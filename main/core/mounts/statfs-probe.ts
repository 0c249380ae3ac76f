/**
 * Filesystem sizes, without ever letting a hung filesystem stall main.
 *
 * statfs on a dead NFS server blocks the calling thread, possibly forever.
 * In main that thread would be one of libuv's four pool threads, which the
 * helper client's heartbeats also need: a few hung statfs calls and the
 * lease would thaw everything. So statfs runs in child processes
 * (coreutils `stat --file-system`, argv arrays), a batch of paths per
 * child with a deadline. When a batch misses it, each path it did not
 * answer is asked again on its own; one that still does not answer in time
 * is shown as not responding and is not asked again while that lone probe
 * hangs (it is left to finish, and its late answer is used).
 */
import { spawn } from 'node:child_process';
import type { MountSize } from '../../../app/domain';

export type StatOutcome = { ok: true; totalBytes: number; usedBytes: number; availableBytes: number } | { ok: false; message: string };

export interface StatRun {
  /** Settles when the run has ended, however. */
  done: Promise<void>;
  kill(): void;
}

/** Stat these paths; report each answer as it comes. The seam tests replace. */
export type StatRunner = (paths: readonly string[], onResult: (path: string, outcome: StatOutcome) => void) => StatRun;

// %S fundamental block size (f_frsize), %b total, %f free, %a available to
// non-root; NUL-terminated with the name last, so any path parses back.
const STAT_FORMAT = '%S %b %f %a %n\\0';
const STAT_RECORD = /^(\d+) (\d+) (\d+) (\d+) ([\s\S]*)$/;

/** The real runner: `stat --file-system` in a child process. `command` is a seam for tests. */
export function statCommandRunner(command = 'stat'): StatRunner {
  return (paths, onResult) => {
    const child = spawn(command, ['--file-system', `--printf=${STAT_FORMAT}`, '--', ...paths], {
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: false,
      env: { ...process.env, LC_ALL: 'C' }, // C: stat's error lines, which name the failing path, parse the same everywhere
    });
    const answered = new Set<string>();
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      let end: number;
      while ((end = stdout.indexOf('\0')) !== -1) {
        const m = STAT_RECORD.exec(stdout.slice(0, end));
        stdout = stdout.slice(end + 1);
        if (!m) continue;
        const [, frsize, blocks, free, avail, name] = m;
        const unit = Number(frsize);
        answered.add(name!);
        onResult(name!, {
          ok: true,
          totalBytes: Number(blocks) * unit,
          usedBytes: (Number(blocks) - Number(free)) * unit,
          availableBytes: Number(avail) * unit,
        });
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4000);
    });
    const done = new Promise<void>((resolve) => {
      child.once('error', (error) => {
        for (const path of paths) if (!answered.has(path)) onResult(path, { ok: false, message: `cannot run ${command}: ${error.message}` });
        resolve();
      });
      child.once('close', (_code, signal) => {
        if (!signal) {
          // Exited on its own: whatever it did not answer, it failed on (stderr says why).
          const lines = stderr.trim().split('\n');
          for (const path of paths) {
            if (answered.has(path)) continue;
            const line = lines.find((l) => l.includes(path)) ?? lines[lines.length - 1] ?? '';
            onResult(path, { ok: false, message: line.replace(/^stat: /, '') || 'statfs failed' });
          }
        }
        resolve();
      });
    });
    return { done, kill: () => child.kill('SIGKILL') };
  };
}

export interface SizeMonitorOptions {
  runner?: StatRunner;
  /** Per path (a batch gets this long, then each straggler gets it again alone). */
  timeoutMs?: number;
  intervalMs?: number;
  batchSize?: number;
  /** Batches under way at once. */
  concurrency?: number;
  now?: () => number;
  /** Called when the size of a target changed. */
  onChange: (key: string, size: MountSize) => void;
}

const PENDING: MountSize = Object.freeze({ state: 'pending' });

/**
 * Sizes by key (the superblock's major:minor: bind mounts share one), each
 * probed through one representative path.
 */
export class SizeMonitor {
  private targets = new Map<string, string>();
  private readonly sizes = new Map<string, MountSize>();
  /** Paths whose lone probe is still running (hung, or about to answer). */
  private readonly alone = new Map<string, StatRun>();
  private readonly batches = new Set<StatRun>();
  private refreshing = false;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly runner: StatRunner;
  private readonly timeoutMs: number;

  constructor(private readonly options: SizeMonitorOptions) {
    this.runner = options.runner ?? statCommandRunner();
    this.timeoutMs = options.timeoutMs ?? 2000;
  }

  get(key: string): MountSize {
    return this.sizes.get(key) ?? PENDING;
  }

  /** Which paths to probe, by key. Keys that are gone are forgotten. */
  setTargets(targets: ReadonlyMap<string, string>): void {
    this.targets = new Map(targets);
    for (const key of [...this.sizes.keys()]) if (!this.targets.has(key)) this.sizes.delete(key);
  }

  /** Probe every ~intervalMs until stop(). */
  start(): void {
    this.refresh();
    this.timer = setInterval(() => this.refresh(), this.options.intervalMs ?? 5000);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    for (const run of this.batches) run.kill();
    for (const run of this.alone.values()) run.kill();
  }

  /** Probe now (a refresh already under way is followed by one more). */
  refresh(): void {
    if (this.stopped) return;
    if (this.refreshing) {
      this.again = true;
      return;
    }
    this.refreshing = true;
    void this.refreshOnce().finally(() => {
      this.refreshing = false;
      if (this.again) {
        this.again = false;
        this.refresh();
      }
    });
  }

  private async refreshOnce(): Promise<void> {
    const keysByPath = new Map<string, string[]>();
    for (const [key, path] of this.targets) {
      if (this.alone.has(path)) continue; // still hung: do not pile up probes
      keysByPath.set(path, [...(keysByPath.get(path) ?? []), key]);
    }
    const paths = [...keysByPath.keys()];
    const size = this.options.batchSize ?? 32;
    const chunks: string[][] = [];
    for (let i = 0; i < paths.length; i += size) chunks.push(paths.slice(i, i + size));
    const workers = Array.from({ length: Math.min(this.options.concurrency ?? 4, chunks.length) }, async () => {
      for (let chunk = chunks.shift(); chunk; chunk = chunks.shift()) await this.runBatch(chunk);
    });
    await Promise.all(workers);
  }

  private async runBatch(paths: string[]): Promise<void> {
    const answered = new Set<string>();
    const run = this.runner(paths, (path, outcome) => {
      answered.add(path);
      this.record(path, outcome);
    });
    this.batches.add(run);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      run.done.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), this.timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    this.batches.delete(run);
    if (!timedOut) return;
    run.kill();
    // One of these hangs, the rest waited behind it: ask each on its own.
    for (const path of paths) if (!answered.has(path)) this.probeAlone(path);
  }

  private probeAlone(path: string): void {
    if (this.stopped || this.alone.has(path)) return;
    const run = this.runner([path], (p, outcome) => this.record(p, outcome));
    this.alone.set(path, run);
    const timer = setTimeout(() => this.markNotResponding(path), this.timeoutMs);
    void run.done.finally(() => {
      clearTimeout(timer);
      this.alone.delete(path);
    });
  }

  private markNotResponding(path: string): void {
    const sinceMs = (this.options.now ?? Date.now)();
    for (const [key, target] of this.targets) {
      if (target !== path) continue;
      const old = this.sizes.get(key);
      if (old?.state === 'not-responding') continue;
      this.set(key, { state: 'not-responding', sinceMs });
    }
  }

  private record(path: string, outcome: StatOutcome): void {
    if (this.stopped) return;
    const size: MountSize = outcome.ok
      ? { state: 'ok', totalBytes: outcome.totalBytes, usedBytes: outcome.usedBytes, availableBytes: outcome.availableBytes }
      : { state: 'unavailable', message: outcome.message };
    for (const [key, target] of this.targets) if (target === path) this.set(key, size);
  }

  private set(key: string, size: MountSize): void {
    const old = this.sizes.get(key);
    if (old && sameSize(old, size)) return; // keep the object: nothing changed
    this.sizes.set(key, size);
    this.options.onChange(key, size);
  }
}

function sameSize(a: MountSize, b: MountSize): boolean {
  if (a.state !== b.state) return false;
  switch (a.state) {
    case 'pending':
      return true;
    case 'ok': {
      const o = b as typeof a;
      return a.totalBytes === o.totalBytes && a.usedBytes === o.usedBytes && a.availableBytes === o.availableBytes;
    }
    case 'not-responding':
      return a.sinceMs === (b as typeof a).sinceMs;
    case 'unavailable':
      return a.message === (b as typeof a).message;
  }
}
