/**
 * Real database servers for the integration tests, from Debian's packages:
 * PostgreSQL 15 (initdb and pg_ctl as the postgres user) and MariaDB
 * (mariadb-install-db, mariadbd as mysql), each on loop-mounted filesystems
 * the lab makes: the data on ext4, the WAL or binary log on xfs, both
 * images on a third (xfs) filesystem where the backups' clones go too, so
 * that they are reflinks. Private sockets in the lab's directory, no TCP.
 * Everything is torn down after the suite, and on process exit (servers
 * killed first, so that the loop fixture can unmount).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MariadbConnection, PostgresConnection } from '../../main/core/backup/presets/db-client';
import { LoopFixture, type LoopMount } from '../loop-mounts';
import { run } from '../run-command';

export const PG_BIN = '/usr/lib/postgresql/15/bin';
const SERVER_START_MS = 60_000;

/** Servers still running, killed on exit before the fixture's own exit handler unmounts. */
const running = new Set<number>();
const killAll = (): void => {
  for (const pid of running) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
};

export interface LabMounts {
  fixture: LoopFixture;
  /** xfs: the data and log images, the backups' clones (reflinks). */
  host: LoopMount;
  /** ext4: the data directory. */
  data: LoopMount;
  /** xfs: the WAL or the binary log. */
  log: LoopMount;
}

export async function makeLabMounts(): Promise<LabMounts> {
  process.off('exit', killAll);
  process.on('exit', killAll); // registered before the fixture's, so it runs first
  const fixture = await LoopFixture.create();
  try {
    chmodSync(fixture.dir, 0o711); // the servers' users must reach their directories inside
    const host = await fixture.mount('xfs', { name: 'host', sizeMb: 2048 });
    const data = await fixture.mount('ext4', { name: 'data', sizeMb: 384, imageDir: host.mountpoint });
    const log = await fixture.mount('xfs', { name: 'log', sizeMb: 320, imageDir: host.mountpoint });
    return { fixture, host, data, log };
  } catch (error) {
    await fixture.cleanup();
    throw error;
  }
}

function ownedDir(path: string, user: 'postgres' | 'mysql', mode = 0o700): string {
  mkdirSync(path, { recursive: true });
  const [uid, gid] = ids(user);
  chownSync(path, uid, gid);
  chmodSync(path, mode);
  return path;
}

export function ids(user: string): [number, number] {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${user}:`));
  if (!line) throw new Error(`no user ${user}`);
  const [, , uid, gid] = line.split(':');
  return [Number(uid), Number(gid)];
}

export class PostgresLab {
  readonly dataDir: string;
  readonly walDir: string;
  readonly socketDir: string;
  private pid: number | undefined;

  constructor(readonly mounts: LabMounts) {
    this.dataDir = join(mounts.data.mountpoint, 'pgdata');
    this.walDir = join(mounts.log.mountpoint, 'pg_wal');
    this.socketDir = join(mounts.fixture.dir, 'pg-sock');
  }

  /** initdb (data on ext4, --waldir on xfs), start, and a superuser role for the invoking user (peer auth). */
  async start(): Promise<void> {
    ownedDir(this.dataDir, 'postgres');
    ownedDir(this.walDir, 'postgres');
    ownedDir(this.socketDir, 'postgres', 0o755);
    await asPostgres([`${PG_BIN}/initdb`, '-D', this.dataDir, '--waldir', this.walDir, '-A', 'peer', '-U', 'postgres', '-E', 'UTF8', '--locale=C'], 120_000);
    const options = `-c listen_addresses='' -c unix_socket_directories='${this.socketDir}' -c max_connections=40 -c shared_buffers=32MB`;
    const log = join(ownedDir(join(this.mounts.fixture.dir, 'pg-log'), 'postgres', 0o755), 'postgres.log');
    await asPostgres([`${PG_BIN}/pg_ctl`, '-D', this.dataDir, '-o', options, '-l', log, '-w', '-t', String(SERVER_START_MS / 1000), 'start'], SERVER_START_MS + 5000).catch((error: Error) => {
      throw new Error(`${error.message}\n${tail(log)}`);
    });
    this.pid = Number(readFileSync(join(this.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    running.add(this.pid);
    await asPostgres([`${PG_BIN}/psql`, '-X', '-q', '-h', this.socketDir, '-d', 'postgres', '-c', 'CREATE ROLE root SUPERUSER LOGIN', '-c', 'CREATE DATABASE lab OWNER root']);
  }

  connection(database = 'lab'): PostgresConnection {
    return { engine: 'postgresql', socketDir: this.socketDir, database };
  }

  /** SQL as the invoking user (root, peer auth): the rows, tab-separated fields. */
  async sql(text: string, database = 'lab'): Promise<string[][]> {
    const out = await run(`${PG_BIN}/psql`, ['-X', '-q', '-A', '-t', '-F', '\t', '-v', 'ON_ERROR_STOP=1', '-h', this.socketDir, '-d', database, '-c', text]);
    return out.split('\n').filter(Boolean).map((l) => l.split('\t'));
  }

  /** A directory the postgres user owns (a tablespace's location). */
  tablespaceDir(parent: string, name: string): string {
    return ownedDir(join(parent, name), 'postgres');
  }

  async stop(): Promise<void> {
    // A start that failed half-way (pg_ctl gave up waiting) may still have left a server running.
    this.pid ??= existsSync(join(this.dataDir, 'postmaster.pid')) ? Number(readFileSync(join(this.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]) : undefined;
    if (this.pid === undefined || !Number.isInteger(this.pid)) return;
    try {
      await asPostgres([`${PG_BIN}/pg_ctl`, '-D', this.dataDir, '-m', 'fast', '-w', '-t', '30', 'stop'], 40_000);
    } catch {
      await asPostgres([`${PG_BIN}/pg_ctl`, '-D', this.dataDir, '-m', 'immediate', '-w', '-t', '10', 'stop'], 15_000).catch(() => undefined);
    }
    await waitGone(this.pid);
    running.delete(this.pid);
    this.pid = undefined;
  }
}

export class MariadbLab {
  readonly dataDir: string;
  readonly binlogDir: string;
  readonly socket: string;
  /** The socket, pid file and error log: a directory mysql may write to. */
  readonly runDir: string;
  private server: ChildProcess | undefined;

  constructor(readonly mounts: LabMounts) {
    this.dataDir = join(mounts.data.mountpoint, 'mysql');
    this.binlogDir = join(mounts.log.mountpoint, 'binlog');
    this.runDir = join(mounts.fixture.dir, 'mariadb-run');
    this.socket = join(this.runDir, 'mariadb.sock');
  }

  async start(): Promise<void> {
    ownedDir(this.dataDir, 'mysql', 0o750);
    ownedDir(this.binlogDir, 'mysql', 0o750);
    ownedDir(this.runDir, 'mysql', 0o755);
    await run('mariadb-install-db', ['--no-defaults', '--user=mysql', `--datadir=${this.dataDir}`, '--auth-root-authentication-method=socket', '--skip-test-db'], 180_000);
    const dir = this.runDir;
    this.server = spawn(
      '/usr/sbin/mariadbd',
      [
        '--no-defaults',
        '--user=mysql',
        `--datadir=${this.dataDir}`,
        `--socket=${this.socket}`,
        '--skip-networking',
        `--log-bin=${join(this.binlogDir, 'mariadb-bin')}`,
        '--server-id=1',
        `--pid-file=${join(dir, 'mariadb.pid')}`,
        `--log-error=${join(dir, 'mariadb.err')}`,
        '--innodb-buffer-pool-size=64M',
        '--innodb-flush-log-at-trx-commit=1',
        '--sync-binlog=1',
      ],
      { stdio: 'ignore' },
    );
    running.add(this.server.pid!);
    const deadline = Date.now() + SERVER_START_MS;
    while (!(await this.answers())) {
      if (this.server.exitCode !== null || Date.now() > deadline) throw new Error(`mariadbd did not start: ${tail(join(dir, 'mariadb.err'))}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    await this.sql('CREATE DATABASE lab');
  }

  connection(): MariadbConnection {
    return { engine: 'mariadb', socket: this.socket };
  }

  async sql(text: string): Promise<string[][]> {
    const out = await run('mariadb', ['--no-defaults', '--batch', '--skip-column-names', `--socket=${this.socket}`, '-e', text]);
    return out.split('\n').filter(Boolean).map((l) => l.split('\t'));
  }

  private async answers(): Promise<boolean> {
    return this.sql('SELECT 1').then(
      () => true,
      () => false,
    );
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server?.pid) return;
    if (server.exitCode === null && server.signalCode === null) {
      server.kill('SIGTERM');
      const exited = await Promise.race([new Promise((r) => server.once('exit', () => r(true))), new Promise((r) => setTimeout(() => r(false), 60_000))]);
      if (!exited) server.kill('SIGKILL');
    }
    await waitGone(server.pid);
    running.delete(server.pid);
    this.server = undefined;
  }
}

async function asPostgres(argv: string[], timeoutMs = 60_000): Promise<string> {
  return run('runuser', ['-u', 'postgres', '--', ...argv], timeoutMs);
}

async function waitGone(pid: number): Promise<void> {
  for (let i = 0; i < 300; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  process.kill(pid, 'SIGKILL');
}

function tail(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').slice(-15).join('\n') : '(no log)';
}
