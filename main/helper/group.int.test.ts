/**
 * Consistency groups: all or nothing, one freeze per superblock, and the
 * order that avoids freezing a filesystem under its own loop device.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HelperClient } from './client';
import { rootTests, startClient, type EventLog } from '../../testing/helper-harness';
import { useExt4AndXfs } from '../../testing/shared-mounts';
import { run } from '../../testing/run-command';
import { startWriter } from '../../testing/writer';

describe.skipIf(!rootTests.ok)('group freeze', () => {
  const mounts = useExt4AndXfs();
  let client: HelperClient;
  let events: EventLog;

  beforeAll(async () => {
    ({ client, events } = await startClient());
  });

  afterAll(async () => {
    await client?.close();
  });

  it('when the last member fails, the others are thawed (group-rollback) and the reply names it', async () => {
    const tmpfs = await mounts.fixture.tmpfs();
    const error = await client.freezeGroup([mounts.ext4.mountpoint, mounts.xfs.mountpoint, tmpfs], 5000).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'UNSUPPORTED_FS', details: { path: tmpfs } });
    for (const mount of [mounts.ext4, mounts.xfs]) {
      const thawed = await events.waitFor('thawed', (e) => e.mount.path === mount.mountpoint);
      expect(thawed.reason).toBe('group-rollback');
    }
    expect((await client.status()).frozen).toEqual([]);
    const writer = startWriter(join(mounts.xfs.mountpoint, 'after-rollback.bin'), 4096);
    expect(await Promise.race([writer.done, new Promise((r) => setTimeout(() => r('blocked'), 1000))])).toBe(0);
  });

  it('two paths on one superblock are one freeze', async () => {
    const bind = await mounts.fixture.bind(mounts.ext4.mountpoint);
    const before = events.all.length;
    const result = await client.freezeGroup([mounts.ext4.mountpoint, bind], 5000);
    expect(result.mounts.map((m) => m.majorMinor)).toEqual([mounts.ext4.majorMinor, mounts.ext4.majorMinor]);
    const status = await client.status();
    expect(status.frozen).toHaveLength(1);
    expect(events.all.slice(before).filter((e) => e.event === 'frozen')).toHaveLength(1);
    await client.thawAll();
  });

  it('a filesystem on a loop device is frozen before the one holding its backing file, and thawed after', async () => {
    const outer = await mounts.fixture.mount('ext4', { sizeMb: 256 });
    const inner = await mounts.fixture.mount('ext4', { imageDir: outer.mountpoint, sizeMb: 64 });
    // Dirty data in the inner filesystem: freezing it must write through the
    // loop device into the outer one. In the wrong order that write would
    // wait on the frozen outer filesystem until the deadline.
    await run('dd', ['if=/dev/urandom', `of=${join(inner.mountpoint, 'dirty.bin')}`, 'bs=1M', 'count=8', 'status=none']);
    const before = events.all.length;
    const started = performance.now();
    const result = await client.freezeGroup([outer.mountpoint, inner.mountpoint], 10_000);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(result.mounts.map((m) => m.path).sort()).toEqual([outer.mountpoint, inner.mountpoint].sort());
    const frozenOrder = events.all.slice(before).filter((e) => e.event === 'frozen').map((e) => (e as { mount: { path: string } }).mount.path);
    expect(frozenOrder).toEqual([inner.mountpoint, outer.mountpoint]);
    const thawedFrom = events.all.length;
    await client.thawAll();
    const thawOrder = events.all.slice(thawedFrom).filter((e) => e.event === 'thawed').map((e) => (e as { mount: { path: string } }).mount.path);
    expect(thawOrder).toEqual([outer.mountpoint, inner.mountpoint]);
  });

  it('a mount is frozen before the mount it sits on', async () => {
    const parent = await mounts.fixture.mount('ext4');
    const child = await mounts.fixture.mount('xfs', { name: `${parent.mountpoint.split('/').pop()}/nested` });
    const before = events.all.length;
    await client.freezeGroup([parent.mountpoint, child.mountpoint], 5000);
    const order = events.all.slice(before).filter((e) => e.event === 'frozen').map((e) => (e as { mount: { path: string } }).mount.path);
    expect(order).toEqual([child.mountpoint, parent.mountpoint]);
    await client.thawAll();
  });
});
