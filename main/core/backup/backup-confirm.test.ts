/**
 * Commands confirmed by main, not only by the renderer: with
 * CoreOptions.confirmCommands (Electron's native dialog), backup.start runs
 * new or changed commands only once main's own dialog said yes; the digest
 * the renderer passes back is not enough. Through createCore on seams.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BackupPlanInput, BackupRunState, Preflight } from '../../../app/backup';
import type { CommandsConfirmationRequest } from '../api';
import { startTestCore, type TestCore } from '../testing/core-harness';
import { idleDataMovers } from '../testing/idle-data-movers';

const movers = idleDataMovers;

const plan: BackupPlanInput = {
  version: 1,
  name: 'snap',
  mounts: ['/srv/data'],
  method: 'command',
  hooks: { postThaw: { argv: ['sh', '-c', 'echo "$1"', 'post', 'a b'], timeoutMs: 5000, shell: false } },
  command: { argv: ['true'], timeoutMs: 5000 },
};

describe('backup.start with main confirming the commands (Electron)', () => {
  let dir: string;
  let t: TestCore;
  let asked: CommandsConfirmationRequest[];
  let answer: (request: CommandsConfirmationRequest) => Promise<boolean>;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ff-backup-confirm-'));
    asked = [];
    answer = async () => true;
    t = await startTestCore({
      options: { frontDoor: 'electron', configDir: dir, confirmCommands: (request) => (asked.push(request), answer(request)) },
      seams: { dataMovers: movers },
    });
    await t.ok('plans.save', { plan });
  });
  afterEach(async () => {
    await t.core.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('asks with each role and argv exactly; runs once approved, and does not ask again for the same commands', async () => {
    const preflight = await t.ok<Preflight>('backup.preflight', { name: 'snap' });
    const start = await t.ok<BackupRunState>('backup.start', { name: 'snap', confirmCommands: preflight.commandsDigest });
    expect(asked).toEqual([
      {
        planName: 'snap',
        commands: [
          { role: 'command', argv: ['true'], shell: false },
          { role: 'post-thaw', argv: ['sh', '-c', 'echo "$1"', 'post', 'a b'], shell: false },
        ],
      },
    ]);
    const end = await t.waitForEvent('backup.progress', (s) => s.runId === start.runId && s.status !== 'running', 5000);
    expect(end.status).toBe('succeeded');
    expect((await t.ok<Preflight>('backup.preflight', { name: 'snap' })).commandsConfirmed).toBe(true);

    // Approved already: the next run does not ask (and needs no digest).
    const again = await t.ok<BackupRunState>('backup.start', { name: 'snap' });
    await t.waitForEvent('backup.progress', (s) => s.runId === again.runId && s.status !== 'running', 5000);
    expect(asked).toHaveLength(1);
  });

  it("a No in main's dialog: COMMANDS_NOT_CONFIRMED although the renderer sent the right digest; nothing ran or was approved", async () => {
    answer = async () => false;
    const preflight = await t.ok<Preflight>('backup.preflight', { name: 'snap' });
    const start = await t.call('backup.start', { name: 'snap', confirmCommands: preflight.commandsDigest });
    expect(start).toMatchObject({ ok: false, error: { code: 'COMMANDS_NOT_CONFIRMED', message: expect.stringMatching(/not approved in Freezeframe's confirmation dialog: nothing ran/) } });
    expect(asked).toHaveLength(1);
    expect(await t.ok('backup.current')).toBeNull();
    expect((await t.ok<Preflight>('backup.preflight', { name: 'snap' })).commandsConfirmed).toBe(false);
    expect(existsSync(join(dir, 'approved-commands.json'))).toBe(false);
    expect(t.starts()).toBe(0); // no helper was even started: nothing was frozen
  });

  it('a dialog that fails counts as a No; without the digest (the review not done) nobody is asked', async () => {
    answer = async () => {
      throw new Error('no window');
    };
    const preflight = await t.ok<Preflight>('backup.preflight', { name: 'snap' });
    expect(await t.call('backup.start', { name: 'snap', confirmCommands: preflight.commandsDigest })).toMatchObject({ ok: false, error: { code: 'COMMANDS_NOT_CONFIRMED' } });
    expect(asked).toHaveLength(1);
    expect(await t.call('backup.start', { name: 'snap' })).toMatchObject({ ok: false, error: { code: 'COMMANDS_NOT_CONFIRMED' } });
    expect(asked).toHaveLength(1);
    expect(t.logText()).toMatch(/the confirmation of the commands of "snap" failed: no window/);
  });

  it('one dialog at a time: a second start while it is open is BACKUP_RUNNING', async () => {
    let reply: (yes: boolean) => void = () => undefined;
    answer = () => new Promise<boolean>((resolve) => (reply = resolve));
    const preflight = await t.ok<Preflight>('backup.preflight', { name: 'snap' });
    const first = t.call<BackupRunState>('backup.start', { name: 'snap', confirmCommands: preflight.commandsDigest });
    for (let i = 0; i < 100 && asked.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(await t.call('backup.start', { name: 'snap', confirmCommands: preflight.commandsDigest })).toMatchObject({ ok: false, error: { code: 'BACKUP_RUNNING' } });
    expect(asked).toHaveLength(1);
    reply(true);
    const started = await first;
    expect(started.ok).toBe(true);
    if (started.ok) await t.waitForEvent('backup.progress', (s) => s.runId === started.value.runId && s.status !== 'running', 5000);
  });
});

describe('backup.start without confirmCommands (web mode, CLI)', () => {
  it("the caller's digest is the confirmation, as before", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ff-backup-confirm-web-'));
    const t = await startTestCore({ options: { configDir: dir }, seams: { dataMovers: movers } });
    try {
      await t.ok('plans.save', { plan });
      const preflight = await t.ok<Preflight>('backup.preflight', { name: 'snap' });
      expect(await t.call('backup.start', { name: 'snap' })).toMatchObject({ ok: false, error: { code: 'COMMANDS_NOT_CONFIRMED' } });
      const start = await t.ok<BackupRunState>('backup.start', { name: 'snap', confirmCommands: preflight.commandsDigest });
      expect((await t.waitForEvent('backup.progress', (s) => s.runId === start.runId && s.status !== 'running', 5000)).status).toBe('succeeded');
    } finally {
      await t.core.shutdown();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
