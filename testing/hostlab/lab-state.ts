/**
 * What a lab has made, written down as it goes (lab.json in the lab's
 * directory), so teardown undoes exactly that, and a later lab can undo
 * the leftovers of one whose process died (SIGKILL, a crashed worker):
 * like the loop-mount fixture, a lab is abandoned when its pid is gone.
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sweepAbandoned as sweepAbandonedLoopMounts } from '../loop-mounts';
import { outputSync, trySync } from './exec';
import { destroyHost, type HostRecord } from './host-namespace';
import { abandonedLabUsers, deleteLabUser } from './lab-users';
import { isAlive, netnsIdentity, pidsIn, stopProcesses } from './processes';

export const LAB_DIR_PREFIX = 'freezeframe-hostlab-';
const LAB_DIR_PATTERN = new RegExp(`^${LAB_DIR_PREFIX}(\\d+)-[0-9a-f]{4}$`);
/** ff-<pid>-<tag>-<host>: the lab's network namespaces. */
const NETNS_PATTERN = /^ff-(\d+)-[0-9a-f]{4}-/;

export interface LabState {
  id: string;
  pid: number;
  dir: string;
  hosts: HostRecord[];
}

export function saveState(state: LabState): void {
  writeFileSync(join(state.dir, 'lab.json'), `${JSON.stringify(state, null, 2)}\n`);
}

function loadState(dir: string): LabState | null {
  try {
    return JSON.parse(readFileSync(join(dir, 'lab.json'), 'utf8')) as LabState;
  } catch {
    return null;
  }
}

/** Undo a lab from its record: hosts, their users, the lab's directory. */
export function destroyLab(state: LabState): void {
  for (const host of [...state.hosts].reverse()) {
    destroyHost(host);
    if (host.user) deleteLabUser(host.user);
  }
  rmSync(state.dir, { recursive: true, force: true });
}

/**
 * Sweep labs whose process is gone: first from their records, then by name
 * (a network namespace or user of a dead lab whose record is lost).
 * Returns what was swept, for the log.
 */
export function sweepAbandonedLabs(): string[] {
  const swept: string[] = [];
  for (const name of safeReaddir(tmpdir())) {
    const match = LAB_DIR_PATTERN.exec(name);
    if (!match || isAlive(Number(match[1]))) continue;
    const dir = join(tmpdir(), name);
    const state = loadState(dir);
    if (state) destroyLab(state);
    else rmSync(dir, { recursive: true, force: true });
    swept.push(dir);
  }
  for (const netns of labNetnsNames()) {
    const match = NETNS_PATTERN.exec(netns);
    if (!match || isAlive(Number(match[1]))) continue;
    const identity = netnsIdentity(netns);
    stopProcesses(() => pidsIn([identity]), null, () => undefined);
    trySync('ip', ['netns', 'delete', netns]);
    swept.push(`netns ${netns}`);
  }
  for (const user of abandonedLabUsers(isAlive)) {
    deleteLabUser(user);
    swept.push(`user ${user}`);
  }
  // The hosts' filesystems were made by the loop-mount fixture in the dead
  // process: with the hosts gone, its own sweep can detach them.
  if (swept.length > 0) swept.push(...sweepAbandonedLoopMounts());
  return swept;
}

export function labNetnsNames(): string[] {
  return (outputSync('ip', ['netns', 'list']) ?? '')
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => NETNS_PATTERN.test(name));
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
