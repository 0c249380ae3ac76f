/**
 * The core both front doors serve: every contract method, validated here
 * once, and one event stream. Wires the mount table, sizes, the freeze
 * service and the helper supervisor together.
 */
import { appendFile, readFile } from 'node:fs/promises';
import { homedir, release, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { ContractEvents, ContractHandlers, EventName, Result } from '../../app/contract';
import type { AppInfo, MountSize, MountsSnapshot } from '../../app/domain';
import type { ErrorCode } from '../../app/errors';
import { DEFAULT_MAX_TIMEOUT_MS, DEFAULT_TIMEOUT_MS } from '../../app/limits';
import { isMethodName, paramSchemas } from '../../app/schemas';
import { HelperClient } from '../helper/client';
import type { CallerContext, Core, CoreEventListener, CoreOptions } from './api';
import { BackupService } from './backup/backup-service';
import type { DataMovers } from './backup/movers/data-movers';
import { realDataMovers } from './backup/movers/real-data-movers';
import { toErrorShape } from './core-error';
import { passwdHomeOf, passwdHomes, type DangerContext } from './mounts/danger-marks';
import { FreezeHistory } from './freeze/history';
import { FreezeService } from './freeze/freeze-service';
import { HelperSupervisor, type HelperStarter } from './freeze/helper-supervisor';
import { LogBuffer, fileSink, type LogSink } from './log-buffer';
import { MountRows } from './mounts/mount-rows';
import { MountTable, type MountBase } from './mounts/mount-table';
import type { WatchMounts } from './mounts/mount-watcher';
import { SizeMonitor, type StatRunner } from './mounts/statfs-probe';

export type { Core, CoreOptions } from './api';

/** Collaborators a test replaces; production passes none. */
export interface CoreSeams {
  startHelper?: HelperStarter;
  /** How startHelper will run (pkexec shows "asking for authentication"). */
  helperMode?: 'direct' | 'pkexec';
  readMountinfo?: () => Promise<string>;
  watchMounts?: WatchMounts;
  statRunner?: StatRunner;
  logSink?: LogSink;
  readPasswd?: () => Promise<string>;
  homeDir?: string;
  sizeIntervalMs?: number;
  statTimeoutMs?: number;
  writersIntervalMs?: number;
  /** The backup engine's data movers (clone, verify, export, sync). */
  dataMovers?: DataMovers;
}

const PSEUDO_SIZE: MountSize = Object.freeze({ state: 'unavailable', message: 'Not measured: a kernel pseudo filesystem.' });
/** Actions worth a log line each (the rest are reads). */
const LOGGED = new Set(['freeze.start', 'freeze.thaw', 'freeze.extend', 'freeze.probe', 'freeze.thawAll', 'helper.start', 'sessions.revoke']);

export async function createCore(options: CoreOptions, seams: CoreSeams = {}): Promise<Core> {
  const listeners = new Set<CoreEventListener>();
  const emit = <E extends EventName>(event: E, payload: ContractEvents[E]): void => {
    for (const listener of listeners) {
      try {
        listener(event, payload);
      } catch (error) {
        logs.log('error', `core: an event listener threw on ${event}: ${(error as Error).stack ?? String(error)}`);
      }
    }
  };
  const logs = new LogBuffer(seams.logSink ?? options.logSink ?? defaultSink(options.logFile));
  const log = (level: 'info' | 'warn' | 'error', message: string): void => logs.log(level, message);

  const table = new MountTable({ danger: await dangerContext(options, seams), readMountinfo: seams.readMountinfo, watch: seams.watchMounts, log });
  const history = new FreezeHistory((windows) => emit('history.changed', windows));
  const supervisor = new HelperSupervisor({
    start:
      seams.startHelper ??
      (() => HelperClient.start({ helperPath: options.helperPath, pkexecPath: options.pkexecPath, ...options.helperLimits })),
    expectedMode: seams.helperMode ?? (process.geteuid?.() === 0 ? 'direct' : 'pkexec'),
    helperPath: options.helperPath,
    preStarted: options.preStartedHelper,
    log,
  });
  supervisor.onStatus((status) => emit('helper.changed', status));

  let ready = false; // no row events before the first snapshot exists
  const emitRowsOf = (key: string): void => {
    if (!ready) return;
    for (const row of rows.changedIn(key)) emit('mount.updated', rows.toSend(row));
  };
  const sizes = new SizeMonitor({ runner: seams.statRunner, intervalMs: seams.sizeIntervalMs, timeoutMs: seams.statTimeoutMs, onChange: emitRowsOf });
  const freeze: FreezeService = new FreezeService({
    helper: supervisor,
    table,
    history,
    notify: (notice) => emit('notice', { ...notice, at: Date.now() }),
    onChanged: (key) => {
      logs.setHeld(freeze.anythingFrozen());
      emitRowsOf(key);
      // An interrupted run's report waits for the thaw: the config dir may be on what was frozen.
      if (ready && !freeze.anythingFrozen()) void backup.settleInterrupted();
    },
    beforeFreeze: () => logs.hold(),
    onMountChanged: () => table.signal(),
    log,
    writersIntervalMs: seams.writersIntervalMs,
  });
  const rows = new MountRows({
    rows: () => table.rows(),
    rowsOfSuperblock: (key) => table.rowsOfSuperblock(key),
    size: (base) => (base.pseudo ? PSEUDO_SIZE : sizes.get(base.majorMinor)),
    freeze: (base) => freeze.info(base),
    freshFreeze: (base) => freeze.freshInfo(base),
  });
  const snapshot = (): MountsSnapshot => ({ generation: table.generation, mounts: rows.all().map((row) => rows.toSend(row)) });
  const backup = new BackupService({
    configDir: options.configDir ?? defaultConfigDir(),
    rows: () => table.rows(),
    refreshTable: () => table.readNow(),
    isFrozen: (key) => freeze.ledger.get(key)?.state === 'frozen' || freeze.ledger.get(key)?.state === 'frozen-elsewhere',
    anythingFrozen: () => freeze.frozenCount() > 0,
    freeze,
    helper: { onEvent: (l) => supervisor.onEvent(l), onExit: (l) => supervisor.onExit(() => l()), running: () => supervisor.running() },
    helperMaxTimeoutMs: () => supervisor.status().maxTimeoutMs,
    movers: seams.dataMovers ?? realDataMovers,
    emit,
    log,
    appVersion: options.appVersion,
    writersIntervalMs: seams.writersIntervalMs === undefined ? undefined : Math.min(250, seams.writersIntervalMs),
    confirmCommands: options.confirmCommands,
    frontDoor: options.frontDoor,
  });

  table.onChange(() => {
    freeze.tableChanged(new Set(table.superblocks()));
    sizes.setTargets(sizeTargets(table.rows()));
    if (ready) sizes.refresh();
    if (ready) emit('mounts.changed', snapshot());
  });
  await table.start();
  await freeze.adoptRunningHelper(); // a pre-started helper may already hold something
  await backup.init(); // after the adoption: it writes only when nothing is frozen
  ready = true;
  sizes.setTargets(sizeTargets(table.rows()));
  sizes.start();

  const handlers: ContractHandlers = {
    'app.info': async () => appInfo(options, backup.plans.plansDir, supervisor.status().maxTimeoutMs, supervisor.running()?.hello),
    'mounts.list': async () => snapshot(),
    'freeze.start': ({ id, timeoutMs, confirm }) => freeze.start(id, timeoutMs, confirm),
    'freeze.thaw': ({ id, force }) => freeze.thaw(id, force),
    'freeze.extend': async ({ id, timeoutMs }) => {
      backup.refuseExtend(table.row(id)); // a run's hold window is not the user's to move
      return freeze.extend(id, timeoutMs);
    },
    'freeze.probe': ({ id }) => freeze.probe(id),
    'freeze.thawAll': () => freeze.thawAll(),
    'helper.status': async () => supervisor.status(),
    'helper.start': () => supervisor.startNow(),
    'history.list': async () => history.list(),
    'plans.list': () => backup.listPlans(),
    'plans.save': ({ plan }) => backup.savePlan(plan),
    'plans.delete': ({ name }) => backup.deletePlan(name),
    'backup.preflight': (p) => ('plan' in p ? backup.preflightFile(p.plan) : backup.preflight(p.name)),
    'backup.start': (p) => ('plan' in p ? backup.startFile(p.plan, p.confirmCommands) : backup.start(p.name, p.confirmCommands)),
    'backup.confirmSnapshot': async ({ runId, notes }) => backup.confirmSnapshot(runId, notes),
    'backup.cancel': async ({ runId }) => backup.cancel(runId),
    'backup.current': async () => backup.current(),
    'reports.list': () => backup.listReports(),
    'reports.get': ({ runId }) => backup.getReport(runId),
    'reports.export': ({ runId, format }) => backup.exportReport(runId, format),
    'sessions.list': async (_, caller) => options.sessions?.list(caller.sessionId) ?? [],
    'sessions.revoke': async ({ id }) => ({ revoked: options.sessions?.revoke(id) ?? false }),
  };

  let shuttingDown: Promise<void> | undefined;
  return {
    async dispatch(method: string, params: unknown, caller: CallerContext = {}): Promise<Result<unknown>> {
      if (!isMethodName(method)) return failure('INVALID_ARGUMENT', `There is no method ${JSON.stringify(String(method).slice(0, 80))}.`);
      const parsed = paramSchemas[method].safeParse(params === undefined ? {} : params);
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'params'}: ${i.message}`).join('; ');
        return failure('INVALID_ARGUMENT', `Invalid parameters for ${method}: ${issues}`);
      }
      const describe = `${method}${'id' in parsed.data ? ` ${pathOf(table.row(String(parsed.data.id)))}` : ''}`;
      try {
        const value = await (handlers[method] as (p: unknown, c: CallerContext) => Promise<unknown>)(parsed.data, caller);
        if (LOGGED.has(method)) log('info', `${describe}: ok`);
        return { ok: true, value };
      } catch (error) {
        const { shape, expected } = toErrorShape(error);
        if (expected) log('info', `${describe}: ${shape.code}: ${shape.message}`);
        else log('error', `${describe}: unexpected failure: ${(error as Error)?.stack ?? String(error)}`);
        return { ok: false, error: shape };
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    frozenCount: () => freeze.frozenCount(),
    shutdown() {
      shuttingDown ??= (async () => {
        // A run in progress is cancelled (it thaws its group at once, and saves its report after its
        // hooks let go); meanwhile, not after, everything else this app froze is thawed.
        const stopping = backup.stop().catch((error: unknown) => log('error', `shutdown: cancelling the backup run failed: ${String(error)}`));
        const thawing = freeze.thawAll().then(
          ({ thawed }) => void (thawed.length && log('info', `shutdown: thawed ${thawed.join(', ')}`)),
          (error: unknown) => log('error', `shutdown: thaw all failed (${(error as Error).message}); closing the helper thaws what it holds`),
        );
        await Promise.all([stopping, thawing]);
        await supervisor.shutdown();
        table.stop();
        sizes.stop();
        freeze.stop();
        logs.release();
        await logs.flush();
      })();
      return shuttingDown;
    },
  };
}

/** $XDG_CONFIG_HOME/freezeframe, or ~/.config/freezeframe, of the user main runs as. */
export function defaultConfigDir(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(home, '.config');
  return join(base, 'freezeframe');
}

function failure(code: ErrorCode, message: string): Result<never> {
  return { ok: false, error: { code, message } };
}

function pathOf(row: MountBase | undefined): string {
  return row ? row.path : '(unknown mount)';
}

/** One path per superblock to statfs: bind mounts share their filesystem's size. */
function sizeTargets(rows: readonly MountBase[]): Map<string, string> {
  const targets = new Map<string, string>();
  for (const row of rows) if (!row.pseudo && !targets.has(row.majorMinor)) targets.set(row.majorMinor, row.path);
  return targets;
}

async function dangerContext(options: CoreOptions, seams: CoreSeams): Promise<DangerContext> {
  const passwd = await (seams.readPasswd ?? (() => readFile('/etc/passwd', 'utf8')))().catch(() => '');
  const homeDirs = [seams.homeDir ?? homedir()];
  // Under sudo (the web mode), "your home" is the invoking user's too.
  const sudoUid = Number(process.env.SUDO_UID);
  const sudoHome = Number.isInteger(sudoUid) && seams.homeDir === undefined ? passwdHomeOf(passwd, sudoUid) : undefined;
  if (sudoHome && !homeDirs.includes(sudoHome)) homeDirs.push(sudoHome);
  return {
    appDataDirs: options.appDataDirs,
    helperPath: options.helperPath,
    homeDirs,
    otherHomes: passwdHomes(passwd).filter((home) => !homeDirs.includes(home)),
    tmpDirs: [...new Set(['/tmp', '/var/tmp', tmpdir()])],
  };
}

/** `greeting`: the running helper's hello, which says its version and protocol (none until it runs). */
function appInfo(options: CoreOptions, plansDir: string, helperMaxTimeoutMs: number | undefined, greeting: { helperVersion: string; protocol: number } | undefined): AppInfo {
  return {
    appVersion: options.appVersion,
    frontDoor: options.frontDoor,
    development: options.development,
    kernel: release(),
    ...(options.electronVersion !== undefined && { electronVersion: options.electronVersion }),
    nodeVersion: process.versions.node,
    helperPath: options.helperPath,
    helperSource: options.helperSource ?? (options.development ? 'development' : 'package'),
    ...(greeting && { helperVersion: greeting.helperVersion, protocolVersion: greeting.protocol }),
    defaultTimeoutMs: DEFAULT_TIMEOUT_MS,
    maxTimeoutMs: helperMaxTimeoutMs ?? options.helperLimits?.maxTimeoutMs ?? DEFAULT_MAX_TIMEOUT_MS,
    plansDir,
    runsAs: runsAs(),
  };
}

/** The user this process (and so every command of a plan) runs as. */
function runsAs(): { user: string; uid: number } {
  const uid = process.geteuid?.() ?? -1;
  try {
    return { user: userInfo().username, uid };
  } catch {
    return { user: uid === 0 ? 'root' : `uid ${uid}`, uid };
  }
}

function defaultSink(logFile: string | undefined): LogSink {
  if (logFile) return fileSink(logFile, (path, text) => appendFile(path, text, { mode: 0o600 }));
  return { write: (text) => new Promise<void>((resolve) => process.stderr.write(text, () => resolve())) };
}
