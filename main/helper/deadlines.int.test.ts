/**
 * Deadlines and the lease: nothing stays frozen past its deadline, and a
 * client that stops talking (or whose I/O threads are stuck) gets
 * everything thawed.
 *
 * Timing here is checked in two ways that a loaded machine cannot break: never
 * early (a lower bound), and thawed by the helper itself, well before the
 * guardian's backstop at deadline + 2 s (GUARDIAN_GRACE_MS). How punctual the
 * helper is, is a figure of `npm run bench` (bench/helper-bench.ts), not a
 * pass/fail bound.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { HelperClient } from './client';
import { RawHelper, rootTests, startClient } from '../../testing/helper-harness';
import { useExt4AndXfs } from '../../testing/shared-mounts';
import { run } from '../../testing/run-command';
import { sleep, startWriter, waitUntilBlocked } from '../../testing/writer';

/** The guardian thaws what the helper should have thawed this long after its deadline (docs/helper-protocol.md). */
const GUARDIAN_GRACE_MS = 2000;

describe.skipIf(!rootTests.ok)('deadlines and the lease', () => {
  const mounts = useExt4AndXfs();
  const clients: HelperClient[] = [];


  afterEach(async () => {
    for (const client of clients.splice(0)) await client.close();
  });


  async function client(options: Parameters<typeof startClient>[0] = {}) {
    const started = await startClient(options);
    clients.push(started.client);
    return started;
  }

  it('auto-thaws at the deadline with reason "deadline": never early, and before the guardian\'s backstop', async () => {
    const { client: c, events } = await client();
    const frozenAt = performance.now();
    await c.freeze(mounts.ext4.mountpoint, 1500);
    const writer = startWriter(join(mounts.ext4.mountpoint, 'deadline.bin'));
    await waitUntilBlocked(writer);
    const thawed = await events.waitFor('thawed', (e) => e.mount.path === mounts.ext4.mountpoint, 5000);
    expect(thawed.reason).toBe('deadline');
    expect(thawed.alreadyThawed, 'the helper found it already thawed (by the guardian)').toBeUndefined();
    expect(thawed.heldMs).toBeGreaterThanOrEqual(1500);
    expect(thawed.heldMs).toBeLessThan(1500 + GUARDIAN_GRACE_MS);
    expect(thawed.at - frozenAt).toBeGreaterThanOrEqual(1450);
    expect(await writer.done).toBe(0);
  });

  it('extend resets the deadline', async () => {
    const { client: c, events } = await client();
    const start = performance.now();
    await c.freeze(mounts.ext4.mountpoint, 1500);
    await sleep(1000);
    await c.extend({ path: mounts.ext4.mountpoint }, 2000);
    const thawed = await events.waitFor('thawed', (e) => e.mount.path === mounts.ext4.mountpoint, 6000);
    expect(thawed.reason).toBe('deadline');
    expect(thawed.at - start).toBeGreaterThan(2900); // 1000 + 2000, not 1500
    expect(thawed.heldMs).toBeGreaterThanOrEqual(3000);
  });

  it('an extend past maxHoldMs is HOLD_LIMIT and changes nothing', async () => {
    const { client: c, events } = await client({ maxTimeoutMs: 2000, maxHoldMs: 3000 });
    await c.freeze(mounts.ext4.mountpoint, 2000);
    await sleep(1200);
    await expect(c.extend({ path: mounts.ext4.mountpoint }, 2000)).rejects.toMatchObject({ code: 'HOLD_LIMIT' });
    // The deadline is still the first one: at most 2000 - 1200 ms away (an applied extend would say ~2000).
    const [held] = (await c.status()).frozen;
    expect(held!.remainingMs).toBeLessThanOrEqual(800);
    const thawed = await events.waitFor('thawed', (e) => e.mount.path === mounts.ext4.mountpoint, 6000);
    expect(thawed.reason).toBe('deadline');
    expect(thawed.heldMs).toBeGreaterThanOrEqual(2000);
  });

  it('a client that stops sending gets everything thawed (lease-expired)', async () => {
    const { client: c, events } = await client({ leaseMs: 1500, heartbeat: false });
    const start = performance.now();
    await c.freezeGroup([mounts.ext4.mountpoint, mounts.xfs.mountpoint], 30_000);
    const warning = await events.waitFor('lease-warning', () => true, 3000);
    expect(warning.at - start).toBeGreaterThan(600);
    const thawed = await events.waitFor('thawed', (e) => e.mount.path === mounts.xfs.mountpoint, 10_000);
    // The lease, not the 30 s deadline (how soon after the lease: a bench figure).
    expect(thawed.reason).toBe('lease-expired');
    expect(thawed.at - start).toBeGreaterThanOrEqual(1500);
    expect((await c.status()).frozen).toEqual([]);
  });

  it('heartbeats keep the lease while the client is healthy', async () => {
    const { client: c, events } = await client({ leaseMs: 1500 });
    await c.freeze(mounts.ext4.mountpoint, 4000);
    await sleep(3000); // twice the lease
    expect((await c.status()).frozen.map((f) => f.path)).toEqual([mounts.ext4.mountpoint]);
    const thawed = await events.waitFor('thawed', (e) => e.mount.path === mounts.ext4.mountpoint, 3000);
    expect(thawed.reason).toBe('deadline');
  });

  it('a client whose threadpool is stuck on the frozen filesystem stops renewing the lease', async () => {
    const { client: c, events } = await client({ leaseMs: 2000 });
    await c.freeze(mounts.xfs.mountpoint, 30_000);
    // The seed's deadlock: this process's own I/O threads block on what it froze.
    const stuck = Array.from({ length: 8 }, (_, i) => writeFile(join(mounts.xfs.mountpoint, `stuck-${i}`), 'x'));
    const thawed = await events.waitFor('thawed', (e) => e.mount.path === mounts.xfs.mountpoint, 6000);
    expect(thawed.reason).toBe('lease-expired');
    await Promise.all(stuck); // and the writes complete once thawed
  });

  it('closing stdin thaws everything (client-gone) and the helper exits', async () => {
    const raw = new RawHelper();
    await raw.waitLine((l) => l.type === 'hello');
    raw.write(`${JSON.stringify({ id: 1, op: 'freeze', path: mounts.ext4.mountpoint, timeoutMs: 20_000 })}\n`);
    expect(await raw.reply(1)).toMatchObject({ ok: true });
    const writer = startWriter(join(mounts.ext4.mountpoint, 'eof.bin'));
    await waitUntilBlocked(writer);
    const closedAt = performance.now();
    raw.child.stdin.end();
    const thawed = await raw.waitLine((l) => l.event === 'thawed');
    expect(thawed.reason).toBe('client-gone');
    expect(await raw.exit).toBe(0);
    expect(await writer.done).toBe(0);
    // At once, not at the lease (5 s) nor the deadline (20 s); how soon: a bench figure.
    expect(performance.now() - closedAt).toBeLessThan(5000);
  });

  it('a slow freeze does not make another filesystem thaw late, nor starve heartbeats', async () => {
    // A freeze made slow on purpose: the filesystem's image lives on a
    // filesystem that fsfreeze holds, so syncing its dirty data waits.
    const outer = await mounts.fixture.mount('ext4', { sizeMb: 256 });
    const inner = await mounts.fixture.mount('ext4', { imageDir: outer.mountpoint, sizeMb: 64 });
    await run('dd', ['if=/dev/urandom', `of=${join(inner.mountpoint, 'dirty.bin')}`, 'bs=1M', 'count=16', 'status=none']);
    const { client: c, events } = await client();
    await run('fsfreeze', ['-f', outer.mountpoint]);
    try {
      await c.freeze(mounts.xfs.mountpoint, 1500);
      const slow = c.freeze(inner.mountpoint, 5000);
      // Answered while the slow freeze is still stuck (it stays stuck until fsfreeze -u below).
      await c.heartbeat();
      expect(events.all.some((e) => e.event === 'frozen' && e.mount.path === inner.mountpoint)).toBe(false);
      const thawed = await events.waitFor('thawed', (e) => e.mount.path === mounts.xfs.mountpoint, 6000);
      // By the helper at its deadline, not by the guardian's backstop; how punctual: a bench figure.
      expect(thawed.reason).toBe('deadline');
      expect(thawed.alreadyThawed, 'the helper found it already thawed (by the guardian)').toBeUndefined();
      expect(thawed.heldMs).toBeLessThan(1500 + GUARDIAN_GRACE_MS);
      expect(events.all.some((e) => e.event === 'frozen' && e.mount.path === inner.mountpoint)).toBe(false);
      await run('fsfreeze', ['-u', outer.mountpoint]);
      await slow;
      await c.thaw({ path: inner.mountpoint });
    } finally {
      await run('fsfreeze', ['-u', outer.mountpoint]).catch(() => undefined);
    }
  });
});
