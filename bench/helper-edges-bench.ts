/**
 * How punctual the helper and its guardian are at the edges the functional
 * tests check only for correctness (main/helper/deadlines.int.test.ts,
 * guardian.int.test.ts assert "never early, thawed by the right party,
 * before the guardian's backstop"): the lease running out, a neighbour's
 * deadline and a heartbeat while another freeze is stuck syncing, and the
 * guardian's backstop for a stopped helper. Measured here as figures; the
 * targets are the bounds those tests used to hold.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startClient } from '../testing/helper-harness';
import type { LoopFixture, LoopMount } from '../testing/loop-mounts';
import { run } from '../testing/run-command';
import { startWriter, waitUntilBlocked } from '../testing/writer';
import { p50p99, type Row } from '../testing/stats';

/** The guardian thaws what a stopped helper should have thawed this long after its deadline. */
const GUARDIAN_GRACE_MS = 2000;

/** Heartbeats stop: how long after the lease ran out the freeze was thawed (lease-expired). */
export async function leaseExpiry(mount: LoopMount, runs = 10, leaseMs = 1500): Promise<Row[]> {
  const late: number[] = [];
  for (let i = 0; i < runs; i++) {
    const { client, events } = await startClient({ leaseMs, heartbeat: false });
    try {
      const sentAt = performance.now();
      await client.freeze(mount.mountpoint, 30_000);
      const thawed = await events.waitFor('thawed', (e) => e.mount.path === mount.mountpoint, 10_000);
      if (thawed.reason !== 'lease-expired') throw new Error(`thawed by ${thawed.reason}, not the lease`);
      late.push(thawed.at - sentAt - leaseMs);
    } finally {
      await client.close();
    }
  }
  return [{ figure: `lease ran out (${leaseMs} ms, heartbeats stopped) -> thawed event, ${runs} runs`, value: p50p99(late, 1), peer: '—', ratio: '—', target: '< 1000 ms past the lease' }];
}

/**
 * A freeze stuck syncing (its image lives on a filesystem fsfreeze holds):
 * meanwhile a heartbeat's round trip, and how late another filesystem's
 * 1.5 s deadline thaws.
 */
export async function stuckFreezeNeighbours(fixture: LoopFixture, neighbour: LoopMount, runs = 5): Promise<Row[]> {
  const outer = await fixture.mount('ext4', { sizeMb: 256 });
  const inner = await fixture.mount('ext4', { imageDir: outer.mountpoint, sizeMb: 64 });
  const heartbeats: number[] = [];
  const late: number[] = [];
  for (let i = 0; i < runs; i++) {
    await run('dd', ['if=/dev/urandom', `of=${join(inner.mountpoint, 'dirty.bin')}`, 'bs=1M', 'count=16', 'status=none']);
    const { client, events } = await startClient();
    await run('fsfreeze', ['-f', outer.mountpoint]);
    try {
      const sentAt = performance.now();
      await client.freeze(neighbour.mountpoint, 1500);
      const slow = client.freeze(inner.mountpoint, 5000);
      const start = performance.now();
      await client.heartbeat();
      heartbeats.push(performance.now() - start);
      const thawed = await events.waitFor('thawed', (e) => e.mount.path === neighbour.mountpoint, 6000);
      if (thawed.reason !== 'deadline' || thawed.alreadyThawed) throw new Error(`the neighbour was thawed by ${thawed.reason}${thawed.alreadyThawed ? ' (the guardian first)' : ''}`);
      // Seen from the client, from before the freeze request: an upper bound (the helper's heldMs is whole ms).
      late.push(thawed.at - sentAt - 1500);
      await run('fsfreeze', ['-u', outer.mountpoint]);
      await slow;
      await client.thaw({ path: inner.mountpoint });
    } finally {
      await run('fsfreeze', ['-u', outer.mountpoint]).catch(() => undefined);
      await client.close();
    }
  }
  return [
    { figure: `heartbeat round trip while another freeze is stuck syncing (${runs} runs)`, value: p50p99(heartbeats, 1), peer: '—', ratio: '—', target: '< 200 ms' },
    { figure: `a neighbour's 1.5 s deadline while another freeze is stuck syncing: freeze sent -> thawed event, less 1.5 s (${runs} runs)`, value: p50p99(late, 1), peer: '—', ratio: '—', target: '< 100 ms' },
  ];
}

/** SIGSTOP of the helper with a 1.5 s freeze: how late after deadline + 2 s the guardian lets a blocked writer go. */
export async function guardianBackstop(mount: LoopMount, runs = 5, timeoutMs = 1500): Promise<Row[]> {
  const late: number[] = [];
  for (let i = 0; i < runs; i++) {
    const { client } = await startClient();
    try {
      await client.freeze(mount.mountpoint, timeoutMs);
      const frozenAt = performance.now();
      process.kill(client.pid!, 'SIGSTOP');
      const writer = startWriter(join(mount.mountpoint, `backstop-${i}.bin`), 4096);
      await waitUntilBlocked(writer, 50);
      if ((await writer.done) !== 0) throw new Error('the blocked writer failed');
      late.push(performance.now() - frozenAt - timeoutMs - GUARDIAN_GRACE_MS);
    } finally {
      if (client.pid) spawnSync('kill', ['-CONT', String(client.pid)]);
      await client.close();
    }
  }
  return [{ figure: `helper stopped (SIGSTOP) -> guardian thaws at deadline + 2 s: lateness (${runs} runs)`, value: p50p99(late, 1), peer: '—', ratio: '—', target: '< 1000 ms' }];
}

export async function helperEdgeFigures(fixture: LoopFixture): Promise<Row[]> {
  const ext4 = await fixture.mount('ext4');
  const xfs = await fixture.mount('xfs');
  return [...(await leaseExpiry(ext4)), ...(await stuckFreezeNeighbours(fixture, xfs)), ...(await guardianBackstop(ext4))];
}
