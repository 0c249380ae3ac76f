/**
 * A PostgreSQL server's layout, asked of the server itself: its data
 * directory, pg_wal (a symlink when initdb --waldir put it elsewhere), its
 * tablespaces (pg_tablespace_location), and what the user may run. Then
 * the method its layout needs:
 *
 * - `checkpoint-cut`: every part in one consistency group that is cut at
 *   one instant (see db-layout.ts). A CHECKPOINT before the freeze keeps
 *   the WAL to replay short; the snapshot is a crash-consistent cut, which
 *   PostgreSQL recovers like a power loss.
 * - `backup-start`: the parts cannot be cut at one instant (two btrfs
 *   members, snapshotted one after the other). pg_backup_start/
 *   pg_backup_stop in one held session make a fuzzy copy restorable: the
 *   backup label and the WAL from its start to its stop are kept with the
 *   snapshot.
 */
import { join } from 'node:path';
import { queryRow, query, type PostgresConnection } from './db-client';
import { localPathLookup, resolvePaths, type DbLayout, type FoundPath, type PathLookup } from './db-layout';
import { PresetError } from './preset-error';

export const MIN_POSTGRES_VERSION_NUM = 150000;

export type PostgresMethod = 'checkpoint-cut' | 'backup-start';

export async function discoverPostgres(conn: PostgresConnection, lookup: PathLookup = localPathLookup): Promise<DbLayout> {
  const [versionNum, version, dataDir, checkpoint, backupStart] = await queryRow(
    conn,
    `SELECT current_setting('server_version_num'), current_setting('server_version'), current_setting('data_directory'),
       (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) OR pg_has_role(current_user, 'pg_checkpoint', 'MEMBER'),
       has_function_privilege('pg_backup_start(text, boolean)', 'EXECUTE') AND has_function_privilege('pg_backup_stop(boolean)', 'EXECUTE')`,
  ).catch((error: unknown) => {
    // data_directory is visible to superusers and pg_read_all_settings only.
    if (error instanceof PresetError && /permission denied|must be superuser|pg_read_all_settings/.test(error.detail ?? '')) {
      throw new PresetError('DB_PRIVILEGE', `${error.message} (finding the layout needs a superuser or a member of pg_read_all_settings)`, error.detail);
    }
    throw error;
  });
  const num = Number(versionNum);
  if (!Number.isInteger(num)) throw new PresetError('DB_QUERY_FAILED', `The server's version is not a number: ${versionNum}.`);
  if (num < MIN_POSTGRES_VERSION_NUM) throw new PresetError('DB_VERSION_UNSUPPORTED', `PostgreSQL ${version} is older than 15, which the preset needs (pg_backup_start, pg_checkpoint).`);
  const spaces = await query(conn, `SELECT spcname, pg_tablespace_location(oid) FROM pg_tablespace WHERE pg_tablespace_location(oid) <> '' ORDER BY oid`);
  const found: FoundPath[] = [
    { role: 'data', path: dataDir! },
    { role: 'wal', path: join(dataDir!, 'pg_wal') },
    ...spaces.map(([name, location]): FoundPath => ({ role: 'tablespace', path: location!, name: name! })),
  ];
  return {
    engine: 'postgresql',
    version: version!,
    versionNum: num,
    paths: await resolvePaths(found, lookup),
    serverOptions: {},
    privileges: { checkpoint: checkpoint === 't', backupStart: backupStart === 't' },
  };
}

/** Two or more btrfs filesystems cannot be cut at one instant: only a backup-mode copy restores then. */
export function postgresMethod(layout: DbLayout): PostgresMethod {
  const btrfs = new Set(layout.paths.filter((p) => p.mount.fsType === 'btrfs').map((p) => p.mount.majorMinor));
  return btrfs.size > 1 ? 'backup-start' : 'checkpoint-cut';
}

/** The major version (15 from 150004): where Debian keeps its programs. */
export function postgresMajor(layout: Pick<DbLayout, 'versionNum'>): number {
  return Math.floor(layout.versionNum / 10000);
}
