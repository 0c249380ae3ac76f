/**
 * Owns the helper process for the core: starts it on first need (an action
 * the user asked for, or helper.start; never a background task), starts it
 * again on the next action after it died, and says in HelperStatus what
 * happened in words the user can act on.
 */
import type { HelperStatus } from '../../../app/domain';
import type { ErrorCode } from '../../../app/errors';
import type { HelperExit } from '../../helper/client';
import { HelperError } from '../../helper/helper-error';
import type * as p from '../../helper/protocol';

/** What the core needs of a helper; main/helper/client.ts HelperClient is one. */
export interface HelperConnection {
  readonly hello: p.Hello;
  readonly mode: 'direct' | 'pkexec';
  readonly pid: number | undefined;
  readonly running: boolean;
  onEvent(listener: (event: p.HelperEvent) => void): () => void;
  onExit(listener: (exit: HelperExit) => void): () => void;
  freeze(path: string, timeoutMs: number, opts?: { mountId?: number; allowUnsafe?: boolean }): Promise<p.FreezeResult>;
  thaw(target: p.MountTarget, opts?: { force?: boolean }): Promise<p.ThawResult>;
  thawAll(): Promise<p.ThawAllResult>;
  extend(target: p.MountTarget, timeoutMs: number): Promise<p.ExtendResult>;
  status(): Promise<p.StatusResult>;
  probe(path: string): Promise<p.ProbeResult>;
  writers(path: string): Promise<p.WritersResult>;
  close(timeoutMs?: number): Promise<HelperExit>;
}

export type HelperStarter = () => Promise<HelperConnection>;

export interface HelperSupervisorOptions {
  start: HelperStarter;
  /** How a start will run: pkexec means a human is asked for a password. */
  expectedMode: 'direct' | 'pkexec';
  helperPath: string;
  /** Already running (the web mode under sudo starts it before dropping privileges). */
  preStarted?: HelperConnection;
  now?: () => number;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

const GUIDANCE = {
  'not-started': 'The freeze helper starts when you first freeze, thaw or probe.',
  starting: 'Starting the freeze helper…',
  authenticating: 'Asking for administrator authentication to start the freeze helper: answer the system dialog (or the terminal prompt).',
  running: 'The freeze helper is running.',
  dismissed: 'Authentication was dismissed, so nothing can be frozen or thawed. Your next action asks again.',
  'not-authorized': 'You are not allowed to freeze filesystems here: polkit refused. Ask an administrator, or check that the helper is installed where its polkit policy says.',
  'pkexec-missing': 'pkexec (polkit) is not installed, so the app cannot ask for administrator rights. Install polkit, or start the app as root.',
  'helper-missing': 'The freeze helper is not installed where the app looks for it. Reinstall the app (or build the helper: npm run build:helper).',
  failed: 'The freeze helper could not be started.',
} as const;

export class HelperSupervisor {
  private connection: HelperConnection | undefined;
  private starting: Promise<HelperConnection> | undefined;
  private closing = false;
  private current: HelperStatus;
  private readonly statusListeners = new Set<(status: HelperStatus) => void>();
  private readonly eventListeners = new Set<(event: p.HelperEvent) => void>();
  private readonly attachListeners = new Set<(connection: HelperConnection) => void>();
  private readonly exitListeners = new Set<(exit: HelperExit, wasRunning: HelperConnection) => void>();
  private readonly log: NonNullable<HelperSupervisorOptions['log']>;

  constructor(private readonly options: HelperSupervisorOptions) {
    this.log = options.log ?? (() => undefined);
    this.current = { state: 'not-started', message: GUIDANCE['not-started'], helperPath: options.helperPath };
    if (options.preStarted?.running) this.attach(options.preStarted);
  }

  status(): HelperStatus {
    return this.current;
  }

  /** The running helper, if any. Background work uses this: it never starts one. */
  running(): HelperConnection | undefined {
    return this.connection?.running ? this.connection : undefined;
  }

  onStatus(listener: (status: HelperStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** Events of whichever helper is running now. */
  onEvent(listener: (event: p.HelperEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  /** A helper came up (to reconcile state with its status). */
  onAttach(listener: (connection: HelperConnection) => void): () => void {
    this.attachListeners.add(listener);
    return () => this.attachListeners.delete(listener);
  }

  onExit(listener: (exit: HelperExit, connection: HelperConnection) => void): () => void {
    this.exitListeners.add(listener);
    return () => this.exitListeners.delete(listener);
  }

  /** The running helper, started (or restarted) if need be. Throws a HelperError on failure. */
  ensure(): Promise<HelperConnection> {
    const running = this.running();
    if (running) return Promise.resolve(running);
    if (this.closing) return Promise.reject(new HelperError('HELPER_NOT_RUNNING', 'The app is shutting down.'));
    this.starting ??= this.launch().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  /** helper.start: start now when not running; the status says how it went. */
  async startNow(): Promise<HelperStatus> {
    try {
      await this.ensure();
    } catch {
      // The status carries the failure and its guidance.
    }
    return this.current;
  }

  /** Close the helper's stdin: it thaws all it holds and exits. */
  async shutdown(): Promise<void> {
    this.closing = true;
    const connection = this.running() ?? (await this.starting?.catch(() => undefined));
    if (connection?.running) await connection.close();
  }

  private async launch(): Promise<HelperConnection> {
    const mode = this.options.expectedMode;
    this.setStatus(mode === 'pkexec' ? { state: 'authenticating', message: GUIDANCE.authenticating, mode } : { state: 'starting', message: GUIDANCE.starting, mode });
    let connection: HelperConnection;
    try {
      connection = await this.options.start();
    } catch (error) {
      const failure = error instanceof HelperError ? error : new HelperError('HELPER_SPAWN_FAILED', `Could not start the freeze helper: ${String(error)}`);
      this.setStatus(failedStatus(failure.code, failure.message), mode);
      this.log('warn', `helper: start failed (${failure.code}): ${failure.message}`);
      throw failure;
    }
    if (this.closing) {
      await connection.close();
      throw new HelperError('HELPER_NOT_RUNNING', 'The app is shutting down.');
    }
    this.attach(connection);
    return connection;
  }

  private attach(connection: HelperConnection): void {
    this.connection = connection;
    const { hello } = connection;
    this.log('info', `helper: running, pid ${hello.pid}, guardian ${hello.guardianPid}, ${connection.mode}, version ${hello.helperVersion}`);
    this.setStatus({
      state: 'running',
      message: GUIDANCE.running,
      pid: hello.pid,
      guardianPid: hello.guardianPid,
      mode: connection.mode,
      helperVersion: hello.helperVersion,
      leaseMs: hello.leaseMs,
      maxTimeoutMs: hello.maxTimeoutMs,
      maxHoldMs: hello.maxHoldMs,
    });
    const offEvent = connection.onEvent((event) => {
      if (event.event === 'guardian-restarted') {
        this.log('warn', `helper: the guardian died and was replaced (pid ${event.guardianPid})`);
        this.setStatus({ ...this.current, guardianPid: event.guardianPid });
      }
      for (const listener of this.eventListeners) listener(event);
    });
    const offExit = connection.onExit((exit) => {
      offEvent();
      offExit();
      if (this.connection === connection) this.connection = undefined;
      const how = exit.signal ? `was killed by ${exit.signal}` : `exited with status ${exit.code}`;
      this.log(this.closing ? 'info' : 'error', `helper: ${how}${exit.stderrTail.trim() ? `: ${exit.stderrTail.trim().slice(-500)}` : ''}`);
      this.setStatus(
        this.closing
          ? { state: 'not-started', message: 'The freeze helper was stopped.' }
          : {
              state: 'exited',
              message: `The freeze helper ${how}. Its guardian thawed everything it held. It starts again with your next action.`,
              exitedAt: (this.options.now ?? Date.now)(),
              exitCode: exit.code,
              exitSignal: exit.signal,
            },
      );
      for (const listener of this.exitListeners) listener(exit, connection);
    });
    for (const listener of this.attachListeners) listener(connection);
  }

  private setStatus(status: HelperStatus, mode?: 'direct' | 'pkexec'): void {
    this.current = { ...status, helperPath: this.options.helperPath, ...(mode && !status.mode && { mode }) };
    for (const listener of this.statusListeners) listener(this.current);
  }
}

function failedStatus(code: ErrorCode, message: string): HelperStatus {
  switch (code) {
    case 'AUTH_DISMISSED':
      return { state: 'dismissed', message: GUIDANCE.dismissed };
    case 'NOT_AUTHORIZED':
      return { state: 'not-authorized', message: `${GUIDANCE['not-authorized']} (${message})` };
    case 'PKEXEC_MISSING':
      return { state: 'pkexec-missing', message: GUIDANCE['pkexec-missing'] };
    case 'HELPER_MISSING':
      return { state: 'helper-missing', message: `${GUIDANCE['helper-missing']} (${message})` };
    default:
      return { state: 'failed', message: `${GUIDANCE.failed} ${message}` };
  }
}
