/**
 * The app's domain, as the renderer sees it. Main builds these from the
 * mount table and the helper; the renderer only displays them and names
 * mounts back by `id`. No paths travel from the renderer to main.
 */
import type { AppErrorShape } from './errors';

/** The freeze state machine of one filesystem (one superblock). */
export const FREEZE_STATES = ['thawed', 'freezing', 'frozen', 'thawing', 'frozen-elsewhere', 'unsupported'] as const;
export type FreezeState = (typeof FREEZE_STATES)[number];

export const DANGER_KINDS = ['root', 'app-data', 'helper', 'tmp', 'var', 'home', 'other-home'] as const;
export type DangerKind = (typeof DANGER_KINDS)[number];

export interface DangerMark {
  kind: DangerKind;
  /** Why freezing it hurts, in one sentence for the UI. */
  reason: string;
}

export type MountSize =
  | { state: 'pending' }
  | { state: 'ok'; totalBytes: number; usedBytes: number; availableBytes: number }
  | { state: 'not-responding'; sinceMs: number }
  | { state: 'unavailable'; message: string };

export interface BlockedWriter {
  pid: number;
  tid?: number;
  comm: string;
  syscall: string;
  path: string | null;
}

export interface FreezeInfo {
  state: FreezeState;
  /** Epoch ms, for display only. Set while frozen/thawing. */
  frozenAt?: number;
  /**
   * Milliseconds to the auto-thaw, as of the moment main sent this object:
   * the renderer counts down from it on its own monotonic clock.
   */
  remainingMs?: number;
  /** The timeout the freeze (or last extend) asked for. */
  timeoutMs?: number;
  /** Epoch ms when this app learned the filesystem was frozen by someone else. */
  elsewhereSince?: number;
  writers: BlockedWriter[];
  /** The last action's failure on this filesystem, for the row. */
  lastError?: AppErrorShape;
}

export interface MountRow {
  /** Opaque id main gave this mount; the renderer names mounts only by it. */
  id: string;
  mountId: number;
  path: string;
  source: string;
  fsType: string;
  majorMinor: string;
  options: string;
  readOnly: boolean;
  /** proc, sysfs, cgroup, ...: hidden unless the user asks. */
  pseudo: boolean;
  /** The filesystem type supports FIFREEZE (as far as main knows). */
  freezable: boolean;
  size: MountSize;
  /** Ids of the other mounts of the same superblock (bind mounts). */
  bindSiblings: string[];
  danger: DangerMark[];
  freeze: FreezeInfo;
}

export interface MountsSnapshot {
  /** Increases with every change of the table. */
  generation: number;
  mounts: MountRow[];
}

export const HELPER_STATES = [
  'not-started',
  'starting',
  'authenticating',
  'running',
  'dismissed',
  'not-authorized',
  'pkexec-missing',
  'helper-missing',
  'exited',
  'failed',
] as const;
export type HelperStateName = (typeof HELPER_STATES)[number];

export interface HelperStatus {
  state: HelperStateName;
  /** Guidance for the state, in a sentence or two. */
  message?: string;
  pid?: number;
  guardianPid?: number;
  mode?: 'direct' | 'pkexec';
  helperVersion?: string;
  helperPath?: string;
  leaseMs?: number;
  maxTimeoutMs?: number;
  maxHoldMs?: number;
  /** For 'exited': how, and when (epoch ms). */
  exitedAt?: number;
  exitCode?: number | null;
  exitSignal?: string | null;
}

/**
 * Why a freeze window ended: the helper's reasons, plus what only main
 * knows: the helper left (`helper-exited`), something else had thawed it
 * (`external`), or a backup run thawed its group because one of its windows
 * ran out (`backup-window`: the run's deadline, a little before the helper's).
 */
export type ThawCause =
  | 'request'
  | 'deadline'
  | 'lease-expired'
  | 'client-gone'
  | 'signal'
  | 'group-rollback'
  | 'shutdown'
  | 'protocol-abuse'
  | 'helper-exited'
  | 'external'
  | 'backup-window';

/** One freeze window of this session, for the timeline. */
export interface FreezeWindow {
  id: string;
  path: string;
  fsType: string;
  majorMinor: string;
  frozenAt: number;
  /** The timeout the freeze asked for. */
  timeoutMs: number;
  /** Epoch ms of the scheduled auto-thaw: frozenAt + timeoutMs, moved by each Extend. */
  deadlineAt: number;
  /** null while still frozen. */
  thawedAt: number | null;
  heldMs: number | null;
  endedBy: ThawCause | null;
}

export interface Notice {
  level: 'info' | 'warning' | 'error';
  code?: string;
  message: string;
  /** Epoch ms. */
  at: number;
}

export interface AppInfo {
  appVersion: string;
  frontDoor: 'electron' | 'web' | 'cli';
  /** A development build runs the helper from the source tree. */
  development: boolean;
  kernel: string;
  electronVersion?: string;
  nodeVersion: string;
  helperPath: string;
  /** Where the helper came from: an installed package, the AppImage's root-owned install, or a source tree. */
  helperSource: 'package' | 'appimage' | 'development';
  /** Reported by the running helper's greeting (absent until it has run). */
  helperVersion?: string;
  protocolVersion?: number;
  /** Defaults for the Freeze dialog (the helper's own limits win once it runs). */
  defaultTimeoutMs: number;
  maxTimeoutMs: number;
  /** Where backup plans are saved (the Backups view and `freezeframe backup` share it). */
  plansDir: string;
  /** Who main runs as: the user a plan's hooks and commands run as (root when main is root). */
  runsAs: { user: string; uid: number };
}

/** A browser session of the web mode (one per login URL used), as the sessions panel lists it. */
export interface WebSessionInfo {
  id: string;
  createdAt: number;
  lastSeenAt: number;
  userAgent: string;
  /** Open connections (tabs) of it now. */
  connections: number;
  /** The session of the browser asking. */
  current: boolean;
}
