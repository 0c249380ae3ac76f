import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BackupPlan, BackupPlanInput } from '../../../../app/backup';
import { changedFields, commandsDigest, commandsOf, planDigest } from '../commands/commands-digest';
import { PlanStore } from './plan-store';
import { isRunId, newRunId } from '../run/run-id';

const PLAN: BackupPlanInput = {
  version: 1,
  name: 'db',
  mounts: ['/srv/data', '/srv/log'],
  method: 'command',
  command: { argv: ['snap', '--all'], timeoutMs: 5000 },
  hooks: { preFreeze: { argv: ['flush'], timeoutMs: 5000 } },
};

describe('PlanStore', () => {
  let dir: string;
  let store: PlanStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ff-plans-'));
    store = new PlanStore(join(dir, 'config'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('saves with defaults filled in, private (file 0600, dir 0700), and reads it back', async () => {
    const saved = await store.save(PLAN);
    expect(saved).toMatchObject({ holdWindowMs: 10_000, quiesceWindowMs: 60_000, preSync: true, confirmDangerous: [] });
    const file = join(dir, 'config', 'plans', 'db.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'config', 'plans')).mode & 0o777).toBe(0o700);
    expect(await store.get('db')).toEqual(saved);
    expect((await store.list()).map((p) => p.name)).toEqual(['db']);
    expect(await store.delete('db')).toBe(true);
    expect(await store.delete('db')).toBe(false);
    expect(await store.list()).toEqual([]);
  });

  it('refuses an invalid plan naming the fields, and a file edited into nonsense', async () => {
    await expect(store.save({ ...PLAN, mounts: ['relative'], holdWindowMs: 90_000 })).rejects.toMatchObject({
      code: 'PLAN_INVALID',
      message: expect.stringMatching(/mounts\.0: an absolute path.*hold window must fit/),
    });
    await store.save(PLAN);
    writeFileSync(join(dir, 'config', 'plans', 'db.json'), '{"version": 1, "name": "db"');
    await expect(store.get('db')).rejects.toMatchObject({ code: 'PLAN_INVALID' });
    await expect(store.get('other')).rejects.toMatchObject({ code: 'PLAN_NOT_FOUND' });
    await expect(store.get('../etc/passwd')).rejects.toMatchObject({ code: 'PLAN_INVALID' });
  });

  it('keeps approvals per front door and per plan content, with the plan as approved, in a private file', async () => {
    const plan = await store.save(PLAN);
    expect(await store.approval('web', 'db')).toBeUndefined();
    await store.approve('web', plan);
    expect(await store.approval('web', 'db')).toEqual({ digest: planDigest(plan), plan });
    // Another front door has approved nothing.
    expect(await store.approval('electron', 'db')).toBeUndefined();
    const changed = { ...plan, holdWindowMs: 5000 };
    await store.approve('electron', changed);
    expect((await store.approval('electron', 'db'))?.digest).toBe(planDigest(changed));
    expect((await store.approval('web', 'db'))?.digest).toBe(planDigest(plan));
    const file = join(dir, 'config', 'approved-plans.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // The old per-name file approves nothing any more.
    writeFileSync(join(dir, 'config', 'approved-commands.json'), JSON.stringify({ db: planDigest(plan) }));
    expect(await store.approval('cli', 'db')).toBeUndefined();
    writeFileSync(file, '{"db": "damaged"}');
    expect(await store.approval('web', 'db')).toBeUndefined();
  });
});

describe('commands and their digest', () => {
  const plan = (over: Partial<BackupPlan> = {}): BackupPlan => ({ ...(PLAN as BackupPlan), hooks: PLAN.hooks as BackupPlan['hooks'], ...over });

  it('lists the commands in run order with role, argv and shell', () => {
    expect(commandsOf(plan())).toEqual([
      { role: 'pre-freeze', argv: ['flush'], shell: false },
      { role: 'command', argv: ['snap', '--all'], shell: false },
    ]);
  });

  it('the plan digest changes with anything in the plan, and names what changed', () => {
    const base = planDigest(plan());
    expect(planDigest({ ...plan() })).toBe(base);
    expect(planDigest(plan({ holdWindowMs: 5000 }))).not.toBe(base);
    expect(changedFields(plan(), plan({ holdWindowMs: 5000, command: { argv: ['snap', '--one'], timeoutMs: 5000 } }))).toEqual(['command', 'holdWindowMs']);
    expect(changedFields(plan(), plan({ hooks: { preFreeze: { argv: ['flush', '--now'], timeoutMs: 5000 } } }))).toEqual(['hooks.preFreeze']);
  });

  it('changes when a command changes (argv, shell), not when a window does', () => {
    const base = commandsDigest(commandsOf(plan()));
    expect(base).toMatch(/^[a-f0-9]{64}$/);
    expect(commandsDigest(commandsOf(plan({ holdWindowMs: 5000 })))).toBe(base);
    expect(commandsDigest(commandsOf(plan({ command: { argv: ['snap', '--one'], timeoutMs: 5000 } })))).not.toBe(base);
    expect(commandsDigest(commandsOf(plan({ command: { argv: ['snap', '--all'], timeoutMs: 5000, shell: true } })))).not.toBe(base);
  });
});

describe('run ids', () => {
  it('match the contract, sort by time (to the millisecond)', () => {
    const a = newRunId(new Date('2026-01-02T03:04:05.001Z'));
    const b = newRunId(new Date('2026-01-02T03:04:05.900Z'));
    expect(a).toMatch(/^20260102T030405Z-001[a-f0-9]{5}$/);
    expect(isRunId(a) && isRunId(b)).toBe(true);
    expect(a < b).toBe(true);
  });
});
