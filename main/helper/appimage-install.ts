/**
 * The AppImage's first elevation: put its bundled helper and the helper's
 * guardian where only root can change them (/usr/local/lib/freezeframe), with
 * the polkit policy, so the service that pkexec starts later is never a
 * user-writable file.
 *
 * The bundled binaries sit in the AppImage's FUSE mount, which root cannot
 * read (no allow_other), so the app first copies them, as the user, into a
 * fresh private temp directory; the elevated script (appimage-install-script.ts)
 * copies those again into root's staging directory and checks the copies' hashes.
 * This is a one-shot command, which is what sudo-prompt is for; the long-lived
 * helper keeps its own pkexec pipe (launch.ts).
 */
import { createHash } from 'node:crypto';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { exec as sudoExec } from '@vscode/sudo-prompt';
import { HelperError } from './helper-error';
import { APPIMAGE_HELPER_PATH } from './helper-path';
import { buildInstallScript, elevatedCommandLine, GUARDIAN_FILE_NAME, INSTALL_EXIT, InstallScriptInputError, type InstallScriptInput } from './appimage-install-script';

/** Where electron-builder's extraResources puts the helper and its guardian, under process.resourcesPath. */
export const BUNDLED_HELPER_RELATIVE = 'helper/freezeframe-helper';
export const BUNDLED_GUARDIAN_RELATIVE = `helper/${GUARDIAN_FILE_NAME}`;

/** The guardian the installed helper starts: the file beside it. */
export function guardianBeside(helperPath: string): string {
  return join(dirname(helperPath), GUARDIAN_FILE_NAME);
}

/** Set by scripts/build-main.mjs: the SHA-256s of the helper and guardian the app was built with. */
declare const __FREEZEFRAME_HELPER_SHA256__: string | undefined;
declare const __FREEZEFRAME_GUARDIAN_SHA256__: string | undefined;

export type AppImageInstallCode =
  | 'INVALID_INPUT'
  | 'NOT_ROOT'
  | 'UNSAFE_DIRECTORY'
  | 'SOURCE_MISSING'
  | 'HASH_MISMATCH'
  | 'POLKIT_MISSING'
  | 'INSTALL_FAILED'
  | 'AUTH_DISMISSED'
  | 'NO_POLKIT_AGENT'
  | 'NO_ELEVATION_TOOL'
  | 'FAILED';

export class AppImageInstallError extends Error {
  override readonly name = 'AppImageInstallError';
  constructor(
    readonly code: AppImageInstallCode,
    message: string,
    readonly exitCode?: number,
  ) {
    super(message);
  }

  /** The helper supervisor's view: a code from the app's closed set, with this message. */
  toHelperError(): HelperError {
    const message = `The AppImage could not install its helper: ${this.message}`;
    switch (this.code) {
      case 'AUTH_DISMISSED':
        return new HelperError('AUTH_DISMISSED', message);
      case 'NO_POLKIT_AGENT':
        return new HelperError('NOT_AUTHORIZED', message);
      case 'NO_ELEVATION_TOOL':
      case 'POLKIT_MISSING':
        return new HelperError('PKEXEC_MISSING', message);
      case 'INVALID_INPUT':
      case 'NOT_ROOT':
      case 'UNSAFE_DIRECTORY':
      case 'SOURCE_MISSING':
      case 'HASH_MISMATCH':
      case 'INSTALL_FAILED':
      case 'FAILED':
        return new HelperError('HELPER_MISSING', message);
      default: {
        const never: never = this.code;
        throw new Error(`unknown install code ${String(never)}`);
      }
    }
  }
}

const EXIT_CODES: Record<number, AppImageInstallCode> = {
  [INSTALL_EXIT.notRoot]: 'NOT_ROOT',
  [INSTALL_EXIT.unsafeDirectory]: 'UNSAFE_DIRECTORY',
  [INSTALL_EXIT.sourceMissing]: 'SOURCE_MISSING',
  [INSTALL_EXIT.hashMismatch]: 'HASH_MISMATCH',
  [INSTALL_EXIT.polkitMissing]: 'POLKIT_MISSING',
  [INSTALL_EXIT.installFailed]: 'INSTALL_FAILED',
};

/** What @vscode/sudo-prompt's exec looks like (a seam: tests run the line as root without pkexec). */
export type ElevatedExec = (command: string, options: { name: string }, callback: (error?: Error, stdout?: string | Buffer, stderr?: string | Buffer) => void) => void;

// sudo-prompt's own messages for a command that never ran elevated.
const SUDO_PROMPT_DENIED = 'User did not grant permission.';
const SUDO_PROMPT_NO_AGENT = 'No polkit authentication agent found.';
const SUDO_PROMPT_NO_TOOL = 'Unable to find pkexec or kdesudo.';

/** Turns how the elevated step ended into a typed error (undefined: it installed). */
export function installOutcome(error: (Error & { code?: unknown }) | undefined, stderr: string): AppImageInstallError | undefined {
  if (!error) return undefined;
  const said = stderr
    .split('\n')
    .map((line) => line.replace(/^freezeframe-install: /, '').trim())
    .filter(Boolean)
    .slice(-2)
    .join(' / ');
  if (error.message === SUDO_PROMPT_DENIED) return new AppImageInstallError('AUTH_DISMISSED', 'authentication was dismissed or refused; nothing was installed.');
  if (error.message === SUDO_PROMPT_NO_AGENT) return new AppImageInstallError('NO_POLKIT_AGENT', 'no polkit authentication agent is running in this session, so nobody can be asked for the password.');
  if (error.message === SUDO_PROMPT_NO_TOOL) return new AppImageInstallError('NO_ELEVATION_TOOL', 'pkexec is not installed (install polkit), so the app cannot ask for administrator rights.');
  const exitCode = typeof error.code === 'number' ? error.code : undefined;
  const code = exitCode !== undefined ? EXIT_CODES[exitCode] : undefined;
  if (code) return new AppImageInstallError(code, said || `the installer refused (status ${exitCode}).`, exitCode);
  return new AppImageInstallError('FAILED', `the elevated installer failed${exitCode !== undefined ? ` with status ${exitCode}` : ''}${said ? `: ${said}` : `: ${error.message}`}`, exitCode);
}

export interface AppImageInstallOptions {
  /** The helper inside the AppImage (process.resourcesPath/helper/freezeframe-helper). */
  bundledHelper: string;
  expectedSha256: string;
  /** Its guardian inside the AppImage (process.resourcesPath/helper/freezeframe-guardian). */
  bundledGuardian: string;
  expectedGuardianSha256: string;
  targetPath?: InstallScriptInput['targetPath'];
  policyDir?: InstallScriptInput['policyDir'];
  exec?: ElevatedExec;
  /** Where the user-owned copy goes; its own fresh 0700 directory is made inside. */
  tempDir?: string;
}

/** Installs the bundled helper and its guardian, or throws an AppImageInstallError saying why not. */
export async function installAppImageHelper(options: AppImageInstallOptions): Promise<{ helperPath: string; guardianPath: string; output: string }> {
  const tempRoot = options.tempDir ?? tmpdir();
  let copyDir: string | undefined;
  try {
    copyDir = await mkdtemp(join(tempRoot, 'freezeframe-helper-'));
    const copy = async (what: string, bundled: string) => {
      const to = join(copyDir!, what);
      try {
        await copyFile(bundled, to);
      } catch (error) {
        throw new AppImageInstallError('SOURCE_MISSING', `the AppImage carries no ${what} at ${bundled} (${(error as Error).message}).`);
      }
      return to;
    };
    const helperCopy = await copy('helper', options.bundledHelper);
    const guardianCopy = await copy('guardian', options.bundledGuardian);
    let command: string;
    try {
      command = elevatedCommandLine(
        buildInstallScript({
          sourcePath: helperCopy,
          expectedSha256: options.expectedSha256,
          guardianSourcePath: guardianCopy,
          expectedGuardianSha256: options.expectedGuardianSha256,
          targetPath: options.targetPath,
          policyDir: options.policyDir,
        }),
      );
    } catch (error) {
      if (error instanceof InstallScriptInputError) throw new AppImageInstallError('INVALID_INPUT', error.message);
      throw error;
    }
    const run = options.exec ?? (sudoExec as ElevatedExec);
    const { error, stdout, stderr } = await new Promise<{ error?: Error; stdout: string; stderr: string }>((resolve) => {
      run(command, { name: 'Freezeframe' }, (error, stdout, stderr) => resolve({ error, stdout: String(stdout ?? ''), stderr: String(stderr ?? '') }));
    });
    const failure = installOutcome(error, stderr);
    if (failure) throw failure;
    const helperPath = options.targetPath ?? APPIMAGE_HELPER_PATH;
    return { helperPath, guardianPath: guardianBeside(helperPath), output: stdout.trim() };
  } finally {
    if (copyDir) await rm(copyDir, { recursive: true, force: true });
  }
}

/**
 * The SHA-256 the install checks a copy against: the one the build put in
 * the bundle, or in a development build (nothing bundled) that of the dev
 * tree's binary. A packaged build without one refuses rather than trust
 * whatever file it finds.
 */
async function builtSha256(what: 'helper' | 'guardian', built: string, devPath: string | undefined): Promise<string> {
  if (built) return built;
  if (devPath) return createHash('sha256').update(await readFile(devPath)).digest('hex');
  throw new AppImageInstallError('INVALID_INPUT', `this build carries no SHA-256 of its ${what} (build it with npm run dist), so it will not install one.`);
}

export function builtHelperSha256(devHelperPath: string | undefined): Promise<string> {
  return builtSha256('helper', typeof __FREEZEFRAME_HELPER_SHA256__ === 'string' ? __FREEZEFRAME_HELPER_SHA256__ : '', devHelperPath);
}

export function builtGuardianSha256(devGuardianPath: string | undefined): Promise<string> {
  return builtSha256('guardian', typeof __FREEZEFRAME_GUARDIAN_SHA256__ === 'string' ? __FREEZEFRAME_GUARDIAN_SHA256__ : '', devGuardianPath);
}

