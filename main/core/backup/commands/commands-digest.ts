/**
 * The commands a plan runs, as the user confirms them, and their digest.
 * The digest covers exactly what is shown (role, argv, shell) in a
 * canonical JSON, so any change to a command (or a new one) needs a new
 * confirmation, and a change elsewhere in the plan (a window) does not.
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
