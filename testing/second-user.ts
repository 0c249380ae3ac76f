/**
 * A second, unprivileged local user for attack tests against a root run:
 * `nobody` (65534), entered with util-linux setpriv (no groups, no
 * capabilities). Scripts it runs must be readable by it, in folders it can
 * enter: the fixture folder is opened to it for the test (0755).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './run-command';

export const NOBODY = 65534;
const SETPRIV = ['--reuid=65534', '--regid=65534', '--clear-groups', '--inh-caps=-all', '--'];

/** Run argv as nobody to its end; throws with its stderr on failure. */
export function asNobody(argv: string[], timeoutMs = 30_000): Promise<string> {
  return run('setpriv', [...SETPRIV, ...argv], timeoutMs);
}

export interface NobodyProcess {
  child: ChildProcess;
  /** Resolves with the first stdout line matching `pattern`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  stdout(): string;
  stop(): Promise<void>;
}

/** A Node script, written into `dir` (readable by nobody) and started as nobody with `args`. */
export function startNobodyScript(dir: string, name: string, source: string, args: string[]): NobodyProcess {
  const path = join(dir, name);
  writeFileSync(path, source);
  chmodSync(path, 0o644);
  const child = spawn('setpriv', [...SETPRIV, process.execPath, path, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiters: Array<() => void> = [];
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    for (const wake of waiters.splice(0)) wake();
  });
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    stdout: () => out,
    waitFor: (pattern, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`nobody's script printed no ${pattern} in ${timeoutMs} ms; stdout: ${out}; stderr: ${err}`)), timeoutMs);
        const look = (): void => {
          const match = pattern.exec(out);
          if (match) {
            clearTimeout(timer);
            resolve(match[0]);
          } else waiters.push(look);
        };
        look();
      }),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
