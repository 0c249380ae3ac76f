/**
 * What a failed freeze or thaw leaves in the ledger, shared by the single
 * actions (freeze-service) and the consistency group (group-freeze): a
 * failure may have been overtaken by a helper event, so a row goes back
 * only from the in-between state the action put it in.
 */
import type { AppErrorShape } from '../../../app/errors';
import { toErrorShape } from '../core-error';
import type { Failure } from './user-messages';
import type { FreezeLedger } from './ledger';
import { isHeld, thawedPatch, type SuperblockState } from './superblock-state';
import type { HelperConnection } from './helper-supervisor';

export interface FreezeFailuresDeps {
  ledger: FreezeLedger;
  /** The helper if it is running (never starts one). */
  runningHelper(): HelperConnection | undefined;
  /** The helper said MOUNT_CHANGED: the table should look again. */
  onMountChanged?(): void;
  now(): number;
}

export class FreezeFailures {
  constructor(private readonly deps: FreezeFailuresDeps) {}

  /**
   * A thaw failed. The helper may have been overtaken by an event (its exit,
   * a deadline, the guardian) that already thawed the row: only a row still
   * "thawing" goes back to frozen.
   */
  afterThawError(key: string, held: boolean, code: string | undefined, lastError: AppErrorShape): void {
    const { ledger } = this.deps;
    const now = ledger.get(key);
    if (!now) return;
    if (code === 'NOT_FROZEN') return ledger.patch(key, { ...thawedPatch(), lastError });
    if (code === 'NOT_HELD' && held && isHeld(now)) {
      // The helper no longer holds it (its deadline or the guardian thawed it while we waited).
      ledger.thawed({ path: now.heldPath!, majorMinor: key }, 'request', null, true);
      return ledger.patch(key, { lastError });
    }
    if (now.state === 'thawing') return ledger.patch(key, { state: 'frozen', lastError });
    ledger.patch(key, { lastError });
  }

  afterFreezeError(key: string, before: SuperblockState, failure: Failure): void {
    const { ledger } = this.deps;
    const lastError = toErrorShape(failure).shape;
    switch (failure.code) {
      case 'FROZEN_ELSEWHERE':
        return ledger.patch(key, { state: 'frozen-elsewhere', elsewhereSince: before.elsewhereSince ?? this.deps.now(), lastError });
      case 'UNSUPPORTED_FS':
        return ledger.patch(key, { state: 'unsupported', lastError });
      case 'MOUNT_CHANGED':
        this.deps.onMountChanged?.();
        break;
      case 'ALREADY_FROZEN': {
        const helper = this.deps.runningHelper();
        if (helper) void ledger.reconcile(helper);
        break;
      }
    }
    const s = ledger.get(key);
    // Back to what it was (a failed freeze changed nothing), unless an event already moved it.
    if (s?.state === 'freezing') ledger.patch(key, { state: before.state, lastError });
    else ledger.patch(key, { lastError });
  }
}
