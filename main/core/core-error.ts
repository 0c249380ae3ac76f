/**
 * Failures main/core raises itself (UNKNOWN_MOUNT, BUSY, ...), and the one
 * place any thrown thing becomes the `{code, message}` the renderer sees.
 */
import type { AppErrorShape, ErrorCode } from '../../app/errors';
import { isErrorCode } from '../../app/errors';

export class CoreError extends Error implements AppErrorShape {
  override readonly name = 'CoreError';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** A known error keeps its code and message; anything else is INTERNAL, without a stack. */
export function toErrorShape(error: unknown): { shape: AppErrorShape; expected: boolean } {
  if (error instanceof Error && 'code' in error && isErrorCode(error.code)) {
    return { shape: { code: error.code, message: error.message }, expected: true };
  }
  return { shape: { code: 'INTERNAL', message: 'Something went wrong inside the app; the log has the details.' }, expected: false };
}
