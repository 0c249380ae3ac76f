/**
 * Failures of the database presets: finding a server's layout, its hooks,
 * and the restore check. Each carries the app's error code (so it crosses
 * the contract as `{code, message}` like any CoreError) and a finer
 * `reason` from a closed set, for the report and the tests.
 */
import type { ErrorCode } from '../../../../app/errors';
import { CoreError } from '../../core-error';

export const PRESET_REASONS = [
  /** No server answers on the socket (not running, wrong path). */
  'DB_UNREACHABLE',
  /** The server refused the invoking user (peer auth, option file, role missing). */
  'DB_AUTH_FAILED',
  /** Connected, but the user lacks a privilege the preset needs (superuser, RELOAD, pg_checkpoint). */
  'DB_PRIVILEGE',
  /** Older than the preset supports (PostgreSQL 15, MariaDB 10.6). */
  'DB_VERSION_UNSUPPORTED',
  /** A query failed or answered something the preset cannot read. */
  'DB_QUERY_FAILED',
  /** A directory of the server cannot be looked at by this user (mode 0700, another owner). */
  'LAYOUT_UNREADABLE',
  /** The clone could not be attached or mounted at the scratch location. */
  'RESTORE_ATTACH_FAILED',
  /** The clone points outside itself (a symlink, an .isl file, a binlog index) in a way that cannot be repointed. */
  'RESTORE_UNSAFE',
  /** The throwaway server exited before it answered (recovery failed). */
  'RESTORE_START_FAILED',
  /** It did not answer within the restore check's deadline. */
  'RESTORE_TIMEOUT',
  /** It answered, but the database's own checks found damage. */
  'RESTORE_CHECK_FAILED',
  /** The scratch mount or loop device could not be removed. */
  'RESTORE_CLEANUP_FAILED',
] as const;
export type PresetReason = (typeof PRESET_REASONS)[number];

/** The app code each reason crosses the contract with (app/errors.ts has no database codes yet). */
const APP_CODE: Readonly<Record<PresetReason, ErrorCode>> = {
  DB_UNREACHABLE: 'PLAN_INVALID',
  DB_AUTH_FAILED: 'PLAN_INVALID',
  DB_PRIVILEGE: 'PLAN_INVALID',
  DB_VERSION_UNSUPPORTED: 'PLAN_INVALID',
  DB_QUERY_FAILED: 'PLAN_INVALID',
  LAYOUT_UNREADABLE: 'ACCESS_DENIED',
  RESTORE_ATTACH_FAILED: 'VERIFY_FAILED',
  RESTORE_UNSAFE: 'VERIFY_FAILED',
  RESTORE_START_FAILED: 'VERIFY_FAILED',
  RESTORE_TIMEOUT: 'VERIFY_FAILED',
  RESTORE_CHECK_FAILED: 'VERIFY_FAILED',
  RESTORE_CLEANUP_FAILED: 'VERIFY_FAILED',
};

export class PresetError extends CoreError {
  constructor(
    readonly reason: PresetReason,
    message: string,
    /** For the report: a client's stderr tail, a server log tail. */
    readonly detail?: string,
  ) {
    super(APP_CODE[reason], message);
  }
}

/** `{reason, message, detail?}` for a report, whatever was thrown. */
export function presetFailure(error: unknown, fallback: PresetReason): { reason: PresetReason; message: string; detail?: string } {
  if (error instanceof PresetError) return { reason: error.reason, message: error.message, ...(error.detail !== undefined && { detail: error.detail }) };
  return { reason: fallback, message: (error as Error)?.message ?? String(error) };
}
