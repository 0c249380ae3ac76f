/**
 * Export a snapshot to a destination folder: the files, a `SHA256SUMS`
 * that `sha256sum -c` checks, and a `manifest.json`. The folder work is
 * freezeframe-fsops's export session (fsops.ts): the destination is
 * reached by descriptor and refused when another user could change it;
 * everything is written into `<dest>/<label>.partial/`, fsynced, and
 * renamed to `<dest>/<label>` only when complete and never over anything,
 * so a folder without `.partial` is always whole. On cancel or failure the
 * partial folder is removed; when even that fails, it keeps its `.partial`
 * name and gets a PARTIAL-DO-NOT-USE note.
 */
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ExportedFile } from '../../../../app/backup';
import { BackupError } from '../backup-error';
import type { ExportResult } from './data-movers';
import { sha256sumLine, throttledProgress } from './export-copy';
import { walkTree, type TreeWalk } from './export-tree-walk';
import { startFsops, type FsopsLine } from './fsops';

export const SUMS_FILE = 'SHA256SUMS';
export const MANIFEST_FILE = 'manifest.json';
export const PARTIAL_SUFFIX = '.partial';
const PARTIAL_NOTE = 'PARTIAL-DO-NOT-USE';
/** An export makes no progress for this long (a hung NFS server, a stalled disk): it is stopped. */
const STALL_MS = 10 * 60_000;

type Progress = (done: number, total: number) => void;

interface ExportCommon {
  destinationDir: string;
  label: string;
  signal?: AbortSignal;
  onProgress?: Progress;
  toolPath?: string;
}

/** A single path component, so the export stays inside its destination. */
function checkName(name: string, what: string): void {
  if (!name || name === '.' || name === '..' || name.includes('/') || name.includes('\0')) {
    throw new BackupError('EXPORT_FAILED', `${what} "${name}" is not a plain file name.`);
  }
}

const record = (...fields: string[]): Buffer => Buffer.from(fields.map((f) => `${f}\0`).join(''), 'utf8');

function textRecord(path: string, text: string): Buffer[] {
  const body = Buffer.from(text, 'utf8');
  return [record('text', path, String(body.length)), body];
}

interface Copy {
  /** Where the tool reads it. */
  source: string;
  /** Relative to the export folder, '/'-separated. */
  path: string;
}

/**
 * One export session: make the partial folder, `dirs` in it, copy each
 * file (hashed in the same pass), add the sums and the manifest, publish.
 */
async function runExport(common: ExportCommon, work: { dirs: string[]; copies: Copy[]; totalBytes: number; manifest: Record<string, unknown> }): Promise<ExportResult> {
  const started = performance.now();
  const { destinationDir, label, signal } = common;
  checkName(label, 'The export label');
  if (signal?.aborted) throw new BackupError('CANCELLED', `Cancelled before exporting ${label}.`);
  const report = throttledProgress(work.totalBytes, common.onProgress);
  const files: Array<ExportedFile | undefined> = [];
  let reported = 0;
  let partialMade = false;
  let partialLeft: string | undefined;
  let stalled: NodeJS.Timeout | undefined;
  const stallStop = new AbortController();
  const watchStall = (): void => {
    clearTimeout(stalled);
    stalled = setTimeout(() => stallStop.abort(), STALL_MS);
  };
  const onAbort = (): void => stallStop.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  watchStall();
  let allCopied: () => void = () => undefined;
  const copied = new Promise<void>((resolve) => (allCopied = resolve));
  if (work.copies.length === 0) allCopied();

  const session = startFsops(['export', destinationDir, label], {
    signal: stallStop.signal,
    // Bounded by its progress (STALL_MS), not by its size: an export of terabytes takes hours.
    timeoutMs: 2 ** 31 - 1,
    what: `the export to ${destinationDir}`,
    fallback: 'EXPORT_FAILED',
    ...(common.toolPath && { toolPath: common.toolPath }),
    onLine: (line: FsopsLine) => {
      watchStall();
      if (typeof line.done === 'number' && line.done > reported) {
        report(line.done - reported);
        reported = line.done;
      }
      if (typeof line.file === 'number' && typeof line.sha256 === 'string' && typeof line.bytes === 'number') {
        files[line.file] = { path: work.copies[line.file]!.path, bytes: line.bytes, sha256: line.sha256 };
        if (line.file === work.copies.length - 1) allCopied();
      }
      if (typeof line.partial === 'string') partialMade = true;
      if (typeof line.partialLeft === 'string') partialLeft = line.partialLeft;
    },
  });
  session.write(work.dirs.map((dir) => record('dir', dir)));
  session.write(work.copies.map((c) => record('file', c.source, c.path)));
  try {
    await Promise.race([copied, session.done]);
    const done = files.filter((f): f is ExportedFile => f !== undefined);
    const bytes = done.reduce((sum, f) => sum + f.bytes, 0);
    if (done.length === work.copies.length) {
      const manifest = { version: 1, label, createdAt: new Date().toISOString(), bytes, files: done, ...work.manifest };
      session.write(textRecord(SUMS_FILE, done.map((f) => sha256sumLine(f.sha256, f.path)).join('')));
      session.write(textRecord(MANIFEST_FILE, `${JSON.stringify(manifest, null, 2)}\n`));
      session.write([record('publish')]);
    }
    session.end();
    const { ok } = await session.done;
    const directory = String(ok.directory);
    return { directory, manifest: `${directory}/${SUMS_FILE}`, files: done, bytes, ms: Math.round(performance.now() - started) };
  } catch (error) {
    session.end();
    const failure = error instanceof BackupError ? error : new BackupError('EXPORT_FAILED', `The export failed: ${(error as Error).message}`);
    const stoppedByStall = stallStop.signal.aborted && !signal?.aborted;
    const what = partialLeft ? `; the partial export could not be removed: it is left at ${partialLeft}, marked ${PARTIAL_NOTE}` : partialMade ? '; the partial export was removed' : '';
    if (stoppedByStall) throw new BackupError('EXPORT_FAILED', `The export to ${destinationDir} made no progress for ${STALL_MS / 60_000} minutes (a hung filesystem?) and was stopped${what}.`);
    if (failure.code === 'CANCELLED') throw new BackupError('CANCELLED', `Cancelled while exporting ${label}${what}.`);
    throw new BackupError(failure.code, `${failure.message.replace(/\.$/, '')}${what}.`, failure.detail);
  } finally {
    clearTimeout(stalled);
    signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * Export files (image clones) flat into `<dest>/<label>/`, each under its
 * `name`. `manifest` in the result is the SHA256SUMS path; manifest.json
 * beside it has the same list with sizes.
 */
export async function exportFiles(opts: ExportCommon & { files: Array<{ source: string; name: string }> }): Promise<ExportResult> {
  const names = new Set<string>();
  for (const file of opts.files) {
    checkName(file.name, 'The exported file name');
    if (file.name === SUMS_FILE || file.name === MANIFEST_FILE || names.has(file.name)) throw new BackupError('EXPORT_FAILED', `The exported file name "${file.name}" is used twice.`);
    names.add(file.name);
  }
  checkName(opts.label, 'The export label');
  const sizes = await Promise.all(opts.files.map((f) => stat(f.source).then((s) => s.size, () => 0)));
  return runExport(opts, {
    dirs: [],
    copies: opts.files.map((f) => ({ source: f.source, path: f.name })),
    totalBytes: sizes.reduce((a, b) => a + b, 0),
    manifest: { sources: opts.files.map((f) => ({ name: f.name, source: f.source })) },
  });
}

/**
 * Export a directory tree (a read-only btrfs snapshot) into
 * `<dest>/<label>/`: regular files copied and hashed (written 0600 in
 * folders 0700; the original modes, owners and times are in
 * manifest.json), symlinks and skipped entries listed there.
 */
export async function exportTree(opts: ExportCommon & { sourceDir: string }): Promise<ExportResult> {
  checkName(opts.label, 'The export label');
  let tree: TreeWalk;
  try {
    tree = await walkTree(opts.sourceDir, opts.signal);
  } catch (error) {
    if (opts.signal?.aborted) throw new BackupError('CANCELLED', `Cancelled while exporting ${opts.label}.`);
    const e = error as NodeJS.ErrnoException;
    throw new BackupError('EXPORT_FAILED', `Cannot read the snapshot ${opts.sourceDir}: ${e.code ?? e.message}.`, e.code);
  }
  // The sums and manifest sit at the top: a file of the same name goes in a data/ folder.
  const clash = tree.files.some((f) => f.path === SUMS_FILE || f.path === MANIFEST_FILE || f.path === PARTIAL_NOTE);
  const prefix = clash ? 'data/' : '';
  return runExport(opts, {
    dirs: [...(clash ? ['data'] : []), ...tree.directories.map((dir) => prefix + dir)],
    copies: tree.files.map((f) => ({ source: `${opts.sourceDir}/${f.path}`, path: prefix + f.path })),
    totalBytes: tree.files.reduce((sum, f) => sum + f.size, 0),
    manifest: {
      source: opts.sourceDir,
      sourceName: basename(opts.sourceDir),
      metadata: tree.files.map(({ path, mode, uid, gid, mtimeMs }) => ({ path: prefix + path, mode: mode.toString(8), uid, gid, mtimeMs })),
      symlinks: tree.symlinks,
      skipped: tree.skipped,
    },
  });
}
