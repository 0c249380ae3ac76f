/**
 * Pending writes, and flushing them before a freeze: FIFREEZE writes out
 * every dirty page of the filesystem before it returns, so a `sync -f`
 * first (outside the hold window) keeps the freeze itself short.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { BackupError } from '../backup-error';

/** Dirty + Writeback of /proc/meminfo, in bytes: written or being written, system-wide. */
export async function readDirtyBytes(meminfoPath = '/proc/meminfo'): Promise<number> {
  return parseDirtyBytes(await readFile(meminfoPath, 'utf8'));
}

export function parseDirtyBytes(meminfo: string): number {
  let kib = 0;
  let seen = 0;
  for (const line of meminfo.split('\n')) {
    const match = /^(Dirty|Writeback):\s+(\d+) kB$/.exec(line);
    if (!match) continue;
    kib += Number(match[2]);
    seen++;
  }
  if (seen !== 2) throw new Error('/proc/meminfo has no Dirty and Writeback lines');
  return kib * 1024;
}

/**
 * syncfs(2) of the filesystem holding `path`, through coreutils' `sync -f`
 * (Node has no syncfs). On a timeout or an abort this rejects at once and
 * sends SIGKILL: a sync stuck in the kernel (a frozen or dying device) may
 * not die until the I/O completes, and the caller must not wait for it.
 */
export function syncFilesystem(path: string, timeoutMs: number, signal?: AbortSignal, syncPath = 'sync'): Promise<void> {
  if (signal?.aborted) return Promise.reject(new BackupError('CANCELLED', `Cancelled before syncing ${path}.`));
  return new Promise((resolve, reject) => {
    const child = spawn(syncPath, ['-f', '--', path], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let settled = false;
    const finish = (error?: BackupError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve();
    };
    const giveUp = (error: BackupError): void => {
      child.kill('SIGKILL');
      finish(error);
    };
    const timer = setTimeout(() => giveUp(new BackupError('WINDOW_EXCEEDED', `sync -f ${path} did not finish within ${timeoutMs} ms.`)), timeoutMs);
    const onAbort = (): void => giveUp(new BackupError('CANCELLED', `Cancelled while syncing ${path}.`));
    signal?.addEventListener('abort', onAbort, { once: true });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-2000)));
    child.once('error', (error: NodeJS.ErrnoException) => finish(new BackupError('INTERNAL', `Could not start ${syncPath}: ${error.code ?? error.message}.`)));
    child.once('close', (code) => {
      if (code === 0) return finish();
      const why = stderr.trim();
      const denied = /Permission denied|Operation not permitted/.test(why);
      finish(new BackupError(denied ? 'ACCESS_DENIED' : 'IO_ERROR', `sync -f ${path} failed: ${why || `exit ${code}`}.`, why || undefined));
    });
  });
}
