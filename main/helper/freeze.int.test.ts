/**
 * Freeze and thaw real loop-mounted filesystems through the client, and
 * show what a freeze is: a write from another process blocks, then lands
 * with the right bytes after the thaw.
 */
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HelperClient } from './client';
import { rootTests, startClient, type EventLog } from '../../testing/helper-harness';
import { LoopFixture, type FixtureFsType, type LoopMount } from '../../testing/loop-mounts';
import { mountOrNotRun } from '../../testing/not-run';
import { run } from '../../testing/run-command';
import { fileSha256, startWriter, waitUntilBlocked } from '../../testing/writer';

describe.skipIf(!rootTests.ok)('freeze and thaw on real filesystems', () => {
  let fixture: LoopFixture;
  let client: HelperClient;
  let events: EventLog;
  const mounts = new Map<FixtureFsType, LoopMount>();

  beforeAll(async () => {
    fixture = await LoopFixture.create();
    for (const fsType of ['ext4', 'ext3', 'xfs', 'btrfs'] as const) mounts.set(fsType, await mountOrNotRun(fixture, fsType));
    ({ client, events } = await startClient());
  });

  afterAll(async () => {
    await client?.close();
    await fixture?.cleanup();
  });

  for (const fsType of ['ext4', 'ext3', 'xfs', 'btrfs'] as const) {
    it(`${fsType}: a write blocks while frozen and lands intact after thaw`, async () => {
      const mount = mounts.get(fsType)!;
      const frozen = await client.freeze(mount.mountpoint, 10_000);
      expect(frozen.mount).toMatchObject({ path: mount.mountpoint, fsType, majorMinor: mount.majorMinor, mountId: mount.mountId });
      expect(frozen.remainingMs).toBeGreaterThan(9000);
      expect(frozen.remainingMs).toBeLessThanOrEqual(10_000);

      const target = join(mount.mountpoint, 'payload.bin');
      const writer = startWriter(target);
      const blocked = await waitUntilBlocked(writer);
      expect(blocked.state).toBe('D');
      expect(existsSync(target)).toBe(false);

      const thawed = await client.thaw({ path: mount.mountpoint });
      expect(thawed.heldMs).toBeGreaterThan(0);
      expect(await writer.done).toBe(0);
      expect(fileSha256(target)).toBe(writer.sha256);
      await events.waitFor('thawed', (e) => e.mount.path === mount.mountpoint && e.reason === 'request');
      expect(events.all.some((e) => e.event === 'frozen' && e.mount.path === mount.mountpoint)).toBe(true);
    });
  }

  it('mountpoints whose names hold a space or a newline', async () => {
    for (const name of ['with space', 'new\nline']) {
      const mount = await fixture.mount('ext4', { name });
      expect(mount.mountpoint).toContain(name);
      const frozen = await client.freeze(mount.mountpoint, 5000);
      expect(frozen.mount.path).toBe(mount.mountpoint);
      const thawed = await client.thaw({ path: mount.mountpoint });
      expect(thawed.mount.path).toBe(mount.mountpoint);
    }
  });

  it('a bind mount is the same filesystem as its source', async () => {
    const source = mounts.get('ext4')!;
    const bind = await fixture.bind(source.mountpoint);
    const frozen = await client.freeze(bind, 5000);
    expect(frozen.mount.path).toBe(bind);
    expect(frozen.mount.majorMinor).toBe(source.majorMinor);
    await expect(client.freeze(source.mountpoint, 5000)).rejects.toMatchObject({ code: 'ALREADY_FROZEN' });
    // Holding one holds all: a write through the source blocks too.
    const writer = startWriter(join(source.mountpoint, 'via-source.bin'));
    await waitUntilBlocked(writer);
    await client.thaw({ path: source.mountpoint });
    expect(await writer.done).toBe(0);
  });

  it('extend moves the deadline; status lists what is held', async () => {
    const mount = mounts.get('xfs')!;
    await client.freeze(mount.mountpoint, 3000);
    const extended = await client.extend({ path: mount.mountpoint }, 20_000);
    expect(extended.remainingMs).toBeGreaterThan(19_000);
    await events.waitFor('extended', (e) => e.mount.path === mount.mountpoint);
    const status = await client.status();
    expect(status.frozen.map((f) => f.path)).toContain(mount.mountpoint);
    expect(status.guardian.alive).toBe(true);
    await client.thaw({ mountId: mount.mountId });
    expect((await client.status()).frozen).toEqual([]);
  });

  it('a filesystem frozen by fsfreeze is FROZEN_ELSEWHERE and not ours to thaw without force', async () => {
    const mount = mounts.get('ext4')!;
    await run('fsfreeze', ['-f', mount.mountpoint]);
    try {
      await expect(client.freeze(mount.mountpoint, 5000)).rejects.toMatchObject({ code: 'FROZEN_ELSEWHERE' });
      await expect(client.thaw({ path: mount.mountpoint })).rejects.toMatchObject({ code: 'NOT_HELD' });
      await expect(client.extend({ path: mount.mountpoint }, 5000)).rejects.toMatchObject({ code: 'NOT_HELD' });
      expect(await client.probe(mount.mountpoint)).toEqual({ frozen: true, intrusive: false });
      const forced = await client.thaw({ path: mount.mountpoint }, { force: true });
      expect(forced.heldMs).toBeNull();
      await expect(client.thaw({ path: mount.mountpoint }, { force: true })).rejects.toMatchObject({ code: 'NOT_FROZEN' });
      expect(await client.probe(mount.mountpoint)).toEqual({ frozen: false, intrusive: true });
    } finally {
      await run('fsfreeze', ['-u', mount.mountpoint]).catch(() => undefined);
    }
  });

  it('writers lists the process blocked on the frozen filesystem', async () => {
    const mount = mounts.get('btrfs')!;
    const other = mounts.get('ext4')!;
    await client.freeze(mount.mountpoint, 10_000);
    const target = join(mount.mountpoint, 'writers.bin');
    const writer = startWriter(target);
    await waitUntilBlocked(writer);
    const { blocked } = await client.writers(mount.mountpoint);
    const mine = blocked.find((w) => w.pid === writer.pid);
    expect(mine).toBeDefined();
    expect(mine!.comm).toBe('dd');
    expect(mine!.path).toBe(target);
    expect(mine!.syscall).toMatch(/open/);
    // Not attributed to a filesystem it is not blocked on.
    expect((await client.writers(other.mountpoint)).blocked.find((w) => w.pid === writer.pid)).toBeUndefined();
    await client.thaw({ path: mount.mountpoint });
    expect(await writer.done).toBe(0);
  });

  it('a path mounted over after the client read it is MOUNT_CHANGED', async () => {
    const mount = await fixture.mount('ext4');
    await fixture.mountOver(mount.mountpoint);
    await expect(client.freeze(mount.mountpoint, 5000, { mountId: mount.mountId })).rejects.toMatchObject({ code: 'MOUNT_CHANGED' });
    expect((await client.status()).frozen).toEqual([]);
  });

  describe('bad targets get their code and freeze nothing', () => {
    it('tmpfs cannot be frozen', async () => {
      const tmpfs = await fixture.tmpfs();
      await expect(client.freeze(tmpfs, 5000)).rejects.toMatchObject({ code: 'UNSUPPORTED_FS' });
    });

    it('a subdirectory is not a mount root, and its filesystem stays writable', async () => {
      const mount = mounts.get('xfs')!;
      const sub = join(mount.mountpoint, 'sub');
      mkdirSync(sub, { recursive: true });
      await expect(client.freeze(sub, 2000)).rejects.toMatchObject({ code: 'NOT_A_MOUNTPOINT' });
      const writer = startWriter(join(mount.mountpoint, 'after-subdir.bin'), 4096);
      // Finishes at once; a wrong freeze would hold it until the 2 s deadline.
      const raced = await Promise.race([writer.done, new Promise((r) => setTimeout(() => r('blocked'), 1000))]);
      expect(raced).toBe(0);
    });

    it('a btrfs subvolume directory is not a mount root', async () => {
      const mount = mounts.get('btrfs')!;
      const subvolume = join(mount.mountpoint, 'subvol');
      await run('btrfs', ['subvolume', 'create', subvolume]);
      await expect(client.freeze(subvolume, 2000)).rejects.toMatchObject({ code: 'NOT_A_MOUNTPOINT' });
      expect(await Promise.race([startWriter(join(mount.mountpoint, 'after-subvol.bin'), 4096).done, new Promise((r) => setTimeout(() => r('blocked'), 1000))])).toBe(0);
    });

    it('missing, relative and symlinked paths', async () => {
      const mount = mounts.get('ext4')!;
      await expect(client.freeze(join(fixture.dir, 'no-such-dir'), 2000)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(client.freeze('relative/path', 2000)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
      const link = join(fixture.dir, 'link-to-mount');
      symlinkSync(mount.mountpoint, link);
      await expect(client.freeze(link, 2000)).rejects.toMatchObject({ code: 'NOT_A_MOUNTPOINT' });
      expect((await client.status()).frozen).toEqual([]);
    });

    it('the root filesystem, directly or through a bind mount, is REFUSED_UNSAFE', async () => {
      // timeoutMs 1000: were the refusal ever broken, the deadline thaws at once.
      await expect(client.freeze('/', 1000)).rejects.toMatchObject({ code: 'REFUSED_UNSAFE' });
      const bindOfRoot = await fixture.bind('/');
      await expect(client.freeze(bindOfRoot, 1000)).rejects.toMatchObject({ code: 'REFUSED_UNSAFE' });
      await expect(client.freezeGroup([mounts.get('ext4')!.mountpoint, bindOfRoot], 1000)).rejects.toMatchObject({ code: 'REFUSED_UNSAFE' });
      expect((await client.status()).frozen).toEqual([]);
    });

    it('timeouts outside 1000..maxTimeoutMs', async () => {
      const mount = mounts.get('ext4')!;
      for (const timeoutMs of [0, -5, 999, 30_001, 1e15]) {
        await expect(client.freeze(mount.mountpoint, timeoutMs)).rejects.toMatchObject({ code: 'TIMEOUT_OUT_OF_RANGE' });
      }
      expect((await client.status()).frozen).toEqual([]);
    });
  });
});
