/**
 * The helper starter of an AppImage that finds no installed helper: on the
 * first action that needs the helper, it asks, installs the bundled helper
 * root-owned (main/helper/appimage-install.ts), then starts that copy through
 * pkexec like any installed helper. An installed copy whose hash is not the
 * one this AppImage was built with (an older AppImage installed it) is
 * replaced the same way. A package-installed helper always wins over all of
 * this (helper-path.ts), and the package manager keeps it current.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HelperConnection, HelperStarter } from '../core/freeze/helper-supervisor';
import { AppImageInstallError, BUNDLED_HELPER_RELATIVE, installAppImageHelper } from '../helper/appimage-install';
import { HelperClient } from '../helper/client';
import { HelperError } from '../helper/helper-error';
import { APPIMAGE_HELPER_PATH, realFileChecks } from '../helper/helper-path';

export interface AppImageStarterDeps {
  /** process.resourcesPath inside the AppImage's mount. */
  resourcesPath: string;
  /** The SHA-256 built into this app (builtHelperSha256). */
  expectedSha256: () => Promise<string>;
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
    const expectedSha256 = await deps.expectedSha256().catch((error: unknown) => {
      throw error instanceof AppImageInstallError ? error.toHelperError() : error;
    });
    const installed = isRootOwned(helperPath) ? await sha256Of(helperPath) : undefined;
    if (installed !== expectedSha256) {
      const reason = installed === undefined ? 'missing' : 'outdated';
      if (!(await deps.confirmInstall(reason))) {
        throw new HelperError('AUTH_DISMISSED', 'The helper was not installed, so nothing can be frozen or thawed. Your next action asks again.');
      }
      try {
        await install({ bundledHelper: join(deps.resourcesPath, BUNDLED_HELPER_RELATIVE), expectedSha256, targetPath: helperPath });
      } catch (error) {
        throw error instanceof AppImageInstallError ? error.toHelperError() : error;
      }
      if (!isRootOwned(helperPath) || (await sha256Of(helperPath)) !== expectedSha256) {
        throw new HelperError('HELPER_MISSING', `The installer reported success, but ${helperPath} is not the root-owned helper this app was built with.`);
      }
    }
    return start(helperPath);
  };
}
