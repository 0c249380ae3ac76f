/**
 * Every error that crosses a boundary is `{code, message}` from this closed
 * set. Helper codes come from the helper protocol (docs/helper-protocol.md);
 * client codes describe the helper process itself (launch, authentication,
 * exit). The renderer maps each code to a human message.
 */

export const HELPER_ERROR_CODES = [
  'BAD_REQUEST',
  'UNKNOWN_OP',
  'NOT_FOUND',
  'NOT_A_MOUNTPOINT',
  'MOUNT_CHANGED',
  'HOLD_LIMIT',
  'UNSUPPORTED_FS',
  'ALREADY_FROZEN',
  'FROZEN_ELSEWHERE',
  'NOT_FROZEN',
  'NOT_HELD',
  'REFUSED_UNSAFE',
  'TIMEOUT_OUT_OF_RANGE',
  'PERMISSION_DENIED',
  'IO_ERROR',
] as const;

export const CLIENT_ERROR_CODES = [
  /** The helper binary is not where the app looked for it. */
  'HELPER_MISSING',
  /** pkexec is not installed (no polkit). */
  'PKEXEC_MISSING',
  /** pkexec exit 126: the user dismissed the authentication dialog. */
  'AUTH_DISMISSED',
  /** pkexec exit 127: polkit said no (or the helper path is not the policy's). */
  'NOT_AUTHORIZED',
  /** The helper could not be started at all (spawn failed). */
  'HELPER_SPAWN_FAILED',
  /** The helper greeted with a protocol version this client does not speak. */
  'PROTOCOL_MISMATCH',
  /** The helper wrote something that is not protocol v1. */
  'PROTOCOL_ERROR',
  /** The helper exited (or was killed) while a call was pending. */
  'HELPER_EXITED',
  /** No helper is running and the call needs one. */
  'HELPER_NOT_RUNNING',
  /** The helper did not answer in time. */
  'CALL_TIMEOUT',
] as const;

/** Failures of the app itself, between the renderer and main. */
export const APP_ERROR_CODES = [
  /** The renderer sent parameters that do not match the contract. */
  'INVALID_ARGUMENT',
  /** The mount id is not (or no longer) in main's mount table. */
  'UNKNOWN_MOUNT',
  /** A dangerous target was not confirmed by typing its mountpoint. */
  'DANGER_NOT_CONFIRMED',
  /** Another action on that filesystem is still running. */
  'BUSY',
  /** Refused by the web mode's token, Host or Origin checks. */
  'UNAUTHORIZED',
  /** The browser lost its connection to the web mode's server (reconnecting). */
  'DISCONNECTED',
  /** A bug: main failed in a way it did not expect. */
  'INTERNAL',
  // The backup wizard.
  /** The plan does not validate, or names no current mountpoint. */
  'PLAN_INVALID',
  'PLAN_NOT_FOUND',
  /** The plan's commands changed (or were never shown): confirm them first. */
  'COMMANDS_NOT_CONFIRMED',
  /** A backup is already running; one at a time. */
  'BACKUP_RUNNING',
  'RUN_NOT_FOUND',
  /** A hook exited non-zero, timed out, or (hold hook) never said it was ready. */
  'HOOK_FAILED',
  /** The snapshot command or method failed. */
  'SNAPSHOT_FAILED',
  /** The hold or quiesce window ran out before the snapshot was done. */
  'WINDOW_EXCEEDED',
  /** The user may not read a backing file or snapshot a subvolume. */
  'ACCESS_DENIED',
  /** The snapshot method cannot capture this filesystem (not loop-backed, not btrfs). */
  'METHOD_UNSUPPORTED',
  'VERIFY_FAILED',
  /** The export destination ran out of space. */
  'DESTINATION_FULL',
  'EXPORT_FAILED',
  /** The run was cancelled by the user. */
  'CANCELLED',
  /** An unattended plan run as root must be owned by root and writable by no one else. */
  'PLAN_UNSAFE',
  /** Main died during the run (kill -9, power loss): found from its marker at the next start. */
  'RUN_INTERRUPTED',
  /** A manual-method plan run where nobody can confirm the snapshot (the command line without a terminal). */
  'OPERATOR_REQUIRED',
  /** A folder the run writes to or removes from can be changed by another user (owner, group or world write). */
  'FOLDER_UNSAFE',
] as const;

export type HelperErrorCode = (typeof HELPER_ERROR_CODES)[number];
export type ClientErrorCode = (typeof CLIENT_ERROR_CODES)[number];
export type AppErrorCode = (typeof APP_ERROR_CODES)[number];
export type ErrorCode = HelperErrorCode | ClientErrorCode | AppErrorCode;

export interface AppErrorShape {
  code: ErrorCode;
  message: string;
}

const helperCodes: ReadonlySet<string> = new Set(HELPER_ERROR_CODES);
const otherCodes: ReadonlySet<string> = new Set([...CLIENT_ERROR_CODES, ...APP_ERROR_CODES]);

export function isHelperErrorCode(value: unknown): value is HelperErrorCode {
  return typeof value === 'string' && helperCodes.has(value);
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (helperCodes.has(value) || otherCodes.has(value));
}

/** For the `default:` of a switch over a closed set. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}
