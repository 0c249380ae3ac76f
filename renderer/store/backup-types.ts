/**
 * The backup wizard's part of the store: which view is showing, the saved
 * plans and the draft being edited, the pre-flight of the plan under review,
 * the run in progress (with the moment its last progress arrived, for the
 * two clocks) and the reports.
 */
import type { BackupOutputLine, BackupPlan, BackupReport, BackupRunState, Preflight, ReportSummary } from '../../app/backup';
import type { AppErrorShape } from '../../app/errors';
import type { DraftProblems, PlanDraft, WizardStep } from './backup-draft';

export type AppView = 'filesystems' | 'backups';
/** What the Backups view shows: the lists, the wizard, the run, or one report. */
export type BackupScreen = 'home' | 'wizard' | 'run' | 'report';

export interface BackupPlansSlice {
  view: AppView;
  backupScreen: BackupScreen;
  plans: readonly BackupPlan[];
  /** Loading or deleting plans or reports failed. */
  listError: AppErrorShape | null;
  wizardStep: WizardStep;
  draft: PlanDraft;
  /** Problems of the draft (the renderer's own checks and main's validation), by field. */
  draftProblems: DraftProblems;
  /** plans.save or backup.preflight failed (shown on the review step). */
  reviewError: AppErrorShape | null;
  /** The plan as main saved it, and what it would do now. */
  reviewPlan: BackupPlan | null;
  preflight: Preflight | null;
  reviewPending: boolean;
  setView(view: AppView): void;
  showHome(): void;
  showRun(): void;
  loadPlans(): Promise<void>;
  newPlan(): void;
  /** Open a saved plan in the wizard, at its first step or straight at the review. */
  editPlan(name: string, step?: WizardStep): void;
  /** Open a plan (e.g. a report's) at the review step: saved again, then pre-flighted. */
  reviewPlanAgain(plan: BackupPlan): void;
  deletePlan(name: string): Promise<boolean>;
  updateDraft(patch: Partial<PlanDraft>): void;
  /**
   * Go to a step; leaving a step checks its fields first (going back never
   * does, and happens at once). Resolves false when the move did not happen.
   */
  goToStep(step: WizardStep): Promise<boolean>;
  /** plans.save, then backup.preflight: what the review step shows. */
  saveAndPreflight(): Promise<boolean>;
  /** The user typed a dangerous member's mountpoint: store it in the plan and check again. */
  confirmDanger(mountpoint: string): Promise<void>;
}

export interface BackupRunSlice {
  run: BackupRunState | null;
  /** performance.now() when `run` arrived: the clocks count down from it. */
  runReceivedAt: number;
  runOutput: readonly BackupOutputLine[];
  /** backup.start, backup.confirmSnapshot or backup.cancel failed. */
  runError: AppErrorShape | null;
  runAction: 'start' | 'confirm' | 'cancel' | null;
  reports: readonly ReportSummary[];
  report: BackupReport | null;
  reportError: AppErrorShape | null;
  /** The run whose report should open as soon as main has written it. */
  awaitingReport: string | null;
  applyProgress(state: BackupRunState): void;
  applyOutput(line: BackupOutputLine): void;
  applyReports(reports: ReportSummary[]): void;
  loadCurrentRun(): Promise<void>;
  loadReports(): Promise<void>;
  startRun(name: string, confirmCommands?: string): Promise<boolean>;
  confirmSnapshot(notes: string): Promise<boolean>;
  cancelRun(): Promise<boolean>;
  openReport(runId: string): Promise<boolean>;
  /** reports.export; the caller turns the text into a download. */
  exportReport(runId: string, format: 'json' | 'markdown'): Promise<{ filename: string; mime: string; text: string } | null>;
}

export type BackupSlice = BackupPlansSlice & BackupRunSlice;
