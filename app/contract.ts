/**
 * The app contract: every method the renderer may call and every event it
 * may receive, with their payloads. The Electron preload and the web bridge
 * each expose exactly these, one function per method; main implements them
 * once, in main/core, and validates every parameter with app/schemas.ts.
 */
import type { AppErrorShape } from './errors';
import type { BackupOutputLine, BackupPlan, BackupPlanInput, BackupReport, BackupRunState, Preflight, ReportSummary } from './backup';
import type { AppInfo, FreezeInfo, FreezeWindow, HelperStatus, MountRow, MountsSnapshot, Notice } from './domain';

export interface ContractMethods {
  'app.info': { params: Record<string, never>; result: AppInfo };
  'mounts.list': { params: Record<string, never>; result: MountsSnapshot };
  /** Freeze one filesystem; `confirm` must equal its mountpoint when it is marked dangerous. */
  'freeze.start': { params: { id: string; timeoutMs: number; confirm?: string }; result: FreezeInfo };
  /** Thaw; `force` thaws a filesystem frozen by someone else. */
  'freeze.thaw': { params: { id: string; force?: boolean }; result: FreezeInfo };
  'freeze.extend': { params: { id: string; timeoutMs: number }; result: FreezeInfo };
  /** Find out whether it is frozen; may briefly freeze and thaw it. */
  'freeze.probe': { params: { id: string }; result: { frozen: boolean; intrusive: boolean; freeze: FreezeInfo } };
  'freeze.thawAll': { params: Record<string, never>; result: { thawed: string[] } };
  'helper.status': { params: Record<string, never>; result: HelperStatus };
  /** Start (or restart) the helper now: asks for authentication when needed. */
  'helper.start': { params: Record<string, never>; result: HelperStatus };
  'history.list': { params: Record<string, never>; result: FreezeWindow[] };
  /** Backup plans main keeps (the wizard saves one before running it). */
  'plans.list': { params: Record<string, never>; result: BackupPlan[] };
  'plans.save': { params: { plan: BackupPlanInput }; result: BackupPlan };
  'plans.delete': { params: { name: string }; result: { deleted: boolean } };
  /** What a saved plan would do now: members, warnings, blockers, the commands to confirm. */
  'backup.preflight': { params: { name: string }; result: Preflight };
  /** Run a saved plan; `confirmCommands` is Preflight.commandsDigest once the user saw them. */
  'backup.start': { params: { name: string; confirmCommands?: string }; result: BackupRunState };
  /** Manual method: the operator took the snapshot (with optional notes). */
  'backup.confirmSnapshot': { params: { runId: string; notes?: string }; result: BackupRunState };
  /** Stop a run: thaws at once, removes partial exports, keeps a report. */
  'backup.cancel': { params: { runId: string }; result: BackupRunState };
  /** The run in progress, if any (a reloaded window picks it up). */
  'backup.current': { params: Record<string, never>; result: BackupRunState | null };
  'reports.list': { params: Record<string, never>; result: ReportSummary[] };
  'reports.get': { params: { runId: string }; result: BackupReport };
  'reports.export': { params: { runId: string; format: 'json' | 'markdown' }; result: { filename: string; mime: string; text: string } };
}

export interface ContractEvents {
  /** The mount table changed (mounts added/removed, or many rows at once). */
  'mounts.changed': MountsSnapshot;
  /** One row changed (freeze state, writers, size). */
  'mount.updated': MountRow;
  'helper.changed': HelperStatus;
  'history.changed': FreezeWindow[];
  /** Something the user should be told (an auto-thaw, a failure). */
  notice: Notice;
  'backup.progress': BackupRunState;
  /** A line of a hook's, command's or checker's output, live. */
  'backup.output': BackupOutputLine;
  'reports.changed': ReportSummary[];
}

export type MethodName = keyof ContractMethods;
export type EventName = keyof ContractEvents;
export type Params<M extends MethodName> = ContractMethods[M]['params'];
export type ResultOf<M extends MethodName> = ContractMethods[M]['result'];

/** Failures travel as values: IPC and JSON both keep `{code, message}` intact. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: AppErrorShape };

export const METHOD_NAMES = [
  'app.info',
  'mounts.list',
  'freeze.start',
  'freeze.thaw',
  'freeze.extend',
  'freeze.probe',
  'freeze.thawAll',
  'helper.status',
  'helper.start',
  'history.list',
  'plans.list',
  'plans.save',
  'plans.delete',
  'backup.preflight',
  'backup.start',
  'backup.confirmSnapshot',
  'backup.cancel',
  'backup.current',
  'reports.list',
  'reports.get',
  'reports.export',
] as const satisfies readonly MethodName[];

export const EVENT_NAMES = [
  'mounts.changed',
  'mount.updated',
  'helper.changed',
  'history.changed',
  'notice',
  'backup.progress',
  'backup.output',
  'reports.changed',
] as const satisfies readonly EventName[];

/** What window.freezeframe is, in Electron (preload) and in the browser (web bridge). */
export type FreezeframeApi = {
  [M in MethodName]: (params: Params<M>) => Promise<Result<ResultOf<M>>>;
} & {
  subscribe<E extends EventName>(event: E, listener: (payload: ContractEvents[E]) => void): () => void;
};

/** The service main/core implements once for both front doors. */
export type ContractHandlers = {
  [M in MethodName]: (params: Params<M>) => Promise<ResultOf<M>>;
};

export interface ContractEventSink {
  emit<E extends EventName>(event: E, payload: ContractEvents[E]): void;
}
