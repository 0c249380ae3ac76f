/**
 * The image-clone method's copier: freezeframe-clone (native-helper/clone/),
 * run as the user with an argv array, never elevated. It reflinks where the
 * snapshot folder shares the backing file's filesystem and that filesystem
 * can share extents (xfs, btrfs), else copies the data extents sparsely. It
 * never overwrites, never fsyncs (the copy runs inside the hold window; the
 * engine syncs after the thaw), and removes its half-written target on
 * SIGTERM, which is how a cancel reaches it.
 */
import { spawn } from 'node:child_process';
import { lstat, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { realFileChecks, type FileChecks } from '../../../helper/helper-path';
import { BackupError } from '../backup-error';
import { appImageToolPath, defaultUserTool, installedToolPath, locateUserTool, type ToolLocation } from './user-tools';

export type ReflinkMode = 'auto' | 'always' | 'never';

export const INSTALLED_CLONE_TOOL_PATH = installedToolPath('freezeframe-clone');
export const APPIMAGE_CLONE_TOOL_PATH = appImageToolPath('freezeframe-clone');

/** The tool's exit codes (native-helper/clone/copy.h). */
const CLONE_EXIT = { ok: 0, usage: 2, noSpace: 3, access: 4, io: 5, noReflink: 6, cancelled: 130 } as const;

/** SIGTERM lets the tool remove its target; SIGKILL only if it ignores that this long. */
const KILL_GRACE_MS = 5000;
const STDERR_TAIL_CHARS = 2000;

export type CloneToolLocation = ToolLocation;

/** Where freezeframe-clone is (user-tools.ts). */
export function locateCloneTool(startDir: string, checks: FileChecks = realFileChecks, options: { packaged?: boolean; resourcesDir?: string } = {}): CloneToolLocation {
  return locateUserTool('freezeframe-clone', startDir, checks, options);
}

function defaultTool(): CloneToolLocation {
  return defaultUserTool('freezeframe-clone');
}

export interface CloneOptions {
  source: string;
  target: string;
  reflink: ReflinkMode;
  signal?: AbortSignal;
  onProgress?(done: number, total: number): void;
  /** The tool to run; found with locateCloneTool from this module's directory when absent. */
  toolPath?: string;
}

export interface CloneResult {
  bytes: number;
  allocatedBytes: number;
  reflinked: boolean;
  ms: number;
}

interface FinalLine {
  done: number;
  total: number;
  allocated: number;
  reflinked: boolean;
}

/** One stdout line of the tool: progress, or the final summary. */
export function parseCloneLine(line: string): { done: number; total: number } | FinalLine | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (!Number.isSafeInteger(v.done) || !Number.isSafeInteger(v.total)) return undefined;
  if (v.allocated === undefined && v.reflinked === undefined) return { done: v.done as number, total: v.total as number };
  if (!Number.isSafeInteger(v.allocated) || typeof v.reflinked !== 'boolean') return undefined;
  return { done: v.done as number, total: v.total as number, allocated: v.allocated as number, reflinked: v.reflinked };
}

/** The error for a tool exit that is not success. */
export function cloneExitError(code: number | null, signal: string | null, stderr: string, opts: { source: string; target: string; reflink: ReflinkMode }): BackupError {
  const why = stderr.trim().split('\n').pop() ?? '';
  const detail = stderr.trim() || undefined;
  switch (code) {
    case CLONE_EXIT.noSpace:
      return new BackupError('DESTINATION_FULL', `No space left to clone ${opts.source} to ${opts.target}.`, detail);
    case CLONE_EXIT.access:
      return new BackupError('ACCESS_DENIED', `You may not clone ${opts.source} to ${opts.target} (${why}). Use the command method, which may use sudo itself.`, detail);
    case CLONE_EXIT.noReflink:
      return new BackupError('SNAPSHOT_FAILED', `${opts.target} cannot share the extents of ${opts.source}, and the plan says reflink "always": use a snapshot folder on the same xfs or btrfs filesystem, or allow copying.`, detail);
    case CLONE_EXIT.cancelled:
      return new BackupError('CANCELLED', `The clone of ${opts.source} was stopped; ${opts.target} was removed.`, detail);
    default:
      return new BackupError('SNAPSHOT_FAILED', `Cloning ${opts.source} failed: ${why || (signal ? `killed by ${signal}` : `exit ${code}`)}.`, detail);
  }
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

/**
 * Clone `source` to the new file `target`. Resolves when the tool exits 0;
 * an abort sends SIGTERM, and the tool removes the target before it exits.
 */
export async function cloneFile(opts: CloneOptions): Promise<CloneResult> {
  const location = opts.toolPath ? { toolPath: opts.toolPath, found: true } : defaultTool();
  if (!location.found) throw new BackupError('SNAPSHOT_FAILED', `The clone tool is not installed (looked for ${location.toolPath}); run make -C native-helper.`);
  if (opts.signal?.aborted) throw new BackupError('CANCELLED', `Cancelled before cloning ${opts.source}.`);
  // Only a target the tool created may be removed here (after a SIGKILL): never one that was there before.
  const preexisting = await exists(opts.target);
  const started = performance.now();
  const child = spawn(location.toolPath, [`--reflink=${opts.reflink}`, '--', opts.source, opts.target], { stdio: ['ignore', 'pipe', 'pipe'] });

  let final: FinalLine | undefined;
  let stderr = '';
  let pending = '';
  let spawnError: NodeJS.ErrnoException | undefined;
  let killTimer: NodeJS.Timeout | undefined;
  let killed = false;
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      const parsed = parseCloneLine(line);
      if (!parsed) continue;
      if ('reflinked' in parsed) final = parsed;
      opts.onProgress?.(parsed.done, parsed.total);
    }
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS);
  });
  const onAbort = (): void => {
    child.kill('SIGTERM');
    killTimer ??= setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, KILL_GRACE_MS);
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  child.once('error', (error: NodeJS.ErrnoException) => {
    spawnError = error;
  });

  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('close', (c, s) => resolve([c, s])));
  opts.signal?.removeEventListener('abort', onAbort);
  if (killTimer) clearTimeout(killTimer);
  const ms = Math.round(performance.now() - started);

  if (spawnError) throw new BackupError('SNAPSHOT_FAILED', `Could not start ${location.toolPath}: ${spawnError.code ?? spawnError.message}.`);
  if (killed && !preexisting) await rm(opts.target, { force: true }).catch(() => undefined);
  if (code === CLONE_EXIT.ok && final) return { bytes: final.total, allocatedBytes: final.allocated, reflinked: final.reflinked, ms };
  if (opts.signal?.aborted) throw new BackupError('CANCELLED', `The clone of ${opts.source} was cancelled; ${opts.target} was removed.`, stderr.trim() || undefined);
  if (code === CLONE_EXIT.ok) throw new BackupError('SNAPSHOT_FAILED', `The clone tool exited without its summary line.`, stderr.trim() || undefined);
  throw cloneExitError(code, signal, stderr, opts);
}

/**
 * Can a clone of `source` in `targetDir` share its extents? A real trial:
 * the tool reflinks the first 64 KiB into a new file there and removes it.
 * Errors other than "cannot share" (no access, no space) are thrown.
 */
export async function probeReflink(source: string, targetDir: string, toolPath?: string): Promise<boolean> {
  const location = toolPath ? { toolPath, found: true } : defaultTool();
  if (!location.found) throw new BackupError('SNAPSHOT_FAILED', `The clone tool is not installed (looked for ${location.toolPath}).`);
  const trial = join(targetDir, `.freezeframe-reflink-probe-${process.pid}-${randomBytes(4).toString('hex')}`);
  const child = spawn(location.toolPath, ['--probe', '--', source, trial], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  let spawnError: Error | undefined;
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS)));
  child.once('error', (error) => (spawnError = error));
  const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.once('close', (c, s) => resolve([c, s])));
  if (spawnError) throw new BackupError('SNAPSHOT_FAILED', `Could not start ${location.toolPath}: ${spawnError.message}.`);
  if (code === CLONE_EXIT.ok) return true;
  if (code === CLONE_EXIT.noReflink) return false;
  throw cloneExitError(code, signal, stderr, { source, target: trial, reflink: 'always' });
}

/** Bytes the file occupies on disk (st_blocks * 512): what a sparse copy reads and writes. */
export async function allocatedBytes(path: string): Promise<number> {
  return (await stat(path)).blocks * 512;
}

/**
 * Throughput assumed for a copy inside the hold window: 150 MiB/s, below
 * what `npm run bench` measures for freezeframe-clone cold from the page
 * cache's backing disk on this class of machine (a virtual disk, two
 * shared cores), so the warning comes early rather than late. A reflink
 * only writes metadata: a small constant, whatever the size.
 */
const ASSUMED_COPY_BYTES_PER_MS = (150 * 1024 * 1024) / 1000;
const ASSUMED_REFLINK_MS = 100;
const SPAWN_OVERHEAD_MS = 20;

export function estimateCopyMs(allocated: number, reflink: boolean): number {
  if (reflink) return ASSUMED_REFLINK_MS;
  return Math.ceil(SPAWN_OVERHEAD_MS + Math.max(0, allocated) / ASSUMED_COPY_BYTES_PER_MS);
}
