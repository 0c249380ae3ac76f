/**
 * The unattended run of a plan (cron): `npm run backup -- --plan plan.json`
 * and the packaged app's `freezeframe backup --plan plan.json`. The same
 * core and contract as the wizard, but the plan file is run as it is:
 * pre-flighted and started through backup.preflight/backup.start with the
 * plan itself, never written into the plans the app's windows keep (a plan
 * of the same name there stays as it was, and so do its approvals). The
 * file is its own confirmation of its commands (as root it must be root's
 * alone). Progress on stderr, the report on stdout, exit 0 only for a
 * trustworthy, fully successful run; SIGINT/SIGTERM end it within a second
 * (130/143), thawed first.
 * A manual-method plan needs someone to take the snapshot: from a terminal
 * the command line asks (operator-prompt.ts); without one it is refused
 * before anything is frozen.
 */
import { fstatSync } from 'node:fs';
import { join } from 'node:path';
import type { BackupOutputLine, BackupReport, BackupRunState, Preflight } from '../../app/backup';
import type { Result } from '../../app/contract';
import { killAllCommands } from '../core/backup/commands/child-command';
import { toErrorShape } from '../core/core-error';
import { createCore, defaultConfigDir } from '../core/index';
import type { Core, CoreOptions } from '../core/api';
import { ERROR_MESSAGES } from '../../app/error-messages';
import { BACKUP_USAGE, parseBackupArgs } from './backup-args';
import { OperatorPrompt } from './operator-prompt';
import { checkRootConfigDir, readPlanFile } from './plan-file';
import { StderrLines } from './stderr-lines';

export interface BackupCliEnvironment {
  helperPath: string;
  development: boolean;
  appVersion: string;
  helperSource?: CoreOptions['helperSource'];
  /** The config dir when --config-dir is not given (Electron: userData); else the XDG default. */
  defaultConfigDir?: string;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
  stdin?: NodeJS.ReadableStream;
  /** Someone at a terminal can answer (stdin and stderr are terminals); defaults to asking the process. */
  interactive?: boolean;
}

/** Exit codes: 0 ok, 1 failed, 2 unusable plan/arguments, 128+signal after a cancel by signal. */
export const EXIT = { ok: 0, failed: 1, usage: 2, sigint: 130, sigterm: 143 } as const;

/** After SIGINT/SIGTERM the run has this long to end (it thaws at once); the rest of the second is the shutdown's. */
const SIGNAL_GRACE_MS = 500;
const SHUTDOWN_AFTER_SIGNAL_MS = 100;

export async function runBackupCli(argv: readonly string[], env: BackupCliEnvironment): Promise<number> {
  const stdout = env.stdout ?? process.stdout;
  // One ordered stream for our lines and the core's log; held while frozen when it is a file.
  const lines = new StderrLines(env.stderr ?? process.stderr, env.stderr === undefined && stderrIsFile());
  const say = (text: string): void => lines.write(`freezeframe backup: ${text}\n`);
  const args = parseBackupArgs(argv);
  if (args.kind === 'help') {
    await write(stdout, `${BACKUP_USAGE}\n\n${whereThingsAre(env.defaultConfigDir ?? defaultConfigDir())}\n`);
    return EXIT.ok;
  }
  if (args.kind === 'error') {
    say(args.message);
    return EXIT.usage;
  }

  const euid = process.geteuid?.() ?? -1;
  const configDir = args.configDir ?? env.defaultConfigDir ?? defaultConfigDir();
  let plan;
  try {
    plan = await readPlanFile(args.planFile, euid);
    // As root, the config dir's run markers make root remove the partial files they name: it must be root's alone.
    if (euid === 0) await checkRootConfigDir(configDir);
  } catch (error) {
    const { code, message } = toErrorShape(error).shape;
    say(`${code}: ${message}`);
    return EXIT.usage;
  }
  const interactive = env.interactive ?? (process.stdin.isTTY === true && process.stderr.isTTY === true);
  if (plan.method === 'manual' && !interactive) {
    say(`OPERATOR_REQUIRED: ${ERROR_MESSAGES.OPERATOR_REQUIRED}`);
    return EXIT.usage;
  }

  // From here on a signal is a cancel: the CLI ends within a second, thawed first.
  let signalled: NodeJS.Signals | undefined;
  let runId: string | undefined;
  const started: { core?: Core } = {};
  let cutOff: () => void = () => undefined;
  const cutOffAt = new Promise<'cut-off'>((resolve) => (cutOff = () => resolve('cut-off')));
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signalled) return;
    signalled = signal;
    say(`${signal}: cancelling (thawing first)...`);
    if (started.core && runId) void started.core.dispatch('backup.cancel', { runId });
    setTimeout(cutOff, SIGNAL_GRACE_MS);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const core = await createCore({
    frontDoor: 'cli',
    appVersion: env.appVersion,
    helperPath: env.helperPath,
    development: env.development,
    ...(env.helperSource && { helperSource: env.helperSource }),
    appDataDirs: [configDir],
    configDir,
    logSink: lines.logSink(),
  });
  started.core = core;
  lines.watchFreezes(() => core.frozenCount() > 0);
  const printProgress = progressPrinter(say);
  const confirm = (id: string, notes: string | undefined) => core.dispatch('backup.confirmSnapshot', notes === undefined ? { runId: id } : { runId: id, notes });
  const operator = plan.method === 'manual' ? new OperatorPrompt(env.stdin ?? process.stdin, say, confirm) : undefined;
  const unsubscribe = core.subscribe((event, payload) => {
    lines.flushIfThawed();
    printProgress(event, payload);
    if (event === 'backup.progress') operator?.onProgress(payload as BackupRunState);
  });
  try {
    if (signalled) return exitForSignal(signalled);
    const outcome = await Promise.race([
      runPlan(core, plan, say, (id) => {
        runId = id;
        if (signalled) void core.dispatch('backup.cancel', { runId: id });
      }).then((report) => ({ report })),
      cutOffAt,
    ]);
    if (outcome === 'cut-off') {
      // Its commands get SIGTERM as this process goes (parent-death signal), which they may ignore: SIGKILL now.
      const killed = killAllCommands();
      say(`${signalled}: the run did not end within ${SIGNAL_GRACE_MS} ms: exiting now${killed ? `; ${killed} command(s) it ran were killed` : ''}. The helper thaws what it held as this process goes; the next start reports the run as interrupted.`);
      return exitForSignal(signalled!);
    }
    const { report } = outcome;
    if (!report) return signalled ? exitForSignal(signalled) : EXIT.failed;
    const exported = await call<{ text: string }>(core, 'reports.export', { runId: report.runId, format: args.json ? 'json' : 'markdown' });
    await write(stdout, exported.text.endsWith('\n') ? exported.text : `${exported.text}\n`);
    for (const v of report.verification) if (v.note) say(`verify: ${v.mountpoint}: ${v.note}`);
    say(`${report.outcome}, snapshot ${report.trustworthy ? 'trustworthy' : 'untrustworthy'}; report ${report.runId} saved in ${configDir}/reports`);
    if (signalled) return exitForSignal(signalled);
    return report.outcome === 'succeeded' && report.trustworthy ? EXIT.ok : EXIT.failed;
  } catch (error) {
    const { code, message } = toErrorShape(error).shape;
    say(`${code}: ${message}`);
    return signalled ? exitForSignal(signalled) : EXIT.failed;
  } finally {
    operator?.close();
    unsubscribe();
    // After a signal, the shutdown (thaw all, stop the helper) gets what is left of the second; exiting closes the helper's
    // connection, and it thaws what it held anyway.
    await Promise.race([core.shutdown(), cutOffAt.then(() => delay(SHUTDOWN_AFTER_SIGNAL_MS))]);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    // Lines held while frozen go out now, unless something is still frozen (a write to it would keep this process from exiting).
    if (core.frozenCount() === 0) {
      lines.watchFreezes(() => false);
      await lines.drain();
    }
  }
}

/** For --help: this user's config dir, and what is kept in it. */
function whereThingsAre(configDir: string): string {
  return `Here: the Backups view saves its plans in ${join(configDir, 'plans')} (a --plan file
is run as it is and not copied there); reports, the CLI's too, are in ${join(configDir, 'reports')}.`;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function stderrIsFile(): boolean {
  try {
    return fstatSync(2).isFile();
  } catch {
    return false;
  }
}

/** Pre-flight, start, and wait for the run's end; undefined when it could not start. */
async function runPlan(core: Core, plan: Awaited<ReturnType<typeof readPlanFile>>, say: (text: string) => void, started: (runId: string) => void): Promise<BackupReport | undefined> {
  const preflight = await call<Preflight>(core, 'backup.preflight', { plan });
  for (const warning of preflight.warnings) say(`warning: ${warning}`);
  if (preflight.blockers.length) {
    for (const blocker of preflight.blockers) say(`cannot run: ${blocker}`);
    return undefined;
  }
  const finished = new Promise<BackupRunState>((resolve) => {
    const off = core.subscribe((event, payload) => {
      if (event !== 'backup.progress') return;
      const state = payload as BackupRunState;
      if (state.planName === plan.name && ['succeeded', 'failed', 'cancelled'].includes(state.status)) {
        off();
        resolve(state);
      }
    });
  });
  const state = await call<BackupRunState>(core, 'backup.start', { plan, confirmCommands: preflight.commandsDigest });
  started(state.runId);
  const end = await finished;
  return call<BackupReport>(core, 'reports.get', { runId: end.runId });
}

/** One stderr line per phase or status change, and byte progress at most once a second. */
function progressPrinter(say: (text: string) => void): Parameters<Core['subscribe']>[0] {
  let last = '';
  let lastProgressAt = 0;
  return (event, payload) => {
    if (event === 'backup.output') {
      const line = payload as BackupOutputLine;
      say(`[${line.source}${outputTag(line)}] ${line.text}`);
    } else if (event === 'backup.progress') {
      const state = payload as BackupRunState;
      const key = `${state.phase}/${state.status}`;
      if (key !== last) {
        last = key;
        const clocks = [state.holdRemainingMs !== null ? `hold ${(state.holdRemainingMs / 1000).toFixed(1)} s left` : '', state.quiesceRemainingMs !== null ? `quiesce ${(state.quiesceRemainingMs / 1000).toFixed(1)} s left` : '']
          .filter(Boolean)
          .join(', ');
        say(`${state.phase} (${state.status})${clocks ? `; ${clocks}` : ''}${state.error ? `; ${state.error.code}: ${state.error.message}` : ''}`);
      } else if (state.progress && Date.now() - lastProgressAt > 1000) {
        lastProgressAt = Date.now();
        const pct = state.progress.total > 0 ? ` ${Math.floor((100 * state.progress.done) / state.progress.total)}%` : '';
        say(`${state.progress.label}:${pct} (${state.progress.done} of ${state.progress.total} bytes)`);
      }
    }
  };
}

/** After the source, how to read the line: " !" for stderr, unless main knows it is progress, expected, or its own note. */
function outputTag(line: BackupOutputLine): string {
  switch (line.kind) {
    case 'note':
      return ' note';
    case 'expected':
      return ' expected';
    case 'progress':
      return '';
    default:
      return line.stream === 'stderr' ? ' !' : '';
  }
}

async function call<T>(core: Core, method: string, params: unknown): Promise<T> {
  const result: Result<unknown> = await core.dispatch(method, params);
  if (!result.ok) throw Object.assign(new Error(result.error.message), { code: result.error.code });
  return result.value as T;
}

function exitForSignal(signal: NodeJS.Signals): number {
  return signal === 'SIGINT' ? EXIT.sigint : EXIT.sigterm;
}

function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve) => stream.write(text, () => resolve()));
}
