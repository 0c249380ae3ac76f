/**
 * The client of freezeframe-fsops (native-helper/fsops/): the backup
 * engine's folder work by descriptor, run as the user main runs as, with an
 * argv array, never elevated. Node has no openat, renameat or unlinkat, so
 * every step a link planted by another user could redirect goes through
 * it. Each call is one short process: JSON lines on stdout, at most one
 * error line, which becomes a BackupError naming the path and the errno.
 * An abort sends SIGTERM (the tool cleans up and exits 130), SIGKILL
 * after a grace; every call has a time bound.
 */
import { spawn } from 'node:child_process';
import type { ErrorCode } from '../../../../app/errors';
import { BackupError } from '../backup-error';
import { defaultUserTool } from './user-tools';

export type FsopsLine = Record<string, unknown>;

/** The tool's error line (out.h). */
export interface FsopsErrorLine {
  error: 'errno' | 'unsafe' | 'exists' | 'not-ours' | 'changed' | 'input' | 'cancelled' | 'none';
  path: string;
  op?: string;
  errno?: string;
  message?: string;
  why?: string;
  owner?: number;
  mode?: number;
}

export interface FsopsCall {
  /** Records for the tool's stdin (runFsops writes them and closes it). */
  input?: Buffer[];
  signal?: AbortSignal;
  /** The bound of the whole call. */
  timeoutMs?: number;
  onLine?(line: FsopsLine): void;
  /** What the call is for, in the error when it could not even run. */
  what: string;
  /** The error code of a failure that is not a known class (EXPORT_FAILED, SNAPSHOT_FAILED...). */
  fallback: ErrorCode;
  toolPath?: string;
}

export interface FsopsRun {
  /** The last {"ok":true,...} line. */
  ok: FsopsLine;
  lines: FsopsLine[];
}

const KILL_GRACE_MS = 2000;
const DEFAULT_TIMEOUT_MS = 60_000;
const STDERR_TAIL_CHARS = 2000;

/** A running tool: more stdin records (an export session), then end() closes its stdin. */
export interface FsopsProcess {
  write(records: Buffer[]): void;
  end(): void;
  done: Promise<FsopsRun>;
}

/** Start the tool; `done` settles when it exits (a BackupError when it failed). */
export function startFsops(args: readonly string[], call: FsopsCall): FsopsProcess {
  const location = call.toolPath ? { toolPath: call.toolPath, found: true } : defaultUserTool('freezeframe-fsops');
  if (!location.found) {
    const error = new BackupError(call.fallback, `The folder tool is not installed (looked for ${location.toolPath}); run make -C native-helper.`);
    return { write: () => undefined, end: () => undefined, done: Promise.reject(error) };
  }
  if (call.signal?.aborted) return { write: () => undefined, end: () => undefined, done: Promise.reject(new BackupError('CANCELLED', `Cancelled before ${call.what}.`)) };
  const child = spawn(location.toolPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: FsopsLine[] = [];
  let ok: FsopsLine | undefined;
  let failure: FsopsErrorLine | undefined;
  let pending = '';
  let stderr = '';
  let spawnError: NodeJS.ErrnoException | undefined;
  let timedOut = false;
  let killTimer: NodeJS.Timeout | undefined;

  child.stdin.on('error', () => undefined); // EPIPE when it ended early
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    const parts = (pending + chunk).split('\n');
    pending = parts.pop()!;
    for (const text of parts) {
      const line = parseLine(text);
      if (!line) continue;
      if ('error' in line) failure ??= line as unknown as FsopsErrorLine;
      else if (line.ok === true) ok = line;
      else lines.push(line);
      call.onLine?.(line);
    }
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS)));
  child.once('error', (error: NodeJS.ErrnoException) => (spawnError = error));
  const stop = (): void => {
    child.kill('SIGTERM');
    killTimer ??= setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
  };
  const timer = setTimeout(() => {
    timedOut = true;
    stop();
  }, call.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  call.signal?.addEventListener('abort', stop, { once: true });

  const done = new Promise<FsopsRun>((resolve, reject) => {
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      call.signal?.removeEventListener('abort', stop);
      if (spawnError) return reject(new BackupError(call.fallback, `Could not start ${location.toolPath} for ${call.what}: ${spawnError.code ?? spawnError.message}.`));
      if (code === 0 && ok) return resolve({ ok, lines });
      if (timedOut) return reject(new BackupError(call.fallback, `${call.what} did not finish within ${Math.round((call.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000)} s (a hung or frozen filesystem?): it was stopped.`));
      if (call.signal?.aborted || failure?.error === 'cancelled') return reject(new BackupError('CANCELLED', `Cancelled during ${call.what}.`));
      if (failure) return reject(fsopsError(failure, call.fallback));
      reject(new BackupError(call.fallback, `${call.what} failed: the folder tool ${signal ? `was killed by ${signal}` : `exited ${code}`} without saying why.`, stderr.trim() || undefined));
    });
  });
  return {
    write: (records) => {
      for (const record of records) child.stdin.write(record);
    },
    end: () => child.stdin.end(),
    done,
  };
}

/** One call with all its input up front. */
export async function runFsops(args: readonly string[], call: FsopsCall): Promise<FsopsRun> {
  const process = startFsops(args, call);
  process.write(call.input ?? []);
  process.end();
  return process.done;
}

function parseLine(text: string): FsopsLine | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as FsopsLine) : undefined;
  } catch {
    return undefined;
  }
}

const OP_WORDS: Record<string, string> = {
  mkdir: 'Cannot create the folder',
  create: 'Cannot create',
  write: 'Cannot write to',
  open: 'Cannot open',
  stat: 'Cannot look at',
  readlink: 'Cannot read the link',
  readdir: 'Cannot read the folder',
  read: 'Cannot read',
  rename: 'Cannot rename the finished export to',
  fsync: 'Cannot flush',
  truncate: 'Cannot size',
  close: 'Cannot finish writing',
  unlink: 'Cannot remove',
  rmdir: 'Cannot remove the folder',
  remove: 'Cannot remove',
  statvfs: 'Cannot measure the free space of',
  BTRFS_IOC_SNAP_CREATE_V2: 'Cannot take the btrfs snapshot',
  BTRFS_IOC_SNAP_DESTROY_V2: 'Cannot delete the btrfs snapshot',
  BTRFS_IOC_SNAP_DESTROY: 'Cannot delete the btrfs snapshot',
  BTRFS_IOC_INO_LOOKUP: 'Cannot read the subvolume id of',
};

/** What an errno means, in words, with its name: "the filesystem is read-only (EROFS)". */
export function errnoWords(errno: string | undefined, op: string | undefined, message?: string): string {
  switch (errno) {
    case 'EROFS':
      return 'the filesystem is read-only (EROFS)';
    case 'EACCES':
      return 'permission denied (EACCES)';
    case 'EPERM':
      return 'the operation is not permitted (EPERM)';
    case 'ENOSPC':
      return 'no space is left on the filesystem (ENOSPC)';
    case 'EDQUOT':
      return 'the disk quota is used up (EDQUOT)';
    case 'ENOENT':
      return op === 'mkdir' ? 'this filesystem does not let a folder be created there (ENOENT)' : 'it does not exist (ENOENT)';
    case 'ENOTDIR':
      return 'a part of the path is not a folder (ENOTDIR)';
    case 'ELOOP':
      return 'too many symbolic links on the way (ELOOP)';
    case 'EXDEV':
      return 'it is on another filesystem (EXDEV)';
    case 'ENAMETOOLONG':
      return 'the name is too long (ENAMETOOLONG)';
    case 'EIO':
      return 'an I/O error (EIO)';
    default:
      return `${message ?? 'it failed'} (${errno ?? 'unknown errno'})`;
  }
}

function codeForErrno(errno: string | undefined, fallback: ErrorCode): ErrorCode {
  if (errno === 'ENOSPC' || errno === 'EDQUOT') return 'DESTINATION_FULL';
  if (errno === 'EACCES' || errno === 'EPERM') return 'ACCESS_DENIED';
  return fallback;
}

/** The words for a folder another user can change. */
export function unsafeWords(line: Pick<FsopsErrorLine, 'path' | 'why' | 'owner' | 'mode'>): string {
  const mode = line.mode === undefined ? '' : `, mode ${line.mode.toString(8)}`;
  const how = line.why === 'owner' ? `is owned by uid ${line.owner}, not by root${process.geteuid?.() === 0 ? '' : ' or you'}` : `is writable by ${line.why === 'everyone' ? 'everyone' : 'its group'}${mode}`;
  return `${line.path} ${how}: another user could swap what this run writes or removes there. Use a folder that ${process.geteuid?.() === 0 ? 'only root' : 'only you (or root)'} can change, below folders that only root can change.`;
}

/** The detail of a "not what this plan made" refusal starts with this; the reason follows. */
export const NOT_OURS = 'not-ours: ';

export function fsopsError(line: FsopsErrorLine, fallback: ErrorCode): BackupError {
  switch (line.error) {
    case 'unsafe':
      return new BackupError('FOLDER_UNSAFE', unsafeWords(line), line.path);
    case 'errno':
      return new BackupError(codeForErrno(line.errno, fallback), `${OP_WORDS[line.op ?? ''] ?? `Cannot ${line.op ?? 'use'}`} ${line.path}: ${errnoWords(line.errno, line.op, line.message)}.`, line.errno);
    case 'exists':
      return new BackupError(fallback, `${line.path} already exists${line.why ? `: ${line.why}` : ''}.`, 'EEXIST');
    case 'not-ours':
      return new BackupError(fallback, `${line.path} is not what this plan made (${line.why ?? 'unknown'}): it was left alone.`, `${NOT_OURS}${line.why ?? ''}`);
    case 'changed':
      return new BackupError(fallback, `${line.path} changed while it was being checked: something else is changing that folder right now.`);
    case 'cancelled':
      return new BackupError('CANCELLED', `Cancelled at ${line.path}.`);
    case 'input':
    case 'none':
    default:
      return new BackupError('INTERNAL', `The folder tool refused its request (${line.path}: ${line.why ?? 'no reason'}).`);
  }
}
