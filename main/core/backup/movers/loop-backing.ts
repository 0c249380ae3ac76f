/**
 * The file behind a loop device, from sysfs: what the image-clone method
 * copies. Only a whole loop device answers: a partition of one (loopNpM)
 * has no loop/ directory, and cloning its parent's file would capture the
 * other, unfrozen partitions too.
 */
import { readFile, stat } from 'node:fs/promises';

const MAJOR_MINOR = /^\d{1,10}:\d{1,10}$/;
const DELETED_SUFFIX = ' (deleted)';

/** The backing file's path as the kernel reports it, or undefined (not a loop device, detached, or its file deleted). */
export async function backingFileOf(majorMinor: string, sysfsRoot = '/sys/dev/block'): Promise<string | undefined> {
  if (!MAJOR_MINOR.test(majorMinor)) return undefined;
  let text: string;
  try {
    text = await readFile(`${sysfsRoot}/${majorMinor}/loop/backing_file`, 'utf8');
  } catch {
    return undefined;
  }
  return parseBackingFile(text);
}

/** The kernel writes the path and a newline; a deleted file keeps its old name plus " (deleted)". */
export function parseBackingFile(text: string): string | undefined {
  const path = text.endsWith('\n') ? text.slice(0, -1) : text;
  if (!path.startsWith('/') || path.endsWith(DELETED_SUFFIX)) return undefined;
  return path;
}

/** Linux's dev_t encoding (glibc's gnu_dev_major/minor): 12 bits of major, 20 of minor, split. */
export function majorMinorOf(rdev: bigint): string {
  const major = ((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn);
  const minor = (rdev & 0xffn) | ((rdev >> 12n) & ~0xffn);
  return `${major}:${minor}`;
}

/**
 * The backing file behind a mount's source device (`/dev/loop3`). For
 * btrfs the mount table's MAJ:MIN is an anonymous 0:N, not the loop
 * device: ask by the source instead.
 */
export async function backingFileOfSource(source: string, sysfsRoot?: string): Promise<string | undefined> {
  if (!source.startsWith('/dev/')) return undefined;
  try {
    const st = await stat(source, { bigint: true });
    return st.isBlockDevice() ? await backingFileOf(majorMinorOf(st.rdev), sysfsRoot) : undefined;
  } catch {
    return undefined;
  }
}
