/**
 * A MariaDB server's layout, asked of the server: datadir, the binary
 * log's directory (log_bin_basename), InnoDB's redo log, undo and system
 * tablespace directories (relative ones are inside the datadir), Aria's
 * log, and every InnoDB table created with DATA DIRECTORY elsewhere. Also
 * the settings a restore needs to open those files again.
 */
import { basename, dirname, isAbsolute, join } from 'node:path';
import { query, queryRow, type MariadbConnection } from './db-client';
import { localPathLookup, resolvePaths, type DbLayout, type FoundPath, type PathLookup } from './db-layout';
import { PresetError } from './preset-error';

export const MIN_MARIADB_VERSION_NUM = 100600;

/** Server settings a throwaway instance on a copy must match to open its files. */
const RESTORE_SETTINGS = ['innodb_page_size', 'innodb_data_file_path', 'innodb_undo_tablespaces', 'lower_case_table_names', 'innodb_checksum_algorithm'] as const;

export async function discoverMariadb(conn: MariadbConnection, lookup: PathLookup = localPathLookup): Promise<DbLayout> {
  const row = await queryRow(
    conn,
    `SELECT @@version, @@datadir, @@log_bin, IFNULL(@@log_bin_basename, ''), @@innodb_log_group_home_dir, @@innodb_undo_directory,
       IFNULL(@@innodb_data_home_dir, ''), @@aria_log_dir_path, ${RESTORE_SETTINGS.map((s) => `@@${s}`).join(', ')}`,
  );
  const [version, dataDir, logBin, binlogBase, redoDir, undoDir, systemDir, ariaDir, ...settings] = row as [string, string, string, string, string, string, string, string, ...string[]];
  const versionNum = mariadbVersionNum(version);
  if (versionNum < MIN_MARIADB_VERSION_NUM) throw new PresetError('DB_VERSION_UNSUPPORTED', `MariaDB ${version} is older than 10.6, which the preset needs (BACKUP STAGE as it is now).`);
  if (!version.includes('MariaDB')) throw new PresetError('DB_VERSION_UNSUPPORTED', `The server at ${conn.socket} is not MariaDB (${version}): the preset uses BACKUP STAGE, which MySQL does not have.`);
  const inData = (p: string): string => (p === '' || p === '.' || p === './' ? dataDir : isAbsolute(p) ? p : join(dataDir, p));
  const found: FoundPath[] = [{ role: 'data', path: dataDir }];
  const binlog = logBin === '1' || logBin === 'ON';
  // The binlog entry's name is the files' base name (mariadb-bin): a restore names its copy so.
  if (binlog && binlogBase) found.push({ role: 'binlog', path: dirname(inData(binlogBase)), name: basename(binlogBase) });
  found.push({ role: 'innodb-log', path: inData(redoDir) }, { role: 'innodb-undo', path: inData(undoDir) }, { role: 'innodb-data', path: inData(systemDir) }, { role: 'aria-log', path: inData(ariaDir) });
  // Tables with DATA DIRECTORY: their .ibd lives elsewhere, named by the .isl file in the datadir.
  const tables = await query(conn, `SELECT NAME, FILENAME FROM information_schema.INNODB_SYS_TABLESPACES WHERE FILENAME LIKE '/%' ORDER BY SPACE`);
  for (const [name, file] of tables) if (file && !file.startsWith(dataDir)) found.push({ role: 'table-file', path: dirname(file), name: name! });
  const serverOptions: Record<string, string> = {};
  RESTORE_SETTINGS.forEach((name, i) => (serverOptions[name] = settings[i] ?? ''));
  return { engine: 'mariadb', version, versionNum, paths: await resolvePaths(dedupe(found), lookup), serverOptions, binlog };
}

/** 10.11.6-MariaDB-0+deb12u1-log -> 101106. */
export function mariadbVersionNum(version: string): number {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!m) throw new PresetError('DB_QUERY_FAILED', `The server's version cannot be read: ${version}.`);
  return Number(m[1]) * 10000 + Number(m[2]) * 100 + Number(m[3]);
}

/** One entry per directory and role (a datadir holding its own logs is listed once as data). */
function dedupe(found: FoundPath[]): FoundPath[] {
  const norm = (p: string): string => p.replace(/\/+$/, '') || '/';
  const data = norm(found[0]!.path);
  const seen = new Set<string>();
  return found.filter((f, i) => {
    const key = `${f.role}:${norm(f.path)}`;
    if (i > 0 && f.role !== 'binlog' && f.role !== 'table-file' && norm(f.path) === data) return false;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
