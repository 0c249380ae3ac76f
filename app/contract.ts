/**
 * The app contract: every method the renderer may call and every event it
 * may receive, with their payloads. The Electron preload and the web bridge
 * each expose exactly these, one function per method; main implements them
 * once, in main/core, and validates every parameter with app/schemas.ts.
 */
import type { AppErrorShape } from './errors';
import type { BackupOutputLine, BackupPlan, BackupPlanInput, BackupReport, BackupRunState, Preflight, ReportSummary } from './backup';
import type { AppInfo, FreezeInfo, FreezeWindow, HelperStatus, MountRow, MountsSnapshot, Notice, WebSessionInfo } from './domain';

/**
 * Type carriers: each entry's value is an empty object at run time; its type
 * says what the method takes and returns (or what the event carries). The
 * contract is written once, as these objects, so the names exist at run time
 * (the preload and the web bridge list them without loading zod) and the
 * types come from the same place; app/schemas.ts must cover exactly these.
 */
const method = <P, R>() => ({}) as { params: P; result: R };
const event = <T>() => ({}) as T;

const CONTRACT_METHODS = {
  'app.info': method<Record<string, never>, AppInfo>(),
  'mounts.list': method<Record<string, never>, MountsSnapshot>(),
  /** Freeze one filesystem; `confirm` must equal its mountpoint when it is marked dangerous. */
  'freeze.start': method<{ id: string; timeoutMs: number; confirm?: string }, FreezeInfo>(),
  /** Thaw; `force` thaws a filesystem frozen by someone else. */
  'freeze.thaw': method<{ id: string; force?: boolean }, FreezeInfo>(),
  'freeze.extend': method<{ id: string; timeoutMs: number }, FreezeInfo>(),
  /** Find out whether it is frozen; may briefly freeze and thaw it. */
  'freeze.probe': method<{ id: string }, { frozen: boolean; intrusive: boolean; freeze: FreezeInfo }>(),
  'freeze.thawAll': method<Record<string, never>, { thawed: string[] }>(),
  'helper.status': method<Record<string, never>, HelperStatus>(),
  /** Start (or restart) the helper now: asks for authentication when needed. */
  'helper.start': method<Record<string, never>, HelperStatus>(),
  'history.list': method<Record<string, never>, FreezeWindow[]>(),
  /** Backup plans main keeps (the wizard saves one before running it). */
  'plans.list': method<Record<string, never>, BackupPlan[]>(),
  'plans.save': method<{ plan: BackupPlanInput }, BackupPlan>(),
  'plans.delete': method<{ name: string }, { deleted: boolean }>(),
  /** What a saved plan (or, for the command line only, the plan file it runs) would do now: members, warnings, blockers, the commands to confirm. */
  'backup.preflight': method<{ name: string } | { plan: BackupPlanInput }, Preflight>(),
  /**
   * Run a saved plan, or (command line only) a plan file as it is, never
   * saved; `confirmCommands` is Preflight.commandsDigest once the user saw the plan.
   */
  'backup.start': method<{ name: string; confirmCommands?: string } | { plan: BackupPlanInput; confirmCommands: string }, BackupRunState>(),
  /** Manual method: the operator took the snapshot (with optional notes). */
  'backup.confirmSnapshot': method<{ runId: string; notes?: string }, BackupRunState>(),
  /** Stop a run: thaws at once, removes partial exports, keeps a report. */
  'backup.cancel': method<{ runId: string }, BackupRunState>(),
  /** The run in progress, if any (a reloaded window picks it up). */
  'backup.current': method<Record<string, never>, BackupRunState | null>(),
  'reports.list': method<Record<string, never>, ReportSummary[]>(),
  'reports.get': method<{ runId: string }, BackupReport>(),
  'reports.export': method<{ runId: string; format: 'json' | 'markdown' }, { filename: string; mime: string; text: string }>(),
  /** The web mode's browser sessions (one per login link used); empty in the other front doors. */
  'sessions.list': method<Record<string, never>, WebSessionInfo[]>(),
  /** End a browser session now: its cookie is refused and its tabs are disconnected. */
  'sessions.revoke': method<{ id: string }, { revoked: boolean }>(),
};

const CONTRACT_EVENTS = {
  /** The mount table changed (mounts added/removed, or many rows at once). */
  'mounts.changed': event<MountsSnapshot>(),
  /** One row changed (freeze state, writers, size). */
  'mount.updated': event<MountRow>(),
  'helper.changed': event<HelperStatus>(),
  'history.changed': event<FreezeWindow[]>(),
  /** Something the user should be told (an auto-thaw, a failure). */
  notice: event<Notice>(),
  'backup.progress': event<BackupRunState>(),
  /** A line of a hook's, command's or checker's output, live. */
  'backup.output': event<BackupOutputLine>(),
  'reports.changed': event<ReportSummary[]>(),
};

export type ContractMethods = typeof CONTRACT_METHODS;
export type ContractEvents = typeof CONTRACT_EVENTS;
export type MethodName = keyof ContractMethods;
export type EventName = keyof ContractEvents;
export type Params<M extends MethodName> = ContractMethods[M]['params'];
export type ResultOf<M extends MethodName> = ContractMethods[M]['result'];

/** Failures travel as values: IPC and JSON both keep `{code, message}` intact. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: AppErrorShape };

export const METHOD_NAMES: readonly MethodName[] = Object.freeze(Object.keys(CONTRACT_METHODS) as MethodName[]);
export const EVENT_NAMES: readonly EventName[] = Object.freeze(Object.keys(CONTRACT_EVENTS) as EventName[]);

/** What window.freezeframe is, in Electron (preload) and in the browser (web bridge). */
export type FreezeframeApi = {
  [M in MethodName]: (params: Params<M>) => Promise<Result<ResultOf<M>>>;
} & {
  subscribe<E extends EventName>(event: E, listener: (payload: ContractEvents[E]) => void): () => void;
};

/** The service main/core implements once for both front doors; `caller` says who asks where a front door knows (a web session). */
export type ContractHandlers = {
  [M in MethodName]: (params: Params<M>, caller: { sessionId?: string }) => Promise<ResultOf<M>>;
};

export interface ContractEventSink {
  emit<E extends EventName>(event: E, payload: ContractEvents[E]): void;
}
