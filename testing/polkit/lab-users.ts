/**
 * Throwaway system users for polkit tests, and processes running as them.
 * Names are `fflab-<pid>-<start time>-<n>` of the test process that made
 * them, so a later lab removes those a killed run left behind.
 *
 * A process runs as a user through setpriv(1): real and effective uid and
 * gid set, capabilities dropped from the inheritable set (root's effective
 * ones go with the uid change), supplementary groups cleared, or set to the
 * user's own when it was made with groups (polkit's subject.isInGroup reads
 * the group database, not the process, but a real login has them).
 */
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAlive, processOfTag, processTag, sleepSync, type ProcessId } from './lab-state';
import { subjectOf, type PolkitSubject } from './pkcheck';
import { run } from './system-bus';

export interface LabUser {
  name: string;
  uid: number;
  gid: number;
  /** Supplementary groups it was made with. */
  groups: string[];
}

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** A process running as a lab user; stopped by the lab at the latest. */
export interface LabProcess {
  child: ChildProcess;
  user: LabUser;
  pid: number;
  /** polkit's subject, once the process runs the command as the user (after setpriv's exec). */
  subject(): Promise<PolkitSubject>;
  /** SIGKILL, and waits until it is gone. */
  stop(): Promise<void>;
}

const NAME = /^fflab-(\d+)-([0-9a-z]+)-\d+$/;
let made = 0;

function passwdEntry(name: string): { uid: number; gid: number } | undefined {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((entry) => entry.startsWith(`${name}:`));
  if (!line) return undefined;
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

export async function createUser(options: { groups?: string[]; password?: string } = {}): Promise<LabUser> {
  const name = `fflab-${processTag}-${++made}`;
  const groups = options.groups ?? [];
  const args = ['--system', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', '--user-group'];
  if (groups.length) args.push('--groups', groups.join(','));
  let result = await run('useradd', [...args, name]);
  // Another process (another lab, apt) holding the passwd lock: useradd exits 10 at once.
  for (let tries = 1; result.status === 10 && tries < 50; tries++) {
    await sleep(100);
    result = await run('useradd', [...args, name]);
  }
  const entry = passwdEntry(name);
  if (result.status !== 0 || !entry) throw new Error(`polkit lab: useradd ${name} failed: ${result.stderr.trim()}`);
  if (options.password !== undefined) {
    const set = spawnSync('chpasswd', [], { input: `${name}:${options.password}\n`, encoding: 'utf8' });
    if (set.status !== 0) throw new Error(`polkit lab: chpasswd for ${name} failed: ${set.stderr.trim()}`);
  }
  return { name, ...entry, groups };
}

function processesOf(uid: number): ProcessId[] {
  const found: ProcessId[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      if (Number(status.match(/^Uid:\s+(\d+)/m)?.[1]) !== uid) continue;
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      found.push({ pid: Number(entry), startTime: Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]) });
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

/** Kills what still runs as the user (only lab users get here), then removes the user and its group. */
export function removeUserSync(user: Pick<LabUser, 'name' | 'uid'>): void {
  for (const process of processesOf(user.uid)) {
    try {
      globalThis.process.kill(process.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
    for (let waited = 0; isAlive(process) && waited < 5_000; waited += 10) sleepSync(10);
  }
  const result = spawnSync('userdel', [user.name], { encoding: 'utf8' });
  if (result.status !== 0 && passwdEntry(user.name)) throw new Error(`polkit lab: userdel ${user.name} failed: ${result.stderr.trim()}`);
}

/** Lab users of test processes that are gone (killed before they cleaned up). */
export function removeLeftoverUsersSync(): string[] {
  const removed: string[] = [];
  for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
    const [name, , uid] = line.split(':');
    const match = name?.match(NAME);
    if (!match || isAlive(processOfTag(match[1]!, match[2]!))) continue;
    removeUserSync({ name: name!, uid: Number(uid) });
    removed.push(name!);
  }
  return removed;
}

export function setprivArgs(user: LabUser, command: string[]): string[] {
  const groups = user.groups.length ? ['--init-groups'] : ['--clear-groups'];
  return [`--reuid=${user.uid}`, `--regid=${user.gid}`, ...groups, '--inh-caps=-all', '--', ...command];
}

export function spawnAs(user: LabUser, command: string[], options: SpawnOptions = {}): LabProcess {
  const child = spawn('setpriv', setprivArgs(user, command), { stdio: 'ignore', ...options });
  if (child.pid === undefined) throw new Error(`polkit lab: could not start setpriv for ${command.join(' ')}`);
  const pid = child.pid;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    user,
    pid,
    async subject() {
      // The pid is setpriv's until it execs the command; polkit must see the user's process.
      const giveUpAt = Date.now() + 10_000;
      for (;;) {
        const subject = subjectOf(pid);
        const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
        if (subject.uid === user.uid && comm !== 'setpriv') return subject;
        if (Date.now() > giveUpAt) throw new Error(`polkit lab: ${command.join(' ')} did not start as ${user.name}`);
        await sleep(5);
      }
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

export function runAs(user: LabUser, command: string[], options: { input?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('setpriv', setprivArgs(user, command), { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.once('error', reject);
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
    child.stdin!.end(options.input ?? '');
  });
}
