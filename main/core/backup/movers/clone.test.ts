import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notRunUnless } from '../../../../testing/not-run';
import { BackupError } from '../backup-error';
import { allocatedBytes, APPIMAGE_CLONE_TOOL_PATH, cloneExitError, cloneFile, estimateCopyMs, INSTALLED_CLONE_TOOL_PATH, locateCloneTool, parseCloneLine, probeReflink } from './clone';
import type { FileChecks } from '../../../helper/helper-path';

const TOOL = resolve(import.meta.dirname, '../../../../native-helper/build/freezeframe-clone');

function checks(files: Record<string, { rootOwned?: boolean }>): FileChecks {
  return {
    isFile: (p) => p in files,
    isExecutable: (p) => p in files,
    isRootOwnedChain: (p) => files[p]?.rootOwned === true,
  };
}

describe('locateCloneTool', () => {
  const marker = '/src/tree/native-helper/Makefile';
  const dev = '/src/tree/native-helper/build/freezeframe-clone';

  it('takes the source tree build first, as the helper does', () => {
    const found = locateCloneTool('/src/tree/dist/main', checks({ [marker]: {}, [dev]: {}, [INSTALLED_CLONE_TOOL_PATH]: { rootOwned: true } }));
    expect(found).toEqual({ toolPath: dev, development: true, found: true });
  });

  it('never looks for a source tree when packaged', () => {
    const found = locateCloneTool('/src/tree/dist/main', checks({ [marker]: {}, [dev]: {}, [INSTALLED_CLONE_TOOL_PATH]: { rootOwned: true } }), { packaged: true });
    expect(found).toEqual({ toolPath: INSTALLED_CLONE_TOOL_PATH, development: false, found: true });
  });

  it('skips an installed copy that someone other than root could have written', () => {
    const found = locateCloneTool('/opt/app', checks({ [INSTALLED_CLONE_TOOL_PATH]: {}, [APPIMAGE_CLONE_TOOL_PATH]: { rootOwned: true } }));
    expect(found).toEqual({ toolPath: APPIMAGE_CLONE_TOOL_PATH, development: false, found: true });
  });

  it('names the expected path when there is none', () => {
    expect(locateCloneTool('/opt/app', checks({}))).toEqual({ toolPath: INSTALLED_CLONE_TOOL_PATH, development: false, found: false });
  });
});

describe('the tool output and exit codes', () => {
  it('parses progress and the final line, and nothing else', () => {
    expect(parseCloneLine('{"done":5,"total":10}')).toEqual({ done: 5, total: 10 });
    expect(parseCloneLine('{"done":10,"total":10,"allocated":4096,"reflinked":true}')).toEqual({ done: 10, total: 10, allocated: 4096, reflinked: true });
    expect(parseCloneLine('{"done":10,"total":10,"allocated":4096}')).toBeUndefined();
    expect(parseCloneLine('{"done":-0.5,"total":10}')).toBeUndefined();
    expect(parseCloneLine('not json')).toBeUndefined();
    expect(parseCloneLine('null')).toBeUndefined();
  });

  it('maps each exit code to the code a user can act on', () => {
    const opts = { source: '/a', target: '/b', reflink: 'auto' as const };
    const code = (exit: number | null, signal: string | null = null): string => cloneExitError(exit, signal, 'freezeframe-clone: x: y\n', opts).code;
    expect(code(3)).toBe('DESTINATION_FULL');
    expect(code(4)).toBe('ACCESS_DENIED');
    expect(code(5)).toBe('SNAPSHOT_FAILED');
    expect(code(6)).toBe('SNAPSHOT_FAILED');
    expect(code(130)).toBe('CANCELLED');
    expect(code(null, 'SIGKILL')).toBe('SNAPSHOT_FAILED');
    expect(cloneExitError(6, null, '', opts).message).toMatch(/reflink "always"/);
    expect(cloneExitError(5, null, 'freezeframe-clone: write /a -> /b: Input/output error\n', opts).message).toMatch(/Input\/output error/);
  });

  it('estimates a copy from its allocated bytes, and a reflink as a constant', () => {
    const gib = 1024 ** 3;
    expect(estimateCopyMs(gib, true)).toBe(estimateCopyMs(100 * gib, true));
    expect(estimateCopyMs(2 * gib, false)).toBeGreaterThan(1.9 * estimateCopyMs(gib, false));
    expect(estimateCopyMs(gib, false)).toBeGreaterThan(estimateCopyMs(gib, true));
  });
});

const built = existsSync(TOOL);
if (!built) console.warn(`\n*** NOT RUN: cloneFile tests need ${TOOL}; run make -C native-helper ***\n`);

describe('cloneFile with the real tool, in the temporary directory', notRunUnless(built ? undefined : { why: `${TOOL} is not built (make -C native-helper)`, packages: [] }), () => {
  let dir: string;
  let source: string;
  const MiB = 1024 * 1024;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'freezeframe-clone-unit-'));
    source = join(dir, 'image');
    // 64 MiB apparent, 2 MiB of data at 0 and 32 MiB: a sparse image.
    const data = Buffer.alloc(MiB, 0x5a);
    writeFileSync(source, data);
    execFileSync('truncate', ['-s', `${64 * MiB}`, source]);
    execFileSync('dd', [`of=${source}`, 'bs=1M', 'seek=32', 'count=1', 'conv=notrunc', 'status=none', 'if=/dev/urandom']);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('copies sparsely, with progress, and reports the allocated size', async () => {
    const target = join(dir, 'copy');
    const seen: Array<[number, number]> = [];
    const result = await cloneFile({ source, target, reflink: 'never', toolPath: TOOL, onProgress: (d, t) => seen.push([d, t]) });
    expect(result.bytes).toBe(64 * MiB);
    expect(result.reflinked).toBe(false);
    expect(result.allocatedBytes).toBe(await allocatedBytes(target));
    expect(result.allocatedBytes).toBeLessThan(8 * MiB);
    expect(seen.at(-1)).toEqual([64 * MiB, 64 * MiB]);
    expect(readFileSync(target).equals(readFileSync(source))).toBe(true);
    expect(statSync(target).mode & 0o777).toBe(0o600);
  });

  it('never overwrites: an existing target stays as it was', async () => {
    const target = join(dir, 'taken');
    writeFileSync(target, 'mine');
    const error = await cloneFile({ source, target, reflink: 'auto', toolPath: TOOL }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackupError);
    expect((error as BackupError).code).toBe('SNAPSHOT_FAILED');
    expect((error as BackupError).detail).toMatch(/File exists/);
    expect(readFileSync(target, 'utf8')).toBe('mine');
  });

  it('is cancelled by an abort before it starts, and creates nothing', async () => {
    const target = join(dir, 'never-made');
    const error = await cloneFile({ source, target, reflink: 'never', toolPath: TOOL, signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect((error as BackupError).code).toBe('CANCELLED');
    expect(existsSync(target)).toBe(false);
  });

  it('stops on abort mid-copy, and the tool removes its target', async () => {
    const big = join(dir, 'big');
    execFileSync('dd', [`of=${big}`, 'bs=1M', 'count=256', 'status=none', 'if=/dev/urandom']);
    const target = join(dir, 'aborted');
    const controller = new AbortController();
    const error = await cloneFile({ source: big, target, reflink: 'never', toolPath: TOOL, signal: controller.signal, onProgress: () => controller.abort() }).catch((e: unknown) => e);
    rmSync(big);
    expect((error as BackupError).code).toBe('CANCELLED');
    expect(existsSync(target)).toBe(false);
  });

  it('probes reflink with a real trial and leaves nothing behind', async () => {
    const fsType = execFileSync('stat', ['-f', '-c', '%T', dir], { encoding: 'utf8' }).trim();
    const can = await probeReflink(source, dir, TOOL);
    if (fsType === 'ext2/ext3' || fsType === 'tmpfs') expect(can).toBe(false);
    expect(readdirSync(dir).filter((n) => n.startsWith('.freezeframe-reflink-probe'))).toEqual([]);
  });
});
