/**
 * The hooks each preset puts in a plan, as argv (hooks run as the user,
 * never elevated; `shell: true` only for the held-session script, whose
 * text is in the argv and so in the confirmation).
 *
 * MariaDB: one session in BACKUP STAGE START ... BLOCK_COMMIT for exactly
 * the freeze. Its ready line is printed by the server's answer to the
 * statement after BLOCK_COMMIT, so it means the lock is held; before it, a
 * FREEZEFRAME-BINLOG line gives the binary log position at the cut (commits
 * are blocked from there on). Released: BACKUP STAGE END.
 *
 * PostgreSQL, checkpoint-cut: CHECKPOINT before the freeze (less WAL to
 * replay), and an observer session that holds no lock: asked `check` while
 * frozen, it answers the WAL write position, which is the end of the WAL in
 * the snapshot. backup-start: pg_backup_start in the held session (ready
 * once it returned), pg_backup_stop when released, which prints the backup
 * label and the WAL range to keep with the snapshot.
 */
import type { CommandSpec, HoldHookSpec } from '../../../../app/backup';
import { mariadbArgv, postgresProgram, psqlArgv, type MariadbConnection, type PostgresConnection } from './db-client';
import { holdSessionArgv } from './hold-session';
import type { PostgresMethod } from './postgres-layout';

export const PRESET_READY_LINE = 'FREEZEFRAME-READY';

export interface PresetHooks {
  preFreeze?: CommandSpec;
  hold: HoldHookSpec;
}

export interface HookTimes {
  /** How long the hold hook may take to print its ready line (the lock's wait included). */
  readyTimeoutMs: number;
  releaseTimeoutMs: number;
  preFreezeTimeoutMs: number;
}

export const DEFAULT_HOOK_TIMES: HookTimes = { readyTimeoutMs: 20_000, releaseTimeoutMs: 5000, preFreezeTimeoutMs: 30_000 };

function holdSpec(argv: string[], times: HookTimes): HoldHookSpec {
  return { argv, shell: true, readyLine: PRESET_READY_LINE, readyTimeoutMs: times.readyTimeoutMs, releaseTimeoutMs: times.releaseTimeoutMs };
}

const MARIADB_STATUS = (name: string): string => `IFNULL((SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = '${name}'), '')`;

export function mariadbHooks(conn: MariadbConnection, times: HookTimes = DEFAULT_HOOK_TIMES): PresetHooks {
  // A stage that waits for a lock (a long DDL, a commit) gives up before the ready timeout rather than wait a day (the default).
  const lockWaitS = Math.max(1, Math.floor(times.readyTimeoutMs / 1000) - 1);
  const start = [
    `SET SESSION lock_wait_timeout = ${lockWaitS}`,
    'BACKUP STAGE START',
    'BACKUP STAGE FLUSH',
    'BACKUP STAGE BLOCK_DDL',
    'BACKUP STAGE BLOCK_COMMIT',
    // With commits blocked the binlog stands still: Binlog_snapshot_* is its position outside a transaction.
    `SELECT CONCAT('FREEZEFRAME-BINLOG log_bin=', @@log_bin, ' file=', ${MARIADB_STATUS('BINLOG_SNAPSHOT_FILE')}, ' pos=', ${MARIADB_STATUS('BINLOG_SNAPSHOT_POSITION')}, ' gtid=', @@gtid_binlog_pos, ' connection=', CONNECTION_ID())`,
    `SELECT '${PRESET_READY_LINE}'`,
  ];
  const check = `SELECT CONCAT('FREEZEFRAME-ALIVE connection=', CONNECTION_ID());`;
  const release = `BACKUP STAGE END; SELECT CONCAT('FREEZEFRAME-RELEASED connection=', CONNECTION_ID());`;
  return { hold: holdSpec(holdSessionArgv({ start: `${start.join('; ')};`, check, release }, mariadbArgv(conn)), times) };
}

export function postgresHooks(conn: PostgresConnection, method: PostgresMethod, major?: number, times: HookTimes = DEFAULT_HOOK_TIMES): PresetHooks {
  const psql = psqlArgv(conn, postgresProgram('psql', major));
  const alive = `SELECT 'FREEZEFRAME-ALIVE pid=' || pg_backend_pid() || ' lsn=' || pg_current_wal_lsn() || ' insert=' || pg_current_wal_insert_lsn();`;
  if (method === 'checkpoint-cut') {
    const start = `SELECT 'FREEZEFRAME-SESSION pid=' || pg_backend_pid() || ' lsn=' || pg_current_wal_lsn(); SELECT '${PRESET_READY_LINE}';`;
    const release = `SELECT 'FREEZEFRAME-RELEASED pid=' || pg_backend_pid() || ' lsn=' || pg_current_wal_lsn();`;
    return {
      preFreeze: { argv: [...psql, '-c', 'CHECKPOINT'], timeoutMs: times.preFreezeTimeoutMs },
      hold: holdSpec(holdSessionArgv({ start, check: alive, release }, psql), times),
    };
  }
  // fast => true: pg_backup_start's own checkpoint runs at once rather than spread out.
  const start = `SELECT 'FREEZEFRAME-BACKUP-START lsn=' || lsn || ' walfile=' || pg_walfile_name(lsn) || ' pid=' || pg_backend_pid() FROM pg_backup_start('freezeframe', true) AS lsn; SELECT '${PRESET_READY_LINE}';`;
  const b64 = (expr: string): string => `translate(encode(convert_to(${expr}, 'UTF8'), 'base64'), E'\\n', '')`;
  const release = `SELECT 'FREEZEFRAME-BACKUP-STOP lsn=' || lsn || ' walfile=' || pg_walfile_name(lsn) || ' label=' || ${b64('labelfile')} || ' map=' || ${b64("coalesce(spcmapfile, '')")} FROM pg_backup_stop(false);`;
  return { hold: holdSpec(holdSessionArgv({ start, check: alive, release }, psql), times) };
}
