/**
 * Where a btrfs member's snapshot goes: two members whose snapshots share
 * one folder (an explicit btrfs.snapshotDir, subvolumes of one filesystem)
 * must not aim at the same path.
 */
import { describe, expect, it } from 'vitest';
import type { BackupPlan } from '../../../../app/backup';
import { btrfsSnapshotPath } from './capture';

const runId = '20260101T000000Z-00000001';
const plan = (snapshotDir?: string): BackupPlan => ({ name: 'vols', method: 'btrfs', ...(snapshotDir && { btrfs: { snapshotDir } }) }) as unknown as BackupPlan;
const member = (index: number, mountpoint: string, capture: 'atomic-snapshot' | 'frozen' = 'atomic-snapshot') => ({ index, mountpoint, capture });

describe('btrfsSnapshotPath', () => {
  it('one btrfs member: <dir>/<plan>-<runId>, in the default folder on its mountpoint', () => {
    const a = member(0, '/srv/a');
    expect(btrfsSnapshotPath(plan(), runId, [a], a)).toBe(`/srv/a/.freezeframe-snapshots/vols-${runId}`);
    // A frozen (cloned) member beside it does not count.
    const ext4 = member(1, '/srv/ext4', 'frozen');
    expect(btrfsSnapshotPath(plan('/srv/snaps'), runId, [a, ext4], a)).toBe(`/srv/snaps/vols-${runId}`);
  });

  it('several btrfs members sharing an explicit folder: one path each, suffixed with the member index', () => {
    const members = [member(0, '/srv/ext4', 'frozen'), member(1, '/srv/a'), member(2, '/srv/b')];
    const paths = members.slice(1).map((m) => btrfsSnapshotPath(plan('/srv/pool/snaps'), runId, members, m));
    expect(paths).toEqual([`/srv/pool/snaps/vols-${runId}-1`, `/srv/pool/snaps/vols-${runId}-2`]);
    expect(new Set(paths).size).toBe(2);
  });
});
