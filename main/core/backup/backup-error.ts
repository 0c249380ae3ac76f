/**
 * Failures of the backup engine and its data movers. They carry an app error
 * code (app/errors.ts) so they reach the renderer, the CLI and the report as
 * `{code, message}` through the core's one conversion (core-error.ts).
 */
import type { ErrorCode } from '../../../app/errors';
import { CoreError } from '../core-error';

export class BackupError extends CoreError {
  constructor(
    code: ErrorCode,
    message: string,
    /** Extra detail for the report (a command's stderr tail, the errno). */
    readonly detail?: string,
  ) {
    super(code, message);
  }
}

/** Map a Node filesystem errno to the code a user can act on. */
export function fsErrorCode(error: unknown, fallback: ErrorCode): ErrorCode {
  const errno = (error as NodeJS.ErrnoException | undefined)?.code;
  if (errno === 'ENOSPC' || errno === 'EDQUOT') return 'DESTINATION_FULL';
  if (errno === 'EACCES' || errno === 'EPERM' || errno === 'EROFS') return 'ACCESS_DENIED';
  if (errno === 'ABORT_ERR') return 'CANCELLED';
  return fallback;
}
