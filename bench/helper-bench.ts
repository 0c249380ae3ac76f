/**
 * Figures for the freeze helper (issue 2), measured on the fixture's loop
 * mounts: round trip beside fsfreeze and the bare ioctls, deadline
 * punctuality, EOF and kill -9 thaw latency, resident memory.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HelperClient } from '../main/helper/client';
import { HELPER_PATH, RawHelper, startClient } from '../testing/helper-harness';
import type { LoopFixture, LoopMount } from '../testing/loop-mounts';
import { startWriter, waitUntilBlocked } from '../testing/writer';
import { fmt, median, percentile, type Row } from '../testing/stats';

const IOCTL_PAIR = join(import.meta.dirname, '../native-helper/build/ioctl-pair');

function buildIoctlPair(): void {
  execFileSync('cc', ['-O2', '-Wall', '-Wextra', '-Werror', '-o', IOCTL_PAIR, join(import.meta.dirname, '../native-helper/bench/ioctl-pair.c')]);
}

function msSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export async function roundTrip(mount: LoopMount, rounds = 4, perBlock = 10): Promise<Row[]> {
  buildIoctlPair();
  const { client } = await startClient();
  const viaClient: number[] = [];
  const viaFsfreeze: number[] = [];
  const bare: number[] = [];
  try {
    for (let block = 0; block < rounds; block++) {
      const out = execFileSync(IOCTL_PAIR, [mount.mountpoint, String(perBlock)], { encoding: 'utf8' });
      bare.push(...out.trim().split('\n').map((us) => Number(us) / 1000));
      for (let i = 0; i < perBlock; i++) {
        const start = process.hrtime.bigint();
        const frozen = await client.freeze(mount.mountpoint, 30_000);
        // As the app does: a held filesystem is named by its mount id.
        await client.thaw({ mountId: frozen.mount.mountId });
        viaClient.push(msSince(start));
      }
      for (let i = 0; i < perBlock; i++) {
        const start = process.hrtime.bigint();
        const f = spawnSync('fsfreeze', ['-f', mount.mountpoint]);
        const u = spawnSync('fsfreeze', ['-u', mount.mountpoint]);
        if (f.status !== 0 || u.status !== 0) throw new Error('fsfreeze failed');
        viaFsfreeze.push(msSince(start));
      }
    }
  } finally {
    await client.close();
  }
  const c = median(viaClient);
  const f = median(viaFsfreeze);
  const b = median(bare);
  const n = rounds * perBlock;
  return [
    { figure: `freeze+thaw via client, ${mount.fsType} idle (median of ${n})`, value: `${fmt(c)} ms`, peer: `fsfreeze -f && -u: ${fmt(f)} ms`, ratio: `${fmt(c / f)}x`, target: '<= 0.5x' },
    { figure: `freeze+thaw via client, ${mount.fsType} idle (median of ${n})`, value: `${fmt(c)} ms`, peer: `bare FIFREEZE+FITHAW: ${fmt(b)} ms`, ratio: `${fmt(c / b)}x`, target: 'aim 1.5x' },
  ];
}

/** heldMs - timeoutMs, from the helper's own thawed events. */
export async function punctuality(mounts: LoopMount[], total = 50): Promise<Row[]> {
  const { client, events } = await startClient();
  const late: number[] = [];
  try {
    for (let done = 0; done < total; ) {
      const batch = mounts.slice(0, Math.min(mounts.length, total - done));
      await Promise.all(batch.map((m) => client.freeze(m.mountpoint, 1000)));
      for (const m of batch) {
        const thawed = await events.waitFor('thawed', (e) => e.mount.path === m.mountpoint, 5000);
        late.push((thawed.heldMs ?? Number.NaN) - 1000);
      }
      events.all.splice(0);
      done += batch.length;
    }
  } finally {
    await client.close();
  }
  return [
    { figure: `deadline punctuality (deadline -> FITHAW done), ${late.length} freezes`, value: `p50 ${fmt(percentile(late, 50), 1)} ms, p99 ${fmt(percentile(late, 99), 1)} ms`, peer: '—', ratio: '—', target: 'p99 < 20 ms' },
  ];
}

export async function eofToThawed(mount: LoopMount, runs = 20): Promise<Row[]> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const raw = new RawHelper();
    await raw.waitLine((l) => l.type === 'hello');
    raw.write(`${JSON.stringify({ id: 1, op: 'freeze', path: mount.mountpoint, timeoutMs: 20_000 })}\n`);
    await raw.reply(1);
    const start = process.hrtime.bigint();
    raw.child.stdin.end();
    await raw.waitLine((l) => l.event === 'thawed');
    samples.push(msSince(start));
    await raw.exit;
  }
  return [{ figure: `stdin EOF -> thawed event (${runs} runs)`, value: `p50 ${fmt(median(samples))} ms, p99 ${fmt(percentile(samples, 99))} ms`, peer: '—', ratio: '—', target: '< 100 ms' }];
}

export async function killToGuardianThaw(mount: LoopMount, runs = 20): Promise<Row[]> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const client = await HelperClient.start({ helperPath: HELPER_PATH, leaseMs: 5000 });
    await client.freeze(mount.mountpoint, 20_000);
    const writer = startWriter(join(mount.mountpoint, `k9-${i}.bin`), 4096);
    await waitUntilBlocked(writer, 50);
    const start = process.hrtime.bigint();
    process.kill(client.pid!, 'SIGKILL');
    await writer.done;
    samples.push(msSince(start));
    await client.exited;
  }
  return [{ figure: `helper kill -9 -> guardian thawed (writer resumes; ${runs} runs)`, value: `p50 ${fmt(median(samples))} ms, p99 ${fmt(percentile(samples, 99))} ms`, peer: '—', ratio: '—', target: '< 500 ms' }];
}

function kib(pid: number, field: string): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(`${field}:`));
  return Number(line?.split(/\s+/)[1] ?? Number.NaN);
}

export async function residentMemory(mounts: LoopMount[]): Promise<Row[]> {
  const { client } = await startClient();
  try {
    for (const m of mounts) await client.freeze(m.mountpoint, 30_000);
    await client.status();
    await client.writers(mounts[0]!.mountpoint);
    const helper = kib(client.pid!, 'VmRSS');
    const locked = kib(client.pid!, 'VmLck');
    const guardian = kib(client.hello.guardianPid, 'VmRSS');
    await client.thawAll();
    return [
      { figure: `helper resident memory, ${mounts.length} held, memory locked (VmLck ${locked} KiB)`, value: `${fmt(helper / 1024)} MiB`, peer: `guardian: ${fmt(guardian / 1024)} MiB`, ratio: '—', target: '< 2 MiB' },
    ];
  } finally {
    await client.close();
  }
}

export async function helperFigures(fixture: LoopFixture): Promise<Row[]> {
  const ext4 = await fixture.mount('ext4');
  const xfs = await fixture.mount('xfs');
  const more = [await fixture.mount('ext4'), await fixture.mount('btrfs'), await fixture.mount('ext4')];
  return [
    ...(await roundTrip(ext4)),
    ...(await roundTrip(xfs)),
    ...(await punctuality([ext4, xfs, ...more])),
    ...(await eofToThawed(ext4)),
    ...(await killToGuardianThaw(xfs)),
    ...(await residentMemory([ext4, xfs, ...more])),
  ];
}
