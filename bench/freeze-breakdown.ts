/**
 * Where a FIFREEZE's time goes, read from the kernel's own trace events:
 * every time the helper's worker thread sleeps inside the ioctl, the kernel
 * stack says on what. Sleeps are attributed to
 * - rcu: percpu_down_write -> rcu_sync_enter -> synchronize_rcu, one RCU
 *   grace period per freeze level (write, page fault, fs) of a superblock
 *   that has not been frozen within the last grace period;
 * - writeback: sync_filesystem (the dirty data and the cache flush);
 * - fs: the filesystem's ->freeze_fs (ext4: journal flush and superblock;
 *   xfs: log force, AIL push, log cover);
 * - other: anything else (the ioctl on the CPU is the remainder).
 * Uses a private tracefs instance, removed on close. Where nothing mounted
 * tracefs (no systemd to mount it on first use), open() mounts it and close()
 * unmounts it again; where it cannot be had, open() says why and the bench
 * goes without.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const TRACEFS = '/sys/kernel/tracing';
const FIFREEZE = '0xc0045877';
/** The helper's comm: the kernel keeps 15 bytes of "freezeframe-helper". */
const HELPER_COMM = 'freezeframe-hel';

export interface FreezeBreakdown {
  totalMs: number;
  rcuMs: number;
  writebackMs: number;
  fsMs: number;
  otherMs: number;
}

interface TraceEvent {
  ts: number;
  pid: number;
  name: string;
  text: string;
  stack: string[];
}

/** Mounts tracefs where nothing did; true when this call mounted it. */
function mountTracefs(): boolean {
  if (existsSync(join(TRACEFS, 'instances'))) return false;
  execFileSync('mount', ['-t', 'tracefs', 'tracefs', TRACEFS], { stdio: 'ignore' });
  return true;
}

export class FreezeTracer {
  private constructor(
    private readonly dir: string,
    private readonly mountedTracefs: boolean,
  ) {}

  static open(): FreezeTracer | string {
    let mounted: boolean;
    try {
      mounted = mountTracefs();
    } catch (error) {
      return `tracefs is not mounted at ${TRACEFS} and mounting it failed: ${(error as Error).message}`;
    }
    const dir = join(TRACEFS, 'instances', `freezeframe-bench-${process.pid}`);
    try {
      if (!existsSync(dir)) mkdirSync(dir);
      const tracer = new FreezeTracer(dir, mounted);
      tracer.write('buffer_size_kb', '16384');
      tracer.write('events/sched/sched_switch/filter', `(prev_comm == "${HELPER_COMM}" && prev_state != 0) || next_comm == "${HELPER_COMM}"`);
      tracer.write('events/syscalls/sys_enter_ioctl/filter', `cmd == ${FIFREEZE}`);
      tracer.write('options/stacktrace', '1');
      for (const event of ['sched/sched_switch', 'syscalls/sys_enter_ioctl', 'syscalls/sys_exit_ioctl']) tracer.write(`events/${event}/enable`, '1');
      tracer.write('tracing_on', '0');
      return tracer;
    } catch (error) {
      try {
        rmdirSync(dir);
      } catch {
        // Never made.
      }
      if (mounted) execFileSync('umount', [TRACEFS], { stdio: 'ignore' });
      return `cannot set up a tracefs instance: ${(error as Error).message}`;
    }
  }

  start(): void {
    this.write('trace', '');
    this.write('tracing_on', '1');
  }

  /** Stop, and attribute the first FIFREEZE in the buffer (undefined if none was caught). */
  stop(): FreezeBreakdown | undefined {
    this.write('tracing_on', '0');
    return attribute(parseTrace(readFileSync(join(this.dir, 'trace'), 'utf8')));
  }

  close(): void {
    try {
      this.write('tracing_on', '0');
      this.write('events/enable', '0');
      this.write('options/stacktrace', '0');
    } finally {
      rmdirSync(this.dir);
      if (this.mountedTracefs) execFileSync('umount', [TRACEFS], { stdio: 'ignore' });
    }
  }

  private write(file: string, value: string): void {
    writeFileSync(join(this.dir, file), value);
  }
}

const LINE = /^\s*(.+)-(\d+)\s+\[\d+\]\s+\S+\s+([\d.]+): (\w+)[:( ](.*)$/;

export function parseTrace(text: string): TraceEvent[] {
  const events: TraceEvent[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith(' => ')) {
      events.at(-1)?.stack.push(line.slice(4).trim());
      continue;
    }
    const m = LINE.exec(line);
    if (!m || m[4] === undefined || line.includes('<stack trace>')) continue;
    events.push({ pid: Number(m[2]), ts: Number(m[3]) * 1000, name: m[4], text: m[5] ?? '', stack: [] });
  }
  return events;
}

function category(stack: string[]): keyof Omit<FreezeBreakdown, 'totalMs'> {
  const has = (fn: string): boolean => stack.some((frame) => frame.startsWith(fn));
  if (has('rcu_sync_enter')) return 'rcuMs';
  if (has('sync_filesystem')) return 'writebackMs';
  if (has('ext4_freeze') || has('xfs_fs_freeze') || has('btrfs_freeze')) return 'fsMs';
  return 'otherMs';
}

export function attribute(events: TraceEvent[]): FreezeBreakdown | undefined {
  const enter = events.find((e) => e.name === 'sys_ioctl' && e.text.includes(`cmd: ${FIFREEZE}`));
  if (!enter) return undefined;
  const exit = events.find((e) => e.pid === enter.pid && e.ts >= enter.ts && e.name === 'sys_ioctl' && e.text.startsWith('-> '));
  if (!exit) return undefined;
  const out: FreezeBreakdown = { totalMs: exit.ts - enter.ts, rcuMs: 0, writebackMs: 0, fsMs: 0, otherMs: 0 };
  let asleep: { ts: number; stack: string[] } | undefined;
  for (const e of events) {
    if (e.ts < enter.ts || e.ts > exit.ts || e.name !== 'sched_switch') continue;
    if (e.text.includes(`prev_pid=${enter.pid} `)) asleep = { ts: e.ts, stack: e.stack };
    else if (e.text.includes(`next_pid=${enter.pid} `) && asleep) {
      out[category(asleep.stack)] += e.ts - asleep.ts;
      asleep = undefined;
    }
  }
  const slept = out.rcuMs + out.writebackMs + out.fsMs + out.otherMs;
  out.otherMs += Math.max(0, out.totalMs - slept); // on the CPU, or runnable
  return out;
}
