/**
 * The image-clone method on a real kernel: a consistency group of ext4 and
 * xfs loop mounts cloned while a writer keeps writing to both. The clones
 * fsck clean, hold every byte written before the freeze (mounted read-only
 * and compared by checksum), writes resume after the thaw, and the hold
 * stays within its window. Then: cancel during the export, and an export
 * destination that fills up.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackupPlanInput } from '../../../../app/backup';
import { rootTests } from '../../../../testing/helper-harness';
import { useLoopMounts } from '../../../../testing/shared-mounts';
import { run } from '../../../../testing/run-command';
import { sha256 } from '../../../../testing/writer';
import { expectAllThawed, startBackupCore, type BackupTestCore } from '../testing/backup-int-harness';

describe.skipIf(!rootTests.ok)('image-clone backups of real loop mounts', () => {
  const mounts = useLoopMounts({ ext4: { fs: 'ext4', sizeMb: 96 }, xfs: 'xfs' });
  let t: BackupTestCore;
  let snapshots: string;

  beforeAll(async () => {
    snapshots = join(mounts.fixture.dir, 'snapshots');
    t = await startBackupCore();
  });

  afterAll(async () => {
    await t?.close();
  });

  const plan = (name: string, extra: Partial<BackupPlanInput> = {}): BackupPlanInput => ({
    version: 1,
    name,
    mounts: [mounts.ext4.mountpoint, mounts.xfs.mountpoint],
    method: 'image-clone',
    holdWindowMs: 10_000,
    imageClone: { snapshotDir: snapshots, reflink: 'auto' },
    ...extra,
  });

  it('ext4 + xfs under write load: clones fsck clean, hold every byte written before the freeze, writes resume', async () => {
    // Known content, synced before the run: every byte of it must be in the clones.
    const known = new Map<string, string>();
    for (const m of [mounts.ext4, mounts.xfs]) {
      for (let i = 0; i < 4; i++) {
        const data = randomBytes(256 * 1024 + i * 1000);
        writeFileSync(join(m.mountpoint, `known-${i}.bin`), data);
        known.set(`${m.fsType}/known-${i}.bin`, sha256(data));
      }
      await run('sync', ['-f', m.mountpoint]);
    }
    // A writer to both, all through the run: it blocks while frozen and must go on after the thaw.
    const writer = spawn('sh', ['-c', `i=0; while :; do echo $i >> '${mounts.ext4.mountpoint}/log'; echo $i >> '${mounts.xfs.mountpoint}/log'; i=$((i+1)); sleep 0.002; done`], { detached: true, stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 300));
      const report = await t.runPlan(plan('group', { backup: { destination: join(mounts.fixture.dir, 'exports'), verify: true } }));
      expect(report.error, JSON.stringify(report.verification, null, 1)).toBeUndefined();
      expect(report.outcome).toBe('succeeded');
      expect(report.trustworthy).toBe(true);
      expect(report.hold!.withinWindow).toBe(true);
      expect(report.hold!.heldMs).toBeLessThanOrEqual(report.hold!.windowMs);
      expect(report.quiesce.withinWindow).toBe(true);
      expect(report.maxWritersBlocked).toBeGreaterThanOrEqual(1);
      expect(report.members.map((m) => m.capture)).toEqual(['frozen', 'frozen']);
      const sync = report.timeline.find((p) => p.phase === 'sync');
      expect(sync?.outcome).toBe('ok');
      expect(sync?.detail).toMatch(new RegExp(`^sync -f: ${mounts.ext4.mountpoint} \\d+ ms, ${mounts.xfs.mountpoint} \\d+ ms$`));
      expect(report.verification.map((v) => [v.mountpoint, v.ok])).toEqual([
        [mounts.ext4.mountpoint, true],
        [mounts.xfs.mountpoint, true],
      ]);
      expect(report.export?.files).toHaveLength(2);
      expect(existsSync(join(report.export!.directory, 'SHA256SUMS'))).toBe(true);

      // Writes resume: the log grows after the run.
      const before = readFileSync(join(mounts.ext4.mountpoint, 'log'), 'utf8').split('\n').length;
      await new Promise((r) => setTimeout(r, 400));
      expect(readFileSync(join(mounts.ext4.mountpoint, 'log'), 'utf8').split('\n').length).toBeGreaterThan(before + 3);

      // Every byte written before the freeze is in the clones (mounted read-only; xfs needs nouuid).
      for (const member of report.members) {
        const image = member.snapshot!.path!;
        const at = join(mounts.fixture.dir, `clone-of-${member.fsType}`);
        mkdirSync(at);
        const opts = member.fsType === 'xfs' ? 'loop,ro,nouuid,norecovery' : 'loop,ro,noload';
        await run('mount', ['-o', opts, image, at]);
        try {
          for (let i = 0; i < 4; i++) expect(sha256(readFileSync(join(at, `known-${i}.bin`)))).toBe(known.get(`${member.fsType}/known-${i}.bin`));
        } finally {
          await run('umount', [at]);
        }
      }
    } finally {
      process.kill(-writer.pid!, 'SIGKILL');
    }
    await expectAllThawed(t, [mounts.ext4.mountpoint, mounts.xfs.mountpoint]);
  });

  it('cancel during the export: the run is cancelled, thawed, and no partial export is left', async () => {
    const destination = join(mounts.fixture.dir, 'exports-cancel');
    writeFileSync(join(mounts.ext4.mountpoint, 'bulk.bin'), randomBytes(48 * 1024 * 1024));
    await run('sync', ['-f', mounts.ext4.mountpoint]);
    let cancelled = false;
    const report = await t.runPlan(plan('cancel-export', { mounts: [mounts.ext4.mountpoint], backup: { destination, verify: false } }), async (state) => {
      if (state.phase === 'export' && !cancelled) {
        cancelled = true;
        await t.ok('backup.cancel', { runId: state.runId });
      }
    });
    expect(cancelled).toBe(true);
    expect(report.outcome).toBe('cancelled');
    expect(report.error?.code).toBe('CANCELLED');
    expect(report.timeline.find((p) => p.phase === 'export')?.outcome).toBe('cancelled');
    const left = existsSync(destination) ? readdirSync(destination) : [];
    expect(left.filter((n) => n.endsWith('.partial'))).toEqual([]);
    // Whatever is left is a complete export (with its sums), never half a file unmarked.
    for (const name of left) expect(existsSync(join(destination, name, 'SHA256SUMS'))).toBe(true);
    await expectAllThawed(t, [mounts.ext4.mountpoint]);
  });

  it('a destination that fills up during the run: DESTINATION_FULL with ENOSPC, the partial export removed, thawed', async () => {
    // Room for the clone at the pre-flight: twice its image's allocated size.
    const destination = join(mounts.fixture.dir, 'full-destination');
    mkdirSync(destination);
    const room = Math.ceil((2 * statSync(mounts.ext4.image).blocks * 512) / 1024 / 1024) + 8;
    await run('mount', ['-t', 'tmpfs', '-o', `size=${room}m,mode=0755`, 'freezeframe-full', destination]);
    try {
      await fillsUp(destination);
    } finally {
      await run('umount', [destination]);
    }
  });

  async function fillsUp(destination: string): Promise<void> {
    let filled = false;
    // Room at the pre-flight; someone else fills the destination while the run verifies.
    const report = await t.runPlan(plan('destination-full', { mounts: [mounts.ext4.mountpoint], backup: { destination, verify: false } }), (state) => {
      if (filled || state.phase !== 'snapshot') return;
      filled = true;
      const free = statfsSync(destination).bavail * statfsSync(destination).bsize;
      writeFileSync(join(destination, 'filler'), Buffer.alloc(Math.max(0, free - 512 * 1024), 1));
    });
    expect(filled).toBe(true);
    expect(report.outcome).toBe('failed');
    expect(report.error?.code).toBe('DESTINATION_FULL');
    expect(report.error?.message).toMatch(/no space is left on the filesystem \(ENOSPC\); the partial export was removed\.$/);
    expect(report.trustworthy).toBe(true); // the snapshot itself is fine; only its copy failed
    expect(readdirSync(destination)).toEqual(['filler']);
    await expectAllThawed(t, [mounts.ext4.mountpoint]);
  }

  it('a destination too small for the clones: the pre-flight blocks it, nothing is frozen (issue 12)', async () => {
    const destination = await mounts.fixture.tmpfs('small-destination'); // 16 MiB
    chmodSync(destination, 0o755); // a tmpfs root is 1777: writable by everyone, which no destination may be
    writeFileSync(join(mounts.ext4.mountpoint, 'bulk.bin'), randomBytes(24 * 1024 * 1024));
    await run('sync', ['-f', mounts.ext4.mountpoint]);
    const attempt = await t.tryPlan(plan('destination-small', { mounts: [mounts.ext4.mountpoint], backup: { destination, verify: false } }));
    expect(attempt.report).toBeUndefined();
    expect(attempt.preflight.blockers.join('\n')).toMatch(new RegExp(`The export destination ${destination} has 1[56]\\.\\d MiB free, and the export needs about`));
    expect(attempt.refused?.code).toBe('PLAN_INVALID');
    expect(readdirSync(destination)).toEqual([]);
    await expectAllThawed(t, [mounts.ext4.mountpoint]);
  });

});
