/**
 * The btrfs method on a real kernel: alone, nothing is frozen and a
 * read-only snapshot is taken (atomic by itself); in a group with an ext4
 * member, the ext4 one is frozen and cloned while the btrfs snapshot is
 * taken inside the same window. Retention removes the older snapshot. Two
 * subvolumes sharing one snapshot folder get one snapshot each.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FreezeWindow } from '../../../../app/domain';
import { rootTests } from '../../../../testing/helper-harness';
import { useLoopMounts } from '../../../../testing/shared-mounts';
import { run } from '../../../../testing/run-command';
import { eventsOf, expectAllThawed, startBackupCore, type BackupTestCore } from '../testing/backup-int-harness';

describe.skipIf(!rootTests.ok)('btrfs snapshots, alone and in a mixed group', () => {
  // Snapshots are subvolumes inside the fixture's btrfs: they go with its unmount.
  const mounts = useLoopMounts({ btrfs: 'btrfs', ext4: 'ext4' });
  let t: BackupTestCore;

  beforeAll(async () => {
    t = await startBackupCore();
  });

  afterAll(async () => {
    await t?.close();
  });

  it('btrfs alone: nothing frozen, a read-only snapshot with the data; retention keeps the newest', async () => {
    writeFileSync(join(mounts.btrfs.mountpoint, 'data.txt'), 'before the snapshot\n');
    const plan = { version: 1 as const, name: 'btrfs-alone', mounts: [mounts.btrfs.mountpoint], method: 'btrfs' as const, retention: { keep: 1 } };
    const preflight = await (async () => {
      await t.ok('plans.save', { plan });
      return t.ok<{ steps: string[]; maxFrozenMs: number; blockers: string[] }>('backup.preflight', { name: plan.name });
    })();
    expect(preflight.blockers).toEqual([]);
    expect(preflight.maxFrozenMs).toBe(0);
    expect(preflight.steps.join(' ')).toMatch(/Nothing is frozen/);

    const first = await t.runPlan(plan);
    expect(first.outcome).toBe('succeeded');
    expect(first.trustworthy).toBe(true);
    expect(first.hold).toBeNull();
    expect(first.members[0]).toMatchObject({ capture: 'atomic-snapshot', snapshot: { kind: 'subvolume' } });
    const snapshot = first.members[0]!.snapshot!.path!;
    expect(readFileSync(join(snapshot, 'data.txt'), 'utf8')).toBe('before the snapshot\n');
    expect(await run('btrfs', ['property', 'get', '-ts', snapshot, 'ro'])).toContain('ro=true');
    expect(first.verification[0]).toMatchObject({ ok: true });
    expect(await t.ok<FreezeWindow[]>('history.list')).toEqual([]);

    const second = await t.runPlan(plan);
    expect(second.outcome).toBe('succeeded');
    expect(second.retention.removed).toEqual([snapshot]);
    expect(existsSync(snapshot)).toBe(false);
    expect(existsSync(second.members[0]!.snapshot!.path!)).toBe(true);
  });

  it('btrfs + ext4: ext4 frozen and cloned, btrfs snapshotted inside the same window, members say how', async () => {
    const report = await t.runPlan({
      version: 1,
      name: 'mixed',
      mounts: [mounts.btrfs.mountpoint, mounts.ext4.mountpoint],
      method: 'btrfs',
      holdWindowMs: 10_000,
      imageClone: { snapshotDir: join(mounts.fixture.dir, 'snapshots'), reflink: 'auto' },
      backup: { destination: join(mounts.fixture.dir, 'exports'), verify: true },
    });
    expect(report.error).toBeUndefined();
    expect(report.trustworthy).toBe(true);
    expect(report.members.map((m) => [m.fsType, m.capture, m.snapshot?.kind])).toEqual([
      ['btrfs', 'atomic-snapshot', 'subvolume'],
      ['ext4', 'frozen', 'image'],
    ]);
    expect(report.hold!.withinWindow).toBe(true);
    // The btrfs snapshot was taken inside the freeze window of the others.
    const snapshot = report.timeline.find((p) => p.phase === 'snapshot')!;
    expect(snapshot.startedAt).toBeGreaterThanOrEqual(report.hold!.frozenAt);
    expect(snapshot.endedAt).toBeLessThanOrEqual(report.hold!.thawedAt);
    expect(report.verification.map((v) => v.ok)).toEqual([true, true]);
    expect(report.exports?.map((e) => e.directory.split('/').pop())).toEqual([`mixed-${report.runId}`, `mixed-${report.runId}-0`]);
    const windows = await t.ok<FreezeWindow[]>('history.list');
    expect(windows.map((w) => w.path)).toEqual([mounts.ext4.mountpoint]);
    await expectAllThawed(t, [mounts.btrfs.mountpoint, mounts.ext4.mountpoint]);
  });

  it('two subvolumes of one btrfs sharing an explicit snapshot folder: one snapshot each, retention removes both', async () => {
    const volumes: string[] = [];
    for (const name of ['vol-a', 'vol-b']) {
      await run('btrfs', ['subvolume', 'create', join(mounts.btrfs.mountpoint, name)]);
      writeFileSync(join(mounts.btrfs.mountpoint, name, 'data.txt'), `${name}\n`);
      volumes.push(await mounts.fixture.bind(join(mounts.btrfs.mountpoint, name)));
    }
    const plan = { version: 1 as const, name: 'vols', mounts: volumes, method: 'btrfs' as const, btrfs: { snapshotDir: join(mounts.btrfs.mountpoint, 'snaps') }, retention: { keep: 1 } };
    const first = await t.runPlan(plan);
    expect(first.error).toBeUndefined();
    expect(first.trustworthy).toBe(true);
    const paths = first.members.map((m) => m.snapshot!.path!);
    expect(paths).toEqual([0, 1].map((i) => join(mounts.btrfs.mountpoint, 'snaps', `vols-${first.runId}-${i}`)));
    expect(paths.map((p) => readFileSync(join(p, 'data.txt'), 'utf8'))).toEqual(['vol-a\n', 'vol-b\n']);

    const second = await t.runPlan(plan);
    expect(second.error).toBeUndefined();
    expect([...second.retention.removed].sort()).toEqual(paths);
    expect(paths.map((p) => existsSync(p))).toEqual([false, false]);
    expect(second.members.map((m) => existsSync(m.snapshot!.path!))).toEqual([true, true]);
    expect(eventsOf(t, 'backup.output').filter((l) => l.runId === second.runId && l.stream === 'stderr')).toEqual([]);
  });

  it('a btrfs plan with an ext4 member it cannot capture is blocked up front', async () => {
    await t.ok('plans.save', { plan: { version: 1, name: 'uncaptured', mounts: [mounts.btrfs.mountpoint, mounts.ext4.mountpoint], method: 'btrfs' } });
    const result = await t.core.dispatch('backup.start', { name: 'uncaptured' });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('PLAN_INVALID');
      expect(result.error.message).toMatch(/not btrfs: the btrfs method would freeze it but capture nothing/);
    }
  });
});
