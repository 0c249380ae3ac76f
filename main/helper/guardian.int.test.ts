/**
 * The guardian: whatever happens to the helper, nothing stays frozen past
 * its deadline. kill -9 of the helper, SIGSTOP of the helper, kill -9 of the
 * guardian itself.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { HelperClient } from './client';
import { rootTests, startClient } from '../../e2e/fixture/helper-harness';
import { useExt4AndXfs } from '../../e2e/fixture/shared-mounts';
import { startWriter, waitUntilBlocked, type Writer } from '../../e2e/fixture/writer';

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

  it('kill -9 of the helper: the guardian thaws within a second', async () => {
    const { client: c } = await client();
    await c.freezeGroup([mounts.ext4.mountpoint, mounts.xfs.mountpoint], 20_000);
    const writers = [startWriter(join(mounts.ext4.mountpoint, 'k9-a.bin')), startWriter(join(mounts.xfs.mountpoint, 'k9-b.bin'))];
    for (const w of writers) await waitUntilBlocked(w);
    const killedAt = performance.now();
    process.kill(c.pid!, 'SIGKILL');
    const ms = await Promise.all(writers.map((w) => msUntilDone(w, killedAt)));
    expect(Math.max(...ms)).toBeLessThan(1000);
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
    expect(ms).toBeGreaterThan(3000);
    expect(ms).toBeLessThan(4500);
    process.kill(c.pid!, 'SIGCONT');
    // The helper wakes up past its deadline and finds the work done.
    const late = await events.waitFor('thawed', (e) => e.mount.path === mounts.ext4.mountpoint, 3000);
    expect(late).toMatchObject({ reason: 'deadline', alreadyThawed: true });
    expect((await c.status()).frozen).toEqual([]);
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
    expect(await msUntilDone(writer, killedAt)).toBeLessThan(1000);
  });
});

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
