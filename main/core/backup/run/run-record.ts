/**
 * What a run has done so far, in the shape of its report: the timeline of
 * phases, the hooks' records, each member's capture, the first failure, and
 * whether the snapshot can be trusted. Kept in memory only (nothing may be
 * written while frozen); turned into the report after the thaw.
 */
import { release } from 'node:os';
import type { BackupPhase, BackupPlan, BackupReport, HookRecord, MemberReport, PhaseRecord, VerificationResult } from '../../../../app/backup';
import type { AppErrorShape } from '../../../../app/errors';
import { toErrorShape } from '../../core-error';
import type { ExportResult } from '../movers/data-movers';

export class RunRecord {
  readonly timeline: PhaseRecord[] = [];
  readonly hooks: HookRecord[] = [];
  readonly verification: VerificationResult[] = [];
  readonly exports: ExportResult[] = [];
  /** Older runs' entries retention removed, and those it left alone. */
  readonly removed: string[] = [];
  readonly kept: Array<{ path: string; why: string }> = [];
  /** This run's own output it removed (an untrustworthy snapshot, an interrupted run's partial files). */
  readonly discarded: string[] = [];
  /** Interrupted: whether it froze anything is not known. */
  freezeUnknown = false;
  error: AppErrorShape | undefined;
  /** Set by a cancel only: a step that stopped because a window ran out is a failure, not a cancel. */
  cancelled = false;
  untrustworthyReason: string | undefined;
  /** The clock that ran out before the snapshot was done, if one did. */
  expiredWindow: 'hold' | 'quiesce' | undefined;
  /** The snapshot step finished (a method-specific capture exists). */
  captured = false;
  maxWritersBlocked = 0;
  frozenAt: number | undefined;
  thawedAt: number | undefined;
  heldMs: number | undefined;
  quiesceStartedAt: number | undefined;
  quiesceEndedAt: number | undefined;
  snapshotConfirmedAt: number | undefined;
  operatorNotes: string | undefined;

  constructor(
    readonly runId: string,
    readonly plan: BackupPlan,
    readonly startedAt: number,
    readonly members: MemberReport[],
  ) {}

  /** The first failure decides the run's error; later ones only add to the timeline. */
  fail(error: unknown): AppErrorShape {
    const shape = toErrorShape(error).shape;
    this.error ??= shape;
    return shape;
  }

  untrustworthy(reason: string): void {
    this.untrustworthyReason ??= reason;
  }

  get ok(): boolean {
    return this.error === undefined && !this.cancelled;
  }

  /** Trustworthy: captured, inside both windows, and nothing ended the freeze early. */
  get trustworthy(): boolean {
    return this.captured && this.untrustworthyReason === undefined;
  }

  phase(phase: BackupPhase, startedAt: number, outcome: PhaseRecord['outcome'], detail?: string): void {
    this.timeline.push({ phase, startedAt, endedAt: Date.now(), outcome, ...(detail !== undefined && { detail }) });
  }

  toReport(appVersion: string): BackupReport {
    const endedAt = Date.now();
    const quiesceStart = this.quiesceStartedAt ?? this.startedAt;
    const quiesceEnd = this.quiesceEndedAt ?? endedAt;
    const quiesceMs = quiesceEnd - quiesceStart;
    const trustworthy = this.trustworthy;
    // A WINDOW_EXCEEDED names one clock: the other's figure stands on its own.
    const ranOut = (window: 'hold' | 'quiesce'): boolean => this.expiredWindow === window || (this.expiredWindow === undefined && this.error?.code === 'WINDOW_EXCEEDED');
    const first = this.exports[0];
    return {
      version: 1,
      runId: this.runId,
      plan: this.plan,
      startedAt: this.startedAt,
      endedAt,
      outcome: this.cancelled ? 'cancelled' : this.error ? 'failed' : 'succeeded',
      trustworthy,
      ...(!trustworthy && { untrustworthyReason: this.untrustworthyReason ?? (this.cancelled ? 'The run was cancelled before the snapshot was done.' : 'No snapshot was taken.') }),
      ...(this.error && { error: this.error }),
      timeline: this.timeline,
      hold:
        this.frozenAt !== undefined && this.thawedAt !== undefined
          ? {
              frozenAt: this.frozenAt,
              thawedAt: this.thawedAt,
              heldMs: this.heldMs ?? this.thawedAt - this.frozenAt,
              windowMs: this.plan.holdWindowMs,
              withinWindow: (this.heldMs ?? this.thawedAt - this.frozenAt) <= this.plan.holdWindowMs && !ranOut('hold'),
            }
          : null,
      quiesce: {
        startedAt: quiesceStart,
        endedAt: quiesceEnd,
        ms: quiesceMs,
        windowMs: this.plan.quiesceWindowMs,
        withinWindow: quiesceMs <= this.plan.quiesceWindowMs && !ranOut('quiesce'),
      },
      members: this.members,
      maxWritersBlocked: this.maxWritersBlocked,
      hooks: this.hooks,
      verification: this.verification,
      ...(first && { export: first }),
      ...(this.exports.length > 1 && { exports: this.exports }),
      ...(this.snapshotConfirmedAt !== undefined && { snapshotConfirmedAt: this.snapshotConfirmedAt }),
      ...(this.operatorNotes !== undefined && { operatorNotes: this.operatorNotes }),
      retention: { removed: this.removed, ...(this.kept.length > 0 && { kept: this.kept }) },
      ...(this.discarded.length > 0 && { discarded: this.discarded }),
      ...(this.freezeUnknown && { freezeUnknown: true }),
      host: { kernel: release(), appVersion },
    };
  }
}
