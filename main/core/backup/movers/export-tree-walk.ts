/**
 * What exporting a directory (a read-only btrfs snapshot) copies: regular
 * files, in a stable order; symlinks are recorded, not followed; anything
 * else (devices, fifos, sockets, other filesystems mounted inside) is
 * skipped and listed, so the manifest says what the export lacks.
 */
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';

export interface TreeFile {
  /** Relative to the tree's root, '/'-separated. */
  path: string;
  size: number;
  mode: number;
  uid: number;
  gid: number;
  mtimeMs: number;
}

export interface TreeWalk {
  directories: string[];
  files: TreeFile[];
  symlinks: Array<{ path: string; target: string }>;
  skipped: Array<{ path: string; type: string }>;
}

function kindOf(stats: { isBlockDevice(): boolean; isCharacterDevice(): boolean; isFIFO(): boolean; isSocket(): boolean }): string {
  if (stats.isBlockDevice()) return 'block device';
  if (stats.isCharacterDevice()) return 'character device';
  if (stats.isFIFO()) return 'fifo';
  if (stats.isSocket()) return 'socket';
  return 'unknown';
}

export async function walkTree(root: string, signal?: AbortSignal): Promise<TreeWalk> {
  const rootDev = (await lstat(root)).dev;
  const walk: TreeWalk = { directories: [], files: [], symlinks: [], skipped: [] };
  const stack: string[] = [''];
  while (stack.length > 0) {
    if (signal?.aborted) throw Object.assign(new Error('aborted'), { code: 'ABORT_ERR' });
    const rel = stack.pop()!;
    const entries = (await readdir(join(root, rel))).sort();
    const subdirs: string[] = [];
    for (const name of entries) {
      const path = rel ? `${rel}/${name}` : name;
      const abs = join(root, path);
      const stats = await lstat(abs);
      if (stats.isSymbolicLink()) {
        walk.symlinks.push({ path, target: await readlink(abs) });
      } else if (stats.dev !== rootDev) {
        walk.skipped.push({ path, type: 'another filesystem' });
      } else if (stats.isDirectory()) {
        walk.directories.push(path);
        subdirs.push(path);
      } else if (stats.isFile()) {
        walk.files.push({ path, size: stats.size, mode: stats.mode & 0o7777, uid: stats.uid, gid: stats.gid, mtimeMs: stats.mtimeMs });
      } else {
        walk.skipped.push({ path, type: kindOf(stats) });
      }
    }
    // Depth first, in name order: parents are listed before their children.
    stack.push(...subdirs.reverse());
  }
  return walk;
}
