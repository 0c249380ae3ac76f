/**
 * Export a snapshot to a destination folder: the files, a `SHA256SUMS`
 * that `sha256sum -c` checks, and a `manifest.json`. Everything is written
 * into `<dest>/<label>.partial/`, fsynced, and renamed to `<dest>/<label>`
 * only when complete, so a folder without `.partial` is always whole.
 * On cancel or failure the partial folder is removed; when even that
 * fails, it keeps its `.partial` name and gets a PARTIAL-DO-NOT-USE note.
 */
import { lstat, mkdir, open, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { ExportedFile } from '../../../../app/backup';
import { BackupError, fsErrorCode } from '../backup-error';
import type { ExportResult } from './data-movers';
import { cancelled, copyHashed, CopyBuffers, sha256sumLine, throttledProgress } from './export-copy';
import { walkTree, type TreeWalk } from './export-tree-walk';

export const SUMS_FILE = 'SHA256SUMS';
export const MANIFEST_FILE = 'manifest.json';
export const PARTIAL_SUFFIX = '.partial';
const PARTIAL_NOTE = 'PARTIAL-DO-NOT-USE';

type Progress = (done: number, total: number) => void;

interface ExportCommon {
  destinationDir: string;
  label: string;
  signal?: AbortSignal;
  onProgress?: Progress;
}

/** A single path component, so the export stays inside its destination. */
function checkName(name: string, what: string): void {
  if (!name || name === '.' || name === '..' || name.includes('/') || name.includes('\0')) {
    throw new BackupError('EXPORT_FAILED', `${what} "${name}" is not a plain file name.`);
  }
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function writeSynced(path: string, text: string): Promise<void> {
  const handle = await open(path, 'wx', 0o600);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Remove what a failed export wrote; if that fails too, mark it so nobody restores from it. */
async function discardPartial(partial: string, why: string): Promise<string> {
  try {
    await rm(partial, { recursive: true, force: true });
    return 'the partial export was removed';
  } catch (error) {
    const note = `This export did not finish (${why}) and could not be removed (${(error as Error).message}).\nDo not restore from it: remove this folder.\n`;
    await writeFile(join(partial, PARTIAL_NOTE), note).catch(() => undefined);
    return `the partial export could not be removed: it is left at ${partial}, marked ${PARTIAL_NOTE}`;
  }
}

function exportError(error: unknown, signal: AbortSignal | undefined, destinationDir: string): BackupError {
  if (signal?.aborted) return error instanceof BackupError && error.code === 'CANCELLED' ? error : cancelled(destinationDir);
  if (error instanceof BackupError) return error;
  const e = error as NodeJS.ErrnoException;
  const code = fsErrorCode(error, 'EXPORT_FAILED');
  const message =
    code === 'DESTINATION_FULL'
      ? `${destinationDir} is full (${e.code})`
      : code === 'ACCESS_DENIED'
        ? `Not allowed: ${e.message}`
        : `The export failed: ${e.message}`;
  return new BackupError(code, message, e.code);
}

/**
 * The partial folder's life: create it, let `fill` write into it, add the
 * sums and the manifest, publish it under its final name; on any failure
 * discard it.
 */
async function inPartialDir(common: ExportCommon, fill: (partial: string) => Promise<{ files: ExportedFile[]; manifest: Record<string, unknown> }>): Promise<ExportResult> {
  const started = performance.now();
  const { destinationDir, label, signal } = common;
  checkName(label, 'The export label');
  const final = join(destinationDir, label);
  const partial = `${final}${PARTIAL_SUFFIX}`;
  if (signal?.aborted) throw cancelled(label);
  try {
    await mkdir(destinationDir, { recursive: true, mode: 0o700 });
    if (await exists(final)) throw new BackupError('EXPORT_FAILED', `${final} already exists: an export never overwrites one.`);
    await mkdir(partial, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new BackupError('EXPORT_FAILED', `${partial} exists, left by an export that did not finish: remove it first.`);
    }
    throw exportError(error, signal, destinationDir);
  }
  try {
    const { files, manifest } = await fill(partial);
    if (signal?.aborted) throw cancelled(label);
    await writeSynced(join(partial, SUMS_FILE), files.map((f) => sha256sumLine(f.sha256, f.path)).join(''));
    const bytes = files.reduce((sum, f) => sum + f.bytes, 0);
    await writeSynced(join(partial, MANIFEST_FILE), `${JSON.stringify({ version: 1, label, createdAt: new Date().toISOString(), bytes, files, ...manifest }, null, 2)}\n`);
    await fsyncPath(partial);
    // rename() would replace an empty directory made meanwhile: look again, just before.
    if (await exists(final)) throw new BackupError('EXPORT_FAILED', `${final} appeared while exporting: an export never overwrites one.`);
    await rename(partial, final);
    await fsyncPath(destinationDir);
    return { directory: final, manifest: join(final, SUMS_FILE), files, bytes, ms: Math.round(performance.now() - started) };
  } catch (error) {
    const failure = exportError(error, signal, destinationDir);
    const what = await discardPartial(partial, failure.message);
    throw new BackupError(failure.code, `${failure.message.replace(/\.$/, '')}; ${what}.`, failure.detail);
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
  return inPartialDir(opts, async (partial) => {
    const sizes = await Promise.all(opts.files.map(async (f) => (await stat(f.source)).size));
    const onBytes = throttledProgress(
      sizes.reduce((a, b) => a + b, 0),
      opts.onProgress,
    );
    const buffers = new CopyBuffers();
    const files: ExportedFile[] = [];
    for (const file of opts.files) {
      const copied = await copyHashed(file.source, join(partial, file.name), buffers, opts.signal, onBytes);
      files.push({ path: file.name, bytes: copied.bytes, sha256: copied.sha256 });
    }
    return { files, manifest: { sources: opts.files.map((f) => ({ name: f.name, source: f.source })) } };
  });
}

/**
 * Export a directory tree (a read-only btrfs snapshot) into
 * `<dest>/<label>/`: regular files copied and hashed (written 0600 in
 * folders 0700; the original modes, owners and times are in
 * manifest.json), symlinks and skipped entries listed there.
 */
export async function exportTree(opts: ExportCommon & { sourceDir: string }): Promise<ExportResult> {
  return inPartialDir(opts, async (partial) => {
    let tree: TreeWalk;
    try {
      tree = await walkTree(opts.sourceDir, opts.signal);
    } catch (error) {
      throw exportError(error, opts.signal, opts.destinationDir);
    }
    // The sums and manifest sit at the top: a file of the same name goes in a data/ folder.
    const clash = tree.files.some((f) => f.path === SUMS_FILE || f.path === MANIFEST_FILE || f.path === PARTIAL_NOTE);
    const prefix = clash ? 'data/' : '';
    if (clash) await mkdir(join(partial, 'data'), { mode: 0o700 });
    for (const dir of tree.directories) await mkdir(join(partial, prefix + dir), { mode: 0o700 });
    const onBytes = throttledProgress(
      tree.files.reduce((sum, f) => sum + f.size, 0),
      opts.onProgress,
    );
    const buffers = new CopyBuffers();
    const files: ExportedFile[] = [];
    for (const file of tree.files) {
      const copied = await copyHashed(join(opts.sourceDir, file.path), join(partial, prefix + file.path), buffers, opts.signal, onBytes);
      files.push({ path: prefix + file.path, bytes: copied.bytes, sha256: copied.sha256 });
    }
    for (const dir of tree.directories.reverse()) await fsyncPath(join(partial, prefix + dir));
    return {
      files,
      manifest: {
        source: opts.sourceDir,
        sourceName: basename(opts.sourceDir),
        metadata: tree.files.map(({ path, mode, uid, gid, mtimeMs }) => ({ path: prefix + path, mode: mode.toString(8), uid, gid, mtimeMs })),
        symlinks: tree.symlinks,
        skipped: tree.skipped,
      },
    };
  });
}
