/**
 * Figures for the backup wizard's data movers (issue 4), on the fixture's
 * loop mounts: the image-clone method's hold (reflink against copy), the
 * clone tool's copy throughput beside `cp --sparse=always` on the same file
 * in the same run (hot and cold cache, order alternated), and the freeze
 * with 256 MiB of dirty data by how it was prepared (dirty-freeze-bench.ts).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startClient } from '../testing/helper-harness';
import type { LoopFixture, LoopMount } from '../testing/loop-mounts';
import { allocatedBytes, cloneFile } from '../main/core/backup/movers/clone';
import { syncFilesystem } from '../main/core/backup/movers/dirty';
import type { HelperClient } from '../main/helper/client';
import type { DocRegion } from './doc-regions';
import { buildFsPrepare, dirtyFreeze, dirtyFreezeDocs, writeData } from './dirty-freeze-bench';
import { fmt, median, p50p99, percentile, type Row } from '../testing/stats';

const TOOL = resolve(import.meta.dirname, '../native-helper/build/freezeframe-clone');
const MiB = 1024 * 1024;
/** Every freeze here thaws itself after this long, whatever happens to the bench. */
const DEADLINE_MS = 20_000;

const msSince = (start: number): number => performance.now() - start;
const pp = (values: number[], digits = 1): string => p50p99(values, digits);

/** Clean page cache only (dirty pages stay): flush ours first. Never a global sync: another suite may hold a freeze. */
async function dropCaches(...paths: string[]): Promise<void> {
  for (const path of paths) await syncFilesystem(path, 60_000);
  writeFileSync('/proc/sys/vm/drop_caches', '1');
}

/** freeze -> clone -> thaw, the image-clone method's hold, timed by the helper (heldMs). */
export async function cloneHold(client: HelperClient, member: LoopMount, host: LoopMount, runs = 6): Promise<Row[]> {
  const image = realpathSync(member.image);
  const held: Record<'reflink' | 'copy', number[]> = { reflink: [], copy: [] };
  const allocated = await allocatedBytes(image);
  for (let i = 0; i < 2 * runs; i++) {
    const mode = i % 2 === 0 ? 'reflink' : 'copy';
    const target = join(host.mountpoint, `hold-${i}.img`);
    await client.freeze(member.mountpoint, DEADLINE_MS);
    let thawed: Awaited<ReturnType<HelperClient['thaw']>>;
    try {
      await cloneFile({ source: image, target, reflink: mode === 'reflink' ? 'always' : 'never', toolPath: TOOL });
    } finally {
      thawed = await client.thaw({ path: member.mountpoint });
    }
    held[mode].push(thawed.heldMs ?? Number.NaN);
    rmSync(target);
  }
  const r = median(held.reflink);
  const c = median(held.copy);
  return [
    {
      figure: `image-clone hold (freeze -> clone -> thaw), 1 GiB ext4 image with ${fmt(allocated / MiB, 0)} MiB allocated, on an xfs host, warm cache (${runs} runs each)`,
      value: `reflink: ${pp(held.reflink)}`,
      peer: `copy (--reflink=never): ${pp(held.copy)}`,
      ratio: `${fmt(c / r, 0)}x`,
      target: 'copy p99 < hold window (10 s); reflink constant',
      met: percentile(held.copy, 99) < 10_000,
    },
  ];
}

function timeCommand(file: string, args: string[]): number {
  const start = performance.now();
  execFileSync(file, args, { stdio: 'ignore' });
  return msSince(start);
}

/** freezeframe-clone --reflink=never beside cp --sparse=always --reflink=never: same file, same target directory. */
export async function copyThroughput(member: LoopMount, host: LoopMount, rounds = 4): Promise<Row[]> {
  const image = realpathSync(member.image);
  const bytes = await allocatedBytes(image);
  const rows: Row[] = [];
  for (const cache of ['hot', 'cold'] as const) {
    const ours: number[] = [];
    const cps: number[] = [];
    const one = async (who: 'ours' | 'cp', i: number): Promise<void> => {
      const target = join(host.mountpoint, `tp-${who}-${i}.img`);
      if (cache === 'cold') await dropCaches(host.mountpoint, member.mountpoint);
      else execFileSync('cat', [image], { stdio: 'ignore' });
      if (who === 'ours') ours.push(timeCommand(TOOL, ['--reflink=never', image, target]));
      else cps.push(timeCommand('cp', ['--sparse=always', '--reflink=never', image, target]));
      rmSync(target);
      await syncFilesystem(host.mountpoint, 60_000);
    };
    for (let i = 0; i < rounds; i++) {
      // Alternate who goes first, so neither always finds the other's leftovers.
      const order: Array<'ours' | 'cp'> = i % 2 === 0 ? ['ours', 'cp'] : ['cp', 'ours'];
      for (const who of order) await one(who, i);
    }
    const mibs = (ms: number): number => bytes / MiB / (ms / 1000);
    rows.push({
      figure: `copy throughput, 1 GiB image (${fmt(bytes / MiB, 0)} MiB allocated), ${cache} cache, median of ${rounds} alternating runs`,
      value: `freezeframe-clone: ${fmt(mibs(median(ours)), 0)} MiB/s (${fmt(median(ours), 0)} ms)`,
      peer: `cp --sparse=always: ${fmt(mibs(median(cps)), 0)} MiB/s (${fmt(median(cps), 0)} ms)`,
      ratio: `${fmt(median(cps) / median(ours), 2)}x`,
      target: '>= 0.9x',
      met: median(cps) / median(ours) >= 0.9,
    });
  }
  return rows;
}

/** The rows, and docs/backup.md's freeze breakdown from the same run. */
export async function backupFigures(fixture: LoopFixture): Promise<{ rows: Row[]; regions: DocRegion[] }> {
  execFileSync('make', ['-C', resolve(import.meta.dirname, '../native-helper'), 'all'], { stdio: 'ignore' });
  buildFsPrepare();
  // Sparse images: the host holds the 1 GiB image and one clone at a time.
  const xfsHost = await fixture.mount('xfs', { sizeMb: 4096 });
  const member = await fixture.mount('ext4', { sizeMb: 1024, imageDir: xfsHost.mountpoint });
  writeData(join(member.mountpoint, 'data.bin'), 300 * MiB);
  await syncFilesystem(member.mountpoint, 60_000);
  const onDisk = await fixture.mount('ext4', { sizeMb: 1024 });
  const xfsOnDisk = await fixture.mount('xfs', { sizeMb: 1024 });
  // The same on an image in RAM: every flush a freeze issues reaches the
  // loop device's backing file as an fsync, which on the disk costs tens
  // of milliseconds however little is left to write. In RAM that cost is
  // gone and the figure is the freeze's own writeback. The fixture's
  // cleanup unmounts everything under its directory, this tmpfs included.
  const ram = join(fixture.dir, 'ram-host');
  mkdirSync(ram);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1200m,mode=0700', 'freezeframe-bench', ram]);
  const inRam = await fixture.mount('ext4', { sizeMb: 1024, imageDir: ram });
  const { client } = await startClient();
  try {
    const rows = [...(await cloneHold(client, member, xfsHost)), ...(await copyThroughput(member, xfsHost))];
    const dirty = [await dirtyFreeze(client, onDisk, 'on the disk (/tmp)'), await dirtyFreeze(client, xfsOnDisk, 'on the disk (/tmp)'), await dirtyFreeze(client, inRam, 'in RAM (tmpfs)')];
    rows.push(...dirty.flatMap((d) => d.rows));
    return { rows, regions: [{ file: 'docs/backup.md', name: 'freeze-breakdown', markdown: dirtyFreezeDocs(dirty.map((d) => d.summary)) }] };
  } finally {
    await client.close();
  }
}
