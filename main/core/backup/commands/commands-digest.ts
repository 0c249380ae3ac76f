/**
 * The commands a plan runs, as the user confirms them, and the digests
 * approvals are kept by. An approval is of the plan as the user reviewed
 * it, whole (planDigest: what it freezes, for how long, where it writes,
 * and its commands), so a plan changed since, by hand or by another
 * program, is shown as changed and asked about again, naming what changed.
 */
import { createHash } from 'node:crypto';
import type { BackupPlan, Preflight } from '../../../../app/backup';

export type PlanCommand = Preflight['commands'][number];

export function commandsOf(plan: BackupPlan): PlanCommand[] {
  const commands: PlanCommand[] = [];
  const { preFreeze, hold, postThaw } = plan.hooks;
  if (preFreeze) commands.push({ role: 'pre-freeze', argv: preFreeze.argv, shell: preFreeze.shell === true });
  if (hold) commands.push({ role: 'hold', argv: hold.argv, shell: hold.shell === true });
  if (plan.method === 'command' && plan.command) commands.push({ role: 'command', argv: plan.command.argv, shell: plan.command.shell === true });
  if (postThaw) commands.push({ role: 'post-thaw', argv: postThaw.argv, shell: postThaw.shell === true });
  return commands;
}

/** sha256 of the canonical JSON (fixed key order) of the commands. */
export function commandsDigest(commands: readonly PlanCommand[]): string {
  const canonical = JSON.stringify(commands.map((c) => ({ role: c.role, argv: c.argv, shell: c.shell })));
  return createHash('sha256').update(canonical).digest('hex');
}

/** JSON with object keys sorted at every level: the same plan always gives the same text. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** sha256 of the whole plan's canonical JSON: what an approval is of. */
export function planDigest(plan: BackupPlan): string {
  return createHash('sha256').update(canonical(plan)).digest('hex');
}

/** The fields of `now` that differ from `approved` (hooks by hook), for "changed since you approved it". */
export function changedFields(approved: unknown, now: BackupPlan): string[] {
  const before = (approved ?? {}) as Record<string, unknown>;
  const after = now as unknown as Record<string, unknown>;
  const changed: string[] = [];
  for (const key of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    if (canonical(before[key]) === canonical(after[key])) continue;
    if (key === 'hooks') {
      const a = (before.hooks ?? {}) as Record<string, unknown>;
      const b = (after.hooks ?? {}) as Record<string, unknown>;
      for (const hook of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) if (canonical(a[hook]) !== canonical(b[hook])) changed.push(`hooks.${hook}`);
    } else changed.push(key);
  }
  return changed;
}
