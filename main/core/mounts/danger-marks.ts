/**
 * Danger marks: filesystems whose freeze hurts the machine or this app.
 * A path marks the superblock of the mount that holds it (the longest
 * mountpoint prefix, topmost mount when several share a mountpoint), so
 * every bind mount of that filesystem carries the mark too.
 *
 * Paths are resolved lexically, never with realpath/stat: a stat of a home
 * directory on a dead NFS server would hang a libuv thread, which main
 * cannot spare (see statfs-probe.ts).
 */
import { posix } from 'node:path';
import type { DangerKind, DangerMark } from '../../../app/domain';
import { DANGEROUS_MAX_TIMEOUT_MS } from '../../../app/limits';
import type { MountRecord } from './mountinfo';

export interface DangerContext {
  appDataDirs: readonly string[];
  helperPath: string;
  /** The user's home (the invoking user's when started with sudo). */
  homeDirs: readonly string[];
  /** Homes of other login users (from /etc/passwd). */
  otherHomes: readonly string[];
  tmpDirs: readonly string[];
}

interface DangerTarget {
  kind: DangerKind;
  path: string;
  reason: string;
  /** Also every mount below path (except where `homeDirs` are). */
  subtree?: boolean;
}

const HOMES_ROOT = '/home';

function targets(ctx: DangerContext): DangerTarget[] {
  const list: DangerTarget[] = [
    { kind: 'root', path: '/', reason: 'This is the root filesystem: almost every program, this app included, blocks on its next write, and new logins hang.' },
  ];
  for (const dir of ctx.appDataDirs) {
    list.push({ kind: 'app-data', path: dir, reason: `It holds this app's own profile or logs (${dir}), so the app itself would block writing to it.` });
  }
  list.push({ kind: 'helper', path: ctx.helperPath, reason: `It holds the freeze helper (${ctx.helperPath}): the helper refuses it unless you confirm, and then for at most ${DANGEROUS_MAX_TIMEOUT_MS / 1000} seconds.` });
  for (const dir of ctx.tmpDirs) {
    list.push({ kind: 'tmp', path: dir, reason: `It holds ${dir}, where most programs write temporary files: they would hang.` });
  }
  for (const dir of ['/var', '/var/log']) {
    list.push({ kind: 'var', path: dir, reason: `It holds ${dir}: journald and the login records write there, so logging stalls and new SSH logins hang.` });
  }
  for (const dir of ctx.homeDirs) {
    list.push({ kind: 'home', path: dir, reason: `It holds your home directory (${dir}): your desktop session and shells write there and would hang.` });
  }
  const otherReason = "It holds other users' home directories: their sessions would hang writing to them.";
  for (const dir of ctx.otherHomes) list.push({ kind: 'other-home', path: dir, reason: otherReason });
  list.push({ kind: 'other-home', path: HOMES_ROOT, reason: otherReason, subtree: true });
  return list;
}

/** Mounts by mountpoint, only the topmost one of each (what a path lookup reaches). */
export function topmostByMountpoint(records: readonly MountRecord[]): Map<string, MountRecord> {
  const byPoint = new Map<string, MountRecord>();
  let stacked: Map<string, MountRecord[]> | undefined;
  for (const record of records) {
    const seen = byPoint.get(record.mountpoint);
    if (seen) {
      stacked ??= new Map();
      const all = stacked.get(record.mountpoint) ?? [seen];
      all.push(record);
      stacked.set(record.mountpoint, all);
    }
    byPoint.set(record.mountpoint, record);
  }
  // A mount stacked on another at the same place has that one as its parent:
  // the topmost is the one no other is stacked on (table order breaks ties).
  for (const [point, all] of stacked ?? []) {
    const parents = new Set(all.map((r) => r.parentId));
    const top = all.filter((r) => !parents.has(r.mountId)).pop() ?? all[all.length - 1]!;
    byPoint.set(point, top);
  }
  return byPoint;
}

/** The mount that holds path: its longest mountpoint prefix. */
export function mountHolding(path: string, byPoint: ReadonlyMap<string, MountRecord>): MountRecord | undefined {
  let dir = normalize(path);
  for (;;) {
    const found = byPoint.get(dir);
    if (found) return found;
    if (dir === '/') return undefined;
    dir = posix.dirname(dir);
  }
}

/** Danger marks per superblock (majorMinor), each kind once, in the order of DangerContext. */
export function dangerBySuperblock(records: readonly MountRecord[], ctx: DangerContext): Map<string, DangerMark[]> {
  const byPoint = topmostByMountpoint(records);
  const marks = new Map<string, DangerMark[]>();
  const add = (majorMinor: string, target: DangerTarget): void => {
    const list = marks.get(majorMinor) ?? [];
    if (list.some((m) => m.kind === target.kind)) return;
    list.push({ kind: target.kind, reason: target.reason });
    marks.set(majorMinor, list);
  };
  const homes = ctx.homeDirs.map(normalize);
  for (const target of targets(ctx)) {
    if (!target.path.startsWith('/')) continue;
    const holder = mountHolding(target.path, byPoint);
    if (holder) add(holder.majorMinor, target);
    if (!target.subtree) continue;
    const below = `${normalize(target.path)}/`;
    for (const record of byPoint.values()) {
      if (!record.mountpoint.startsWith(below)) continue;
      // Your own home mounted under /home is marked 'home', not 'other-home'.
      if (homes.some((home) => isInside(home, record.mountpoint) || isInside(record.mountpoint, home))) continue;
      add(record.majorMinor, target);
    }
  }
  return marks;
}

/** Home directories of login users in /etc/passwd (uid 1000..60000, the login.defs range). */
export function passwdHomes(passwd: string, minUid = 1000, maxUid = 60000): string[] {
  const homes = new Set<string>();
  for (const line of passwd.split('\n')) {
    const fields = line.split(':');
    if (fields.length < 7) continue;
    const uid = Number(fields[2]);
    const home = fields[5]!;
    if (!Number.isInteger(uid) || uid < minUid || uid > maxUid) continue;
    if (!home.startsWith('/') || normalize(home) === '/') continue;
    homes.add(normalize(home));
  }
  return [...homes];
}

/** The home of a uid in /etc/passwd (the invoking user under sudo). */
export function passwdHomeOf(passwd: string, uid: number): string | undefined {
  for (const line of passwd.split('\n')) {
    const fields = line.split(':');
    if (fields.length >= 7 && Number(fields[2]) === uid && fields[5]!.startsWith('/')) return normalize(fields[5]!);
  }
  return undefined;
}

function normalize(path: string): string {
  const normal = posix.normalize(path);
  return normal.length > 1 && normal.endsWith('/') ? normal.slice(0, -1) : normal;
}

function isInside(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir === '/' ? '/' : `${dir}/`);
}
