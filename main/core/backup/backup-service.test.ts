/**
 * The wizard's methods through createCore on seams (fake helper, mount
 * table text): plans, pre-flight blockers and warnings, and the rule that
 * a plan's commands run only once the user confirmed exactly those.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BackupPlanInput, Preflight } from '../../../app/backup';
import { startTestCore, type TestCore } from '../testing/core-harness';
import { idleDataMovers } from '../testing/idle-data-movers';
import type { DataMovers } from './movers/data-movers';

const movers: DataMovers = { ...idleDataMovers, readDirtyBytes: async () => 300 * 1024 * 1024 };

const commandPlan: BackupPlanInput = {
  version: 1,
  name: 'data',
  mounts: ['/srv/data'],
  method: 'command',
  preSync: false,
  command: { argv: ['true', 'data'], timeoutMs: 5000 },
};

describe('BackupService through the core', () => {
  let dir: string;
  let t: TestCore;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ff-backup-service-'));
    t = await startTestCore({ options: { configDir: dir }, seams: { dataMovers: movers } });
  });
  afterEach(async () => {
    await t.core.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('saves and lists plans; an invalid one is INVALID_ARGUMENT with the field named', async () => {
    await t.ok('plans.save', { plan: commandPlan });
    expect((await t.ok<Array<{ name: string }>>('plans.list')).map((p) => p.name)).toEqual(['data']);
    const bad = await t.call('plans.save', { plan: { ...commandPlan, method: 'command', command: undefined } });
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', message: expect.stringMatching(/the command method needs a command/) } });
  });

  it('commands run only once confirmed by their digest; the approval is kept until they change', async () => {
    await t.ok('plans.save', { plan: commandPlan });
    const preflight = await t.ok<Preflight>('backup.preflight', { name: 'data' });
    expect(preflight.commands).toEqual([{ role: 'command', argv: ['true', 'data'], shell: false }]);
    expect(preflight.commandsConfirmed).toBe(false);
    expect(await t.call('backup.start', { name: 'data' })).toMatchObject({ ok: false, error: { code: 'COMMANDS_NOT_CONFIRMED' } });
    expect(await t.call('backup.start', { name: 'data', confirmCommands: 'f'.repeat(64) })).toMatchObject({ ok: false, error: { code: 'COMMANDS_NOT_CONFIRMED' } });
    expect(await t.call('backup.start', { name: 'data', confirmCommands: preflight.commandsDigest })).toMatchObject({ ok: true });
    await t.waitForEvent('reports.changed', () => true, 5000);
    expect((await t.ok<Preflight>('backup.preflight', { name: 'data' })).commandsConfirmed).toBe(true);
    // A changed command needs a new confirmation.
    await t.ok('plans.save', { plan: { ...commandPlan, command: { argv: ['true', 'everything'], timeoutMs: 5000 } } });
    expect((await t.ok<Preflight>('backup.preflight', { name: 'data' })).commandsConfirmed).toBe(false);
  });

  it('pre-flight blockers: not a mountpoint, dangerous and unconfirmed, not loop-backed for image-clone; start refuses with them', async () => {
    await t.ok('plans.save', { plan: { version: 1, name: 'bad', mounts: ['/srv/gone', '/var/log', '/srv/data'], method: 'image-clone', imageClone: { snapshotDir: '/srv/backup/snaps' } } });
    const preflight = await t.ok<Preflight>('backup.preflight', { name: 'bad' });
    expect(preflight.blockers.join('\n')).toMatch(/\/srv\/gone is not a mountpoint now/);
    expect(preflight.blockers.join('\n')).toMatch(/\/var\/log is marked dangerous/);
    expect(preflight.blockers.join('\n')).toMatch(/\/srv\/data is not on a loop device.*command method/);
    expect(preflight.members.map((m) => m.mounted)).toEqual([false, true, true]);
    const start = await t.call('backup.start', { name: 'bad' });
    expect(start).toMatchObject({ ok: false, error: { code: 'PLAN_INVALID', message: expect.stringMatching(/cannot run now: .*not a mountpoint/) } });
  });

  it("pre-flight checks every command's program: a missing one blocks the run, naming it (issue 12)", async () => {
    const hooks = { preFreeze: { argv: ['/nonexistent/flush-db'], timeoutMs: 5000 }, postThaw: { argv: ['no-such-program-here', '--resume'], timeoutMs: 5000 } };
    await t.ok('plans.save', { plan: { ...commandPlan, name: 'missing', hooks } });
    const preflight = await t.ok<Preflight>('backup.preflight', { name: 'missing' });
    expect(preflight.blockers).toEqual([
      expect.stringMatching(/^The pre-freeze hook's program cannot be run: \/nonexistent\/flush-db does not exist or is not executable/),
      expect.stringMatching(/^The post-thaw hook's program cannot be run: "no-such-program-here" is not found in PATH/),
    ]);
    expect(await t.call('backup.start', { name: 'missing', confirmCommands: preflight.commandsDigest })).toMatchObject({ ok: false, error: { code: 'PLAN_INVALID' } });
  });

  it('says what will happen and for how long at most; warns about dirty data without the pre-sync', async () => {
    await t.ok('plans.save', { plan: { ...commandPlan, name: 'nosync' } });
    const preflight = await t.ok<Preflight>('backup.preflight', { name: 'nosync' });
    expect(preflight.maxFrozenMs).toBe(10_000);
    expect(preflight.steps.join('\n')).toMatch(/Freeze \/srv\/data together .* for at most 10 s/);
    expect(preflight.warnings.join('\n')).toMatch(/300 MiB of data is waiting to be written/);
  });

  it('reports and runs that do not exist are RUN_NOT_FOUND', async () => {
    const runId = '20260101T000000Z-00000000';
    expect(await t.call('reports.get', { runId })).toMatchObject({ ok: false, error: { code: 'RUN_NOT_FOUND' } });
    expect(await t.call('backup.cancel', { runId })).toMatchObject({ ok: false, error: { code: 'RUN_NOT_FOUND' } });
    expect(await t.ok('backup.current')).toBeNull();
    expect(await t.ok('reports.list')).toEqual([]);
  });
});
