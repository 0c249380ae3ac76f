/**
 * The restore check, for verify: does the snapshot restore? Copies of the
 * clones are attached read-write at a scratch location (scratch-mounts.ts), a
 * throwaway server of the same database starts on them with a private
 * socket and no TCP, it must recover and answer, and the database's own
 * checks run (pg_amcheck; CHECK TABLE through mariadb-check). Then the
 * server is stopped and the scratch removed, also when anything failed.
 *
 * Needs root (loop devices, mounts); the server itself runs as the owner
 * of the copied files.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { DbEngine, DbLayout } from './db-layout';
import { presetFailure, type PresetReason } from './preset-error';
import { restoreMariadb } from './restore-mariadb';
import { restorePostgres, type PostgresBackupFiles } from './restore-postgres';
import { ScratchMounts, type CloneMember } from './scratch-mounts';
import type { ThrowawayServer } from './throwaway-server';

export type SqlRunner = (sql: string, database?: string) => Promise<string[][]>;

export interface RestoreCheckOptions {
  layout: DbLayout;
  /** A clone for every filesystem of the layout's group. */
  members: readonly CloneMember[];
  /** Where the private scratch directory is made: on no filesystem of the group; beside the clones for reflinked copies. */
  scratchParent: string;
  /** The whole check, from attaching to the last check (stopping and removal come after). Default 10 min. */
  timeoutMs?: number;
  /** PostgreSQL backup-start snapshots: the label and the WAL kept with the snapshot. */
  postgresBackup?: PostgresBackupFiles;
  /** Called while the throwaway server answers, after the checks: read what the restored copy holds. */
  inspect?(sql: SqlRunner): Promise<void>;
}

export interface RestoreCheckResult {
  engine: DbEngine;
  ok: boolean;
  /** What was checked, in order, each a sentence for the report. */
  checked: string[];
  /** From starting the server to its first answer: crash recovery included. */
  recoveryMs: number | null;
  /** PostgreSQL: the LSN redo ended at (the end of the WAL in the snapshot). */
  recoveredTo?: string;
  totalMs: number;
  errors: Array<{ reason: PresetReason; message: string; detail?: string }>;
  /** The last lines of the throwaway server's log. */
  serverLogTail: string;
}

/** What the engine halves (restore-postgres.ts, restore-mariadb.ts) use of a check in progress. */
export interface RestoreRun {
  checked: string[];
  recoveryMs: number | null;
  recoveredTo?: string;
  /** performance.now() by which everything must have answered. */
  deadline: number;
  server?: ThrowawayServer;
  inspect?(sql: SqlRunner): Promise<void>;
  userName(uid: number): string;
  /** Run a program to its end within the deadline. */
  exec(argv: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }>;
}

const DEFAULT_TIMEOUT_MS = 10 * 60_000;

export async function restoreCheck(options: RestoreCheckOptions): Promise<RestoreCheckResult> {
  const started = performance.now();
  const run: RestoreRun = {
    checked: [],
    recoveryMs: null,
    deadline: started + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    ...(options.inspect && { inspect: options.inspect }),
    userName,
    exec: (argv) => execUntil(argv, run.deadline),
  };
  const errors: RestoreCheckResult['errors'] = [];
  let scratch: ScratchMounts | undefined;
  try {
    scratch = await ScratchMounts.attach(options.scratchParent, options.members);
    run.checked.push(`${options.members.length} clone(s) copied (${scratch.copyMs.map((ms) => `${ms} ms`).join(', ')}) and attached read-write under ${scratch.root}; the clones themselves are not changed`);
    if (options.layout.engine === 'postgresql') await restorePostgres(options.layout, scratch, run, options.postgresBackup);
    else await restoreMariadb(options.layout, scratch, run);
  } catch (error) {
    errors.push(presetFailure(error, 'RESTORE_START_FAILED'));
  } finally {
    await run.server?.stop();
    if (run.server) {
      const exit = await run.server.exit;
      if (errors.length === 0 && exit.signal === 'SIGKILL') errors.push({ reason: 'RESTORE_CHECK_FAILED', message: 'The throwaway server did not shut down cleanly and was killed.', detail: run.server.logTail() });
    }
    if (scratch) await scratch.remove().catch((error: unknown) => errors.push(presetFailure(error, 'RESTORE_CLEANUP_FAILED')));
  }
  return {
    engine: options.layout.engine,
    ok: errors.length === 0,
    checked: run.checked,
    recoveryMs: run.recoveryMs,
    ...(run.recoveredTo && { recoveredTo: run.recoveredTo }),
    totalMs: Math.round(performance.now() - started),
    errors,
    serverLogTail: run.server?.logTail(40) ?? '',
  };
}

function userName(uid: number): string {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.split(':')[2] === String(uid));
  return line?.split(':')[0] ?? String(uid);
}

function execUntil(argv: readonly string[], deadline: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const timeout = Math.max(1000, Math.round(deadline - performance.now()));
  return new Promise((resolve) => {
    execFile(argv[0]!, argv.slice(1), { timeout, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, LC_ALL: 'C' } }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : null) : 0;
      resolve({ code, stdout, stderr: error && code === null ? `${stderr}\n${error.message}` : stderr });
    });
  });
}
