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
