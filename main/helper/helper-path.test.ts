import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findSourceRoot, INSTALLED_HELPER_PATH, locateHelper, type FileChecks } from './helper-path';

/** A fake filesystem: the files that exist, and which of them are executable. */
function layout(files: Record<string, 'file' | 'exec'>): FileChecks {
  return {
    isFile: (path) => path in files,
    isExecutable: (path) => files[path] === 'exec',
  };
}

const repo = '/home/ada/src/freezeframe';
const devHelper = `${repo}/native-helper/build/freezeframe-helper`;
const marker = `${repo}/native-helper/Makefile`;

describe('locateHelper', () => {
  it('uses the source tree build when running from a checkout (bundle in dist/main)', () => {
    const checks = layout({ [marker]: 'file', [devHelper]: 'exec', [INSTALLED_HELPER_PATH]: 'exec' });
    expect(locateHelper(`${repo}/dist/main`, checks)).toEqual({ helperPath: devHelper, development: true, found: true });
  });

  it('uses the source tree build when running the TypeScript sources (main/web)', () => {
    const checks = layout({ [marker]: 'file', [devHelper]: 'exec' });
    expect(locateHelper(`${repo}/main/web`, checks)).toEqual({ helperPath: devHelper, development: true, found: true });
  });

  it('falls back to the installed helper when the checkout has not built one', () => {
    const checks = layout({ [marker]: 'file', [INSTALLED_HELPER_PATH]: 'exec' });
    expect(locateHelper(`${repo}/dist/main`, checks)).toEqual({ helperPath: INSTALLED_HELPER_PATH, development: false, found: true });
  });

  it('uses the installed helper for an installed app (no source tree above it)', () => {
    const checks = layout({ [INSTALLED_HELPER_PATH]: 'exec' });
    expect(locateHelper('/opt/Freezeframe/resources/app.asar/dist/main', checks)).toEqual({
      helperPath: INSTALLED_HELPER_PATH,
      development: false,
      found: true,
    });
  });

  it('skips a helper that is not executable', () => {
    const checks = layout({ [marker]: 'file', [devHelper]: 'file', [INSTALLED_HELPER_PATH]: 'exec' });
    expect(locateHelper(`${repo}/dist/main`, checks).helperPath).toBe(INSTALLED_HELPER_PATH);
  });

  it('names the expected path of its own layout when nothing is there', () => {
    expect(locateHelper(`${repo}/dist/main`, layout({ [marker]: 'file' }))).toEqual({ helperPath: devHelper, development: true, found: false });
    expect(locateHelper('/opt/Freezeframe/resources', layout({}))).toEqual({ helperPath: INSTALLED_HELPER_PATH, development: false, found: false });
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
    expect(locateHelper(join(dir, 'dist', 'main'))).toEqual({ helperPath: helper, development: true, found: true });
  });
});
