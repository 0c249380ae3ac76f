/**
 * The helper starter of an AppImage that finds no installed helper: on the
 * first action that needs the helper, it asks, installs the bundled helper
 * and its guardian root-owned (main/helper/appimage-install.ts), then starts
 * that copy through pkexec like any installed helper. An installed helper or
 * guardian whose hash is not the one this AppImage was built with (an older
 * AppImage installed it) is replaced the same way. A package-installed helper always wins over all of
 * this (helper-path.ts), and the package manager keeps it current.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HelperConnection, HelperStarter } from '../core/freeze/helper-supervisor';
import { AppImageInstallError, BUNDLED_GUARDIAN_RELATIVE, BUNDLED_HELPER_RELATIVE, guardianBeside, installAppImageHelper } from '../helper/appimage-install';
import { HelperClient } from '../helper/client';
import { HelperError } from '../helper/helper-error';
import { APPIMAGE_HELPER_PATH, realFileChecks } from '../helper/helper-path';

export interface AppImageStarterDeps {
  /** process.resourcesPath inside the AppImage's mount. */
  resourcesPath: string;
  /** The SHA-256s built into this app (builtHelperSha256, builtGuardianSha256). */
  expectedSha256: () => Promise<string>;
  expectedGuardianSha256: () => Promise<string>;
  /** Ask the user before the password prompt; false: not now. */
  confirmInstall: (reason: 'missing' | 'outdated') => Promise<boolean>;
  helperPath?: string;
  isRootOwned?: (path: string) => boolean;
  sha256Of?: (path: string) => Promise<string | undefined>;
  install?: typeof installAppImageHelper;
  start?: (helperPath: string) => Promise<HelperConnection>;
}

async function fileSha256(path: string): Promise<string | undefined> {
  try {
    return createHash('sha256').update(await readFile(path)).digest('hex');
  } catch {
    return undefined;
  }
}

export function appImageHelperStarter(deps: AppImageStarterDeps): HelperStarter {
  const helperPath = deps.helperPath ?? APPIMAGE_HELPER_PATH;
  const isRootOwned = deps.isRootOwned ?? ((path: string) => realFileChecks.isRootOwnedChain(path));
  const sha256Of = deps.sha256Of ?? fileSha256;
  const install = deps.install ?? installAppImageHelper;
  const start = deps.start ?? ((path: string) => HelperClient.start({ helperPath: path }));

  return async () => {
    const [expectedSha256, expectedGuardianSha256] = await Promise.all([deps.expectedSha256(), deps.expectedGuardianSha256()]).catch((error: unknown) => {
      throw error instanceof AppImageInstallError ? error.toHelperError() : error;
    });
    const guardianPath = guardianBeside(helperPath);
    const installedSha256 = async (path: string) => (isRootOwned(path) ? await sha256Of(path) : undefined);
    const isCurrent = async () => (await installedSha256(helperPath)) === expectedSha256 && (await installedSha256(guardianPath)) === expectedGuardianSha256;
    if (!(await isCurrent())) {
      const reason = (await installedSha256(helperPath)) === undefined ? 'missing' : 'outdated';
      if (!(await deps.confirmInstall(reason))) {
        throw new HelperError('AUTH_DISMISSED', 'The helper was not installed, so nothing can be frozen or thawed. Your next action asks again.');
      }
      try {
        await install({
          bundledHelper: join(deps.resourcesPath, BUNDLED_HELPER_RELATIVE),
          expectedSha256,
          bundledGuardian: join(deps.resourcesPath, BUNDLED_GUARDIAN_RELATIVE),
          expectedGuardianSha256,
          targetPath: helperPath,
        });
      } catch (error) {
        throw error instanceof AppImageInstallError ? error.toHelperError() : error;
      }
      if (!(await isCurrent())) {
        throw new HelperError('HELPER_MISSING', `The installer reported success, but ${helperPath} and ${guardianPath} are not the root-owned helper and guardian this app was built with.`);
      }
    }
    return start(helperPath);
  };
}
