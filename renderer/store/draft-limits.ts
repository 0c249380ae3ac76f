/**
 * The limits of the wizard's seconds fields, in the form's words, checked
 * when a step is left: each window and timeout against its real bound (the
 * plan format's, the helper's, the cap on a filesystem marked dangerous),
 * so nothing the review or main would refuse gets past the step it is on.
 */
import type { SnapshotMethod } from '../../app/backup';
import { DANGEROUS_MAX_TIMEOUT_MS as UNSAFE_MAX_MS, MAX_WINDOW_MS, MIN_WINDOW_MS } from '../../app/limits';
import { formatSpan } from '../format';

/** A mount as the wizard's checks need it. */
export interface DraftMount {
  path: string;
  fsType: string;
  /** Marked dangerous: the helper freezes it for at most UNSAFE_MAX_MS. */
  dangerous: boolean;
}

/** What a draft is checked against: the mount table and the helper's limit, as they are now. */
export interface DraftContext {
  mounts: readonly DraftMount[];
  /** The longest auto-thaw the helper allows (its own, once it runs; the app's default before). */
  maxFreezeMs: number;
}

/** The app's default for the helper's limit (as selectTimeoutLimits). */
export const NO_TABLE: DraftContext = { mounts: [], maxFreezeMs: 900_000 };

/** The shortest window or command timeout a plan may have (the schema's minimum). */
/** A hold hook's release timeout: from 0.1 s to 10 min (the schema's). */
export const RELEASE_RANGE = { minMs: 100, maxMs: 600_000 } as const;

/** "10 s", "900 s (15 min)": seconds, as the fields take them, with a span in words when long. */
export function secondsInWords(ms: number): string {
  const seconds = `${ms / 1000} s`;
  return ms < 120_000 ? seconds : `${seconds} (${formatSpan(ms)})`;
}

export interface Bound {
  minMs: number;
  maxMs: number;
  /** Why the maximum is what it is, when it is not the plan format's. */
  why?: string;
}

/**
 * Seconds as typed (whole or with up to 3 decimals) within the bound, or
 * the problem: `what` names the field ("the hold window").
 */
export function secondsWithin(text: string, what: string, bound: Bound): { ms: number; problem?: undefined } | { ms?: undefined; problem: string } {
  const t = text.trim();
  const range = `from ${secondsInWords(bound.minMs)} to ${secondsInWords(bound.maxMs)}`;
  if (!/^\d+(\.\d{1,3})?$/.test(t)) return { problem: `Enter ${what} in seconds, ${range}.` };
  const ms = Math.round(Number(t) * 1000);
  if (ms < bound.minMs) return { problem: `${capitalize(what)} must be at least ${secondsInWords(bound.minMs)}.` };
  if (ms > bound.maxMs) return { problem: `${capitalize(what)} can be at most ${secondsInWords(bound.maxMs)}${bound.why ? `: ${bound.why}` : ''}.` };
  return { ms };
}

/**
 * The hold window's bound: the helper's limit applies to what is frozen
 * (btrfs members of a btrfs plan are snapshotted, not frozen), and a
 * filesystem marked dangerous is frozen for at most UNSAFE_MAX_MS.
 */
export function holdBound(method: SnapshotMethod, members: readonly string[], context: DraftContext): Bound {
  const known = new Map(context.mounts.map((m) => [m.path, m]));
  const frozen = members.filter((path) => !(method === 'btrfs' && known.get(path)?.fsType === 'btrfs'));
  if (frozen.length === 0) return { minMs: MIN_WINDOW_MS, maxMs: MAX_WINDOW_MS };
  const dangerous = frozen.find((path) => known.get(path)?.dangerous);
  if (dangerous && UNSAFE_MAX_MS < context.maxFreezeMs) {
    return { minMs: MIN_WINDOW_MS, maxMs: UNSAFE_MAX_MS, why: `${dangerous} is marked dangerous, and the helper freezes such a filesystem for at most that long` };
  }
  if (context.maxFreezeMs < MAX_WINDOW_MS) return { minMs: MIN_WINDOW_MS, maxMs: context.maxFreezeMs, why: 'the helper’s limit for a freeze' };
  return { minMs: MIN_WINDOW_MS, maxMs: MAX_WINDOW_MS };
}

export const WINDOW_BOUND: Bound = { minMs: MIN_WINDOW_MS, maxMs: MAX_WINDOW_MS };

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
