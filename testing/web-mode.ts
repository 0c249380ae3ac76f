/**
 * `npm run serve`, as the specs need it: the built server on a free port,
 * its URL (with a login token, good once) read from the line it prints,
 * and more login URLs on request.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface WebMode {
  url: string;
  process: ChildProcess;
  stderr: () => string;
  /** Another login URL (each is good once): asked for with SIGUSR2, read from the line it prints. */
  newLoginUrl(): Promise<string>;
  stop(): Promise<void>;
}

const URL_LINE = /^Freezeframe is at (http:\/\/\S+)$/gm;

export async function startWebMode(root: string, extraArgs: string[] = []): Promise<WebMode> {
  const child = spawn(process.execPath, [join(root, 'dist/main/serve.mjs'), '--port', '0', ...extraArgs], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stdout = '';
  const urls: string[] = [];
  const waiting: Array<() => void> = [];
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
    urls.splice(0, urls.length, ...[...stdout.matchAll(URL_LINE)].map((m) => m[1]!));
    for (const wake of waiting.splice(0)) wake();
  });
  /** The `n`th URL printed (0: the first). */
  const nthUrl = (n: number, timeoutMs: number): Promise<string> =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`web mode printed no URL #${n + 1} in ${timeoutMs / 1000} s; stderr: ${stderr}`)), timeoutMs);
      const look = (): void => {
        if (urls.length > n) {
          clearTimeout(timer);
          resolve(urls[n]!);
        } else waiting.push(look);
      };
      look();
      child.once('exit', (code) => reject(new Error(`web mode exited (${code}) before printing URL #${n + 1}; stderr: ${stderr}`)));
    });
  const url = await nthUrl(0, 20_000);
  return {
    url,
    process: child,
    stderr: () => stderr,
    newLoginUrl() {
      const next = nthUrl(urls.length, 10_000);
      child.kill('SIGUSR2');
      return next;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}
