import { describe, expect, it } from 'vitest';
import type { HelperConnection } from '../core/freeze/helper-supervisor';
import { AppImageInstallError, type installAppImageHelper } from '../helper/appimage-install';
import { HelperError } from '../helper/helper-error';
import { APPIMAGE_HELPER_PATH } from '../helper/helper-path';
import { appImageHelperStarter } from './appimage-helper';

const BUILT = 'b'.repeat(64);
const BUILT_GUARDIAN = 'g'.repeat(64);
const OLD = 'o'.repeat(64);
const GUARDIAN_PATH = '/usr/local/lib/freezeframe/freezeframe-guardian';

/**
 * A machine where the AppImage path holds `present` (its hash) and the guardian beside it `guardian`
 * (null: none; by default the built one when a helper is present), and an installer that writes both built ones.
 */
function machine(
  present: string | undefined,
  { confirm = true, installError, guardian }: { confirm?: boolean; installError?: AppImageInstallError; guardian?: string | null } = {},
) {
  const onDisk = new Map<string, string | undefined>([
    [APPIMAGE_HELPER_PATH, present],
    [GUARDIAN_PATH, guardian === null ? undefined : (guardian ?? (present === undefined ? undefined : BUILT_GUARDIAN))],
  ]);
  const asked: string[] = [];
  const installs: Array<Parameters<typeof installAppImageHelper>[0]> = [];
  const started: string[] = [];
  const starter = appImageHelperStarter({
    resourcesPath: '/tmp/.mount_Frz/resources',
    expectedSha256: async () => BUILT,
    expectedGuardianSha256: async () => BUILT_GUARDIAN,
    confirmInstall: async (reason) => {
      asked.push(reason);
      return confirm;
    },
    isRootOwned: (path) => onDisk.get(path) !== undefined,
    sha256Of: async (path) => onDisk.get(path),
    install: async (options) => {
      installs.push(options);
      if (installError) throw installError;
      onDisk.set(APPIMAGE_HELPER_PATH, options.expectedSha256);
      onDisk.set(GUARDIAN_PATH, options.expectedGuardianSha256);
      return { helperPath: APPIMAGE_HELPER_PATH, guardianPath: GUARDIAN_PATH, output: '' };
    },
    start: async (path) => {
      started.push(path);
      return {} as HelperConnection;
    },
  });
  return { starter, asked, installs, started };
}

describe('appImageHelperStarter', () => {
  it('installs the bundled helper on first use, with the built-in hash, then starts the installed copy', async () => {
    const m = machine(undefined);
    await m.starter();
    expect(m.asked).toEqual(['missing']);
    expect(m.installs).toEqual([
      {
        bundledHelper: '/tmp/.mount_Frz/resources/helper/freezeframe-helper',
        expectedSha256: BUILT,
        bundledGuardian: '/tmp/.mount_Frz/resources/helper/freezeframe-guardian',
        expectedGuardianSha256: BUILT_GUARDIAN,
        targetPath: APPIMAGE_HELPER_PATH,
      },
    ]);
    expect(m.started).toEqual([APPIMAGE_HELPER_PATH]);
  });

  it('starts an installed copy of this build without asking', async () => {
    const m = machine(BUILT);
    await m.starter();
    expect(m.asked).toEqual([]);
    expect(m.installs).toEqual([]);
    expect(m.started).toEqual([APPIMAGE_HELPER_PATH]);
  });

  it('offers to replace a copy another AppImage build installed', async () => {
    const m = machine(OLD);
    await m.starter();
    expect(m.asked).toEqual(['outdated']);
    expect(m.installs).toHaveLength(1);
  });

  it('replaces a helper whose guardian is missing or of another build', async () => {
    for (const guardian of [null, OLD]) {
      const m = machine(BUILT, { guardian });
      await m.starter();
      expect(m.asked).toEqual(['outdated']);
      expect(m.installs).toHaveLength(1);
      expect(m.started).toEqual([APPIMAGE_HELPER_PATH]);
    }
  });

  it('starts nothing when the user says not now', async () => {
    const m = machine(undefined, { confirm: false });
    await expect(m.starter()).rejects.toMatchObject({ code: 'AUTH_DISMISSED' });
    expect(m.installs).toEqual([]);
    expect(m.started).toEqual([]);
  });

  it('turns a refused install into the supervisor\'s error, and starts nothing', async () => {
    const m = machine(undefined, { installError: new AppImageInstallError('HASH_MISMATCH', 'the helper to install is not the one this app was built with', 83) });
    const failure = m.starter();
    await expect(failure).rejects.toBeInstanceOf(HelperError);
    await expect(failure).rejects.toMatchObject({ code: 'HELPER_MISSING', message: expect.stringContaining('not the one this app was built with') });
    expect(m.started).toEqual([]);
  });
});
