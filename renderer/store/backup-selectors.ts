/**
 * Pure selectors of the backup slice. The clocks are deadlines on this
 * renderer's monotonic clock: when the last progress arrived plus what was
 * left then (the browser may be on another machine, with another time).
 */
import { BACKUP_PHASES, type BackupPhase, type BackupPlan } from '../../app/backup';
import type { MountRow } from '../../app/domain';
import { deadlineFrom } from '../format';
import { isActive } from './backup-run-slice';
import type { AppState } from './types';

function deadline(s: AppState, remainingMs: number | null | undefined): number | undefined {
  if (!s.run || !isActive(s.run.status) || remainingMs === null || remainingMs === undefined) return undefined;
  return deadlineFrom(s.runReceivedAt, remainingMs);
}

export const selectQuiesceDeadline = (s: AppState): number | undefined => deadline(s, s.run?.quiesceRemainingMs);
export const selectHoldDeadline = (s: AppState): number | undefined => deadline(s, s.run?.holdRemainingMs);

export const selectRunActive = (s: AppState): boolean => s.run !== null && isActive(s.run.status);

/** The saved plan a run belongs to (to know which phases it has). */
export const selectRunPlan = (s: AppState): BackupPlan | undefined =>
  s.run ? (s.reviewPlan?.name === s.run.planName ? s.reviewPlan : s.plans.find((p) => p.name === s.run!.planName)) : undefined;

/**
 * Filesystems a plan may pick: freezable, not pseudo, plus any the draft
 * already names (so an old plan's member shows, even if it cannot be picked now).
 * A new array each call: use with useShallow.
 */
export function memberCandidates(s: AppState): MountRow[] {
  const chosen = new Set(s.draft.mounts);
  const rows: MountRow[] = [];
  for (const id of s.mountOrder) {
    const row = s.mountsById[id];
    if (row && ((row.freezable && !row.pseudo) || chosen.has(row.path))) rows.push(row);
  }
  return rows.sort((a, b) => a.path.localeCompare(b.path));
}

/** The phases a plan goes through, in order (hooks it has not, no verify or export when off). */
export function phasesOf(plan: BackupPlan | undefined): BackupPhase[] {
  if (!plan) return [...BACKUP_PHASES];
  const skip = new Set<BackupPhase>();
  if (!plan.hooks.preFreeze) skip.add('pre-freeze-hook');
  if (!plan.hooks.hold) {
    skip.add('hold-hook');
    skip.add('release-hold');
  }
  if (!plan.hooks.postThaw) skip.add('post-thaw-hook');
  if (!plan.preSync) skip.add('sync');
  if (!plan.backup.verify || plan.method === 'manual') skip.add('verify');
  if (!plan.backup.destination || plan.method === 'manual') skip.add('export');
  if (!plan.retention) skip.add('retention');
  return BACKUP_PHASES.filter((p) => !skip.has(p));
}
