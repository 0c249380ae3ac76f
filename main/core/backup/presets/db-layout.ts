/**
 * A database server's layout: every directory whose contents must be
 * captured at one cut (data, WAL or binlog, tablespaces, InnoDB's logs),
 * each with its real location and the filesystem it lives on; and from
 * that, the consistency group to freeze and what makes a cut impossible.
 *
 * Why a group of frozen filesystems is one cut even though the helper
 * freezes them one after another: once a member is frozen no write to it
 * completes until the thaw, so nothing written later to another member
 * can depend on a write the snapshot of the first lacks. Every member but
 * the last one cut must therefore stay frozen until the last cut: true for
 * frozen members (all thawed after the snapshot), true for at most one
 * btrfs member (snapshotted, never frozen, inside the others' freeze).
 */
import { lstat, readFile, realpath } from 'node:fs/promises';
import { freezability, type Freezability } from '../../mounts/fs-types';
import { parseMountinfo, type MountRecord } from '../../mounts/mountinfo';
import { PresetError } from './preset-error';

export type DbEngine = 'postgresql' | 'mariadb';

export type DbPathRole =
  | 'data' // PGDATA, MariaDB's datadir
  | 'wal' // pg_wal (often a symlink to another filesystem)
  | 'tablespace' // a PostgreSQL tablespace
  | 'binlog' // MariaDB's binary log (log_bin_basename's directory)
  | 'innodb-log' // innodb_log_group_home_dir
  | 'innodb-undo' // innodb_undo_directory
  | 'innodb-data' // innodb_data_home_dir (the system tablespace)
  | 'aria-log' // aria_log_dir_path
  | 'table-file'; // an InnoDB table created with DATA DIRECTORY

export interface DbPathMount {
  mountpoint: string;
  majorMinor: string;
  fsType: string;
  source: string;
  freezable: Freezability;
}

export interface DbPath {
  role: DbPathRole;
  /** As the server reports it. */
  path: string;
  /** Symlinks resolved: where the data is. */
  realPath: string;
  /** The server's path is (or goes through) a symlink: pg_wal made by initdb --waldir. */
  viaSymlink: boolean;
  /** A tablespace's or table's name. */
  name?: string;
  mount: DbPathMount;
}

export interface DbLayout {
  engine: DbEngine;
  /** As the server says it (15.4, 10.11.6-MariaDB). */
  version: string;
  /** PostgreSQL's server_version_num; MariaDB's major*10000 + minor*100 + patch. */
  versionNum: number;
  paths: DbPath[];
  /**
   * Settings a restore of this server needs to open its files again
   * (MariaDB: innodb_page_size, lower_case_table_names ...; none for PostgreSQL,
   * whose cluster carries them). Never a credential.
   */
  serverOptions: Record<string, string>;
  /** MariaDB: the binary log is on. */
  binlog?: boolean;
  /** PostgreSQL: the user may run pg_backup_start, CHECKPOINT. */
  privileges?: { checkpoint: boolean; backupStart: boolean };
}

export type BlockerKind = 'not-freezable' | 'outside-group' | 'not-one-cut';

export interface LayoutBlocker {
  kind: BlockerKind;
  role: DbPathRole;
  path: string;
  mountpoint: string;
  message: string;
}

export interface GroupProposal {
  /** The mountpoints to freeze together, in the order their paths were found (data first). */
  mounts: string[];
  blockers: LayoutBlocker[];
  warnings: string[];
}

export interface PathLookup {
  realpath(path: string): Promise<string>;
  isSymlink(path: string): Promise<boolean>;
  mountinfo(): Promise<string>;
}

/** The filesystem as this process sees it. Phase 2 may pass a privileged one (the data dir is often 0700). */
export const localPathLookup: PathLookup = {
  realpath: (path) => realpath(path),
  isSymlink: async (path) => (await lstat(path)).isSymbolicLink(),
  mountinfo: () => readFile('/proc/self/mountinfo', 'utf8'),
};

/** The mount a real path lives on: the deepest mountpoint containing it (the last one mounted there). */
export function mountOfPath(realPath: string, records: readonly MountRecord[]): MountRecord | undefined {
  let best: MountRecord | undefined;
  for (const record of records) {
    const m = record.mountpoint;
    const inside = m === '/' || realPath === m || realPath.startsWith(`${m}/`);
    if (inside && (!best || m.length >= best.mountpoint.length)) best = record;
  }
  return best;
}

export interface FoundPath {
  role: DbPathRole;
  path: string;
  name?: string;
}

/** Resolve each path and find its mount. A path this user may not look at is LAYOUT_UNREADABLE, naming it. */
export async function resolvePaths(found: readonly FoundPath[], lookup: PathLookup = localPathLookup): Promise<DbPath[]> {
  const records = parseMountinfo(await lookup.mountinfo()).records;
  const paths: DbPath[] = [];
  for (const f of found) {
    let realPath: string;
    let viaSymlink: boolean;
    try {
      realPath = await lookup.realpath(f.path);
      viaSymlink = realPath !== f.path.replace(/\/+$/, '') || (await lookup.isSymlink(f.path));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM') {
        throw new PresetError('LAYOUT_UNREADABLE', `This user may not look at ${f.path} (the server's ${f.role} directory): run the discovery as the server's owner or root.`);
      }
      throw new PresetError('DB_QUERY_FAILED', `The server names ${f.path} as its ${f.role} directory, but it cannot be found (${code ?? (error as Error).message}).`);
    }
    const record = mountOfPath(realPath, records);
    if (!record) throw new PresetError('DB_QUERY_FAILED', `No mount holds ${realPath}.`);
    paths.push({
      ...f,
      realPath,
      viaSymlink,
      mount: { mountpoint: record.mountpoint, majorMinor: record.majorMinor, fsType: record.fsType, source: record.source, freezable: freezability(record.fsType) },
    });
  }
  return paths;
}

/**
 * The group that captures the whole layout at one cut: every filesystem
 * holding one of its paths. Blockers: a path on a filesystem that cannot
 * be frozen, or more than one btrfs member (each is snapshotted, not
 * frozen, so two of them are two instants).
 */
export function proposeGroup(layout: DbLayout): GroupProposal {
  const mounts: string[] = [];
  const seen = new Set<string>();
  const blockers: LayoutBlocker[] = [];
  const warnings: string[] = [];
  for (const p of layout.paths) {
    if (p.mount.freezable === 'no') {
      blockers.push(blocker('not-freezable', p, `${p.path} (${roleName(p.role)}) is on ${p.mount.mountpoint}, a ${p.mount.fsType} filesystem, which cannot be frozen: the snapshot cannot capture it at the same instant as the rest.`));
      continue;
    }
    if (seen.has(p.mount.majorMinor)) continue;
    seen.add(p.mount.majorMinor);
    mounts.push(p.mount.mountpoint);
    if (p.mount.mountpoint === '/') warnings.push(`${p.path} (${roleName(p.role)}) is on the root filesystem: freezing it blocks the whole system's writers; it must be confirmed.`);
  }
  const btrfs = layout.paths.filter((p) => p.mount.fsType === 'btrfs');
  const btrfsMounts = new Set(btrfs.map((p) => p.mount.majorMinor));
  if (btrfsMounts.size > 1 && layout.engine === 'mariadb') {
    for (const p of btrfs) blockers.push(blocker('not-one-cut', p, `${p.path} (${roleName(p.role)}) is on btrfs, as is another part of the server on another btrfs filesystem: btrfs members are snapshotted one after the other, not frozen, so they cannot be captured at one instant.`));
  }
  return { mounts, blockers, warnings };
}

/** The paths a given group leaves out (the plan's mountpoints; a bind mount of a member counts as the member). */
export function checkGroup(layout: DbLayout, planMounts: readonly string[], records: readonly MountRecord[]): LayoutBlocker[] {
  const inGroup = new Set(planMounts.map((m) => records.filter((r) => r.mountpoint === m).pop()?.majorMinor).filter((v): v is string => v !== undefined));
  return layout.paths
    .filter((p) => !inGroup.has(p.mount.majorMinor))
    .map((p) =>
      blocker('outside-group', p, `${p.path} (${roleName(p.role)}) is on ${p.mount.mountpoint}, which the plan does not freeze: a snapshot without it is not consistent. Add ${p.mount.mountpoint} to the group.`),
    );
}

function blocker(kind: BlockerKind, p: DbPath, message: string): LayoutBlocker {
  return { kind, role: p.role, path: p.path, mountpoint: p.mount.mountpoint, message };
}

export function roleName(role: DbPathRole): string {
  switch (role) {
    case 'data':
      return 'data directory';
    case 'wal':
      return 'WAL directory';
    case 'tablespace':
      return 'tablespace';
    case 'binlog':
      return 'binary log';
    case 'innodb-log':
      return 'InnoDB redo log';
    case 'innodb-undo':
      return 'InnoDB undo logs';
    case 'innodb-data':
      return 'InnoDB system tablespace';
    case 'aria-log':
      return 'Aria log';
    case 'table-file':
      return 'table file';
  }
}
