/**
 * The guardian: whatever happens to the helper, nothing stays frozen past
 * its deadline. kill -9 of the helper, SIGSTOP of the helper, kill -9 of the
 * guardian itself, SIGSTOP of the helper while its FIFREEZE runs.
 *
 * Times are checked for what cannot flake under load: never before the
 * backstop (deadline + 2 s), and within a generous bound that only the
 * guardian can meet (after kill -9 the freeze's own deadline is 20 s away;
 * a stopped helper would never thaw it). How soon the guardian acts is a
 * figure of `npm run bench` (helper-bench.ts, helper-edges-bench.ts).
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { HelperClient } from './client';
import { rootTests, startClient } from '../../testing/helper-harness';
import { useExt4AndXfs } from '../../testing/shared-mounts';
import { fileSha256, sleep, startWriter, waitUntilBlocked, type Writer } from '../../testing/writer';
import { FIFREEZE, waitForIoctl, writerAtFreezeBarrier } from '../../testing/procfs';

/** The guardian thaws what a stopped helper should have thawed this long after its deadline. */
const GUARDIAN_GRACE_MS = 2000;
/** A generous bound only the guardian meets: half the 20 s deadlines below, and a stopped helper never thaws. */
const LONG_BEFORE_DEADLINE_MS = 10_000;

async function msUntilDone(writer: Writer, since: number): Promise<number> {
  expect(await writer.done).toBe(0);
  return performance.now() - since;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!rootTests.ok)('guardian', () => {
  const mounts = useExt4AndXfs();
  const clients: HelperClient[] = [];


  afterEach(async () => {
    for (const c of clients.splice(0)) {
      if (c.pid) {
        try {
          process.kill(c.pid, 'SIGCONT');
        } catch {
          // already gone
        }
      }
      await c.close();
    }
  });


  async function client() {
    const started = await startClient();
    clients.push(started.client);
    return started;
  }

  it('kill -9 of the helper: the guardian thaws at once, long before the deadline', async () => {
    const { client: c } = await client();
    await c.freezeGroup([mounts.ext4.mountpoint, mounts.xfs.mountpoint], 20_000);
    const writers = [startWriter(join(mounts.ext4.mountpoint, 'k9-a.bin')), startWriter(join(mounts.xfs.mountpoint, 'k9-b.bin'))];
    for (const w of writers) await waitUntilBlocked(w);
    const killedAt = performance.now();
    process.kill(c.pid!, 'SIGKILL');
    const ms = await Promise.all(writers.map((w) => msUntilDone(w, killedAt)));
    expect(Math.max(...ms)).toBeLessThan(LONG_BEFORE_DEADLINE_MS);
    await c.exited;
    await waitFor(() => !isAlive(c.hello.guardianPid), 2000); // and it leaves
  });

  it('SIGSTOP of the helper: the guardian thaws at deadline + 2 s', async () => {
    const { client: c, events } = await client();
    await c.freeze(mounts.ext4.mountpoint, 1500);
    const frozenAt = performance.now();
    process.kill(c.pid!, 'SIGSTOP');
    const writer = startWriter(join(mounts.ext4.mountpoint, 'stop.bin'));
    await waitUntilBlocked(writer);
    const ms = await msUntilDone(writer, frozenAt);
    expect(ms).toBeGreaterThan(1500 + GUARDIAN_GRACE_MS - 500); // not before the backstop (less the freeze call's own time)
    expect(ms).toBeLessThan(LONG_BEFORE_DEADLINE_MS);
    process.kill(c.pid!, 'SIGCONT');
    // The helper wakes up past its deadline and finds the work done.
    const late = await events.waitFor('thawed', (e) => e.mount.path === mounts.ext4.mountpoint, 3000);
    expect(late).toMatchObject({ reason: 'deadline', alreadyThawed: true });
    expect((await c.status()).frozen).toEqual([]);
  });

  it('SIGSTOP of the helper inside FIFREEZE (never confirmed): the guardian thaws at the earliest deadline + 2 s', async () => {
    const { client: c, events } = await client();
    // Unsynced data, so that FIFREEZE is still syncing when the helper stops.
    const dd = spawnSync('dd', ['if=/dev/zero', `of=${join(mounts.xfs.mountpoint, 'dirty.bin')}`, 'bs=1M', 'count=64', 'status=none']);
    expect(dd.status).toBe(0);
    const sentAt = performance.now();
    const freeze = c.freeze(mounts.xfs.mountpoint, 1000);
    expect(await waitForIoctl(c.pid!, FIFREEZE, 5000)).toBe(true);
    process.kill(c.pid!, 'SIGSTOP'); // its worker finishes FIFREEZE in the kernel; nobody confirms it
    const { writer, slipped } = await writerAtFreezeBarrier(mounts.xfs.mountpoint, 'unconfirmed', 5000);
    const done = await Promise.race([writer.done.then(() => performance.now() - sentAt), sleep(LONG_BEFORE_DEADLINE_MS).then(() => undefined)]);
    expect(done, `the writer is still blocked ${LONG_BEFORE_DEADLINE_MS / 1000} s after a 1 s freeze of a stopped helper`).toBeDefined();
    expect(done!).toBeGreaterThan(1000 + GUARDIAN_GRACE_MS - 100); // not before ADD + timeoutMs + 2 s
    for (const w of [writer, ...slipped]) expect(fileSha256(w.target)).toBe(w.sha256);
    process.kill(c.pid!, 'SIGCONT');
    // The helper wakes, reports its freeze, then finds its deadline passed and the work done.
    await expect(freeze).resolves.toMatchObject({ mount: { path: mounts.xfs.mountpoint } });
    const late = await events.waitFor('thawed', (e) => e.mount.path === mounts.xfs.mountpoint, 3000);
    expect(late).toMatchObject({ reason: 'deadline', alreadyThawed: true });
    expect((await c.status()).frozen).toEqual([]);
    rmSync(join(mounts.xfs.mountpoint, 'dirty.bin'), { force: true });
  });

  it('kill -9 of the guardian: it is replaced, and the replacement still thaws after kill -9 of the helper', async () => {
    const { client: c, events } = await client();
    await c.freeze(mounts.xfs.mountpoint, 20_000);
    const first = c.hello.guardianPid;
    process.kill(first, 'SIGKILL');
    const restarted = await events.waitFor('guardian-restarted', () => true, 3000);
    expect(restarted.guardianPid).not.toBe(first);
    expect(isAlive(restarted.guardianPid)).toBe(true);
    const status = await c.status();
    expect(status.guardian).toEqual({ pid: restarted.guardianPid, alive: true });
    expect(status.frozen.map((f) => f.path)).toEqual([mounts.xfs.mountpoint]);

    const writer = startWriter(join(mounts.xfs.mountpoint, 'replaced.bin'));
    await waitUntilBlocked(writer);
    const killedAt = performance.now();
    process.kill(c.pid!, 'SIGKILL');
    expect(await msUntilDone(writer, killedAt)).toBeLessThan(LONG_BEFORE_DEADLINE_MS);
  });
});

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
