import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackupError } from '../backup-error';
import { exportFiles, exportTree, MANIFEST_FILE, SUMS_FILE } from './export';
import { sha256sumLine, throttledProgress } from './export-copy';

const MiB = 1024 * 1024;
let dir: string;
let src: string;

const sha = (data: Buffer): string => createHash('sha256').update(data).digest('hex');
const sumsCheck = (where: string): string => execFileSync('sha256sum', ['-c', '--strict', SUMS_FILE], { cwd: where, encoding: 'utf8' });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'freezeframe-export-unit-'));
  src = join(dir, 'src');
  mkdirSync(src);
  // 24 MiB apparent: 1 MiB of data, a hole, 4 MiB of written zeros, 1 MiB of data, a trailing hole.
  writeFileSync(join(src, 'a.img'), Buffer.alloc(MiB, 0x11));
  execFileSync('dd', [`of=${join(src, 'a.img')}`, 'bs=1M', 'seek=8', 'count=4', 'conv=notrunc', 'status=none', 'if=/dev/zero']);
  execFileSync('dd', [`of=${join(src, 'a.img')}`, 'bs=1M', 'seek=12', 'count=1', 'conv=notrunc', 'status=none', 'if=/dev/urandom']);
  execFileSync('truncate', ['-s', `${24 * MiB}`, join(src, 'a.img')]);
  writeFileSync(join(src, 'b.img'), 'small, not block aligned');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sha256sum lines', () => {
  it('escape a name as coreutils does', () => {
    const h = 'ab'.repeat(32);
    expect(sha256sumLine(h, 'a b')).toBe(`${h}  a b\n`);
    expect(sha256sumLine(h, 'a\nb\\c')).toBe(`\\${h}  a\\nb\\\\c\n`);
  });

  it('report progress at most every interval, and always the end', () => {
    const seen: number[] = [];
    const step = throttledProgress(30, (d) => seen.push(d), 60_000);
    step(10);
    step(10);
    step(10);
    expect(seen).toEqual([10, 30]);
  });
});

describe('exportFiles', () => {
  it('copies sparsely, hashes in the same pass, and publishes a folder sha256sum -c accepts', async () => {
    const dest = join(dir, 'dest1');
    const progress: Array<[number, number]> = [];
    const result = await exportFiles({
      files: [
        { source: join(src, 'a.img'), name: 'a.img' },
        { source: join(src, 'b.img'), name: 'b.img' },
      ],
      destinationDir: dest,
      label: 'run-1',
      onProgress: (d, t) => progress.push([d, t]),
    });
    const out = join(dest, 'run-1');
    expect(result.directory).toBe(out);
    expect(result.manifest).toBe(join(out, SUMS_FILE));
    expect(readdirSync(dest)).toEqual(['run-1']);
    expect(sumsCheck(out)).toBe('a.img: OK\nb.img: OK\n');
    const a = readFileSync(join(src, 'a.img'));
    expect(result.files).toEqual([
      { path: 'a.img', bytes: 24 * MiB, sha256: sha(a) },
      { path: 'b.img', bytes: 24, sha256: sha(readFileSync(join(src, 'b.img'))) },
    ]);
    expect(result.bytes).toBe(24 * MiB + 24);
    expect(readFileSync(join(out, 'a.img')).equals(a)).toBe(true);
    // The written zeros became holes: only the 2 MiB of data take space.
    expect(statSync(join(out, 'a.img')).blocks * 512).toBeLessThanOrEqual(2 * MiB + 64 * 1024);
    expect(progress.at(-1)).toEqual([24 * MiB + 24, 24 * MiB + 24]);
    const manifest = JSON.parse(readFileSync(join(out, MANIFEST_FILE), 'utf8')) as { label: string; files: unknown[] };
    expect(manifest.label).toBe('run-1');
    expect(manifest.files).toEqual(result.files);
  });

  it('refuses an existing label, and touches nothing of it', async () => {
    const dest = join(dir, 'dest2');
    mkdirSync(join(dest, 'run-1'), { recursive: true });
    writeFileSync(join(dest, 'run-1', 'keep'), 'x');
    const error = await exportFiles({ files: [{ source: join(src, 'b.img'), name: 'b.img' }], destinationDir: dest, label: 'run-1' }).catch((e: unknown) => e);
    expect((error as BackupError).code).toBe('EXPORT_FAILED');
    expect(readdirSync(dest)).toEqual(['run-1']);
    expect(readdirSync(join(dest, 'run-1'))).toEqual(['keep']);
  });

  it('refuses names that would leave the folder', async () => {
    for (const name of ['../x', '.', SUMS_FILE]) {
      const error = await exportFiles({ files: [{ source: join(src, 'b.img'), name }], destinationDir: join(dir, 'dest3'), label: 'l' }).catch((e: unknown) => e);
      expect((error as BackupError).code).toBe('EXPORT_FAILED');
    }
    const error = await exportFiles({ files: [], destinationDir: join(dir, 'dest3'), label: '../up' }).catch((e: unknown) => e);
    expect((error as BackupError).code).toBe('EXPORT_FAILED');
  });

  it('on cancel removes the partial folder', async () => {
    const dest = join(dir, 'dest4');
    const controller = new AbortController();
    const error = await exportFiles({
      files: [{ source: join(src, 'a.img'), name: 'a.img' }],
      destinationDir: dest,
      label: 'run-c',
      signal: controller.signal,
      onProgress: () => controller.abort(),
    }).catch((e: unknown) => e);
    expect((error as BackupError).code).toBe('CANCELLED');
    expect((error as BackupError).message).toMatch(/partial export was removed/);
    expect(readdirSync(dest)).toEqual([]);
  });

  it('fails on a missing source and leaves nothing', async () => {
    const dest = join(dir, 'dest5');
    const error = await exportFiles({ files: [{ source: join(src, 'missing'), name: 'm' }], destinationDir: dest, label: 'run' }).catch((e: unknown) => e);
    expect((error as BackupError).code).toBe('EXPORT_FAILED');
    expect(existsSync(join(dest, 'run.partial'))).toBe(false);
    expect(existsSync(join(dest, 'run'))).toBe(false);
  });
});

describe('exportTree', () => {
  it('copies regular files, records symlinks and skips the rest, with modes in the manifest', async () => {
    const tree = join(dir, 'tree');
    mkdirSync(join(tree, 'etc', 'empty'), { recursive: true });
    writeFileSync(join(tree, 'etc', 'conf'), 'k=v\n', { mode: 0o640 });
    writeFileSync(join(tree, 'name with\nnewline'), 'odd');
    writeFileSync(join(tree, SUMS_FILE), 'a file of the same name as ours');
    symlinkSync('etc/conf', join(tree, 'link'));
    execFileSync('mkfifo', [join(tree, 'pipe')]);
    const dest = join(dir, 'dest-tree');
    const result = await exportTree({ sourceDir: tree, destinationDir: dest, label: 'snap' });
    const out = join(dest, 'snap');
    expect(result.files.map((f) => f.path)).toEqual(['data/SHA256SUMS', 'data/name with\nnewline', 'data/etc/conf']);
    expect(sumsCheck(out)).toMatch(/etc\/conf: OK/);
    expect(readFileSync(join(out, 'data', 'etc', 'conf'), 'utf8')).toBe('k=v\n');
    expect(statSync(join(out, 'data', 'etc', 'empty')).isDirectory()).toBe(true);
    const manifest = JSON.parse(readFileSync(join(out, MANIFEST_FILE), 'utf8')) as {
      symlinks: unknown[];
      skipped: unknown[];
      metadata: Array<{ path: string; mode: string }>;
    };
    expect(manifest.symlinks).toEqual([{ path: 'link', target: 'etc/conf' }]);
    expect(manifest.skipped).toEqual([{ path: 'pipe', type: 'fifo' }]);
    expect(manifest.metadata.find((m) => m.path === 'data/etc/conf')?.mode).toBe('640');
  });
});
