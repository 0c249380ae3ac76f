/**
 * A run's edges with the rest of the app, through createCore on seams:
 * freeze.extend of a member the run holds frozen is refused (its hold
 * window is enforced) while a Thaw by hand is allowed and makes the run
 * untrustworthy; a run whose execute() rejects still ends with a final
 * state and a saved report; quitting thaws freezes made by hand at once,
 * not after the run's hooks let go.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BackupPlanInput, BackupReport, BackupRunState, Preflight } from '../../../../app/backup';
import type { MountsSnapshot } from '../../../../app/domain';
import { startTestCore, type TestCore } from '../../testing/core-harness';
import { BackupRun } from './backup-run';
import { idleDataMovers } from '../../testing/idle-data-movers';

const movers = idleDataMovers;

const manual: BackupPlanInput = { version: 1, name: 'array', mounts: ['/srv/data'], method: 'manual', holdWindowMs: 10_000, manual: { checklist: ['Snapshot the LUN'] } };

describe('a run and the rest of the app', () => {
  let dir: string;
  let t: TestCore;
  const rowId = async (path: string): Promise<string> => (await t.ok<MountsSnapshot>('mounts.list')).mounts.find((m) => m.path === path)!.id;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ff-backup-edges-'));
    t = await startTestCore({ options: { configDir: dir }, seams: { dataMovers: movers } });
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await t.core.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it("freeze.extend of a member the run holds is BACKUP_RUNNING; a Thaw by hand is allowed and ends the run untrustworthy", async () => {
    await t.ok('plans.save', { plan: manual });
    const start = await t.ok<BackupRunState>('backup.start', { name: 'array' });
    await t.waitForEvent('backup.progress', (s) => s.runId === start.runId && s.status === 'waiting-for-operator');
    const data = await rowId('/srv/data');
    // /var/www is the same filesystem (a bind mount): the same hold.
    for (const id of [data, await rowId('/var/www')]) {
      const extend = await t.call('freeze.extend', { id, timeoutMs: 600_000 });
      expect(extend).toMatchObject({ ok: false, error: { code: 'BACKUP_RUNNING', message: expect.stringMatching(/held frozen by the backup run of "array": its hold window \(10 s\) is enforced/) } });
    }
    expect(t.helper().calls.filter((c) => c.op === 'extend')).toEqual([]);

    expect(await t.call('freeze.thaw', { id: data })).toMatchObject({ ok: true });
    const end = await t.waitForEvent('backup.progress', (s) => s.runId === start.runId && s.status === 'failed');
    expect(end.error?.code).toBe('SNAPSHOT_FAILED');
    const report = await t.ok<BackupReport>('reports.get', { runId: start.runId });
    expect(report.trustworthy).toBe(false);
    expect(report.untrustworthyReason).toMatch(/\/srv\/data was thawed \(request\) before the snapshot was done: the snapshot may not be consistent/);
    expect(t.helper().held.size).toBe(0);

    // The run is over: a freeze by hand of the same filesystem may be extended again.
    await t.ok('freeze.start', { id: data, timeoutMs: 30_000 });
    expect(await t.call('freeze.extend', { id: data, timeoutMs: 60_000 })).toMatchObject({ ok: true });
    await t.ok('freeze.thaw', { id: data });
  });

  it('execute() rejecting (a bug): a final failed state (INTERNAL), the report kept and saved, the next run can start', async () => {
    vi.spyOn(BackupRun.prototype, 'execute').mockRejectedValueOnce(new Error('injected failure'));
    await t.ok('plans.save', { plan: manual });
    const start = await t.ok<BackupRunState>('backup.start', { name: 'array' });
    const end = await t.waitForEvent('backup.progress', (s) => s.runId === start.runId && s.status !== 'running');
    expect(end).toMatchObject({ status: 'failed', error: { code: 'INTERNAL', message: expect.stringMatching(/stopped unexpectedly: injected failure/) } });
    const report = await t.ok<BackupReport>('reports.get', { runId: start.runId });
    expect(report).toMatchObject({ outcome: 'failed', trustworthy: false, error: { code: 'INTERNAL' } });
    expect(existsSync(join(dir, 'reports', `${start.runId}.json`))).toBe(true);
    expect(t.logText()).toMatch(/run .* failed unexpectedly: Error: injected failure/);
    expect(await t.ok('backup.current')).toBeNull();

    const next = await t.ok<BackupRunState>('backup.start', { name: 'array' });
    await t.waitForEvent('backup.progress', (s) => s.runId === next.runId && s.status === 'waiting-for-operator');
    await t.ok('backup.cancel', { runId: next.runId });
    await t.waitForEvent('backup.progress', (s) => s.runId === next.runId && s.status === 'cancelled');
  });

  it("shutdown thaws what was frozen by hand at once, while the run's hold hook is still being let go", async () => {
    const plan: BackupPlanInput = {
      ...manual,
      // Ignores its stdin closing: it is let go only by the SIGTERM after releaseTimeoutMs.
      hooks: { hold: { argv: ['sh', '-c', 'echo READY; exec sleep 30'], readyLine: 'READY', readyTimeoutMs: 5000, releaseTimeoutMs: 1500 } },
    };
    await t.ok('plans.save', { plan });
    const preflight = await t.ok<Preflight>('backup.preflight', { name: 'array' });
    const start = await t.ok<BackupRunState>('backup.start', { name: 'array', confirmCommands: preflight.commandsDigest });
    await t.waitForEvent('backup.progress', (s) => s.runId === start.runId && s.status === 'waiting-for-operator', 5000);
    await t.ok('freeze.start', { id: await rowId('/srv/backup'), timeoutMs: 60_000 });
    const helper = t.helper();
    expect(helper.held.has('8:33')).toBe(true);

    const began = Date.now();
    let done = false;
    const shutdown = t.core.shutdown().then(() => (done = true));
    // The order is what matters, not a figure: the hand freeze is thawed while the hold hook
    // (let go only by the SIGTERM 1.5 s after the run's stdin closing) still runs.
    while (helper.held.size > 0 && !done) await new Promise((r) => setTimeout(r, 5));
    expect(helper.held.size).toBe(0);
    expect(done).toBe(false); // the hold hook has not been let go yet
    await shutdown;
    expect(Date.now() - began).toBeGreaterThanOrEqual(1400);
    const report = await t.ok<BackupReport>('reports.get', { runId: start.runId });
    expect(report.outcome).toBe('cancelled');
    expect(report.hooks.find((h) => h.role === 'hold')).toMatchObject({ outcome: 'released', signal: 'SIGTERM' });
  });
});
