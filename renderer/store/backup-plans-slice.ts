/**
 * Saved plans and the wizard's draft: stepping through the form (each step
 * checked before the next), then plans.save and backup.preflight for the
 * review. Main validates the plan again; its problems land on the fields.
 *
 * The check of a draft includes the contract's schema, which comes with zod
 * in its own chunk (deps.loadDraftCheck): opening the wizard starts loading
 * it, so by the first Next it is there, and moving forward awaits it.
 */
import type { BackupPlan } from '../../app/backup';
import { draftFromPlan, draftToPlan, emptyDraft, problemsFromServer, STEP_OF_FIELD, WIZARD_STEPS, withMethod, type DraftField, type DraftProblems, type DraftResult, type WizardStep } from './backup-draft';
import type { DraftContext } from './draft-limits';
import { selectTimeoutLimits } from './selectors';
import { settle } from './settle';
import type { BackupPlansSlice } from './backup-types';
import type { AppState, SliceCreator } from './types';

/** The mount table and the helper's limit, as the wizard's checks need them now. */
function draftContext(s: AppState): DraftContext {
  const mounts = s.mountOrder.flatMap((id) => {
    const row = s.mountsById[id];
    return row ? [{ path: row.path, fsType: row.fsType, dangerous: row.danger.length > 0 }] : [];
  });
  return { mounts, maxFreezeMs: selectTimeoutLimits(s).maxMs };
}

/** The first step (of `steps`) with a problem. */
function firstStepWithProblem(problems: DraftProblems, steps: readonly WizardStep[]): WizardStep | undefined {
  return steps.find((step) => Object.keys(problems).some((field) => STEP_OF_FIELD[field as DraftField] === step));
}

function withPlan(plans: readonly BackupPlan[], plan: BackupPlan): BackupPlan[] {
  const rest = plans.filter((p) => p.name !== plan.name);
  return [...rest, plan].sort((a, b) => a.name.localeCompare(b.name));
}

export const createBackupPlansSlice: SliceCreator<BackupPlansSlice> = (set, get, deps) => {
  /** Counts goToStep calls: a move still waiting for the check is dropped once a newer one starts. */
  let moves = 0;

  /** The form's rules, then the schema; without the schema (its chunk failed to load) no plan leaves. */
  async function checkDraft(): Promise<DraftResult> {
    const loaded = await deps.loadDraftCheck().then(
      (check) => ({ check, error: null }),
      (error: unknown) => ({ check: null, error }),
    );
    const s = get();
    const context = draftContext(s);
    if (loaded.check) return loaded.check(s.draft, context);
    const reason = loaded.error instanceof Error ? loaded.error.message : String(loaded.error);
    const { problems } = draftToPlan(s.draft, context);
    return { plan: null, problems: { ...problems, general: `The plan could not be checked (${reason}). Reload the window, then try again.` } };
  }

  const openWizard = (draft: BackupPlansSlice['draft'], step: WizardStep) => {
    set({ view: 'backups', backupScreen: 'wizard', draft, wizardStep: step, draftProblems: {}, reviewError: null, reviewPlan: null, preflight: null, runError: null });
    // Start loading the schema now; a failure is reported by the check that needs it.
    deps.loadDraftCheck().catch(() => undefined);
  };

  return {
    view: 'filesystems',
    backupScreen: 'home',
    plans: [],
    listError: null,
    wizardStep: 'choose',
    draft: emptyDraft(),
    draftProblems: {},
    reviewError: null,
    reviewPlan: null,
    preflight: null,
    reviewPending: false,

    setView(view) {
      set({ view });
    },

    showHome() {
      set({ backupScreen: 'home' });
    },

    showRun() {
      set({ view: 'backups', backupScreen: 'run' });
    },

    async loadPlans() {
      const result = await settle(() => deps.api['plans.list']({}));
      if (result.ok) set({ plans: [...result.value].sort((a, b) => a.name.localeCompare(b.name)) });
      else set({ listError: result.error });
    },

    newPlan() {
      openWizard(emptyDraft(), 'choose');
    },

    editPlan(name, step = 'choose') {
      const plan = get().plans.find((p) => p.name === name);
      if (!plan) {
        set({ listError: { code: 'PLAN_NOT_FOUND', message: `No plan named ${name}.` } });
        return;
      }
      openWizard(draftFromPlan(plan), step);
      if (step === 'review') void get().saveAndPreflight();
    },

    reviewPlanAgain(plan) {
      openWizard(draftFromPlan(plan), 'review');
      void get().saveAndPreflight();
    },

    async deletePlan(name) {
      const result = await settle(() => deps.api['plans.delete']({ name }));
      if (!result.ok) {
        set({ listError: result.error });
        return false;
      }
      set((s) => ({ plans: s.plans.filter((p) => p.name !== name), listError: null }));
      return true;
    },

    updateDraft(patch) {
      set((s) => {
        const draft = patch.method !== undefined ? withMethod(s.draft, patch.method) : s.draft;
        const next = { ...draft, ...patch, holdS: patch.holdS ?? draft.holdS };
        // A field the user changed loses its old problem; the rest stay until checked again.
        const problems = { ...s.draftProblems };
        for (const key of Object.keys(patch)) for (const field of fieldsOfDraftKey(key)) delete problems[field];
        return { draft: next, draftProblems: problems };
      });
    },

    async goToStep(step) {
      const move = ++moves;
      const from = WIZARD_STEPS.indexOf(get().wizardStep);
      const to = WIZARD_STEPS.indexOf(step);
      if (to > from) {
        const { problems } = await checkDraft();
        // A newer move, or the user left the wizard, while the check loaded: this one is void.
        if (move !== moves || get().backupScreen !== 'wizard') return false;
        const stuck = firstStepWithProblem(problems, WIZARD_STEPS.slice(0, to));
        if (stuck) {
          set({ draftProblems: problems, wizardStep: stuck });
          return false;
        }
      }
      // Forward, the steps passed are clean now; back, the problems stay on their fields.
      set(to > from ? { wizardStep: step, draftProblems: {} } : { wizardStep: step });
      if (step === 'review') void get().saveAndPreflight();
      return true;
    },

    async saveAndPreflight() {
      const { plan, problems } = await checkDraft();
      if (!plan) {
        set({ draftProblems: problems, wizardStep: firstStepWithProblem(problems, WIZARD_STEPS) ?? 'review' });
        return false;
      }
      set({ reviewPending: true, reviewError: null, runError: null });
      const saved = await settle(() => deps.api['plans.save']({ plan }));
      if (!saved.ok) {
        const invalid = saved.error.code === 'PLAN_INVALID' || saved.error.code === 'INVALID_ARGUMENT';
        set({ reviewPending: false, reviewError: saved.error, reviewPlan: null, preflight: null, draftProblems: invalid ? problemsFromServer(saved.error.message) : {} });
        return false;
      }
      const stored = saved.value;
      set((s) => ({ reviewPlan: stored, plans: withPlan(s.plans, stored), draft: { ...s.draft, originalName: stored.name } }));
      const preflight = await settle(() => deps.api['backup.preflight']({ name: stored.name }));
      if (!preflight.ok) {
        set({ reviewPending: false, reviewError: preflight.error, preflight: null });
        return false;
      }
      set({ reviewPending: false, preflight: preflight.value });
      return true;
    },

    async confirmDanger(mountpoint) {
      const { draft } = get();
      if (draft.confirmDangerous.includes(mountpoint)) return;
      set({ draft: { ...draft, confirmDangerous: [...draft.confirmDangerous, mountpoint] } });
      await get().saveAndPreflight();
    },
  };
};

/** The problem fields an edit of a draft key clears. */
function fieldsOfDraftKey(key: string): DraftField[] {
  const map: Record<string, DraftField[]> = {
    name: ['name'], mounts: ['mounts'], method: ['method', 'command', 'snapshotDir', 'btrfsDir', 'checklist', 'hold'],
    command: ['command', 'commandTimeout'], snapshotDir: ['snapshotDir'], btrfsDir: ['btrfsDir'], checklist: ['checklist'],
    holdS: ['hold', 'quiesce'], quiesceS: ['quiesce', 'hold'], preFreeze: ['preFreeze', 'preFreezeTimeout'],
    hold: ['holdHook', 'holdHookReadyLine', 'holdHookReadyTimeout', 'holdHookReleaseTimeout'], postThaw: ['postThaw', 'postThawTimeout'],
    destination: ['destination'], keep: ['keep'],
  };
  return map[key] ?? ['general'];
}
