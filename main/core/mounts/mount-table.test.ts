/**
 * The live mount table through its seams: injected mountinfo text, a
 * watcher the test fires by hand (and the real findmnt-based watcher's
 * fallback), and the danger marks a desktop user would get.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { passwdHomes } from './danger-marks';
import { freezability } from './fs-types';
import { buildBaseRows, MountTable, type MountTableChange } from './mount-table';
import { parseMountinfo } from './mountinfo';
import { watchMountChanges } from './mount-watcher';

const DESKTOP = `\
22 28 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw
23 28 0:22 / /sys rw,nosuid,nodev,noexec,relatime shared:2 - sysfs sysfs rw
28 1 259:2 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p2 rw,errors=remount-ro
31 28 0:27 / /tmp rw,nosuid,nodev shared:14 - tmpfs tmpfs rw,size=8131236k
45 28 259:3 / /home rw,relatime shared:30 - ext4 /dev/nvme0n1p3 rw
46 45 259:4 / /home/bob rw,relatime shared:31 - xfs /dev/nvme0n1p4 rw
50 28 7:0 / /srv/data rw,relatime shared:40 - xfs /dev/loop0 rw,attr2
51 28 7:0 /www /var/www rw,relatime shared:40 - xfs /dev/loop0 rw,attr2
52 28 8:1 / /var/log rw,relatime shared:41 - ext4 /dev/sda1 rw
53 28 0:45 / /mnt/nfs rw,relatime shared:42 - nfs4 server:/export rw,vers=4.2
54 28 8:17 / /opt/freezeframe rw,relatime shared:43 - ext4 /dev/sdb1 rw
`;

const DANGER = {
  appDataDirs: ['/home/alice/.config/Freezeframe'],
  helperPath: '/opt/freezeframe/bin/freezeframe-helper',
  homeDirs: ['/home/alice'],
  otherHomes: ['/home/bob'],
  tmpDirs: ['/tmp'],
};

function table(text: string) {
  return buildBaseRows(parseMountinfo(text).records, DANGER);
}

describe('rows from the table', () => {
  it('classifies pseudo and freezable filesystems by type', () => {
    const { byId } = table(DESKTOP);
    expect(byId.get('m22')).toMatchObject({ path: '/proc', pseudo: true, freezable: false });
    expect(byId.get('m31')).toMatchObject({ fsType: 'tmpfs', pseudo: false, freezable: false });
    expect(byId.get('m50')).toMatchObject({ fsType: 'xfs', pseudo: false, freezable: true, readOnly: false, options: 'rw,relatime,attr2' });
    expect(byId.get('m53')).toMatchObject({ fsType: 'nfs4', freezable: false });
    expect(freezability('zfs')).toBe('unknown'); // offered; the helper's UNSUPPORTED_FS decides
    expect(freezability('fuse.sshfs')).toBe('no');
  });

  it('lists bind mounts of one superblock as siblings of each other', () => {
    const { byId } = table(DESKTOP);
    expect(byId.get('m50')!.bindSiblings).toEqual(['m51']);
    expect(byId.get('m51')!.bindSiblings).toEqual(['m50']);
    expect(byId.get('m28')!.bindSiblings).toEqual([]);
  });

  it('marks dangerous superblocks with a reason each, through every bind mount', () => {
    const { byId } = table(DESKTOP);
    const kinds = (id: string) => byId.get(id)!.danger.map((d) => d.kind);
    expect(kinds('m28')).toEqual(['root', 'var']); // /var itself lives on the root filesystem
    expect(kinds('m31')).toEqual(['tmp']);
    expect(kinds('m45')).toEqual(['app-data', 'home', 'other-home']);
    expect(kinds('m46')).toEqual(['other-home']); // bob's own filesystem under /home
    expect(kinds('m52')).toEqual(['var']);
    expect(kinds('m54')).toEqual(['helper']);
    expect(kinds('m50')).toEqual([]);
    expect(kinds('m51')).toEqual([]);
    for (const mark of byId.get('m52')!.danger) expect(mark.reason).toMatch(/SSH logins hang/);
  });

  it('a mount stacked on another hides it from path lookups', () => {
    const stacked = `${DESKTOP}60 31 0:80 / /tmp rw - tmpfs tmpfs rw\n`;
    const { byId } = table(stacked);
    expect(byId.get('m60')!.danger.map((d) => d.kind)).toEqual(['tmp']);
    expect(byId.get('m31')!.danger).toEqual([]);
  });

  it('keeps row objects whose content did not change', () => {
    const first = table(DESKTOP);
    const changed = DESKTOP.replace('/dev/sda1 rw', '/dev/sda1 ro').replace(/^51 .*\n/m, '');
    const second = buildBaseRows(parseMountinfo(changed).records, DANGER, first.byId);
    expect(second.byId.get('m28')).toBe(first.byId.get('m28'));
    expect(second.byId.get('m45')).toBe(first.byId.get('m45'));
    expect(second.byId.get('m52')).not.toBe(first.byId.get('m52')); // now read-only
    expect(second.byId.get('m52')!.readOnly).toBe(true);
    expect(second.byId.get('m50')).not.toBe(first.byId.get('m50')); // lost its sibling
    expect(second.byId.get('m50')!.bindSiblings).toEqual([]);
  });

  it('reads login users’ homes from /etc/passwd', () => {
    const passwd = 'root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\nnobody:x:65534:65534::/nonexistent:/usr/sbin/nologin\nsvc:x:1001:1001::/:/bin/false\n';
    expect(passwdHomes(passwd)).toEqual(['/home/alice']);
  });
});

describe('MountTable', () => {
  function liveTable(initial: string) {
    let text = initial;
    let reads = 0;
    let fire: () => void = () => undefined;
    const changes: MountTableChange[] = [];
    const t = new MountTable({
      danger: DANGER,
      readMountinfo: async () => {
        reads++;
        return text;
      },
      watch: (onSignal) => {
        fire = onSignal;
        return { mode: 'findmnt', stop: () => undefined };
      },
      safetyRereadMs: 0,
    });
    t.onChange((c) => changes.push(c));
    return {
      t,
      changes,
      set: (next: string) => (text = next),
      fire: () => fire(),
      reads: () => reads,
    };
  }

  it('re-reads on a signal and emits what was added, removed and changed', async () => {
    const live = liveTable(DESKTOP);
    await live.t.start();
    expect(live.changes).toHaveLength(1);
    const before = live.t.row('m28');
    live.set(`${DESKTOP.replace(/^53 .*\n/m, '').replace('/dev/sda1 rw', '/dev/sda1 ro')}70 28 7:1 / /mnt/new\\040disk rw - ext4 /dev/loop1 rw\n`);
    live.fire();
    await waitFor(() => live.changes.length === 2);
    expect(live.changes[1]).toEqual({ generation: 2, added: ['m70'], removed: ['m53'], changed: ['m52'] });
    expect(live.t.row('m70')!.path).toBe('/mnt/new disk');
    expect(live.t.row('m28')).toBe(before);
    live.t.stop();
  });

  it('coalesces a burst of signals into one read, and says nothing when nothing changed', async () => {
    const live = liveTable(DESKTOP);
    await live.t.start();
    const readsBefore = live.reads();
    for (let i = 0; i < 50; i++) live.fire();
    await new Promise((r) => setTimeout(r, 100));
    expect(live.reads() - readsBefore).toBe(1);
    expect(live.changes).toHaveLength(1);
    live.t.stop();
  });

  it('logs a bad line once and keeps the good ones', async () => {
    const logged: string[] = [];
    const t = new MountTable({ danger: DANGER, readMountinfo: async () => `${DESKTOP}not a mount line\n`, watch: () => ({ mode: 'findmnt', stop() {} }), log: (_l, m) => logged.push(m), safetyRereadMs: 0 });
    await t.start();
    await t.readNow();
    expect(t.rows()).toHaveLength(11);
    expect(logged.filter((m) => m.includes('skipped mountinfo line 12'))).toHaveLength(1);
    t.stop();
  });
});

describe('watchMountChanges', () => {
  const dir = mkdtempSync(join(tmpdir(), 'freezeframe-watch-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('signals on each line findmnt prints', async () => {
    const fake = join(dir, 'findmnt');
    writeFileSync(fake, '#!/bin/sh\necho "mount /a"; sleep 0.05; echo "umount /a"; exec sleep 30\n');
    chmodSync(fake, 0o755);
    let signals = 0;
    const w = watchMountChanges(() => signals++, { findmntPath: fake });
    await waitFor(() => signals >= 2);
    expect(w.mode).toBe('findmnt');
    w.stop();
  });

  it('falls back to polling every second when findmnt is missing or dies, and says why', async () => {
    const logs: string[] = [];
    let signals = 0;
    const missing = watchMountChanges(() => signals++, { findmntPath: join(dir, 'no-findmnt'), pollIntervalMs: 20, log: (_l, m) => logs.push(m) });
    await waitFor(() => signals >= 3);
    expect(missing.mode).toBe('polling');
    expect(logs[0]).toMatch(/not installed.*every 20 ms/);
    missing.stop();

    const dying = join(dir, 'dying-findmnt');
    writeFileSync(dying, '#!/bin/sh\necho "findmnt: poll failed" >&2; exit 1\n');
    chmodSync(dying, 0o755);
    const died = watchMountChanges(() => undefined, { findmntPath: dying, pollIntervalMs: 20, log: (_l, m) => logs.push(m) });
    await waitFor(() => died.mode === 'polling');
    expect(logs[1]).toMatch(/exited with status 1: findmnt: poll failed/);
    died.stop();
  });
});

async function waitFor(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
