/**
 * backup.start's edges, through createCore on seams: a cancel and the
 * quiesce hooks (the post-thaw hook undoes what the pre-freeze hook did, so
 * a cancel that came before it does not stop it), and a freeze by hand
 * while start was looking at the plan.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { MountsSnapshot } from '../../../../app/domain';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BackupPlanInput, BackupReport, BackupRunState, Preflight } from '../../../../app/backup';
import { startTestCore, type TestCore } from '../../testing/core-harness';
import { idleDataMovers } from '../../testing/idle-data-movers';

const movers = idleDataMovers;

describe('cancel and the quiesce hooks', () => {
  let dir: string;
  let t: TestCore;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ff-backup-cancel-'));
    t = await startTestCore({ options: { configDir: join(dir, 'config') }, seams: { dataMovers: movers } });
  });
  afterEach(async () => {
    await t.core.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a cancel during the pre-freeze hook still runs the post-thaw hook to its end', async () => {
    const unlocked = join(dir, 'unlocked');
    const plan: BackupPlanInput = {
      version: 1,
      name: 'locked',
      mounts: ['/srv/data'],
      method: 'manual',
      hooks: {
        preFreeze: { argv: ['sleep', '30'], timeoutMs: 40_000 },
        // Takes a moment, as an unlock does: a SIGTERM at its start would stop it before it wrote.
        postThaw: { argv: ['sh', '-c', 'sleep 0.3; echo unlocked > "$1"', 'unlock', unlocked], timeoutMs: 10_000 },
      },
    };
    await t.ok('plans.save', { plan });
    const preflight = await t.ok<Preflight>('backup.preflight', { name: 'locked' });
    const start = await t.ok<BackupRunState>('backup.start', { name: 'locked', confirmCommands: preflight.commandsDigest });
    await t.waitForEvent('backup.progress', (s) => s.phase === 'pre-freeze-hook');
    await t.ok('backup.cancel', { runId: start.runId });
    await t.waitForEvent('backup.progress', (s) => s.runId === start.runId && s.status === 'cancelled', 10_000);
    const report = await t.ok<BackupReport>('reports.get', { runId: start.runId });
    expect(report.outcome).toBe('cancelled');
    expect(report.hooks.find((h) => h.role === 'post-thaw')).toMatchObject({ outcome: 'ok', exitCode: 0 });
    expect(report.timeline.find((p) => p.phase === 'post-thaw-hook')?.outcome).toBe('ok');
    expect(existsSync(unlocked)).toBe(true);
  });

  it('a freeze by hand while start looked at the plan: BUSY, and nothing is written to the config dir', async () => {
    let freezeMeanwhile: (() => Promise<void>) | undefined;
    await t.core.shutdown();
    t = await startTestCore({
      options: { configDir: join(dir, 'config') },
      seams: { dataMovers: { ...movers, readDirtyBytes: async () => (await freezeMeanwhile?.(), 0) } },
    });
    const plan: BackupPlanInput = { version: 1, name: 'cmd', mounts: ['/srv/data'], method: 'command', command: { argv: ['true'], timeoutMs: 5000 } };
    await t.ok('plans.save', { plan });
    const preflight = await t.ok<Preflight>('backup.preflight', { name: 'cmd' });
    const row = (await t.ok<MountsSnapshot>('mounts.list')).mounts.find((m) => m.path === '/srv/data')!;
    freezeMeanwhile = async () => {
      freezeMeanwhile = undefined;
      await t.ok('freeze.start', { id: row.id, timeoutMs: 60_000 });
    };
    const start = await t.call('backup.start', { name: 'cmd', confirmCommands: preflight.commandsDigest });
    expect(start).toMatchObject({ ok: false, error: { code: 'BUSY' } });
    expect(existsSync(join(dir, 'config', 'approved-commands.json'))).toBe(false);
    expect(await t.ok('backup.current')).toBeNull();
    await t.ok('freeze.thaw', { id: row.id });
  });
});
