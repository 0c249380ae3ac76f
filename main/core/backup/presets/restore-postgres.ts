/**
 * The PostgreSQL half of the restore check: make the mounted clone a data
 * directory that only points inside the scratch (pg_wal and each
 * pg_tblspc entry are symlinks to the SOURCE's paths: left as they are, a
 * server on the clone would write to the live cluster's WAL), start a
 * postgres on it with a private socket and no TCP, wait for crash
 * recovery to finish and the server to answer, then pg_amcheck every
 * database (heap and B-tree indexes).
 */
import { chown, copyFile, lstat, readdir, readlink, rm, stat, symlink, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { postgresProgram, query, type PostgresConnection } from './db-client';
import type { DbLayout } from './db-layout';
import { PresetError } from './preset-error';
import { postgresMajor } from './postgres-layout';
import type { ScratchMounts } from './scratch-mounts';
import { ThrowawayServer } from './throwaway-server';
import type { RestoreRun } from './restore-check';

/** A backup-start snapshot's extra parts: the label, the tablespace map, and the folder with the WAL kept from start to stop. */
export interface PostgresBackupFiles {
  backupLabel: string;
  tablespaceMap: string;
  walDir: string;
}

export async function restorePostgres(layout: DbLayout, scratch: ScratchMounts, run: RestoreRun, backup?: PostgresBackupFiles): Promise<void> {
  const data = layout.paths.find((p) => p.role === 'data')!;
  const wal = layout.paths.find((p) => p.role === 'wal')!;
  const dataDir = scratch.mustMap(data.realPath, 'The data directory');
  const owner = await stat(dataDir);
  await repoint(join(dataDir, 'pg_wal'), () => scratch.mustMap(wal.realPath, 'The WAL directory'));
  for (const entry of await readdir(join(dataDir, 'pg_tblspc')).catch(() => [] as string[])) {
    await repoint(join(dataDir, 'pg_tblspc', entry), (target) => {
      const space = layout.paths.find((p) => p.role === 'tablespace' && (p.path === target || p.realPath === target));
      return scratch.mustMap(space?.realPath ?? target, `Tablespace ${space?.name ?? entry}'s directory`);
    });
  }
  // The source's lock file names a pid that may be alive here; the copy is not locked by anyone.
  await rm(join(dataDir, 'postmaster.pid'), { force: true });
  if (backup) await placeBackupFiles(dataDir, scratch.mustMap(wal.realPath, 'The WAL directory'), backup, owner);
  run.checked.push(`data directory ${data.path} and WAL ${wal.path} from the clone${backup ? ', with its backup label and the WAL kept from pg_backup_start to pg_backup_stop' : ''}`);

  const socketDir = await scratch.privateDir('socket', owner.uid, owner.gid);
  const conf = join(scratch.root, 'restore.conf');
  const hba = join(scratch.root, 'restore_hba.conf');
  // The copy's own settings first, then ours, which the command line makes win over both.
  await writeFile(conf, `include_if_exists '${join(dataDir, 'postgresql.conf')}'\n`, { mode: 0o644 });
  // Only the scratch's owner (and root) can reach the socket's directory: trust is no wider than that.
  await writeFile(hba, 'local all all trust\n', { mode: 0o644 });
  await writeFile(join(scratch.root, 'restore_ident.conf'), '', { mode: 0o644 });
  const major = postgresMajor(layout);
  const settings: Record<string, string> = {
    config_file: conf,
    data_directory: dataDir,
    hba_file: hba,
    ident_file: join(scratch.root, 'restore_ident.conf'),
    listen_addresses: '',
    unix_socket_directories: socketDir,
    port: '5432',
    external_pid_file: '',
    // Never archive into, or stream from, the source's archive or primary.
    archive_mode: 'off',
    restore_command: '',
    primary_conninfo: '',
    logging_collector: 'off',
    log_destination: 'stderr',
    ssl: 'off',
    shared_buffers: '32MB',
    cluster_name: 'freezeframe-restore-check',
  };
  const argv = [postgresProgram('postgres', major), ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
  const server = new ThrowawayServer({ argv, runAs: { uid: owner.uid, gid: owner.gid }, stopSignal: 'SIGINT', what: 'PostgreSQL server' });
  run.server = server;
  const superuser = run.userName(owner.uid);
  const conn: PostgresConnection = { engine: 'postgresql', socketDir, user: superuser, database: 'postgres' };
  run.recoveryMs = await server.waitAnswering(async () => (await query(conn, 'SELECT 1', 5000))[0]?.[0] === '1', run.deadline);
  const redo = server.log.map((l) => /redo done at ([0-9A-F]+\/[0-9A-F]+)/.exec(l)?.[1]).find(Boolean);
  if (redo) run.recoveredTo = redo;
  const crash = server.log.some((l) => /not properly shut down; automatic recovery in progress|starting backup recovery/.test(l));
  run.checked.push(`recovered${crash ? ' (crash recovery)' : ''}${redo ? ` to ${redo}` : ''} and answered in ${run.recoveryMs} ms`);

  await amcheck(conn, major, run);
  await run.inspect?.((sql, database) => query({ ...conn, database: database ?? 'postgres' }, sql, 60_000));
}

/** Replace a symlink to a source path by one to its place in the scratch; a directory is left as it is. */
async function repoint(link: string, target: (old: string) => string): Promise<void> {
  const st = await lstat(link).catch(() => undefined);
  if (!st?.isSymbolicLink()) return;
  const old = await readlink(link);
  const next = target(old);
  await unlink(link);
  await symlink(next, link);
}

async function placeBackupFiles(dataDir: string, walDir: string, backup: PostgresBackupFiles, owner: { uid: number; gid: number }): Promise<void> {
  const write = async (path: string, text: string): Promise<void> => {
    await writeFile(path, text, { mode: 0o600 });
    await chown(path, owner.uid, owner.gid);
  };
  await write(join(dataDir, 'backup_label'), backup.backupLabel);
  if (backup.tablespaceMap) await write(join(dataDir, 'tablespace_map'), backup.tablespaceMap);
  for (const name of await readdir(backup.walDir)) {
    await copyFile(join(backup.walDir, name), join(walDir, name));
    await chown(join(walDir, name), owner.uid, owner.gid);
  }
}

/** pg_amcheck --all: heap and B-tree checks of every database (amcheck installed in the copy where missing). */
async function amcheck(conn: PostgresConnection, major: number, run: RestoreRun): Promise<void> {
  const argv = [postgresProgram('pg_amcheck', major), '-h', conn.socketDir, '-U', conn.user!, '--all', '--install-missing', '--heapallindexed', '--progress'];
  const result = await run.exec(argv);
  const progress = [...result.stderr.matchAll(/(\d+)\/\d+ relations \(100%\), (\d+)\/\d+ pages/g)].pop();
  const what = `pg_amcheck --all --heapallindexed${progress ? `: ${progress[1]} relations, ${progress[2]} pages` : ''}`;
  if (result.code !== 0) throw new PresetError('RESTORE_CHECK_FAILED', `${what} found problems (exit ${result.code}).`, `${result.stdout}\n${result.stderr}`.trim().slice(-4000));
  run.checked.push(`${what}: no corruption`);
}
