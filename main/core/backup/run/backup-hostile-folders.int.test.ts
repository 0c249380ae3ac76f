/**
 * Issue 12: a root run against folders a second, unprivileged user
 * (nobody, through setpriv) controls, on real loop mounts.
 *
 * - btrfs retention: nobody owns the snapshot folder and plants a link,
 *   named like an old run of the plan, to a root-owned subvolume. Before,
 *   retention deleted that subvolume through it and the run said
 *   "succeeded, trustworthy".
 * - export: nobody owns the destination and swaps `<label>.partial` for a
 *   link to a root-only folder the moment it appears (inotify). Before,
 *   root wrote the export (SHA256SUMS, manifest.json) wherever it pointed.
 * - the image-clone run folder: nobody owns the snapshot folder and makes
 *   `<plan>` a link to a root-only folder; before, root cloned into it.
 *
 * Each asserts what must not happen (the subvolume stays, the root-only
 * folder stays empty) and that the run was refused, naming the folder. In a
 * root-owned snapshot folder, retention still leaves alone what this plan
 * did not make: a link, and a subvolume whose id no report of it recorded.
 */
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rootTests } from '../../../../testing/helper-harness';
import { asNobody, NOBODY, startNobodyScript } from '../../../../testing/second-user';
import { useLoopMounts } from '../../../../testing/shared-mounts';
import { run } from '../../../../testing/run-command';
import { startBackupCore, type BackupTestCore } from '../testing/backup-int-harness';

const OLD_RUN = '20200101T000000Z-00000000';

/** Swaps the first `*.partial` that appears in a folder for a link to `target` (run as nobody). */
const SWAPPER = `
const fs = require('node:fs');
const [dest, target] = process.argv.slice(2);
let swapped = false;
fs.watch(dest, (event, name) => {
  if (swapped || !name || !name.endsWith('.partial')) return;
  try {
    fs.renameSync(dest + '/' + name, dest + '/moved-' + name);
    fs.symlinkSync(target, dest + '/' + name);
    swapped = true;
    console.log('swapped ' + name);
  } catch (error) {
    console.log('missed ' + error.code);
  }
});
console.log('watching');
`;

describe.skipIf(!rootTests.ok)('a root run against folders another user controls', () => {
  const mounts = useLoopMounts({ btrfs: 'btrfs', ext4: 'ext4' });
  let t: BackupTestCore;
  let open: string;

  beforeAll(async () => {
    t = await startBackupCore();
    // The fixture folder is root's 0700: let nobody reach its own folders inside.
    chmodSync(mounts.fixture.dir, 0o755);
    open = join(mounts.fixture.dir, 'shared');
    mkdirSync(open, { mode: 0o755 });
  });

  afterAll(async () => {
    chmodSync(mounts.fixture.dir, 0o700);
    await t?.close();
  });

  function nobodysFolder(path: string): string {
    mkdirSync(path, { recursive: true, mode: 0o755 });
    chownSync(path, NOBODY, NOBODY);
    return path;
  }

  function rootOnlyFolder(path: string): string {
    mkdirSync(path, { recursive: true, mode: 0o700 });
    return path;
  }

  it("btrfs retention: nobody's link named like an old run never deletes root's subvolume", async () => {
    const mnt = mounts.btrfs.mountpoint;
    chmodSync(mnt, 0o755);
    await run('btrfs', ['subvolume', 'create', join(mnt, 'precious')]);
    writeFileSync(join(mnt, 'precious', 'keep.txt'), 'root data\n');
    const snaps = nobodysFolder(join(mnt, 'snaps'));
    await asNobody(['ln', '-s', '../precious', join(snaps, `attack-${OLD_RUN}`)]);

    const attempt = await t.tryPlan({ version: 1, name: 'attack', mounts: [mnt], method: 'btrfs', btrfs: { snapshotDir: snaps }, retention: { keep: 1 } });

    expect(readFileSync(join(mnt, 'precious', 'keep.txt'), 'utf8')).toBe('root data\n');
    expect(await run('btrfs', ['subvolume', 'show', join(mnt, 'precious')])).toMatch(/Subvolume ID/);
    expect(attempt.report).toBeUndefined();
    expect(attempt.preflight.blockers.join('\n')).toContain(`${snaps} is owned by uid ${NOBODY}, not by root`);
    expect(attempt.refused?.code).toBe('PLAN_INVALID');
    expect(readdirSync(snaps)).toEqual([`attack-${OLD_RUN}`]);
  });

  it("retention in root's own snapshot folder leaves alone a link and a subvolume no report of the plan recorded", async () => {
    const mnt = mounts.btrfs.mountpoint;
    const snaps = join(mnt, 'root-snaps');
    mkdirSync(snaps, { mode: 0o700 });
    await run('btrfs', ['subvolume', 'create', join(mnt, 'other')]);
    await run('btrfs', ['subvolume', 'create', join(snaps, `keeper-${OLD_RUN}-0`)]);
    writeFileSync(join(mnt, 'other', 'keep.txt'), 'x');
    const linked = '20200101T000001Z-00000000';
    await run('ln', ['-s', '../other', join(snaps, `keeper-${linked}`)]);
    const plan = { version: 1 as const, name: 'keeper', mounts: [mnt], method: 'btrfs' as const, btrfs: { snapshotDir: snaps }, retention: { keep: 1 } };

    const first = await t.runPlan(plan);
    expect(first.error).toBeUndefined();
    const snapshot = first.members[0]!.snapshot!;
    expect(snapshot.subvolumeId).toBeGreaterThan(255);
    expect(first.retention.removed).toEqual([]);
    expect(first.retention.kept?.map((k) => k.path).sort()).toEqual([join(snaps, `keeper-${OLD_RUN}-0`), join(snaps, `keeper-${linked}`)]);
    expect(existsSync(join(snaps, `keeper-${OLD_RUN}-0`))).toBe(true);
    expect(existsSync(join(mnt, 'other', 'keep.txt'))).toBe(true);

    // Its own earlier snapshot, whose id its report recorded, goes.
    const second = await t.runPlan(plan);
    expect(second.error).toBeUndefined();
    expect(second.retention.removed).toEqual([snapshot.path]);
    expect(existsSync(snapshot.path!)).toBe(false);
    expect(existsSync(join(snaps, `keeper-${OLD_RUN}-0`))).toBe(true);
  });

  it("export: nobody swapping <label>.partial for a link never gets root to write into root's folder", async () => {
    const dest = nobodysFolder(join(open, 'dest'));
    const victim = rootOnlyFolder(join(mounts.fixture.dir, 'victim-export'));
    const swapper = startNobodyScript(open, 'swapper.cjs', SWAPPER, [dest, victim]);
    try {
      await swapper.waitFor(/watching/);
      const attempt = await t.tryPlan({
        version: 1,
        name: 'exported',
        mounts: [mounts.ext4.mountpoint],
        method: 'image-clone',
        holdWindowMs: 10_000,
        imageClone: { snapshotDir: rootOnlyFolder(join(mounts.fixture.dir, 'snaps-export')) },
        backup: { destination: dest, verify: false },
      });
      expect(readdirSync(victim)).toEqual([]);
      expect(attempt.report).toBeUndefined();
      expect(attempt.preflight.blockers.join('\n')).toContain(`The export destination ${dest} cannot be used: ${dest} is owned by uid ${NOBODY}, not by root`);
      expect(swapper.stdout()).not.toMatch(/swapped/);
    } finally {
      await swapper.stop();
    }
  });

  it("image clone: nobody's snapshot folder with <plan> linked to root's folder is refused; nothing is cloned there", async () => {
    const snaps = nobodysFolder(join(open, 'snaps'));
    const victim = rootOnlyFolder(join(mounts.fixture.dir, 'victim-clone'));
    await asNobody(['ln', '-s', victim, join(snaps, 'cloned')]);
    const attempt = await t.tryPlan({ version: 1, name: 'cloned', mounts: [mounts.ext4.mountpoint], method: 'image-clone', holdWindowMs: 10_000, imageClone: { snapshotDir: snaps } });
    expect(readdirSync(victim)).toEqual([]);
    expect(attempt.report).toBeUndefined();
    expect(attempt.preflight.blockers.join('\n')).toContain(`The snapshot folder ${snaps} cannot be used: ${snaps} is owned by uid ${NOBODY}`);
  });
});
