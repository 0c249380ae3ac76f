import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BackupPlan } from '../../../../app/backup';
import { findEntries, selectForRemoval, type RetentionEntry } from './retention';

const ids = ['20260101T000000Z-00000001', '20260102T000000Z-00000002', '20260103T000000Z-00000003', '20260104T000000Z-00000004', '20260105T000000Z-00000005'];
const entry = (runId: string): RetentionEntry => ({ runId, dir: '/snap', name: runId, path: `/snap/${runId}`, kind: 'image-dir', type: 'dir' });

describe('selectForRemoval', () => {
  it('keeps the newest N successful runs and everything newer; removes the rest', () => {
    const entries = ids.map(entry);
    const removed = selectForRemoval(entries, 2, new Set(ids), ids[4]!);
    expect(removed.map((e) => e.runId)).toEqual(ids.slice(0, 3));
  });

  it('failed runs do not count toward N: they never push the last good backup out', () => {
    const good = new Set([ids[0]!, ids[2]!]);
    // Newest (current) run succeeded; 3 and 1 failed; keep 2 good = current + ids[2].
    const removed = selectForRemoval(ids.map(entry), 2, good, ids[4]!);
    expect(removed.map((e) => e.runId)).toEqual([ids[0], ids[1]]);
  });

  it('removes nothing while fewer than N good runs exist', () => {
    expect(selectForRemoval(ids.map(entry), 10, new Set(ids), ids[4]!)).toEqual([]);
  });

  it('the current run is the newest even when an older one sorts after it (same second)', () => {
    const older = '20260105T000000Z-fff00000';
    const current = '20260105T000000Z-00000001';
    const removed = selectForRemoval([entry(older), entry(current)], 1, new Set([older]), current);
    expect(removed.map((e) => e.runId)).toEqual([older]);
  });
});

describe('findEntries', () => {
  let dir: string;
  beforeEach(() => void (dir = mkdtempSync(join(tmpdir(), 'ff-retention-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("finds this plan's run folders and exports by name, never a .partial or another plan's", () => {
    const snaps = join(dir, 'snaps');
    const dest = join(dir, 'dest');
    for (const name of [ids[0]!, ids[1]!, 'not-a-run']) mkdirSync(join(snaps, 'db', name), { recursive: true });
    for (const name of [`db-${ids[0]}`, `db-${ids[1]}-0`, `db-${ids[2]}.partial`, `dbx-${ids[3]}`, `other-${ids[4]}`]) mkdirSync(join(dest, name), { recursive: true });
    const plan = { name: 'db', imageClone: { snapshotDir: snaps, reflink: 'auto' }, backup: { destination: dest, verify: true } } as unknown as BackupPlan;
    return findEntries(plan, []).then((places) => {
      expect(places[0]!.map((e) => e.runId)).toEqual([ids[0], ids[1]]);
      expect(places[1]!.map((e) => e.path.split('/').pop()).sort()).toEqual([`db-${ids[0]}`, `db-${ids[1]}-0`]);
    });
  });
});

describe('findEntries with btrfs members sharing one snapshot folder', () => {
  let dir: string;
  beforeEach(() => void (dir = mkdtempSync(join(tmpdir(), 'ff-retention-btrfs-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lists the folder once, with each member\'s <plan>-<runId>-<i>', async () => {
    const snaps = join(dir, 'snaps');
    for (const name of [`vols-${ids[0]}-0`, `vols-${ids[0]}-1`, `vols-${ids[1]}-0`, `vols-${ids[1]}-1`]) mkdirSync(join(snaps, name), { recursive: true });
    const plan = { name: 'vols', btrfs: { snapshotDir: snaps }, backup: { verify: true } } as unknown as BackupPlan;
    const places = await findEntries(plan, ['/srv/a', '/srv/b']);
    expect(places).toHaveLength(1);
    expect(places[0]!.map((e) => e.path.split('/').pop()).sort()).toEqual([`vols-${ids[0]}-0`, `vols-${ids[0]}-1`, `vols-${ids[1]}-0`, `vols-${ids[1]}-1`]);
    expect(selectForRemoval(places[0]!, 1, new Set(ids), ids[1]!).map((e) => e.path.split('/').pop()).sort()).toEqual([`vols-${ids[0]}-0`, `vols-${ids[0]}-1`]);
  });
});
