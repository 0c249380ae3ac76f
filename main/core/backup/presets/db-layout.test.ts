import { describe, expect, it } from 'vitest';
import { parseMountinfo } from '../../mounts/mountinfo';
import { checkGroup, proposeGroup, resolvePaths, type DbLayout, type FoundPath, type PathLookup } from './db-layout';
import { mariadbVersionNum } from './mariadb-layout';
import { walSegmentsBetween } from './postgres-backup-files';
import { postgresMethod } from './postgres-layout';

const MOUNTINFO = [
  '21 1 254:0 / / rw,relatime - ext4 /dev/vda rw',
  '30 21 7:1 / /srv/pg rw,relatime - ext4 /dev/loop1 rw',
  '31 21 7:2 / /srv/wal rw,relatime - xfs /dev/loop2 rw',
  '32 21 0:40 / /srv/fast rw,relatime - tmpfs tmpfs rw',
  '33 21 0:50 / /srv/b1 rw,relatime - btrfs /dev/loop3 rw',
  '34 21 0:51 / /srv/b2 rw,relatime - btrfs /dev/loop4 rw',
  '35 21 7:1 / /mnt/pg-bind rw,relatime - ext4 /dev/loop1 rw',
  '36 30 7:5 / /srv/pg/nested rw,relatime - xfs /dev/loop5 rw',
].join('\n');

/** A filesystem of symlinks: /var/lib/pg -> /srv/pg/data, data/pg_wal -> /srv/wal/pg_wal. */
function lookup(links: Record<string, string> = {}, denied: string[] = []): PathLookup {
  return {
    async realpath(path) {
      if (denied.includes(path)) throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
      return links[path] ?? path;
    },
    async isSymlink(path) {
      return path in links;
    },
    async mountinfo() {
      return MOUNTINFO;
    },
  };
}

async function layout(engine: DbLayout['engine'], found: FoundPath[], links: Record<string, string> = {}): Promise<DbLayout> {
  return { engine, version: 'x', versionNum: 150000, paths: await resolvePaths(found, lookup(links)), serverOptions: {} };
}

describe('resolvePaths', () => {
  it('follows symlinks and maps each real path to the deepest mount holding it', async () => {
    const paths = await resolvePaths(
      [
        { role: 'data', path: '/var/lib/pg' },
        { role: 'wal', path: '/srv/pg/data/pg_wal' },
        { role: 'tablespace', path: '/srv/pg/nested/space', name: 'ts' },
      ],
      lookup({ '/var/lib/pg': '/srv/pg/data', '/srv/pg/data/pg_wal': '/srv/wal/pg_wal' }),
    );
    expect(paths.map((p) => [p.role, p.realPath, p.viaSymlink, p.mount.mountpoint, p.mount.fsType, p.mount.freezable])).toEqual([
      ['data', '/srv/pg/data', true, '/srv/pg', 'ext4', 'yes'],
      ['wal', '/srv/wal/pg_wal', true, '/srv/wal', 'xfs', 'yes'],
      ['tablespace', '/srv/pg/nested/space', false, '/srv/pg/nested', 'xfs', 'yes'],
    ]);
  });

  it('a directory this user may not look at is LAYOUT_UNREADABLE, naming it', async () => {
    await expect(resolvePaths([{ role: 'data', path: '/srv/pg/data' }], lookup({}, ['/srv/pg/data']))).rejects.toMatchObject({ reason: 'LAYOUT_UNREADABLE', code: 'ACCESS_DENIED', message: expect.stringContaining('/srv/pg/data') });
  });
});

describe('proposeGroup and checkGroup', () => {
  it('one member per filesystem, data first; a bind mount of a member counts as that member', async () => {
    const l = await layout('postgresql', [
      { role: 'data', path: '/srv/pg/data' },
      { role: 'wal', path: '/srv/wal/pg_wal' },
      { role: 'tablespace', path: '/srv/pg/space2', name: 'same-fs' },
    ]);
    expect(proposeGroup(l)).toEqual({ mounts: ['/srv/pg', '/srv/wal'], blockers: [], warnings: [] });
    const records = parseMountinfo(MOUNTINFO).records;
    expect(checkGroup(l, ['/mnt/pg-bind', '/srv/wal'], records)).toEqual([]);
    expect(checkGroup(l, ['/srv/pg'], records).map((b) => [b.kind, b.path, b.mountpoint])).toEqual([['outside-group', '/srv/wal/pg_wal', '/srv/wal']]);
  });

  it('a path on a filesystem that cannot be frozen is a blocker naming it; the root filesystem is a warning', async () => {
    const l = await layout('postgresql', [
      { role: 'data', path: '/var/lib/postgresql/15/main' },
      { role: 'tablespace', path: '/srv/fast/ts', name: 'fast' },
    ]);
    const proposal = proposeGroup(l);
    expect(proposal.mounts).toEqual(['/']);
    expect(proposal.blockers.map((b) => [b.kind, b.role, b.path, b.mountpoint])).toEqual([['not-freezable', 'tablespace', '/srv/fast/ts', '/srv/fast']]);
    expect(proposal.blockers[0]!.message).toMatch(/^\/srv\/fast\/ts \(tablespace\) is on \/srv\/fast, a tmpfs filesystem, which cannot be frozen/);
    expect(proposal.warnings).toEqual([expect.stringContaining('root filesystem')]);
  });

  it('two btrfs filesystems: PostgreSQL switches to backup-start, MariaDB cannot be cut', async () => {
    const found: FoundPath[] = [
      { role: 'data', path: '/srv/b1/data' },
      { role: 'wal', path: '/srv/b2/wal' },
    ];
    const pg = await layout('postgresql', found);
    expect(postgresMethod(pg)).toBe('backup-start');
    expect(proposeGroup(pg).blockers).toEqual([]);
    expect(postgresMethod(await layout('postgresql', [{ role: 'data', path: '/srv/b1/data' }, { role: 'wal', path: '/srv/wal/w' }]))).toBe('checkpoint-cut');
    const maria = await layout('mariadb', [
      { role: 'data', path: '/srv/b1/data' },
      { role: 'binlog', path: '/srv/b2/binlog', name: 'mariadb-bin' },
    ]);
    expect(proposeGroup(maria).blockers.map((b) => [b.kind, b.path])).toEqual([
      ['not-one-cut', '/srv/b1/data'],
      ['not-one-cut', '/srv/b2/binlog'],
    ]);
  });
});

describe('versions and WAL names', () => {
  it('reads MariaDB versions', () => {
    expect(mariadbVersionNum('10.11.6-MariaDB-0+deb12u1-log')).toBe(101106);
    expect(mariadbVersionNum('10.5.23-MariaDB')).toBe(100523);
    expect(() => mariadbVersionNum('eleven')).toThrow(/cannot be read/);
  });

  it('takes the WAL segments of the start timeline from start to stop', () => {
    const names = ['000000010000000000000001', '000000010000000000000002', '000000010000000000000003', '000000010000000000000004', '000000020000000000000003', 'archive_status', '000000010000000000000003.partial'];
    expect(walSegmentsBetween(names, '000000010000000000000002', '000000010000000000000003')).toEqual(['000000010000000000000002', '000000010000000000000003']);
  });
});
