/**
 * How freeze-service turns the helper's refusals into messages a user can
 * act on, and what each kind of thaw tells the user.
 */
import type { Notice, FreezeState } from '../../../app/domain';
import { assertNever, type ErrorCode } from '../../../app/errors';
import { DANGEROUS_MAX_TIMEOUT_MS } from '../../../app/limits';
import { HelperError } from '../../helper/helper-error';
import type * as p from '../../helper/protocol';

/** Anything an action can throw; `code` when it is one of ours. */
export type Failure = Error & { code?: ErrorCode };

/** A freeze or extend failed: the same error, with a clearer message where the helper's is terse. */
export function freezeFailed(error: unknown, ctx: { dangerous: boolean; timeoutMs: number; maxTimeoutMs: number }): Failure {
  if (!(error instanceof Error)) return new Error(String(error));
  const failure = error as Failure;
  switch (failure.code) {
    case 'TIMEOUT_OUT_OF_RANGE':
      return new HelperError(
        'TIMEOUT_OUT_OF_RANGE',
        ctx.dangerous && ctx.timeoutMs > DANGEROUS_MAX_TIMEOUT_MS
          ? `A filesystem marked dangerous may be frozen for at most ${DANGEROUS_MAX_TIMEOUT_MS / 1000} seconds at a time: choose a shorter auto-thaw.`
          : `The auto-thaw must be between 1 and ${Math.floor(ctx.maxTimeoutMs / 1000)} seconds (the helper's limit).`,
      );
    default:
      return failure;
  }
}

/** An Extend of a filesystem this app does not hold (any more): what is true of it now. */
export function nothingToExtend(path: string, now: { state: FreezeState }): HelperError {
  if (now.state === 'frozen-elsewhere') return new HelperError('NOT_HELD', `${path} is frozen by another program, not by Freezeframe: there is no deadline of ours to move.`);
  return new HelperError('NOT_FROZEN', `${path} is not frozen any more (its deadline or a thaw came first): there is nothing to extend. Freeze it again if you still need it.`);
}

export function thawFailed(error: unknown): Failure {
  return error instanceof Error ? (error as Failure) : new Error(String(error));
}

export function thawNotice(path: string, reason: p.ThawReason, heldMs: number | null, alreadyThawed: boolean): Omit<Notice, 'at' | 'code'> | undefined {
  const held = heldMs !== null && heldMs >= 0 ? ` after ${(heldMs / 1000).toFixed(1)} s` : '';
  const already = alreadyThawed ? ' (something else had already thawed it)' : '';
  switch (reason) {
    case 'request':
      return alreadyThawed ? { level: 'info', message: `${path} was already thawed by something else.` } : undefined;
    case 'deadline':
      return { level: 'info', message: `${path} thawed by itself at its deadline${held}${already}.` };
    case 'lease-expired':
      return { level: 'warning', message: `${path} was thawed${held} because this app stopped answering the helper (its lease expired)${already}.` };
    case 'client-gone':
      return { level: 'warning', message: `${path} was thawed${held} because the app's connection to the helper closed${already}.` };
    case 'signal':
      return { level: 'warning', message: `${path} was thawed${held} because the helper was told to stop${already}.` };
    case 'group-rollback':
      return { level: 'info', message: `${path} was thawed again because another filesystem of the group could not be frozen${already}.` };
    case 'shutdown':
      return { level: 'info', message: `${path} was thawed as the helper shut down${already}.` };
    case 'protocol-abuse':
      return { level: 'error', message: `${path} was thawed because the helper received garbage and stopped${already}.` };
    default:
      return assertNever(reason, 'thaw reason');
  }
}
