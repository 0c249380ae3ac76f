/**
 * The freeze state of one filesystem (one superblock, keyed by major:minor)
 * and the FreezeInfo every row of it shows. Kept apart from the service so
 * the transitions read as data, and so a FreezeInfo object is replaced only
 * when something in it changed.
 */
import type { AppErrorShape } from '../../../app/errors';
import type { BlockedWriter, FreezeInfo, FreezeState } from '../../../app/domain';

export interface SuperblockState {
  state: FreezeState;
  fsType: string;
  /** Set while this app holds it (frozen, thawing): the mount the helper froze. */
  heldPath?: string;
  heldMountId?: number;
  frozenAt?: number;
  /** performance.now() at which the helper will thaw it. */
  deadlineMono?: number;
  timeoutMs?: number;
  elsewhereSince?: number;
  writers: BlockedWriter[];
  lastError?: AppErrorShape;
  /** An action on this filesystem is in flight. */
  busy: boolean;
  info: FreezeInfo;
}

const NO_WRITERS: BlockedWriter[] = Object.freeze([]) as unknown as BlockedWriter[];

export const THAWED_INFO: FreezeInfo = Object.freeze({ state: 'thawed', writers: NO_WRITERS });
export const UNSUPPORTED_INFO: FreezeInfo = Object.freeze({ state: 'unsupported', writers: NO_WRITERS });

export function initialState(fsType: string, freezable: boolean): SuperblockState {
  const info = freezable ? THAWED_INFO : UNSUPPORTED_INFO;
  return { state: info.state, fsType, writers: NO_WRITERS, busy: false, info };
}

/** Is it held by this app (counts for the tray, the quit prompt, writer polling)? */
export function isHeld(s: SuperblockState): boolean {
  return (s.state === 'frozen' || s.state === 'thawing') && s.heldPath !== undefined;
}

/** What a thaw leaves: thawed, nothing held, nothing blocked. */
export function thawedPatch(): Partial<SuperblockState> {
  return {
    state: 'thawed',
    heldPath: undefined,
    heldMountId: undefined,
    frozenAt: undefined,
    deadlineMono: undefined,
    timeoutMs: undefined,
    elsewhereSince: undefined,
    writers: NO_WRITERS,
  };
}

export function remainingAt(s: SuperblockState, monoNow: number): number | undefined {
  return s.deadlineMono === undefined ? undefined : Math.max(0, Math.round(s.deadlineMono - monoNow));
}

/** The FreezeInfo for a state, remainingMs as of monoNow. */
export function buildInfo(s: SuperblockState, monoNow: number): FreezeInfo {
  const info: FreezeInfo = { state: s.state, writers: s.writers };
  const held = s.state === 'frozen' || s.state === 'thawing';
  if (held && s.frozenAt !== undefined) info.frozenAt = s.frozenAt;
  if (held) {
    const remaining = remainingAt(s, monoNow);
    if (remaining !== undefined) info.remainingMs = remaining;
    if (s.timeoutMs !== undefined) info.timeoutMs = s.timeoutMs;
  }
  if (s.state === 'frozen-elsewhere' && s.elsewhereSince !== undefined) info.elsewhereSince = s.elsewhereSince;
  if (s.lastError) info.lastError = s.lastError;
  return info;
}

export function sameWriters(a: readonly BlockedWriter[], b: readonly BlockedWriter[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((w, i) => {
    const o = b[i]!;
    return w.pid === o.pid && w.tid === o.tid && w.comm === o.comm && w.syscall === o.syscall && w.path === o.path;
  });
}
