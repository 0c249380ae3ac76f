/**
 * The backup wizard's vocabulary, shared by the renderer, main/core's engine
 * and the command line: a plan (what to freeze, how to snapshot, what to run
 * around it), the live state of a run, and the report a run leaves behind.
 *
 * A plan names filesystems by mountpoint (stable across runs), never by the
 * table's ephemeral ids; main resolves them against its own mount table at
 * run time and refuses any that is not a current mountpoint.
 */
import type { z } from 'zod';
import type { backupPlanSchema, commandSpecSchema, holdHookSchema } from './backup-schema';
import type { AppErrorShape } from './errors';

export const SNAPSHOT_METHODS = ['manual', 'command', 'image-clone', 'btrfs'] as const;
export type SnapshotMethod = (typeof SNAPSHOT_METHODS)[number];

export const PLAN_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

// The plan's types, derived from the schema without importing it at run
// time (`import type` is erased): app/backup-schema.ts holds zod, which the
// renderer's first chunk must not load.
/** A command the app runs as the user, as an argv (no shell); see commandSpecSchema. */
export type CommandSpec = z.output<typeof commandSpecSchema>;
/** A hook that holds a lock only while it runs; see holdHookSchema. */
export type HoldHookSpec = z.output<typeof holdHookSchema>;
/** A plan as stored and run (defaults filled in). */
export type BackupPlan = z.output<typeof backupPlanSchema>;
/** A plan as written by hand or by the wizard (defaults optional). */
export type BackupPlanInput = z.input<typeof backupPlanSchema>;

export const BACKUP_PHASES = [
  'preflight',
  'pre-freeze-hook',
  'hold-hook',
  'sync',
  'freeze',
  'snapshot',
  'thaw',
  'release-hold',
  'post-thaw-hook',
  'verify',
  'export',
  'retention',
] as const;
export type BackupPhase = (typeof BACKUP_PHASES)[number];

export type RunStatus = 'running' | 'waiting-for-operator' | 'succeeded' | 'failed' | 'cancelled';

/** One member's pre-flight: can it be frozen, and how will it be captured. */
export interface PreflightMember {
  mountpoint: string;
  fsType: string;
  device: string;
  /** Found in the mount table now. */
  mounted: boolean;
  freezable: boolean;
  danger: string[];
  /** 'frozen' normally; 'atomic-snapshot' for btrfs members (snapshotted, not frozen). */
  capture: 'frozen' | 'atomic-snapshot';
  /** For image-clone: the backing file, its allocated size, and whether it can be reflinked. */
  backingFile?: string;
  allocatedBytes?: number;
  reflink?: boolean;
  estimatedCopyMs?: number;
}

export interface Preflight {
  members: PreflightMember[];
  /** Dirty + writeback bytes waiting system-wide (/proc/meminfo). */
  dirtyBytes: number;
  /** What will happen, in order, for the confirmation screen. */
  steps: string[];
  /** The longest anything can stay frozen: the hold window (the helper's deadline). */
  maxFrozenMs: number;
  warnings: string[];
  /** Reasons the plan cannot run; empty when it can. */
  blockers: string[];
  /** Every command the plan runs, as argv, for confirmation the first time. */
  commands: Array<{ role: 'pre-freeze' | 'hold' | 'post-thaw' | 'command'; argv: string[]; shell: boolean }>;
  /**
   * Pass this back as `confirmCommands` to backup.start: the digest of the
   * whole plan as reviewed (its commands and everything else), so what was
   * approved is exactly what runs.
   */
  commandsDigest: string;
  commandsConfirmed: boolean;
  /**
   * Approvals are per front door and per plan content: 'not-needed' (no
   * commands), 'approved' (this plan, exactly, here), 'new' (never approved
   * here), 'changed' (approved here, changed since: `changedSinceApproval`
   * names the fields).
   */
  approval: 'not-needed' | 'approved' | 'new' | 'changed';
  changedSinceApproval?: string[];
}

/** Live state of a run, pushed as `backup.progress`. */
export interface BackupRunState {
  runId: string;
  planName: string;
  method: SnapshotMethod;
  status: RunStatus;
  phase: BackupPhase;
  startedAt: number;
  /** Remaining time of each window when this state was sent (the renderer counts down on its own clock). */
  quiesceRemainingMs: number | null;
  holdRemainingMs: number | null;
  quiesceWindowMs: number;
  holdWindowMs: number;
  frozenAt: number | null;
  thawedAt: number | null;
  /** Work with a size (clone, export): bytes done of total. */
  progress: { label: string; done: number; total: number } | null;
  /** For the manual method: the checklist to show while waiting. */
  checklist: string[];
  writersBlocked: number;
  error: AppErrorShape | null;
}

/**
 * How an output line reads, when not as its stream says: `progress` (a
 * checker's progress report, which it writes to stderr), `expected` (a
 * finding that is expected here, such as the log an image of a frozen xfs
 * always has), `note` (Freezeframe's own explanation of the lines around it).
 */
export type OutputKind = 'progress' | 'expected' | 'note';

export interface BackupOutputLine {
  runId: string;
  source: 'pre-freeze' | 'hold' | 'post-thaw' | 'command' | 'verify' | 'snapshot';
  stream: 'stdout' | 'stderr';
  text: string;
  kind?: OutputKind;
  at: number;
}

export interface PhaseRecord {
  phase: BackupPhase;
  startedAt: number;
  endedAt: number;
  outcome: 'ok' | 'failed' | 'skipped' | 'cancelled';
  detail?: string;
}

export interface MemberReport {
  mountpoint: string;
  fsType: string;
  device: string;
  capture: 'frozen' | 'atomic-snapshot' | 'not-captured';
  snapshot?: {
    kind: 'image' | 'subvolume' | 'external';
    path?: string;
    bytes?: number;
    reflinked?: boolean;
    /** A btrfs snapshot's subvolume id: retention removes that subvolume only. */
    subvolumeId?: number;
  };
}

export interface VerificationResult {
  mountpoint: string;
  tool: string;
  argv: string[];
  ok: boolean;
  exitCode: number | null;
  output: string;
  /** What the result means when the output alone would mislead (an xfs image's log, left unreplayed). */
  note?: string;
}

export interface HookRecord {
  role: 'pre-freeze' | 'hold' | 'post-thaw' | 'command';
  argv: string[];
  exitCode: number | null;
  signal: string | null;
  ms: number;
  outcome: 'ok' | 'failed' | 'timed-out' | 'released';
  /** The last lines of its output (stderr lines prefixed with "! "). */
  outputTail?: string;
}

export interface ExportedFile {
  /** Relative to the export directory. */
  path: string;
  bytes: number;
  sha256: string;
}

export interface BackupReport {
  version: 1;
  runId: string;
  plan: BackupPlan;
  startedAt: number;
  endedAt: number;
  outcome: 'succeeded' | 'failed' | 'cancelled';
  /** false when a window ran out before the snapshot was done (or it failed): do not back up from it. */
  trustworthy: boolean;
  untrustworthyReason?: string;
  error?: AppErrorShape;
  timeline: PhaseRecord[];
  hold: { frozenAt: number; thawedAt: number; heldMs: number; windowMs: number; withinWindow: boolean } | null;
  quiesce: { startedAt: number; endedAt: number; ms: number; windowMs: number; withinWindow: boolean };
  members: MemberReport[];
  maxWritersBlocked: number;
  hooks: HookRecord[];
  verification: VerificationResult[];
  export?: { directory: string; manifest: string; files: ExportedFile[]; bytes: number; ms: number };
  /** Every export of the run when there is more than one (a btrfs snapshot per member, plus images); `export` is the first. */
  exports?: Array<{ directory: string; manifest: string; files: ExportedFile[]; bytes: number; ms: number }>;
  snapshotConfirmedAt?: number;
  operatorNotes?: string;
  /** Older runs' snapshots and exports removed; `kept`: those of their names left alone, and why (a link, not this plan's). */
  retention: { removed: string[]; kept?: Array<{ path: string; why: string }> };
  /** What this run made and removed itself (an untrustworthy snapshot; an interrupted run's partial files): never retention's. */
  discarded?: string[];
  /** The run was interrupted (main died): whether it froze anything is not known (hold is null). */
  freezeUnknown?: boolean;
  /** Where the report and its snapshots are kept. */
  host: { kernel: string; appVersion: string };
}

/** What the report can say about the hold when it has none. */
export function noHoldSentence(report: Pick<BackupReport, 'freezeUnknown' | 'plan'>): string {
  return report.freezeUnknown
    ? `Whether anything was frozen is not known: Freezeframe stopped during the run. Anything it froze was thawed by the helper's deadline (the ${report.plan.holdWindowMs / 1000} s hold window) or its guardian.`
    : 'Nothing was frozen.';
}

export interface ReportSummary {
  runId: string;
  planName: string;
  method: SnapshotMethod;
  startedAt: number;
  outcome: BackupReport['outcome'];
  trustworthy: boolean;
  heldMs: number | null;
  holdWindowMs: number;
}

/** The history list's line for a report (main's store and the renderer's fakes share it). */
export function summarize(report: BackupReport): ReportSummary {
  return {
    runId: report.runId,
    planName: report.plan.name,
    method: report.plan.method,
    startedAt: report.startedAt,
    outcome: report.outcome,
    trustworthy: report.trustworthy,
    heldMs: report.hold?.heldMs ?? null,
    holdWindowMs: report.plan.holdWindowMs,
  };
}
