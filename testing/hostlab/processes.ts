/**
 * A lab host is its namespaces, so "everything it started" is every process
 * in them: sshd, its sessions, and whatever those left behind (a service
 * that daemonized, a writer). Found by namespace identity in /proc, never
 * by name, so nothing outside the lab is ever signalled.
 */
import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { sleepSync, waitSync } from './exec';

/** "net:[4026532238]" style identity of a process's namespace, or null. */
export function namespaceOf(pid: number, kind: 'mnt' | 'net' | 'uts'): string | null {
  try {
    return readlinkSync(`/proc/${pid}/ns/${kind}`);
  } catch {
    return null; // gone, or a zombie (its namespaces are already released)
  }
}

/** The identity of a named network namespace (/run/netns/NAME), or null. */
export function netnsIdentity(name: string): string | null {
  try {
    return `net:[${statSync(`/run/netns/${name}`).ino}]`;
  } catch {
    return null;
  }
}

/** Every live process in any of the given namespaces (by identity). */
export function pidsIn(identities: ReadonlyArray<string | null>): number[] {
  const wanted = new Set(identities.filter((id): id is string => id !== null));
  if (wanted.size === 0) return [];
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === process.pid || pid === 1) continue;
    for (const kind of ['net', 'mnt'] as const) {
      const ns = namespaceOf(pid, kind);
      if (ns && wanted.has(ns)) {
        pids.push(pid);
        break;
      }
    }
  }
  return pids;
}

/** Running (a zombie is not: it has exited and only waits for its parent). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function signalAll(pids: number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

/**
 * SIGTERM first (a Freezeframe service thaws what it holds on SIGTERM), then
 * `between()` (the lab thaws its own filesystems there), then SIGKILL for
 * what is left. `keep` survives (the namespace holder, killed last).
 */
export function stopProcesses(find: () => number[], keep: number | null, between: () => void): void {
  const others = (): number[] => find().filter((pid) => pid !== keep);
  signalAll(others(), 'SIGTERM');
  waitSync(() => others().length === 0, 3000, 25);
  between();
  for (let round = 0; round < 20 && others().length > 0; round++) {
    signalAll(others(), 'SIGKILL');
    sleepSync(50);
  }
}
