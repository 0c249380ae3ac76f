/**
 * Freeze under load (issue 5, item 2), after fstests generic/068 and
 * generic/390: 8 writers of every kind (buffered, O_DIRECT, mmap, fsync,
 * rename) on ext4, xfs and btrfs while the helper freezes and thaws the
 * filesystem in a loop; every few cycles the image is copied while frozen
 * and the copy must fsck clean. Then the writers stop, the filesystem is
 * unmounted and fsck'd, mounted again, and every writer's record checked.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rootTests, startClient } from '../testing/helper-harness';
import { LoopFixture, type FixtureFsType } from '../testing/loop-mounts';
import { run } from '../testing/run-command';
import { sleep } from '../testing/writer';
import { percentile } from '../testing/stats';
import { LONG, printTable, record } from './fixture/results';
import { buildStressWriter, cloneImage, fsck, fsckClone, startStressWriter, verifyWriter, WRITER_MODES } from './fixture/stress';

const CYCLES = Number(process.env.FREEZEFRAME_RELIABILITY_CYCLES ?? (LONG ? 500 : 30));
const CLONE_EVERY = LONG ? 25 : 10;
const HOLD_MS = 20;

describe.skipIf(!rootTests.ok)('freeze under load', () => {
  let fixture: LoopFixture;

  beforeAll(async () => {
    buildStressWriter();
    fixture = await LoopFixture.create();
  });

  afterAll(async () => {
    await fixture?.cleanup();
    printTable('load');
  });

  it.each(['ext4', 'xfs', 'btrfs'] as FixtureFsType[])('%s: 8 writers, freeze/thaw cycles, clones fsck clean, data intact', async (fsType) => {
    const mount = await fixture.mount(fsType, { sizeMb: 320 });
    const dir = join(mount.mountpoint, 'load');
    mkdirSync(dir);
    const writers = WRITER_MODES.map((mode, i) => startStressWriter(mode, dir, i + 1));
    const { client } = await startClient();
    const freezeMs: number[] = [];
    const thawMs: number[] = [];
    const clones: string[] = [];
    let tool = '';
    try {
      await sleep(300); // let every writer get going
      for (let cycle = 0; cycle < CYCLES; cycle++) {
        let t = performance.now();
        const frozen = await client.freeze(mount.mountpoint, 30_000);
        freezeMs.push(performance.now() - t);
        if (cycle % CLONE_EVERY === CLONE_EVERY - 1) {
          const dest = join(fixture.dir, `clone-${fsType}-${cycle}.img`);
          tool = cloneImage(mount.image, dest).tool;
          clones.push(dest);
        } else {
          await sleep(HOLD_MS);
        }
        t = performance.now();
        await client.thaw({ mountId: frozen.mount.mountId });
        thawMs.push(performance.now() - t);
        await sleep(HOLD_MS);
      }
    } finally {
      await client.close();
    }
    const counts = await Promise.all(writers.map((w) => w.stop()));

    // Copies taken while frozen: each must be a clean filesystem.
    const dirtyClones: string[] = [];
    let replayed = 0;
    for (const clone of clones) {
      const check = fsckClone(fsType, clone, fixture.dir);
      if (!check.ok) dirtyClones.push(check.text);
      if (check.replayed) replayed++;
      rmSync(clone, { force: true });
    }

    await run('umount', [mount.mountpoint]);
    const check = fsck(fsType, mount.device);
    await run('mount', [mount.device, mount.mountpoint]);
    const bad = writers.map((w, i) => verifyWriter(w.mode, dir, w.id, counts[i]!)).filter((v) => !v.ok);
    const ops = counts.reduce((a, b) => a + b, 0);

    record({
      suite: 'load',
      cell: `${fsType}: ${CYCLES} cycles under 8 writers (${ops} ops), freeze latency`,
      samples: freezeMs,
      bound: `p99 thaw ${percentile(thawMs, 99).toFixed(1)} ms`,
      outcome: `fsck ${check.ok ? 'clean' : 'DIRTY'}; ${writers.length - bad.length}/8 writers verified; clones ${clones.length - dirtyClones.length}/${clones.length} clean${replayed ? ` (${replayed} after XFS log replay)` : ''} (${tool})`,
    });
    expect(dirtyClones, dirtyClones.join('\n---\n')).toEqual([]);
    expect(check.ok, check.text).toBe(true);
    expect(bad.map((b) => b.text)).toEqual([]);
    expect(counts.every((n) => n > 0)).toBe(true);
  });
});
