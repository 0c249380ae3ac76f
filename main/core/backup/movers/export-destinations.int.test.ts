/**
 * Issue 12: exports to destinations that cannot take them end at once with
 * a typed error naming the path and the errno in words, leave nothing
 * behind, and are caught by the pre-flight before anything is frozen:
 * `/proc/sys/nope` (where Node's recursive mkdir looped forever at full
 * CPU), a read-only mount (which said a misleading "ENOENT ... mkdir"), and
 * a full one.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Preflight } from '../../../../app/backup';
import { rootTests } from '../../../../testing/helper-harness';
import { useLoopMounts } from '../../../../testing/shared-mounts';
import { run } from '../../../../testing/run-command';
import type { BackupError } from '../backup-error';
import { startBackupCore, type BackupTestCore } from '../testing/backup-int-harness';
import { exportFiles } from './export';
import { checkFolder } from './folders';

const MiB = 1024 * 1024;

describe.skipIf(!rootTests.ok)('exports to destinations that cannot take them', () => {
  const mounts = useLoopMounts({ ext4: { fs: 'ext4', sizeMb: 64 } });
  let readOnly: string;
  let full: string;
  let source: string;
  let t: BackupTestCore;

  beforeAll(async () => {
    readOnly = await mounts.fixture.tmpfs();
    chmodSync(readOnly, 0o755);
    await run('mount', ['-o', 'remount,ro', readOnly]);
    full = await mounts.fixture.tmpfs(); // 16 MiB
    // A tmpfs root is 1777: writable by everyone, which no destination may be.
    chmodSync(full, 0o755);
    source = join(mounts.fixture.dir, 'source.bin');
    writeFileSync(source, randomBytes(24 * MiB));
    t = await startBackupCore();
  });

  afterAll(async () => {
    await t?.close();
  });

  async function exported(destinationDir: string): Promise<{ error: BackupError; ms: number }> {
    const started = performance.now();
    const error = (await exportFiles({ files: [{ source, name: 'source.bin' }], destinationDir, label: 'run-1' }).then(
      () => new Error('the export succeeded'),
      (e: unknown) => e,
    )) as BackupError;
    return { error, ms: performance.now() - started };
  }

  it('/proc/sys/nope: EXPORT_FAILED naming the path and ENOENT, at once', async () => {
    const { error, ms } = await exported('/proc/sys/nope');
    expect(error.code).toBe('EXPORT_FAILED');
    expect(error.message).toBe('Cannot create the folder /proc/sys/nope: this filesystem does not let a folder be created there (ENOENT).');
    expect(ms).toBeLessThan(10_000);
  });

  it('a read-only mount: EROFS said as what it is, nothing left', async () => {
    const { error } = await exported(join(readOnly, 'backups'));
    expect(error.message).toBe(`Cannot create the folder ${readOnly}/backups: the filesystem is read-only (EROFS).`);
    expect(error.detail).toBe('EROFS');
    const { error: inRoot } = await exported(readOnly);
    expect(inRoot.message).toMatch(new RegExp(`^Cannot create the folder ${readOnly}/run-1\\.partial: the filesystem is read-only \\(EROFS\\)`));
    expect(readdirSync(readOnly)).toEqual([]);
  });

  it('a full one: DESTINATION_FULL with ENOSPC, the partial export removed', async () => {
    const { error } = await exported(full);
    expect(error.code).toBe('DESTINATION_FULL');
    expect(error.message).toMatch(new RegExp(`^Cannot write to ${full}/run-1\\.partial/source\\.bin: no space is left on the filesystem \\(ENOSPC\\); the partial export was removed\\.$`));
    expect(readdirSync(full)).toEqual([]);
  });

  it("the folder check says the same before anything runs, and gives the space free", async () => {
    await expect(checkFolder('/proc/sys/nope', { probe: true })).rejects.toThrow(/\/proc\/sys\/nope: this filesystem does not let a folder be created there \(ENOENT\)/);
    await expect(checkFolder(join(readOnly, 'x'), { probe: true })).rejects.toThrow(/read-only \(EROFS\)/);
    const room = await checkFolder(join(full, 'later'), { probe: true });
    expect(room).toMatchObject({ path: full, exists: false, missing: join(full, 'later') });
    expect(room.freeBytes).toBeGreaterThan(15 * MiB);
  });

  it('the pre-flight blocks a plan for each of them, naming the destination and why', async () => {
    // 20 MiB of data in the member: its image's allocated size is more than the full tmpfs holds.
    writeFileSync(join(mounts.ext4.mountpoint, 'data.bin'), randomBytes(20 * MiB));
    await run('sync', ['-f', mounts.ext4.mountpoint]);
    const blockers = async (name: string, destination: string): Promise<string> => {
      const plan = { version: 1 as const, name, mounts: [mounts.ext4.mountpoint], method: 'image-clone' as const, imageClone: { snapshotDir: join(mounts.fixture.dir, 'snaps') }, backup: { destination, verify: false } };
      await t.ok('plans.save', { plan });
      return (await t.ok<Preflight>('backup.preflight', { name })).blockers.join('\n');
    };
    expect(await blockers('to-proc', '/proc/sys/nope')).toContain('The export destination /proc/sys/nope cannot be used: Cannot create the folder /proc/sys/nope: this filesystem does not let a folder be created there (ENOENT).');
    expect(await blockers('to-ro', join(readOnly, 'b'))).toContain(`The export destination ${readOnly}/b cannot be used: Cannot create the folder ${readOnly}/b: the filesystem is read-only (EROFS).`);
    expect(await blockers('to-full', full)).toMatch(new RegExp(`The export destination ${full} has 1[56]\\.\\d MiB free, and the export needs about 2\\d\\.\\d MiB`));
    const start = await t.core.dispatch('backup.start', { name: 'to-proc' });
    expect(start).toMatchObject({ ok: false, error: { code: 'PLAN_INVALID' } });
  });
});
