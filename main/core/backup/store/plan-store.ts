/**
 * Saved plans (`<configDir>/plans/<name>.json`), the one store of the
 * plans the app's windows edit (the command line runs the file it is given
 * and writes nothing here), and the approvals of their commands
 * (`<configDir>/approved-plans.json`): per front door (an approval in the
 * web mode is not one in the desktop app) and per plan content (the plan
 * as approved is kept with its digest, so a plan changed since is shown as
 * changed, naming what changed). Plans are re-validated on every read: a
 * file edited by hand that no longer validates is PLAN_INVALID with the
 * fields named, never half-run.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { PLAN_NAME_PATTERN, type BackupPlan, type BackupPlanInput } from '../../../../app/backup';
import { backupPlanSchema } from '../../../../app/backup-schema';
import { BackupError } from '../backup-error';
import { planDigest } from '../commands/commands-digest';
import { jsonFileStems, readIfExists, writeFileAtomic } from './config-files';

export type FrontDoor = 'electron' | 'web' | 'cli';

export interface Approval {
  digest: string;
  /** The plan as it was when approved. */
  plan: unknown;
}

const approvalsSchema = z.object({
  version: z.literal(2),
  approvals: z.partialRecord(z.enum(['electron', 'web', 'cli']), z.record(z.string(), z.object({ digest: z.string().regex(/^[a-f0-9]{64}$/), plan: z.unknown() }))),
});
type Approvals = z.output<typeof approvalsSchema>['approvals'];

export class PlanStore {
  /** Where the plans are saved: shown in the Backups view. */
  readonly plansDir: string;
  private readonly approvalsFile: string;

  constructor(configDir: string) {
    this.plansDir = join(configDir, 'plans');
    // approved-commands.json (one digest per name, whatever the front door) is no longer read: asked again.
    this.approvalsFile = join(configDir, 'approved-plans.json');
  }

  async list(): Promise<BackupPlan[]> {
    const plans: BackupPlan[] = [];
    for (const name of await jsonFileStems(this.plansDir)) {
      if (!PLAN_NAME_PATTERN.test(name)) continue;
      try {
        plans.push(await this.get(name));
      } catch {
        // An invalid file is reported when that plan is opened, not by hiding the others.
      }
    }
    return plans;
  }

  async get(name: string): Promise<BackupPlan> {
    const text = await readIfExists(this.pathOf(name));
    if (text === undefined) throw new BackupError('PLAN_NOT_FOUND', `There is no saved plan named "${name}".`);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new BackupError('PLAN_INVALID', `The plan file ${this.pathOf(name)} is not JSON: ${(error as Error).message}`);
    }
    return parsePlan(json, this.pathOf(name));
  }

  async save(input: BackupPlanInput): Promise<BackupPlan> {
    const plan = parsePlan(input, 'the plan');
    await writeFileAtomic(this.pathOf(plan.name), `${JSON.stringify(plan, null, 2)}\n`);
    return plan;
  }

  async delete(name: string): Promise<boolean> {
    const exists = (await readIfExists(this.pathOf(name))) !== undefined;
    await rm(this.pathOf(name), { force: true });
    return exists;
  }

  /** What this front door approved of the plan of this name, if anything. */
  async approval(frontDoor: FrontDoor, name: string): Promise<Approval | undefined> {
    return (await this.approvals())[frontDoor]?.[name];
  }

  async approve(frontDoor: FrontDoor, plan: BackupPlan): Promise<void> {
    const approvals = await this.approvals();
    approvals[frontDoor] = { ...approvals[frontDoor], [plan.name]: { digest: planDigest(plan), plan } };
    await writeFileAtomic(this.approvalsFile, `${JSON.stringify({ version: 2, approvals }, null, 2)}\n`);
  }

  private async approvals(): Promise<Approvals> {
    const text = await readIfExists(this.approvalsFile);
    if (text === undefined) return {};
    try {
      const parsed = approvalsSchema.safeParse(JSON.parse(text));
      // A damaged file approves nothing: the user is asked again, which is safe.
      return parsed.success ? parsed.data.approvals : {};
    } catch {
      return {};
    }
  }

  private pathOf(name: string): string {
    if (!PLAN_NAME_PATTERN.test(name)) throw new BackupError('PLAN_INVALID', `"${name}" is not a plan name.`);
    return join(this.plansDir, `${name}.json`);
  }
}

/** Validate a plan (defaults filled in), or PLAN_INVALID naming each bad field. */
export function parsePlan(input: unknown, where: string): BackupPlan {
  const parsed = backupPlanSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'plan'}: ${i.message}`).join('; ');
  throw new BackupError('PLAN_INVALID', `${where} is not a valid plan: ${issues}`);
}
