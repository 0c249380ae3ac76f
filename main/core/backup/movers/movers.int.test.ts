/**
 * The data movers on a real kernel, as root: loop images cloned while
 * frozen (helper deadline 10 s) and checked clean by their read-only
 * checkers, reflink on an xfs host and its refusal on an ext4 host, an
 * export checked by sha256sum -c, a cancelled export, a full destination.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HelperClient } from '../../../helper/client';
import { rootTests, startClient } from '../../../../testing/helper-harness';
import { LoopFixture, type LoopMount } from '../../../../testing/loop-mounts';
import { notRunUnless } from '../../../../testing/not-run';
import { firstReason } from '../../../../testing/requirements';
import { run } from '../../../../testing/run-command';
import type { BackupError } from '../backup-error';
import { cloneFile, probeReflink } from './clone';
import { syncFilesystem } from './dirty';
import { exportFiles, exportTree } from './export';
import { backingFileOf, backingFileOfSource } from './loop-backing';
import { verifyBtrfsSnapshot, verifyImage } from './verify';

const TOOL = resolve(import.meta.dirname, '../../../../native-helper/build/freezeframe-clone');
const MiB = 1024 * 1024;
const can = rootTests.ok && !existsSync(TOOL) ? { ok: false, why: `${TOOL} not built` } : rootTests;
if (!can.ok) console.warn(`\n*** NOT RUN: data mover integration tests: ${can.why} ***\n`);

const sha = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

// The images sit on an xfs host and a btrfs member: without either mkfs tool the suite is NOT RUN.
const notRun = can.ok ? firstReason(LoopFixture.missingMkfs('xfs'), LoopFixture.missingMkfs('btrfs')) : { why: can.why, packages: [] };

describe('data movers on loop mounts', notRunUnless(notRun), () => {
  let fixture: LoopFixture;
  let client: HelperClient;
  let xfsHost: LoopMount;
  let ext4Host: LoopMount;
  const members: Record<'ext4' | 'xfs' | 'btrfs', LoopMount> = {} as never;
  const written: Record<string, string> = {};
  const clones: Record<string, string> = {};

  beforeAll(async () => {
    fixture = await LoopFixture.create();
    xfsHost = await fixture.mount('xfs', { sizeMb: 2048 });
    ext4Host = await fixture.mount('ext4', { sizeMb: 1024 });
    members.ext4 = await fixture.mount('ext4', { sizeMb: 64, imageDir: xfsHost.mountpoint });
    members.xfs = await fixture.mount('xfs', { imageDir: xfsHost.mountpoint });
    members.btrfs = await fixture.mount('btrfs', { imageDir: ext4Host.mountpoint });
    for (const m of Object.values(members)) {
      const data = randomBytes(8 * MiB);
      writeFileSync(join(m.mountpoint, 'payload.bin'), data);
      written[m.fsType] = sha(data);
    }
    ({ client } = await startClient());
  });

  afterAll(async () => {
    await client?.close();
    await fixture?.cleanup();
  });

  /** Freeze (deadline 10 s), clone, thaw: the image-clone method's hold. */
  async function cloneFrozen(m: LoopMount, target: string, reflink: 'auto' | 'never'): Promise<Awaited<ReturnType<typeof cloneFile>>> {
    const source = (await backingFileOf(m.majorMinor)) ?? (await backingFileOfSource(m.device));
    expect(source).toBe(realpathSync(m.image));
    await client.freeze(m.mountpoint, 10_000);
    try {
      return await cloneFile({ source: source!, target, reflink, toolPath: TOOL });
    } finally {
      await client.thaw({ path: m.mountpoint });
    }
  }

  it('clones a frozen ext4 by reflink on the xfs host; it fscks clean and holds every byte written before the freeze', async () => {
    const target = join(xfsHost.mountpoint, 'ext4-clone.img');
    const result = await cloneFrozen(members.ext4, target, 'auto');
    expect(result).toMatchObject({ reflinked: true, bytes: 64 * MiB });
    const check = await verifyImage(target, 'ext4', { timeoutMs: 60_000 });
    expect(check, check.output).toMatchObject({ ok: true, exitCode: 0, tool: 'e2fsck' });
    const copy = execFileSync('debugfs', ['-R', 'cat /payload.bin', target], { maxBuffer: 64 * MiB, stdio: ['ignore', 'pipe', 'ignore'] });
    expect(sha(copy)).toBe(written.ext4);
    clones.ext4 = target;
  });

  it('copies a frozen xfs (reflink never): sparse, and xfs_repair -n finds nothing but the log a frozen xfs keeps', async () => {
    const target = join(xfsHost.mountpoint, 'xfs-clone.img');
    const result = await cloneFrozen(members.xfs, target, 'never');
    expect(result.reflinked).toBe(false);
    expect(result.allocatedBytes).toBeGreaterThanOrEqual(8 * MiB);
    expect(result.allocatedBytes).toBeLessThan(result.bytes / 2);
    const check = await verifyImage(target, 'xfs', { timeoutMs: 60_000 });
    expect(check, check.output).toMatchObject({ ok: true, tool: 'xfs_repair' });
    if (check.exitCode !== 0) expect(check.output).toMatch(/clean apart from the log/);
    clones.xfs = target;
  });

  it('does not excuse real damage in an xfs image', async () => {
    const damaged = join(xfsHost.mountpoint, 'xfs-damaged.img');
    execFileSync('cp', ['--reflink=never', clones.xfs!, damaged]);
    // Garbage over the second allocation group's headers (sb, agf, agi, agfl).
    const geometry = execFileSync('xfs_db', ['-r', '-c', 'sb 0', '-c', 'print agblocks blocksize', damaged], { encoding: 'utf8' });
    const [agblocks, blocksize] = [/agblocks = (\d+)/, /blocksize = (\d+)/].map((re) => Number(re.exec(geometry)?.[1]));
    execFileSync('dd', ['if=/dev/urandom', `of=${damaged}`, `bs=${blocksize}`, `seek=${agblocks}`, 'count=1', 'conv=notrunc', 'status=none']);
    const check = await verifyImage(damaged, 'xfs', { timeoutMs: 60_000 });
    expect(check.ok, check.output).toBe(false);
    expect(check.output).not.toMatch(/clean apart from the log/);
  });

  it('copies a frozen btrfs onto an ext4 host; btrfs check --readonly finds it clean', async () => {
    const target = join(ext4Host.mountpoint, 'btrfs-clone.img');
    const result = await cloneFrozen(members.btrfs, target, 'auto');
    expect(result.reflinked).toBe(false);
    const output: string[] = [];
    const check = await verifyImage(target, 'btrfs', { timeoutMs: 120_000, onOutput: (_, text) => output.push(text) });
    expect(check, check.output).toMatchObject({ ok: true, exitCode: 0 });
    expect(output.join('\n')).toMatch(/checking/i);
  });

  it('refuses reflink "always" on the ext4 host with its own error, and leaves no file', async () => {
    const source = realpathSync(members.btrfs.image);
    expect(await probeReflink(source, ext4Host.mountpoint, TOOL)).toBe(false);
    expect(await probeReflink(realpathSync(members.xfs.image), xfsHost.mountpoint, TOOL)).toBe(true);
    const target = join(ext4Host.mountpoint, 'always.img');
    const error = (await cloneFile({ source, target, reflink: 'always', toolPath: TOOL }).catch((e: unknown) => e)) as BackupError;
    expect(error.code).toBe('SNAPSHOT_FAILED');
    expect(error.message).toMatch(/reflink "always"/);
    expect(existsSync(target)).toBe(false);
    expect(readdirSync(ext4Host.mountpoint).filter((n) => n.includes('probe'))).toEqual([]);
  });

  it('exports the clones with a manifest that sha256sum -c accepts', async () => {
    const dest = join(ext4Host.mountpoint, 'exports');
    const result = await exportFiles({
      files: [
        { source: clones.ext4!, name: 'ext4.img' },
        { source: clones.xfs!, name: 'xfs.img' },
      ],
      destinationDir: dest,
      label: 'run-1',
    });
    await syncFilesystem(dest, 30_000);
    expect(execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: result.directory, encoding: 'utf8' })).toBe('ext4.img: OK\nxfs.img: OK\n');
    expect(readdirSync(dest)).toEqual(['run-1']);
  });

  it('a cancelled export leaves nothing behind', async () => {
    const dest = join(ext4Host.mountpoint, 'cancelled');
    const controller = new AbortController();
    const error = (await exportFiles({
      files: [{ source: clones.xfs!, name: 'xfs.img' }],
      destinationDir: dest,
      label: 'run-2',
      signal: controller.signal,
      onProgress: (done) => done > 0 && controller.abort(),
    }).catch((e: unknown) => e)) as BackupError;
    expect(error.code).toBe('CANCELLED');
    expect(readdirSync(dest)).toEqual([]);
  });

  it('a full destination is DESTINATION_FULL, for the export and the clone, with no partial left', async () => {
    const full = await fixture.tmpfs(); // 16 MiB
    chmodSync(full, 0o755); // a tmpfs root is 1777: writable by everyone, which no destination may be
    const big = join(ext4Host.mountpoint, 'big.bin');
    writeFileSync(big, randomBytes(32 * MiB));
    const exported = (await exportFiles({ files: [{ source: big, name: 'big.bin' }], destinationDir: full, label: 'run-3' }).catch((e: unknown) => e)) as BackupError;
    expect(exported.code).toBe('DESTINATION_FULL');
    expect(readdirSync(full)).toEqual([]);
    const cloned = (await cloneFile({ source: big, target: join(full, 'big.img'), reflink: 'auto', toolPath: TOOL }).catch((e: unknown) => e)) as BackupError;
    expect(cloned.code).toBe('DESTINATION_FULL');
    expect(readdirSync(full)).toEqual([]);
  });

  it('checks a btrfs snapshot is read-only, and exports its tree', async () => {
    const mnt = members.btrfs.mountpoint;
    mkdirSync(join(mnt, 'snaps'));
    await run('btrfs', ['subvolume', 'snapshot', '-r', mnt, join(mnt, 'snaps', 'ro')]);
    await run('btrfs', ['subvolume', 'snapshot', mnt, join(mnt, 'snaps', 'rw')]);
    expect((await verifyBtrfsSnapshot(join(mnt, 'snaps', 'ro'))).ok).toBe(true);
    const writable = await verifyBtrfsSnapshot(join(mnt, 'snaps', 'rw'));
    expect(writable.ok).toBe(false);
    expect(writable.output).toMatch(/ro=false/);
    const dest = join(ext4Host.mountpoint, 'tree-exports');
    const result = await exportTree({ sourceDir: join(mnt, 'snaps', 'ro'), destinationDir: dest, label: 'btrfs-1' });
    expect(result.files.find((f) => f.path === 'payload.bin')?.sha256).toBe(written.btrfs);
    expect(execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: result.directory, encoding: 'utf8' })).toMatch(/payload\.bin: OK/);
  });
});
