/**
 * The renderer's last check of a plan before plans.save: the contract's own
 * schema, after the form's rules (main parses the plan again; this only
 * puts the schema's problems next to their fields before a round trip).
 * Its own module because it brings zod: the store loads it when the wizard
 * opens (StoreDeps.loadDraftCheck), so the mount table's first chunk never
 * carries the schema.
 */
import { backupPlanSchema } from '../../app/backup-schema';
import { draftToPlan, fieldOfPath, type DraftCheck, type DraftProblems } from './backup-draft';

export const checkDraft: DraftCheck = (draft, context) => {
  const result = draftToPlan(draft, context);
  if (!result.plan) return result;
  const parsed = backupPlanSchema.safeParse(result.plan);
  if (parsed.success) return result;
  const problems: DraftProblems = {};
  // The first problem of each field: the form shows one message per field.
  for (const issue of parsed.error.issues) problems[fieldOfPath(issue.path.join('.'))] ??= issue.message;
  return { plan: null, problems };
};
