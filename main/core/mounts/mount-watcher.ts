/**
 * Tells the mount table "re-read now". The kernel signals a mount table
 * change with POLLPRI/POLLERR on /proc/self/mountinfo, which fs.watch
 * (inotify) never sees; util-linux `findmnt --poll` is the tool made for
 * that poll(), so it runs as a child and every line it prints is a signal.
 * If findmnt is missing or dies, the table is re-read every second instead.
 */
import { spawn as nodeSpawn, type ChildProcess } from 'node:child_process';

export interface MountWatcher {
  /** 'findmnt' while the child runs, 'polling' after the fallback. */
  readonly mode: 'findmnt' | 'polling';
  stop(): void;
}

export interface MountWatcherOptions {
  findmntPath?: string;
  spawn?: typeof nodeSpawn;
  pollIntervalMs?: number;
  log?: (level: 'info' | 'warn', message: string) => void;
}

export type WatchMounts = (onSignal: () => void) => MountWatcher;

export function watchMountChanges(onSignal: () => void, options: MountWatcherOptions = {}): MountWatcher {
  const spawn = options.spawn ?? nodeSpawn;
  const log = options.log ?? (() => undefined);
  const findmnt = options.findmntPath ?? 'findmnt';
  let stopped = false;
  let mode: MountWatcher['mode'] = 'findmnt';
  let pollTimer: NodeJS.Timeout | undefined;
  let child: ChildProcess | undefined;

  const fallBack = (why: string): void => {
    if (stopped || mode === 'polling') return;
    mode = 'polling';
    log('warn', `mount table: ${why}; re-reading /proc/self/mountinfo every ${options.pollIntervalMs ?? 1000} ms instead`);
    pollTimer = setInterval(onSignal, options.pollIntervalMs ?? 1000);
    pollTimer.unref();
    onSignal(); // a change may have happened while findmnt was going away
  };

  try {
    // argv array, no shell. ACTION,TARGET keeps the lines short; their content does not matter.
    child = spawn(findmnt, ['--poll', '--raw', '--noheadings', '--output', 'ACTION,TARGET'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: false,
    });
  } catch (error) {
    fallBack(`could not start ${findmnt} (${(error as Error).message})`);
  }
  if (child) {
    let stderr = '';
    child.stdout?.on('data', () => onSignal());
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-500);
    });
    child.once('error', (error: NodeJS.ErrnoException) => {
      fallBack(error.code === 'ENOENT' ? `${findmnt} is not installed (util-linux)` : `${findmnt} failed: ${error.message}`);
    });
    child.once('exit', (code, signal) => {
      const said = stderr.trim() ? `: ${stderr.trim()}` : '';
      fallBack(`${findmnt} --poll ${signal ? `was killed by ${signal}` : `exited with status ${code}`}${said}`);
    });
    child.once('spawn', () => {
      // findmnt takes its own baseline after it starts: a change between our
      // first read and that moment would go unseen, so look once more.
      setTimeout(onSignal, 200).unref();
    });
  }

  return {
    get mode() {
      return mode;
    },
    stop() {
      stopped = true;
      if (pollTimer) clearInterval(pollTimer);
      child?.kill('SIGTERM');
    },
  };
}
