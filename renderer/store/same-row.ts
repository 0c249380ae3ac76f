/**
 * Whether an incoming row may keep the identity of the row already in the
 * store. Keeping identity is what lets a 5,000-row snapshot re-render only
 * the rows that really changed.
 */
import type { MountRow } from '../../app/domain';
import { deadlineFrom } from '../format';

/**
 * remainingMs is stamped by main at send time, so a re-sent frozen row always
 * differs by a few milliseconds; what matters is whether the deadline moved.
 */
const DEADLINE_TOLERANCE_MS = 250;

export function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keysA = Object.keys(ra).filter((k) => ra[k] !== undefined);
  const keysB = Object.keys(rb).filter((k) => rb[k] !== undefined);
  return keysA.length === keysB.length && keysA.every((k) => deepEqual(ra[k], rb[k]));
}

export function sameRow(old: MountRow, oldReceivedAt: number, next: MountRow, nextReceivedAt: number): boolean {
  if (old === next) return true;
  const { remainingMs: oldRemaining, ...oldFreeze } = old.freeze;
  const { remainingMs: nextRemaining, ...nextFreeze } = next.freeze;
  if (oldRemaining === undefined || nextRemaining === undefined) {
    if (oldRemaining !== nextRemaining) return false;
  } else {
    const drift = deadlineFrom(nextReceivedAt, nextRemaining) - deadlineFrom(oldReceivedAt, oldRemaining);
    if (Math.abs(drift) > DEADLINE_TOLERANCE_MS) return false;
  }
  const { freeze: _o, ...oldRest } = old;
  const { freeze: _n, ...nextRest } = next;
  return deepEqual(oldFreeze, nextFreeze) && deepEqual(oldRest, nextRest);
}
