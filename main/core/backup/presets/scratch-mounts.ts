/**
 * The restore check's scratch: each clone copied into a fresh private
 * directory (a reflink where the filesystem shares extents, so the copy is
 * instant and the snapshot itself stays exactly as it was cut: recovery
 * writes to the copy), attached read-write to its own loop device and
 * mounted there; never the source (an image attached anywhere already is
 * refused: that is a live filesystem's backing file). Paths of the source
 * map onto the scratch by their mount; a path no clone covers has no place
 * there.
 *
 * Attaching needs root; the caller (phase 2: the per-host service) runs
 * this part privileged. Removal always runs: unmount (retried, then lazy),
 * detach, remove the directory.
 */
import { execFile } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, readdir, readFile, realpath, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { PresetError } from './preset-error';

export interface CloneMember {
  /** The clone (an image file of a whole filesystem). */
  image: string;
  fsType: string;
  /** Where the original is mounted: the layout's paths below it map onto this clone. */
  sourceMountpoint: string;
}

interface Attached {
  member: CloneMember;
  device?: string;
  mountpoint: string;
  mounted: boolean;
}

const MOUNT_OPTIONS: Readonly<Record<string, string>> = {
  // The clone carries its original's UUID: xfs refuses a second mount of it without nouuid.
  xfs: 'nouuid,nodev,nosuid',
  ext4: 'nodev,nosuid',
  ext3: 'nodev,nosuid',
  ext2: 'nodev,nosuid',
};

export class ScratchMounts {
  private readonly attached: Attached[] = [];
  /** How long each clone's scratch copy took (a reflink: milliseconds). */
  readonly copyMs: number[] = [];

  private constructor(readonly root: string) {}

  /** A fresh directory under parent (0711: the throwaway server's user must reach inside), the clones mounted in it. */
  static async attach(parent: string, members: readonly CloneMember[]): Promise<ScratchMounts> {
    if (process.geteuid?.() !== 0) throw new PresetError('RESTORE_ATTACH_FAILED', 'The restore check attaches and mounts the clone, which needs root.');
    const root = await mkdtemp(join(parent, 'freezeframe-restore-'));
    await chmod(root, 0o711);
    const scratch = new ScratchMounts(root);
    try {
      const inUse = await attachedBackingFiles();
      for (const [i, member] of members.entries()) {
        const options = MOUNT_OPTIONS[member.fsType];
        if (!options) throw new PresetError('RESTORE_ATTACH_FAILED', `A ${member.fsType} clone cannot be mounted beside its original safely (only ext2/3/4 and xfs are).`);
        const image = await realpath(member.image);
        if (inUse.has(image)) throw new PresetError('RESTORE_UNSAFE', `${image} is attached to a loop device already: it may be a live filesystem, never a scratch copy.`);
        const entry: Attached = { member, mountpoint: join(root, `m${i}`), mounted: false };
        scratch.attached.push(entry);
        await mkdir(entry.mountpoint, { mode: 0o755 });
        const copy = join(root, `m${i}.img`);
        const copyStarted = performance.now();
        await sh('cp', ['--reflink=auto', '--sparse=always', '--', image, copy], 30 * 60_000);
        scratch.copyMs.push(Math.round(performance.now() - copyStarted));
        entry.device = (await sh('losetup', ['--find', '--show', copy])).trim();
        await sh('mount', ['-t', member.fsType, '-o', options, entry.device, entry.mountpoint]);
        entry.mounted = true;
      }
      return scratch;
    } catch (error) {
      await scratch.remove().catch(() => undefined);
      throw error instanceof PresetError ? error : new PresetError('RESTORE_ATTACH_FAILED', `The clone could not be attached: ${(error as Error).message}`);
    }
  }

  /** Where a source path is in the scratch, or undefined when no clone holds it. */
  map(sourcePath: string): string | undefined {
    let best: Attached | undefined;
    for (const a of this.attached) {
      const m = a.member.sourceMountpoint;
      const inside = m === '/' || sourcePath === m || sourcePath.startsWith(`${m}/`);
      if (inside && (!best || m.length > best.member.sourceMountpoint.length)) best = a;
    }
    return best ? join(best.mountpoint, relative(best.member.sourceMountpoint, sourcePath)) : undefined;
  }

  /** Like map, but a path no clone holds is RESTORE_UNSAFE (the throwaway server would reach outside the scratch). */
  mustMap(sourcePath: string, what: string): string {
    const mapped = this.map(sourcePath);
    if (mapped === undefined) throw new PresetError('RESTORE_UNSAFE', `${what} ${sourcePath} is on no cloned filesystem: a server on the clone would use the live one.`);
    return mapped;
  }

  /** A directory in the scratch, on no clone (a server's socket), owned by uid:gid, mode 0700. */
  async privateDir(name: string, uid: number, gid: number): Promise<string> {
    const dir = join(this.root, name);
    await mkdir(dir, { mode: 0o700 });
    await chown(dir, uid, gid);
    return dir;
  }

  /** Unmount, detach, remove. Throws RESTORE_CLEANUP_FAILED naming what is left. */
  async remove(): Promise<void> {
    const left: string[] = [];
    for (const a of [...this.attached].reverse()) {
      if (a.mounted && !(await unmount(a.mountpoint))) left.push(`${a.mountpoint} (lazily unmounted)`);
      a.mounted = false;
      if (a.device && !(await sh('losetup', ['-d', a.device]).then(() => true, () => false))) left.push(a.device);
      a.device = undefined;
    }
    await rm(this.root, { recursive: true, force: true }).catch(() => left.push(this.root));
    if (left.length > 0) throw new PresetError('RESTORE_CLEANUP_FAILED', `The restore check's scratch could not be removed entirely: ${left.join(', ')}.`);
  }
}

async function unmount(mountpoint: string): Promise<boolean> {
  for (let attempt = 0; attempt < 10; attempt++) {
    if (await sh('umount', [mountpoint]).then(() => true, () => false)) return true;
    await new Promise((r) => setTimeout(r, 300)); // a server's last process may still be exiting
  }
  await sh('umount', ['-l', mountpoint]).catch(() => undefined);
  return false;
}

/** Every file backing a loop device now. */
async function attachedBackingFiles(): Promise<Set<string>> {
  const files = new Set<string>();
  for (const name of await readdir('/sys/block').catch(() => [] as string[])) {
    if (!name.startsWith('loop')) continue;
    const text = await readFile(`/sys/block/${name}/loop/backing_file`, 'utf8').catch(() => '');
    if (text.trim()) files.add(text.trim());
  }
  return files;
}

export function sh(file: string, args: string[], timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, env: { ...process.env, LC_ALL: 'C' } }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${file} ${args.join(' ')}: ${stderr.trim() || error.message}`));
      else resolve(stdout);
    });
  });
}
