import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { APPIMAGE_HELPER_PATH, findSourceRoot, INSTALLED_HELPER_PATH, locateHelper, realFileChecks, type FileChecks } from './helper-path';

/**
 * A fake filesystem: the files that exist, which are executable, and which
 * of those root owns all the way up ('exec' is root's, 'user-exec' is not).
 */
function layout(files: Record<string, 'file' | 'exec' | 'user-exec'>): FileChecks {
  return {
    isFile: (path) => path in files,
    isExecutable: (path) => files[path] === 'exec' || files[path] === 'user-exec',
    isRootOwnedChain: (path) => files[path] === 'exec',
  };
}

const repo = '/home/ada/src/freezeframe';
const devHelper = `${repo}/native-helper/build/freezeframe-helper`;
const marker = `${repo}/native-helper/Makefile`;

describe('locateHelper', () => {
  it('uses the source tree build when running from a checkout (bundle in dist/main)', () => {
    const checks = layout({ [marker]: 'file', [devHelper]: 'exec', [INSTALLED_HELPER_PATH]: 'exec' });
    expect(locateHelper(`${repo}/dist/main`, checks)).toEqual({ helperPath: devHelper, source: 'development', development: true, found: true });
  });

  it('uses the source tree build when running the TypeScript sources (main/web)', () => {
    const checks = layout({ [marker]: 'file', [devHelper]: 'exec' });
    expect(locateHelper(`${repo}/main/web`, checks)).toEqual({ helperPath: devHelper, source: 'development', development: true, found: true });
  });

  it('falls back to the installed helper when the checkout has not built one', () => {
    const checks = layout({ [marker]: 'file', [INSTALLED_HELPER_PATH]: 'exec' });
    expect(locateHelper(`${repo}/dist/main`, checks)).toEqual({ helperPath: INSTALLED_HELPER_PATH, source: 'package', development: false, found: true });
  });

  it('uses the installed helper for an installed app (no source tree above it)', () => {
    const checks = layout({ [INSTALLED_HELPER_PATH]: 'exec' });
    expect(locateHelper('/opt/Freezeframe/resources/app.asar/dist/main', checks)).toEqual({
      helperPath: INSTALLED_HELPER_PATH,
      source: 'package',
      development: false,
      found: true,
    });
  });

  it('skips a helper that is not executable', () => {
    const checks = layout({ [marker]: 'file', [devHelper]: 'file', [INSTALLED_HELPER_PATH]: 'exec' });
    expect(locateHelper(`${repo}/dist/main`, checks).helperPath).toBe(INSTALLED_HELPER_PATH);
  });

  it('names the expected path of its own layout when nothing is there', () => {
    expect(locateHelper(`${repo}/dist/main`, layout({ [marker]: 'file' }))).toEqual({ helperPath: devHelper, source: 'development', development: true, found: false });
    expect(locateHelper('/opt/Freezeframe/resources', layout({}))).toEqual({ helperPath: INSTALLED_HELPER_PATH, source: 'package', development: false, found: false });
  });

  it('takes the AppImage-installed copy when no package is installed', () => {
    const checks = layout({ [APPIMAGE_HELPER_PATH]: 'exec' });
    expect(locateHelper('/tmp/.mount_FreezeA1b2/resources/app.asar/dist/main', checks, { packaged: true, appImage: true })).toEqual({
      helperPath: APPIMAGE_HELPER_PATH,
      source: 'appimage',
      development: false,
      found: true,
    });
  });

  it('prefers the package over the AppImage copy when both are installed', () => {
    const checks = layout({ [INSTALLED_HELPER_PATH]: 'exec', [APPIMAGE_HELPER_PATH]: 'exec' });
    expect(locateHelper('/tmp/.mount_x/resources/app.asar/dist/main', checks, { packaged: true, appImage: true }).source).toBe('package');
  });

  it('expects the AppImage path when an AppImage finds nothing (that is where it installs)', () => {
    expect(locateHelper('/tmp/.mount_x/resources', layout({}), { packaged: true, appImage: true })).toEqual({
      helperPath: APPIMAGE_HELPER_PATH,
      source: 'appimage',
      development: false,
      found: false,
    });
  });

  it('never takes a source tree in a packaged app, even one an attacker planted above the AppImage mount', () => {
    const planted = layout({ '/tmp/native-helper/Makefile': 'file', '/tmp/native-helper/build/freezeframe-helper': 'user-exec' });
    const found = locateHelper('/tmp/.mount_x/resources/app.asar', planted, { packaged: true, appImage: true });
    expect(found).toEqual({ helperPath: APPIMAGE_HELPER_PATH, source: 'appimage', development: false, found: false });
  });

  it('skips an installed helper that a user could change (not root-owned all the way up)', () => {
    const checks = layout({ [INSTALLED_HELPER_PATH]: 'user-exec', [APPIMAGE_HELPER_PATH]: 'exec' });
    expect(locateHelper('/opt/Freezeframe/resources', checks, { packaged: true }).helperPath).toBe(APPIMAGE_HELPER_PATH);
    const none = layout({ [INSTALLED_HELPER_PATH]: 'user-exec' });
    expect(locateHelper('/opt/Freezeframe/resources', none, { packaged: true }).found).toBe(false);
  });

  it('does not climb arbitrarily far to find a source tree', () => {
    const checks = layout({ '/native-helper/Makefile': 'file' });
    expect(findSourceRoot('/a/b/c/d/e/f/g', checks)).toBeUndefined();
  });
});

describe('realFileChecks on a real directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'freezeframe-helper-path-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds a built helper in a checkout-shaped tree', () => {
    mkdirSync(join(dir, 'native-helper', 'build'), { recursive: true });
    mkdirSync(join(dir, 'dist', 'main'), { recursive: true });
    writeFileSync(join(dir, 'native-helper', 'Makefile'), '');
    const helper = join(dir, 'native-helper', 'build', 'freezeframe-helper');
    writeFileSync(helper, '#!/bin/sh\n');
    chmodSync(helper, 0o755);
    expect(locateHelper(join(dir, 'dist', 'main'))).toEqual({ helperPath: helper, source: 'development', development: true, found: true });
  });

  it('vouches for a file only when root owns it and its directories and none is group/other-writable', () => {
    const open = join(dir, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    const file = join(open, 'helper');
    writeFileSync(file, '');
    chmodSync(file, 0o755);
    // /etc/passwd: root's, 0644, under root's 0755 directories on any sane system.
    expect(realFileChecks.isRootOwnedChain('/etc/passwd')).toBe(true);
    // Anyone may replace it: its directory is world-writable.
    expect(realFileChecks.isRootOwnedChain(file)).toBe(false);
    expect(realFileChecks.isRootOwnedChain(join(dir, 'missing'))).toBe(false);
  });
});
