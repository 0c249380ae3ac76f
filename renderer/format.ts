/**
 * Pure formatting and the countdown arithmetic. The countdown runs on the
 * renderer's monotonic clock (performance.now()): the helper says how many
 * milliseconds were left when it sent the row, and the renderer notes when
 * that arrived. Wall-clock epochs from main (frozenAt, ...) are for display
 * only, since the browser may run on another machine with another time.
 */
import type { DangerKind, FreezeState, ThawCause } from '../app/domain';

/** The moment, on this renderer's monotonic clock, of the auto-thaw. */
export function deadlineFrom(receivedAt: number, remainingMs: number): number {
  return receivedAt + Math.max(0, remainingMs);
}

export function remainingAt(deadlineAt: number, now: number): number {
  return Math.max(0, deadlineAt - now);
}

/** Whole seconds shown: rounded up, so "0:00" appears exactly at the deadline. */
export function countdownSeconds(remainingMs: number): number {
  return Math.ceil(Math.max(0, remainingMs) / 1000);
}

/** Milliseconds until the displayed second changes (a little late, never early). */
export function msUntilNextSecond(remainingMs: number): number {
  if (remainingMs <= 0) return Infinity;
  const shownSeconds = countdownSeconds(remainingMs);
  return remainingMs - (shownSeconds - 1) * 1000 + 5;
}

/** "0:42", "12:05", "1:02:03". */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = s % 60;
  const ss = String(seconds).padStart(2, '0');
  if (hours > 0) return `${hours}:${String(minutes).padStart(2, '0')}:${ss}`;
  return `${minutes}:${ss}`;
}

/** "42 s", "3 min", "1 h 30 min": for limits and timeouts in prose. */
export function formatSpan(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  const minutes = Math.round(s / 60);
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest ? `${hours} h ${rest} min` : `${hours} h`;
}

/** "1.21 s", "12.3 s": a measured duration, to the hundredth under ten seconds. */
export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

export function formatBytes(bytes: number): string {
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = value >= 100 || unit === 0 ? 0 : 1;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/**
 * "14:03:22": a time of day, local, 24-hour. The one way the app writes a
 * time (shorter in a narrow column, and no AM/PM ambiguity in an audit
 * view); formatDateTime adds the date to it.
 */
export function formatClock(epochMs: number): string {
  const d = new Date(epochMs);
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/** "2026-12-06 14:03:22": a date and time, local, 24-hour, the date as ISO 8601 writes it (no day/month order to guess). */
export function formatDateTime(epochMs: number): string {
  const d = new Date(epochMs);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${formatClock(epochMs)}`;
}

/** The exact text of the state badge (the end-to-end specs match it). */
export const STATE_LABELS: Record<FreezeState, string> = {
  thawed: 'Thawed',
  freezing: 'Freezing',
  frozen: 'Frozen',
  thawing: 'Thawing',
  'frozen-elsewhere': 'Frozen elsewhere',
  unsupported: 'Unsupported',
};

/** Short visible tag beside the danger icon; the full reason comes from main. */
export const DANGER_LABELS: Record<DangerKind, string> = {
  root: 'root fs',
  'app-data': 'app data',
  helper: 'helper',
  tmp: '/tmp',
  var: '/var',
  home: 'home',
  'other-home': 'other home',
};

export const THAW_CAUSE_LABELS: Record<ThawCause, string> = {
  request: 'thawed on request',
  deadline: 'thawed by itself at its deadline',
  'lease-expired': 'thawed: the app stopped answering (lease expired)',
  'client-gone': 'thawed: the app disconnected',
  signal: 'thawed: the helper was signalled',
  'group-rollback': 'thawed: a group freeze was rolled back',
  shutdown: 'thawed at shutdown',
  'protocol-abuse': 'thawed: the helper stopped a misbehaving client',
  'helper-exited': 'thawed by the guardian after the helper exited',
  external: 'thawed by another program',
  'backup-window': 'thawed by its backup run at the run’s deadline (a window ran out)',
};
