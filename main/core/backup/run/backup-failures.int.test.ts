/**
 * Failure paths on a real kernel, each ending thawed with a clear report:
 * a pre-freeze hook that exits 1 (nothing frozen), a snapshot command that
 * exits 1 (thawed, SNAPSHOT_FAILED), the manual method whose 2 s hold
 * window runs out before "Snapshot taken" (thawed, untrustworthy); an
 * extend of a member the run holds (refused: its hold window is enforced)
 * and a Thaw by hand (allowed: the run ends untrustworthy).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackupRunState } from '../../../../app/backup';
import type { FreezeWindow, MountsSnapshot } from '../../../../app/domain';
import { rootTests } from '../../../../testing/helper-harness';
import { useExt4AndXfs } from '../../../../testing/shared-mounts';
import { eventsOf, expectAllThawed, startBackupCore, type BackupTestCore } from '../testing/backup-int-harness';

describe.skipIf(!rootTests.ok)('backup failure paths on real loop mounts', () => {
  const mounts = useExt4AndXfs();
  let t: BackupTestCore;

  beforeAll(async () => {
    t = await startBackupCore();
  });

  afterAll(async () => {
    await t?.close();
  });

  it('a pre-freeze hook that exits 1: nothing is frozen, the report says HOOK_FAILED', async () => {
    const report = await t.runPlan({
      version: 1,
      name: 'hook-fails',
      mounts: [mounts.ext4.mountpoint, mounts.xfs.mountpoint],
      method: 'command',
      command: { argv: ['true'], timeoutMs: 5000 },
      holdWindowMs: 5000,
      hooks: { preFreeze: { argv: ['sh', '-c', 'echo flushing; echo no lock >&2; exit 1'], timeoutMs: 5000 } },
    });
    expect(report.outcome).toBe('failed');
    expect(report.trustworthy).toBe(false);
    expect(report.error?.code).toBe('HOOK_FAILED');
    expect(report.error?.message).toMatch(/exited with status 1.*Nothing was frozen/);
    expect(report.hold).toBeNull();
    expect(report.timeline.find((p) => p.phase === 'freeze')).toBeUndefined();
    expect(report.hooks[0]).toMatchObject({ role: 'pre-freeze', exitCode: 1, outcome: 'failed' });
    expect(report.hooks[0]!.outputTail).toContain('! no lock');
    // The helper was never asked to freeze anything.
    expect(await t.ok<FreezeWindow[]>('history.list')).toEqual([]);
    const lines = eventsOf(t, 'backup.output').filter((l) => l.runId === report.runId).map((l) => `${l.stream}:${l.text}`);
    expect(lines).toEqual(['stdout:flushing', 'stderr:no lock']);
    await expectAllThawed(t, [mounts.ext4.mountpoint, mounts.xfs.mountpoint]);
  });

  it('a snapshot command that exits 1: the group is thawed at once, SNAPSHOT_FAILED', async () => {
    const report = await t.runPlan({
      version: 1,
      name: 'command-fails',
      mounts: [mounts.ext4.mountpoint, mounts.xfs.mountpoint],
      method: 'command',
      holdWindowMs: 5000,
      command: { argv: ['sh', '-c', 'echo "members: $FREEZEFRAME_MOUNTS" | tr "\\n" " "; echo; exit 1'], timeoutMs: 5000 },
    });
    expect(report.outcome).toBe('failed');
    expect(report.error?.code).toBe('SNAPSHOT_FAILED');
    expect(report.trustworthy).toBe(false);
    expect(report.hold).not.toBeNull();
    expect(report.hold!.heldMs).toBeLessThan(3000);
    expect(report.hold!.withinWindow).toBe(true);
    expect(report.hooks.find((h) => h.role === 'command')?.outputTail).toContain(`members: ${mounts.ext4.mountpoint} ${mounts.xfs.mountpoint}`);
    const windows = await t.ok<FreezeWindow[]>('history.list');
    expect(windows.filter((w) => w.endedBy === 'request').map((w) => w.path).sort()).toEqual([mounts.ext4.mountpoint, mounts.xfs.mountpoint].sort());
    await expectAllThawed(t, [mounts.ext4.mountpoint, mounts.xfs.mountpoint]);
  });

  it('manual method, 2 s hold window, no confirmation: thawed, untrustworthy, WINDOW_EXCEEDED', async () => {
    let waiting: BackupRunState | undefined;
    const t0 = Date.now();
    const report = await t.runPlan(
      {
        version: 1,
        name: 'manual-times-out',
        mounts: [mounts.ext4.mountpoint],
        method: 'manual',
        holdWindowMs: 2000,
        manual: { checklist: ['Take the array snapshot'] },
      },
      (state) => {
        if (state.status === 'waiting-for-operator') waiting ??= state;
      },
    );
    expect(waiting?.checklist).toEqual(['Take the array snapshot']);
    expect(waiting?.holdRemainingMs).toBeGreaterThan(1000);
    expect(report.outcome).toBe('failed');
    expect(report.error?.code).toBe('WINDOW_EXCEEDED');
    expect(report.trustworthy).toBe(false);
    expect(report.untrustworthyReason).toMatch(/hold window .* ran out/);
    expect(report.hold!.withinWindow).toBe(false);
    expect(report.hold!.heldMs).toBeGreaterThanOrEqual(1800);
    expect(report.hold!.heldMs).toBeLessThan(2500);
    // Only the hold window ran out: the quiesce (about 2 s of its 60 s) was within its own.
    expect(report.quiesce).toMatchObject({ windowMs: 60_000, withinWindow: true });
    expect(Date.now() - t0).toBeLessThan(10_000);
    // Too late now: the run is over.
    const late = await t.core.dispatch('backup.confirmSnapshot', { runId: report.runId });
    expect(late.ok).toBe(false);
    // The timeline calls it the run's deadline, not a thaw on request.
    const windows = await t.ok<FreezeWindow[]>('history.list');
    expect(windows.filter((w) => w.path === mounts.ext4.mountpoint).at(-1)?.endedBy).toBe('backup-window');
    await expectAllThawed(t, [mounts.ext4.mountpoint]);
  });

  it('extend of a member the run holds is refused (its 3 s hold window is enforced); a Thaw by hand ends the run untrustworthy', async () => {
    const outcomes: Array<{ ok: boolean; code?: string }> = [];
    const report = await t.runPlan({ version: 1, name: 'hand-thaw', mounts: [mounts.xfs.mountpoint], method: 'manual', holdWindowMs: 3000 }, async (state) => {
      if (state.status !== 'waiting-for-operator' || outcomes.length) return;
      const id = (await t.ok<MountsSnapshot>('mounts.list')).mounts.find((m) => m.path === mounts.xfs.mountpoint)!.id;
      for (const [method, params] of [['freeze.extend', { id, timeoutMs: 20_000 }], ['freeze.thaw', { id }]] as const) {
        const result = await t.core.dispatch(method, params);
        outcomes.push(result.ok ? { ok: true } : { ok: false, code: result.error.code });
      }
    });
    expect(outcomes).toEqual([{ ok: false, code: 'BACKUP_RUNNING' }, { ok: true }]);
    expect(report.outcome).toBe('failed');
    expect(report.error?.code).toBe('SNAPSHOT_FAILED');
    expect(report.trustworthy).toBe(false);
    expect(report.untrustworthyReason).toMatch(/was thawed \(request\) before the snapshot was done/);
    // Thawed by the user's request well inside the window the helper kept (never extended).
    expect(report.hold!.heldMs).toBeLessThan(3000);
    const windows = await t.ok<FreezeWindow[]>('history.list');
    expect(windows.find((w) => w.path === mounts.xfs.mountpoint && w.endedBy === 'request')).toBeDefined();
    await expectAllThawed(t, [mounts.xfs.mountpoint]);
  });
});
