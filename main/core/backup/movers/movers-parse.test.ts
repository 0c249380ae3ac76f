import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDirtyBytes, readDirtyBytes, syncFilesystem } from './dirty';
import { backingFileOf, backingFileOfSource, majorMinorOf, parseBackingFile } from './loop-backing';
import { checkerArgv, findTool, onlyFrozenLogFindings, verifyImage } from './verify';
import type { BackupError } from '../backup-error';

const dir = mkdtempSync(join(tmpdir(), 'freezeframe-movers-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('backingFileOf', () => {
  it('reads the path, and treats a deleted backing file as none', () => {
    expect(parseBackingFile('/var/lib/images/a.img\n')).toBe('/var/lib/images/a.img');
    expect(parseBackingFile('/var/lib/images/a.img (deleted)\n')).toBeUndefined();
    expect(parseBackingFile('\n')).toBeUndefined();
  });

  it('looks under MAJ:MIN/loop/ of the sysfs tree, and only for a well-formed MAJ:MIN', async () => {
    const sysfs = join(dir, 'sys-dev-block');
    mkdirSync(join(sysfs, '7:3', 'loop'), { recursive: true });
    writeFileSync(join(sysfs, '7:3', 'loop', 'backing_file'), '/images/x.img\n');
    mkdirSync(join(sysfs, '8:1'), { recursive: true });
    expect(await backingFileOf('7:3', sysfs)).toBe('/images/x.img');
    expect(await backingFileOf('8:1', sysfs)).toBeUndefined();
    expect(await backingFileOf('../7:3', sysfs)).toBeUndefined();
  });

  it('decodes dev_t as glibc does, and asks by source only for a block device', async () => {
    expect(majorMinorOf(0x0703n)).toBe('7:3');
    // major 259, minor 1048575: both split across the high and low bits.
    expect(majorMinorOf((0x103n << 8n) | 0xffn | (0xfffffn >> 8n << 20n))).toBe('259:1048575');
    expect(await backingFileOfSource('/dev/null')).toBeUndefined();
    expect(await backingFileOfSource('tmpfs')).toBeUndefined();
  });
});

describe('dirty data', () => {
  it('adds Dirty and Writeback', () => {
    const meminfo = 'MemTotal:       24684000 kB\nDirty:              1024 kB\nWriteback:           512 kB\nWritebackTmp:          7 kB\n';
    expect(parseDirtyBytes(meminfo)).toBe(1536 * 1024);
    expect(() => parseDirtyBytes('MemTotal: 1 kB\n')).toThrow(/Dirty/);
  });

  it('reads this machine\'s /proc/meminfo', async () => {
    expect(Number.isSafeInteger(await readDirtyBytes())).toBe(true);
  });

  it('syncs the filesystem of a path, and says which failure is which', async () => {
    await syncFilesystem(dir, 30_000);
    const missing = await syncFilesystem(join(dir, 'missing'), 30_000).catch((e: unknown) => e);
    expect((missing as BackupError).code).toBe('IO_ERROR');
    expect((missing as BackupError).message).toMatch(/No such file/);
    const cancelled = await syncFilesystem(dir, 30_000, AbortSignal.abort()).catch((e: unknown) => e);
    expect((cancelled as BackupError).code).toBe('CANCELLED');
  });

  it('gives up at the timeout without waiting for the sync to end', async () => {
    // A stand-in that never finishes, like a sync stuck on a dying device.
    const slow = join(dir, 'slow-sync');
    writeFileSync(slow, '#!/bin/sh\nexec sleep 30\n', { mode: 0o755 });
    const started = performance.now();
    const error = await syncFilesystem(dir, 200, undefined, slow).catch((e: unknown) => e);
    expect((error as BackupError).code).toBe('WINDOW_EXCEEDED');
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('verify', () => {
  it('picks the read-only checker of each type', () => {
    const id = (tool: string): string => tool;
    expect(checkerArgv('/i', 'ext4', id)).toEqual(['e2fsck', '-f', '-n', '/i']);
    expect(checkerArgv('/i', 'ext2', id)).toEqual(['e2fsck', '-f', '-n', '/i']);
    expect(checkerArgv('/i', 'xfs', id)).toEqual(['xfs_repair', '-n', '-f', '/i']);
    expect(checkerArgv('/i', 'btrfs', id)).toEqual(['btrfs', 'check', '--readonly', '/i']);
    expect(checkerArgv('/i', 'vfat', id)).toBeUndefined();
  });

  it('finds sbin tools when PATH lacks sbin', () => {
    expect(findTool('e2fsck', '/nonexistent')).toMatch(/^\/(usr\/)?s?bin\/e2fsck$/);
    expect(findTool('no-such-tool-here', '/nonexistent')).toBe('no-such-tool-here');
  });

  it('excuses in xfs_repair -n output only the log an image of a frozen xfs has', () => {
    const frozen = [
      'Phase 1 - find and verify superblock...',
      'Phase 2 - using internal log',
      '        - zero log...',
      'ALERT: The filesystem has valuable metadata changes in a log which is being',
      'ignored because the -n option was used.  Expect spurious inconsistencies',
      'which may be resolved by first mounting the filesystem to replay the log.',
      '        - scan filesystem freespace and inode maps...',
      'sb_fdblocks 57911, counted 58336',
      '        - agno = 0',
      'No modify flag set, skipping phase 5',
      'Phase 7 - verify link counts...',
      'No modify flag set, skipping filesystem flush and exiting.',
    ];
    expect(onlyFrozenLogFindings(frozen)).toBe(true);
    expect(onlyFrozenLogFindings(frozen.filter((l) => !l.startsWith('ALERT')))).toBe(false);
    expect(onlyFrozenLogFindings([...frozen, 'bad magic number 0x0 on inode 131'])).toBe(false);
    expect(onlyFrozenLogFindings([...frozen, 'disconnected inode 133, would move to lost+found'])).toBe(false);
    expect(onlyFrozenLogFindings([...frozen, '        - agno = 1: would reset bad agf'])).toBe(false);
  });

  it('says plainly when a type has no checker', async () => {
    const result = await verifyImage('/i', 'vfat');
    expect(result).toMatchObject({ ok: false, exitCode: null, tool: 'none', output: 'no read-only checker for vfat' });
  });

  it('fails a file that is no filesystem image, with the checker\'s words', async () => {
    const junk = join(dir, 'junk.img');
    writeFileSync(junk, Buffer.alloc(1024 * 1024, 0x41));
    const result = await verifyImage(junk, 'ext4', { timeoutMs: 60_000 });
    expect(result.ok).toBe(false);
    expect(result.exitCode).not.toBe(0);
    expect(result.output).toMatch(/superblock/i);
  });
});
