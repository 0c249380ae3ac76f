/**
 * What several polkit labs share on one machine. Test runs of several work
 * trees, and several files of one run, may use the system bus and polkitd at
 * once, so the lab that started them must not stop them under another. Each
 * lab registers itself here; daemons a lab started are recorded; the last lab
 * to leave stops them. A lab killed with SIGKILL leaves its registration,
 * which the next lab finds dead (pid and start time) and drops.
 *
 * Everything is synchronous, so the same code runs in a process 'exit'
 * handler. The lock is an O_EXCL file naming its holder; a dead holder's lock
 * is broken.
 */
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const LAB_STATE_DIR = '/run/freezeframe-polkit-lab';
const LOCK = join(LAB_STATE_DIR, 'lock');
const LABS = join(LAB_STATE_DIR, 'labs');
const DAEMONS = join(LAB_STATE_DIR, 'daemons.json');
const LOCK_PATIENCE_MS = 60_000;

/** A process, named so that a reused pid is not mistaken for it. */
export interface ProcessId {
  pid: number;
  /** Field 22 of /proc/PID/stat: clock ticks after boot (polkit's "start-time"). */
  startTime: number;
}

function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm may hold spaces and parentheses: count fields after the last ')'. [0] is the state.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

export function processStartTime(pid: number): number | undefined {
  const fields = statFields(pid);
  return fields ? Number(fields[19]) : undefined;
}

/** Running, and the same process: a zombie (exited, not yet reaped) counts as gone. */
export function isAlive(process: ProcessId): boolean {
  const fields = statFields(process.pid);
  return fields !== undefined && fields[0] !== 'Z' && Number(fields[19]) === process.startTime;
}

export const thisProcess: ProcessId = { pid: process.pid, startTime: processStartTime(process.pid)! };

/** A name part unique to this process on this boot: "<pid>-<start time base 36>". */
export const processTag = `${thisProcess.pid}-${thisProcess.startTime.toString(36)}`;

/** The process a processTag names, to tell whether a leftover's owner still runs. */
export function processOfTag(pid: string, startTime36: string): ProcessId {
  return { pid: Number(pid), startTime: parseInt(startTime36, 36) };
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
export function sleepSync(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

function lockHolder(): ProcessId | undefined {
  try {
    const [pid, startTime] = readFileSync(LOCK, 'utf8').trim().split(' ').map(Number);
    return { pid: pid!, startTime: startTime! };
  } catch {
    return undefined;
  }
}

/** Takes the lock if it is free or its holder died; false: a live process holds it. */
function tryLock(): boolean {
  mkdirSync(LABS, { recursive: true, mode: 0o700 });
  try {
    const fd = openSync(LOCK, 'wx', 0o600);
    writeSync(fd, `${thisProcess.pid} ${thisProcess.startTime}\n`);
    closeSync(fd);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const holder = lockHolder();
  // Between open and write the file is empty: that holder is alive, wait for it.
  if (holder && !Number.isNaN(holder.pid) && !isAlive(holder)) rmSync(LOCK, { force: true });
  return false;
}

function lockTimeout(): Error {
  return new Error(`polkit lab: ${LOCK} has been held by pid ${lockHolder()?.pid ?? '?'} for over ${LOCK_PATIENCE_MS / 1000} s`);
}

// Labs of one process take turns here first: the file lock does not tell them apart.
let turn: Promise<unknown> = Promise.resolve();
let heldHere = false;

/** Runs `work` holding the machine-wide lab lock, also across its awaits. */
export function withLabLock<T>(work: () => Promise<T> | T): Promise<T> {
  const run = turn.then(async () => {
    const giveUpAt = Date.now() + LOCK_PATIENCE_MS;
    while (!tryLock()) {
      if (Date.now() > giveUpAt) throw lockTimeout();
      await sleep(10);
    }
    heldHere = true;
    try {
      return await work();
    } finally {
      heldHere = false;
      rmSync(LOCK, { force: true });
    }
  });
  turn = run.catch(() => undefined);
  return run;
}

/**
 * The same, blocking: for a process 'exit' handler. When the process exits
 * while one of its own labs holds the lock, that lab will never finish, so
 * the work runs under its hold.
 */
export function withLabLockSync<T>(work: () => T): T {
  if (heldHere) return work();
  const giveUpAt = Date.now() + LOCK_PATIENCE_MS;
  while (!tryLock()) {
    if (Date.now() > giveUpAt) throw lockTimeout();
    sleepSync(10);
  }
  try {
    return work();
  } finally {
    rmSync(LOCK, { force: true });
  }
}

/** Registers one lab of this process (call under the lock). */
export function registerLab(id: string): void {
  writeFileSync(join(LABS, `${processTag}-${id}`), '');
}

export function unregisterLab(id: string): void {
  rmSync(join(LABS, `${processTag}-${id}`), { force: true });
}

/** Labs still registered by live processes; drops the dead ones' registrations. */
export function liveLabs(): string[] {
  const live: string[] = [];
  for (const name of readdirSync(LABS)) {
    const [pid, startTime36] = name.split('-');
    if (pid && startTime36 && isAlive(processOfTag(pid, startTime36))) live.push(name);
    else rmSync(join(LABS, name), { force: true });
  }
  return live;
}

/** Daemons a lab started, by role. */
export type StartedDaemons = Partial<Record<'bus' | 'polkitd', ProcessId>>;

export function readStartedDaemons(): StartedDaemons {
  try {
    return JSON.parse(readFileSync(DAEMONS, 'utf8')) as StartedDaemons;
  } catch {
    return {};
  }
}

export function writeStartedDaemons(daemons: StartedDaemons): void {
  writeFileSync(DAEMONS, `${JSON.stringify(daemons)}\n`, { mode: 0o600 });
}
