/**
 * Talking to a database server the way its own tools do: through the
 * local socket, as the invoking user, with that user's own authentication
 * (peer auth, ~/.pgpass, ~/.my.cnf or a named option file). A connection
 * names where the server listens and who to be, never a password: none is
 * ever part of a plan, an argv or a report.
 *
 * Queries run the stock clients (psql, mariadb) with an argv, no shell,
 * and read their tab-separated, header-less output.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PresetError, type PresetReason } from './preset-error';

export interface PostgresConnection {
  engine: 'postgresql';
  /** The directory holding the server's socket (unix_socket_directories), e.g. /var/run/postgresql. */
  socketDir: string;
  port?: number;
  /** The role; default: the OS user's name (libpq's default). */
  user?: string;
  database?: string;
}

export interface MariadbConnection {
  engine: 'mariadb';
  /** The server's socket file, e.g. /run/mysqld/mysqld.sock. */
  socket: string;
  /** Default: what the option files say, else the OS user's name (unix_socket auth). */
  user?: string;
  /** An option file read instead of the default ones (`--defaults-file`), for credentials kept there. */
  defaultsFile?: string;
}

export type DbConnection = PostgresConnection | MariadbConnection;

/** Where Debian (and Ubuntu) keep each PostgreSQL major's programs; PATH otherwise. */
export function postgresProgram(name: string, major?: number): string {
  if (major !== undefined) {
    const debian = join('/usr/lib/postgresql', String(major), 'bin', name);
    if (existsSync(debian)) return debian;
  }
  return name;
}

/** psql, quiet and unaligned, tab-separated, no psqlrc, stopping at the first error. */
export function psqlArgv(conn: PostgresConnection, psql = 'psql'): string[] {
  const argv = [psql, '-X', '-q', '-A', '-t', '-F', '\t', '-v', 'ON_ERROR_STOP=1', '-h', conn.socketDir];
  if (conn.port !== undefined) argv.push('-p', String(conn.port));
  if (conn.user !== undefined) argv.push('-U', conn.user);
  argv.push('-d', conn.database ?? 'postgres');
  return argv;
}

/**
 * mariadb in batch mode: tab-separated, no headers, one flush per statement
 * (a held session's lines arrive when they happen), and no silent
 * reconnect (a new session would not hold the old one's lock).
 */
export function mariadbArgv(conn: MariadbConnection, client = 'mariadb'): string[] {
  // --defaults-file must come first, or the client ignores it.
  const argv = [client, ...(conn.defaultsFile !== undefined ? [`--defaults-file=${conn.defaultsFile}`] : [])];
  argv.push('--batch', '--skip-column-names', '--unbuffered', '--skip-reconnect', `--socket=${conn.socket}`);
  if (conn.user !== undefined) argv.push(`--user=${conn.user}`);
  return argv;
}

export function clientArgv(conn: DbConnection): string[] {
  return conn.engine === 'postgresql' ? psqlArgv(conn) : mariadbArgv(conn);
}

const QUERY_TIMEOUT_MS = 15_000;

/** Run SQL through the client; its rows, each a list of fields. */
export async function query(conn: DbConnection, sql: string, timeoutMs = QUERY_TIMEOUT_MS): Promise<string[][]> {
  const [file, ...args] = clientArgv(conn);
  const stdout = await new Promise<string>((resolve, reject) => {
    // The SQL on the command line, not stdin: it is the one statement list this call runs.
    const sqlArgs = conn.engine === 'postgresql' ? ['-c', sql] : ['-e', sql];
    execFile(file!, [...args, ...sqlArgs], { timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024, env: { ...process.env, LC_ALL: 'C' } }, (error, out, err) => {
      if (!error) return resolve(out);
      const e = error as NodeJS.ErrnoException & { killed?: boolean };
      if (e.code === 'ENOENT') return reject(new PresetError('DB_UNREACHABLE', `${file} is not installed.`));
      if (e.killed) return reject(new PresetError('DB_UNREACHABLE', `${describe(conn)} did not answer within ${timeoutMs} ms.`, err.trim() || undefined));
      reject(clientError(conn, err));
    });
  });
  return stdout
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => line.split('\t'));
}

/** One row expected; its fields. */
export async function queryRow(conn: DbConnection, sql: string): Promise<string[]> {
  const rows = await query(conn, sql);
  if (rows.length !== 1) throw new PresetError('DB_QUERY_FAILED', `${describe(conn)} answered ${rows.length} rows where one was expected (${sql.slice(0, 80)}).`);
  return rows[0]!;
}

export function describe(conn: DbConnection): string {
  return conn.engine === 'postgresql' ? `PostgreSQL at ${conn.socketDir}${conn.port ? ` port ${conn.port}` : ''}` : `MariaDB at ${conn.socket}`;
}

/** The client's complaint, classified: unreachable, refused, not allowed, or a failed query. */
export function clientError(conn: DbConnection, stderr: string): PresetError {
  const text = stderr.trim();
  const last = text.split('\n').filter(Boolean).pop() ?? 'no output';
  const reason = classify(conn.engine, text);
  return new PresetError(reason, `${whatFailed(conn, reason)}: ${last}`, text || undefined);
}

function whatFailed(conn: DbConnection, reason: PresetReason): string {
  switch (reason) {
    case 'DB_UNREACHABLE':
      return `No server answers: ${describe(conn)}`;
    case 'DB_AUTH_FAILED':
      return `${describe(conn)} refused this user (the preset authenticates with the user's own peer auth, ~/.pgpass or option files; it stores no password)`;
    case 'DB_PRIVILEGE':
      return `${describe(conn)}: this user lacks a privilege the preset needs`;
    default:
      return `${describe(conn)}: a query failed`;
  }
}

function classify(engine: DbConnection['engine'], text: string): PresetReason {
  if (engine === 'postgresql') {
    if (/connection to server .* failed: (No such file or directory|Connection refused)/.test(text)) return 'DB_UNREACHABLE';
    if (/(Peer|password|ident) authentication failed|no password supplied|role ".*" does not exist|database ".*" does not exist/.test(text)) return 'DB_AUTH_FAILED';
    if (/permission denied|must be superuser|must be a member of/i.test(text)) return 'DB_PRIVILEGE';
    return 'DB_QUERY_FAILED';
  }
  if (/ERROR 200[23] /.test(text)) return 'DB_UNREACHABLE'; // can't connect through the socket
  if (/ERROR (1045|1698) /.test(text)) return 'DB_AUTH_FAILED'; // access denied
  if (/ERROR (1227|1142|1044) /.test(text)) return 'DB_PRIVILEGE'; // needs RELOAD / SUPER, a table's grant
  return 'DB_QUERY_FAILED';
}
