/**
 * Loop-mounted filesystems for tests that freeze for real. Everything lives
 * under one directory of os.tmpdir() named after this process, so a later
 * run can tell an abandoned fixture (its pid is gone) and sweep it: thaw,
 * unmount, detach, remove. Cleanup always thaws before it unmounts, and runs
 * on test teardown and on process exit.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readMountLines } from './mountinfo-lite';
import { missingTools, NotRunError, type NotRunReason } from './requirements';
import { run, runQuietSync } from './run-command';

export type FixtureFsType = 'ext4' | 'ext3' | 'xfs' | 'btrfs';

export interface LoopMount {
  fsType: FixtureFsType;
  image: string;
  device: string;
  mountpoint: string;
  majorMinor: string;
  mountId: number;
}

const PREFIX = 'freezeframe-fx-';

const MKFS: Record<FixtureFsType, { file: string; args: string[]; minMb: number }> = {
  ext4: { file: 'mkfs.ext4', args: ['-q', '-F', '-E', 'lazy_itable_init=0,lazy_journal_init=0'], minMb: 32 },
  ext3: { file: 'mkfs.ext3', args: ['-q', '-F', '-E', 'lazy_itable_init=0,lazy_journal_init=0'], minMb: 32 },
  xfs: { file: 'mkfs.xfs', args: ['-q', '-f'], minMb: 300 },
  btrfs: { file: 'mkfs.btrfs', args: ['-q', '-f'], minMb: 256 },
};

/** What every loop mount needs besides its mkfs tool, and the mkfs ext4 suites use. */
export const LOOP_MOUNT_TOOLS = ['losetup', 'mount', 'umount', 'fsfreeze', 'mkfs.ext4'];

/**
 * Root, loop devices, and the tools of an ext4 loop mount: what the
 * real-kernel tests need. The other filesystems' mkfs tools are checked per
 * mount: without mkfs.xfs the ext4 tests still run and the xfs ones are NOT RUN.
 */
export function canRunRootTests(): { ok: boolean; why: string } {
  if (process.geteuid?.() !== 0) return { ok: false, why: 'not running as root' };
  if (!existsSync('/dev/loop-control')) return { ok: false, why: 'no /dev/loop-control (loop devices unavailable)' };
  const missing = missingTools(...LOOP_MOUNT_TOOLS);
  if (missing) return { ok: false, why: missing.why };
  return { ok: true, why: '' };
}

let mkfsMissingHook: (reason: NotRunReason) => void = () => undefined;

/** What mount() does first when its mkfs tool is missing (testing/not-run.ts: skip the running test); then it throws NotRunError. */
export function onMissingMkfs(hook: (reason: NotRunReason) => void): void {
  mkfsMissingHook = hook;
}

export class LoopFixture {
  private readonly mounts: string[] = []; // every mountpoint we made, in order
  private readonly devices: string[] = [];
  private readonly onExit = (): void => sweepDir(this.dir);
  private cleaned = false;

  private constructor(readonly dir: string) {
    process.on('exit', this.onExit);
  }

  /** Why a `fsType` loop mount cannot be made here (its mkfs tool is missing), or undefined. */
  static missingMkfs(fsType: FixtureFsType): NotRunReason | undefined {
    return missingTools(MKFS[fsType].file);
  }

  static async create(): Promise<LoopFixture> {
    sweepAbandoned();
    const dir = join(tmpdir(), `${PREFIX}${process.pid}-${randomBytes(4).toString('hex')}`);
    mkdirSync(dir, { mode: 0o700 });
    return new LoopFixture(dir);
  }

  /** A fresh filesystem on a loop device, mounted at a unique mountpoint. */
  async mount(fsType: FixtureFsType, opts: { name?: string; sizeMb?: number; imageDir?: string } = {}): Promise<LoopMount> {
    const missing = LoopFixture.missingMkfs(fsType);
    if (missing) {
      mkfsMissingHook(missing);
      throw new NotRunError(missing);
    }
    const tag = randomBytes(3).toString('hex');
    const name = opts.name ?? `${fsType}-${tag}`;
    const image = join(opts.imageDir ?? this.dir, `${fsType}-${tag}.img`);
    const mkfs = MKFS[fsType];
    await run('truncate', ['-s', `${Math.max(opts.sizeMb ?? mkfs.minMb, mkfs.minMb)}M`, image]);
    await run(mkfs.file, [...mkfs.args, image], 120_000);
    const device = (await run('losetup', ['--find', '--show', image])).trim();
    this.devices.push(device);
    const mountpoint = this.mountpointPath(name);
    await run('mount', [device, mountpoint]);
    this.mounts.push(mountpoint);
    const line = findMount(mountpoint);
    return { fsType, image, device, mountpoint, majorMinor: line.majorMinor, mountId: line.mountId };
  }

  /** A bind mount of source (another of our mounts, or `/` for refusal tests). */
  async bind(source: string, name = `bind-${randomBytes(3).toString('hex')}`): Promise<string> {
    const mountpoint = this.mountpointPath(name);
    await run('mount', ['--bind', source, mountpoint]);
    this.mounts.push(mountpoint);
    return mountpoint;
  }

  async tmpfs(name = `tmpfs-${randomBytes(3).toString('hex')}`): Promise<string> {
    const mountpoint = this.mountpointPath(name);
    await run('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'freezeframe-test', mountpoint]);
    this.mounts.push(mountpoint);
    return mountpoint;
  }

  /** Mount something over an existing mountpoint of ours (MOUNT_CHANGED tests). */
  async mountOver(mountpoint: string): Promise<void> {
    await run('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'freezeframe-over', mountpoint]);
    this.mounts.push(mountpoint);
  }

  /** Thaw, unmount, detach, remove. Safe to call twice. */
  async cleanup(): Promise<void> {
    if (this.cleaned) return;
    this.cleaned = true;
    // Thaw everything before unmounting anything: unmounting a filesystem
    // whose image sits on a frozen one would wait for that thaw.
    for (const mountpoint of [...this.mounts].reverse()) thawQuietly(mountpoint);
    for (const mountpoint of [...this.mounts].reverse()) undoMount(mountpoint);
    for (const device of [...this.devices].reverse()) runQuietSync('losetup', ['-d', device]);
    sweepDir(this.dir);
    process.off('exit', this.onExit);
  }

  private mountpointPath(name: string): string {
    const path = join(this.dir, name);
    mkdirSync(path, { recursive: true });
    return path;
  }
}

export function findMount(mountpoint: string): { mountId: number; majorMinor: string; fsType: string } {
  const line = readMountLines().filter((m) => m.mountpoint === mountpoint).pop();
  if (!line) throw new Error(`${mountpoint} is not in /proc/self/mountinfo`);
  return line;
}

function thawQuietly(mountpoint: string): void {
  runQuietSync('fsfreeze', ['-u', mountpoint], 10_000);
}

/** Thaw (it may be frozen), then unmount, lazily if something still holds it. */
function undoMount(mountpoint: string): void {
  thawQuietly(mountpoint);
  if (!runQuietSync('umount', [mountpoint], 30_000)) runQuietSync('umount', ['-l', mountpoint], 30_000);
}

/** Undo everything under dir: mounts (deepest first), loop devices, files. */
function sweepDir(dir: string): void {
  const inside = (path: string): boolean => path === dir || path.startsWith(`${dir}/`);
  for (let pass = 0; pass < 4; pass++) {
    const mounts = readMountLines()
      .filter((m) => inside(m.mountpoint))
      .sort((a, b) => b.mountId - a.mountId);
    if (mounts.length === 0) break;
    for (const m of mounts) thawQuietly(m.mountpoint);
    for (const m of mounts) undoMount(m.mountpoint);
  }
  for (const device of loopDevicesBackedUnder(dir)) runQuietSync('losetup', ['-d', device]);
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    // Left for the next sweep: something still holds it.
  }
}

function loopDevicesBackedUnder(dir: string): string[] {
  const devices: string[] = [];
  for (const name of safeReaddir('/sys/block')) {
    if (!name.startsWith('loop')) continue;
    try {
      const backing = readFileSync(`/sys/block/${name}/loop/backing_file`, 'utf8').trim();
      if (backing.startsWith(`${dir}/`)) devices.push(`/dev/${name}`);
    } catch {
      // Not attached.
    }
  }
  return devices;
}

/** Sweep fixtures whose process is gone (an interrupted earlier run). */
export function sweepAbandoned(): string[] {
  const swept: string[] = [];
  for (const name of safeReaddir(tmpdir())) {
    const match = new RegExp(`^${PREFIX}(\\d+)-`).exec(name);
    if (!match || isAlive(Number(match[1]))) continue;
    const dir = join(tmpdir(), name);
    sweepDir(dir);
    swept.push(dir);
  }
  return swept;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
