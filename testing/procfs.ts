/**
 * What the kernel says about processes, read from /proc: who is whose
 * child, and which thread is inside which ioctl right now. The fault matrix
 * uses it to hit a phase exactly (a fault "during freezing" is delivered
 * while the helper's worker thread is inside FIFREEZE, seen here).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startWriter, type Writer } from './writer';

/** _IOWR('X', 119, int) and _IOWR('X', 120, int), as the kernel's syscall file prints them. */
export const FIFREEZE = 0xc0045877;
export const FITHAW = 0xc0045878;
const SYS_IOCTL = process.arch === 'x64' ? 16 : process.arch === 'arm64' ? 29 : -1;

export interface Proc {
  pid: number;
  ppid: number;
  comm: string;
  state: string;
}

export function readProc(pid: number): Proc | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const rest = stat.slice(close + 2).split(' ');
    return { pid, comm: stat.slice(stat.indexOf('(') + 1, close), state: rest[0]!, ppid: Number(rest[1]) };
  } catch {
    return undefined;
  }
}

export function childrenOf(ppid: number): Proc[] {
  const out: Proc[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const p = readProc(Number(name));
    if (p && p.ppid === ppid) out.push(p);
  }
  return out;
}

/** Alive and not a zombie. */
export function isRunning(pid: number): boolean {
  const p = readProc(pid);
  return p !== undefined && p.state !== 'Z' && p.state !== 'X';
}

/** Threads of pid now inside ioctl(fd, cmd): their tids. */
export function threadsInIoctl(pid: number, cmd: number): number[] {
  const tids: number[] = [];
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return tids;
  }
  for (const tid of tasks) {
    try {
      const fields = readFileSync(`/proc/${pid}/task/${tid}/syscall`, 'utf8').trim().split(' ');
      if (Number(fields[0]) === SYS_IOCTL && Number(fields[2]) === cmd) tids.push(Number(tid));
    } catch {
      // The thread ended while we looked.
    }
  }
  return tids;
}

/** Polls (about every millisecond) until pid has a thread inside ioctl(cmd). */
export async function waitForIoctl(pid: number, cmd: number, withinMs: number): Promise<boolean> {
  const end = performance.now() + withinMs;
  while (performance.now() < end) {
    if (threadsInIoctl(pid, cmd).length > 0) return true;
    await new Promise((r) => setImmediate(r));
  }
  return false;
}

/** Polls cond (sync, or async such as a contract call) every stepMs until it holds or withinMs pass. */
export async function waitUntil(cond: () => boolean | Promise<boolean>, withinMs: number, stepMs = 10): Promise<boolean> {
  const end = performance.now() + withinMs;
  while (performance.now() < end) {
    if (await cond()) return true;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return cond();
}

/** The kernel stack of pid's main thread (root only), '' when unreadable. */
export function kernelStack(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/stack`, 'utf8');
  } catch {
    return '';
  }
}

/**
 * pid waits at a filesystem's freeze barrier (sb_start_write and friends,
 * a percpu rw-semaphore that freeze_super holds for writing until FITHAW),
 * not merely in some I/O: such a writer cannot finish before the thaw.
 */
export function waitsAtFreezeBarrier(pid: number): boolean {
  return /percpu_rwsem_wait|__percpu_down_read/.test(kernelStack(pid));
}

/**
 * While a FIFREEZE runs: start writers (each to its own file, cell-TAG*.bin)
 * until one waits at the freeze barrier (/proc/PID/stack). Inside FIFREEZE
 * is not yet frozen: freeze_super first waits out an RCU grace period and
 * the writes in flight, and a writer started meanwhile finishes without
 * blocking; those are returned as slipped (finished: check their bytes).
 */
export async function writerAtFreezeBarrier(dir: string, tag: string, withinMs: number): Promise<{ writer: Writer; slipped: Writer[] }> {
  const slipped: Writer[] = [];
  let writer = startWriter(join(dir, `cell-${tag}.bin`));
  const end = performance.now() + withinMs;
  while (performance.now() < end) {
    if (waitsAtFreezeBarrier(writer.pid)) return { writer, slipped };
    if (writer.exited()) {
      slipped.push(writer);
      writer = startWriter(join(dir, `cell-${tag}-${slipped.length}.bin`));
    }
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`no writer blocked at the freeze barrier within ${withinMs} ms (${slipped.length} finished before it went up)`);
}

