/**
 * What the front doors (main/electron, main/web) get from main/core: one
 * dispatch for every contract method, one event stream, and a shutdown.
 * Both adapters are thin: they move bytes and check who is calling; the
 * core validates parameters (app/schemas.ts) and does the work.
 */
import type { Preflight } from '../../app/backup';
import type { ContractEvents, EventName, Result } from '../../app/contract';
import type { WebSessionInfo } from '../../app/domain';
import type { HelperClient } from '../helper/client';
import type { LogSink } from './log-buffer';

export type CoreEventListener = <E extends EventName>(event: E, payload: ContractEvents[E]) => void;

/** Who is calling, where a front door knows more than "this window" (the web mode: which browser session). */
export interface CallerContext {
  sessionId?: string;
}

/** The web mode's sessions, as sessions.list and sessions.revoke see them (main/web/sessions.ts). */
export interface SessionDirectory {
  list(currentId?: string): WebSessionInfo[];
  revoke(id: string): boolean;
}

export interface Core {
  /** Validates `params` for `method` and runs it. Never throws: failures are Results. */
  dispatch(method: string, params: unknown, caller?: CallerContext): Promise<Result<unknown>>;
  subscribe(listener: CoreEventListener): () => void;
  /** Filesystems this app holds frozen now (tray badge, quit prompt). */
  frozenCount(): number;
  /** Thaw all this app holds and stop the helper (quit). */
  shutdown(): Promise<void>;
}

export interface CoreOptions {
  /** 'cli': `npm run backup` / `freezeframe backup`, headless. */
  frontDoor: 'electron' | 'web' | 'cli';
  appVersion: string;
  /** Absolute path of the helper binary main found (never user input). */
  helperPath: string;
  /** A development build: the helper comes from the source tree. */
  development: boolean;
  /** Where the helper was found (About box); defaults from `development`. */
  helperSource?: 'package' | 'appimage' | 'development';
  pkexecPath?: string;
  /** Directories of the app's own profile, config and logs (danger marks). */
  appDataDirs: string[];
  /** The web mode, started with sudo, spawns the helper before dropping privileges. */
  preStartedHelper?: HelperClient;
  helperLimits?: { leaseMs?: number; maxTimeoutMs?: number; maxHoldMs?: number };
  electronVersion?: string;
  /** Where the core appends its log (asynchronously, never while anything is frozen); stderr when absent. */
  logFile?: string;
  /** Instead of logFile or stderr: the command line's stderr, which keeps the core's lines in order with its own. */
  logSink?: LogSink;
  /**
   * The user's config dir: backup plans, reports, approved commands
   * (Electron: userData; web and CLI: $XDG_CONFIG_HOME/freezeframe or
   * ~/.config/freezeframe). Defaults to the latter.
   */
  configDir?: string;
  /**
   * Main's own confirmation of a plan's commands, in a UI the renderer can
   * neither draw nor answer (Electron: a native dialog). When present,
   * backup.start runs new or changed commands only once this resolved true:
   * the digest the renderer passes back is not enough. Absent (web mode,
   * CLI), that digest is the confirmation.
   */
  confirmCommands?(request: CommandsConfirmationRequest): Promise<boolean>;
  /** The web mode's sessions (none in the other front doors: sessions.list is empty there). */
  sessions?: SessionDirectory;
}

/** What the user is asked to approve: the plan, and each command exactly as it will run. */
export interface CommandsConfirmationRequest {
  planName: string;
  commands: Preflight['commands'];
}
