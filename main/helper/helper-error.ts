import type { AppErrorShape, ErrorCode } from '../../app/errors';

/** A typed failure from the helper or from talking to it. */
export class HelperError extends Error implements AppErrorShape {
  override readonly name = 'HelperError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: { errno?: number; path?: string; exitCode?: number | null; signal?: string | null } = {},
  ) {
    super(message);
  }

  toJSON(): AppErrorShape & { errno?: number; path?: string } {
    return { code: this.code, message: this.message, ...this.details };
  }
}
