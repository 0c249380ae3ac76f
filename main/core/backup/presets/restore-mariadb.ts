/**
 * The MariaDB half of the restore check. The copy points at the source in
 * three places, each repointed into the scratch before a server starts on
 * it: the binary log's index (absolute file names), the .isl files of
 * tables created with DATA DIRECTORY, and the InnoDB/Aria/binlog
 * directories, which the throwaway server gets on its command line. It
 * recovers (InnoDB redo, then the binlog's XA recovery), must answer, and
 * mariadb-check runs CHECK TABLE on every table.
 */
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { query, type MariadbConnection } from './db-client';
import type { DbLayout, DbPathRole } from './db-layout';
import { PresetError } from './preset-error';
import type { RestoreRun } from './restore-check';
import type { ScratchMounts } from './scratch-mounts';
import { ThrowawayServer } from './throwaway-server';

/** The directory options of mariadbd for each role of the layout. */
const DIR_OPTIONS: Partial<Record<DbPathRole, string>> = {
  'innodb-log': 'innodb-log-group-home-dir',
  'innodb-undo': 'innodb-undo-directory',
  'innodb-data': 'innodb-data-home-dir',
  'aria-log': 'aria-log-dir-path',
};

export async function restoreMariadb(layout: DbLayout, scratch: ScratchMounts, run: RestoreRun): Promise<void> {
  const data = layout.paths.find((p) => p.role === 'data')!;
  const dataDir = scratch.mustMap(data.realPath, 'The datadir');
  const owner = await stat(dataDir);
  const args: string[] = [];
  for (const p of layout.paths) {
    const option = DIR_OPTIONS[p.role];
    if (option) args.push(`--${option}=${scratch.mustMap(p.realPath, `The ${p.role} directory`)}`);
  }
  const binlog = layout.paths.find((p) => p.role === 'binlog');
  if (binlog) {
    const dir = scratch.mustMap(binlog.realPath, 'The binary log directory');
    const index = join(dir, `${binlog.name}.index`);
    await rewriteLines(index, (line) => (isAbsolute(line) ? scratch.mustMap(line, 'A binary log file') : line));
    args.push(`--log-bin=${join(dir, binlog.name!)}`, `--log-bin-index=${index}`);
  }
  const isl = await repointIslFiles(dataDir, scratch);
  run.checked.push(`datadir ${data.path}${binlog ? ` and binary log ${binlog.path}` : ''} from the clone${isl ? `, ${isl} DATA DIRECTORY table(s) repointed` : ''}`);

  const socketDir = await scratch.privateDir('socket', owner.uid, owner.gid);
  const socket = join(socketDir, 'mariadb.sock');
  const settings = Object.entries(layout.serverOptions)
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `--${k.replaceAll('_', '-')}=${v}`);
  const argv = [
    '/usr/sbin/mariadbd',
    '--no-defaults',
    ...(process.geteuid?.() === 0 ? [`--user=${run.userName(owner.uid)}`] : []),
    `--datadir=${dataDir}`,
    `--socket=${socket}`,
    '--skip-networking',
    `--pid-file=${join(socketDir, 'mariadb.pid')}`,
    // A private socket in a directory only the owner reaches: no accounts needed, and none of the source's are used.
    '--skip-grant-tables',
    '--skip-slave-start',
    '--event-scheduler=OFF',
    '--innodb-buffer-pool-size=64M',
    ...settings,
    ...args,
  ];
  const server = new ThrowawayServer({ argv, stopSignal: 'SIGTERM', what: 'MariaDB server' });
  run.server = server;
  const conn: MariadbConnection = { engine: 'mariadb', socket, defaultsFile: '/dev/null' };
  run.recoveryMs = await server.waitAnswering(async () => (await query(conn, 'SELECT 1', 5000))[0]?.[0] === '1', run.deadline);
  const crash = server.log.some((l) => /Starting crash recovery|Recovering after a crash/.test(l));
  run.checked.push(`recovered${crash ? ' (crash recovery)' : ''} and answered in ${run.recoveryMs} ms`);

  const result = await run.exec(['mariadb-check', '--defaults-file=/dev/null', `--socket=${socket}`, '--all-databases', '--check']);
  const lines = result.stdout.split('\n').filter(Boolean);
  const ok = lines.filter((l) => /\sOK$/.test(l)).length;
  const bad = lines.filter((l) => /^(error|Error)\s*:|corrupt|crashed/i.test(l));
  if (result.code !== 0 || bad.length > 0) throw new PresetError('RESTORE_CHECK_FAILED', `mariadb-check (CHECK TABLE on every table) found problems${result.code ? ` (exit ${result.code})` : ''}.`, [...bad, result.stderr].join('\n').trim().slice(-4000));
  run.checked.push(`mariadb-check --all-databases (CHECK TABLE): ${ok} tables OK`);
  await run.inspect?.((sql, database) => query(conn, database ? `USE \`${database}\`; ${sql}` : sql, 60_000));
}

async function rewriteLines(file: string, map: (line: string) => string): Promise<void> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return;
  const out = text
    .split('\n')
    .map((line) => (line ? map(line) : line))
    .join('\n');
  if (out !== text) await writeFile(file, out);
}

/** <datadir>/<db>/<table>.isl holds the absolute path of a table's .ibd elsewhere. */
async function repointIslFiles(dataDir: string, scratch: ScratchMounts): Promise<number> {
  let count = 0;
  for (const entry of await readdir(dataDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    for (const name of await readdir(join(dataDir, entry.name))) {
      if (!name.endsWith('.isl')) continue;
      await rewriteLines(join(dataDir, entry.name, name), (line) => scratch.mustMap(line.trim(), `Table file ${entry.name}/${name}`));
      count++;
    }
  }
  return count;
}
