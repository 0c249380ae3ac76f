/**
 * Which changes deserve a desktop notification: a filesystem that thawed
 * without the user asking (its deadline, the liveness lease, the helper
 * going away), and the helper itself stopping. Pure: fed the contract's
 * history and helper events, it answers with what to show.
 */
import { assertNever } from '../../app/errors';
import type { FreezeWindow, HelperStateName, HelperStatus, ThawCause } from '../../app/domain';

export interface DesktopNotice {
  title: string;
  body: string;
}

/** Why a filesystem thawed, when nobody here asked for it; undefined when someone did. */
export function selfThawReason(cause: ThawCause): string | undefined {
  switch (cause) {
    case 'deadline':
      return 'its auto-thaw deadline was reached';
    case 'lease-expired':
      return 'the app stopped answering the helper, so the safety lease ran out';
    case 'client-gone':
      return 'the helper lost its connection to the app';
    case 'helper-exited':
      return 'the freeze helper stopped';
    case 'signal':
      return 'the freeze helper was stopped by a signal';
    case 'protocol-abuse':
      return 'the helper received a malformed request and thawed everything';
    case 'external':
      return 'something outside Freezeframe thawed it';
    case 'request':
    case 'backup-window': // the backup run reports it
    case 'shutdown':
    case 'group-rollback':
      return undefined;
    default:
      return assertNever(cause, 'thaw cause');
  }
}

export class AutoThawWatcher {
  /** endedBy of every window seen so far (null: still frozen). */
  private readonly known = new Map<string, ThawCause | null>();
  private baseline = true;
  private helperState: HelperStateName | undefined;

  onHistory(windows: readonly FreezeWindow[]): DesktopNotice[] {
    const lines: string[] = [];
    for (const window of windows) {
      const before = this.known.get(window.id);
      this.known.set(window.id, window.endedBy);
      // Ended now: it was frozen last time, or it is new since the first snapshot.
      const justEnded = window.endedBy !== null && (before === null || (before === undefined && !this.baseline));
      const reason = justEnded && window.endedBy !== null ? selfThawReason(window.endedBy) : undefined;
      if (reason) lines.push(`${window.path} thawed: ${reason}.`);
    }
    this.baseline = false;
    if (lines.length === 0) return [];
    if (lines.length === 1) return [{ title: 'A filesystem thawed by itself', body: lines[0]! }];
    return [{ title: `${lines.length} filesystems thawed by themselves`, body: lines.join('\n') }];
  }

  onHelper(status: HelperStatus): DesktopNotice[] {
    const before = this.helperState;
    this.helperState = status.state;
    if (before !== 'running' || status.state !== 'exited') return [];
    return [{ title: 'The freeze helper stopped', body: status.message ?? 'Everything it held frozen was thawed.' }];
  }
}
