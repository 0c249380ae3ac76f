import { spawn as nodeSpawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { HelperError } from './helper-error';

export interface LaunchOptions {
  /** Absolute path of freezeframe-helper. Never user-supplied. */
  helperPath: string;
  /** pkexec's path: a parameter so tests can put a stand-in there. */
  pkexecPath?: string;
  leaseMs?: number;
  maxTimeoutMs?: number;
  maxHoldMs?: number;
  /** Defaults to process.geteuid(): root starts the helper directly. */
  euid?: number;
  spawn?: typeof nodeSpawn;
}

export type LaunchMode = 'direct' | 'pkexec';

export interface Launched {
  child: ChildProcessWithoutNullStreams;
  mode: LaunchMode;
  argv: readonly string[];
}

export const DEFAULT_PKEXEC = '/usr/bin/pkexec';

/** The elevated command line: fixed flags and numbers we chose, nothing else. */
export function helperArgv(options: LaunchOptions): { file: string; args: string[]; mode: LaunchMode } {
  const helperArgs = ['--stdio'];
  if (options.leaseMs !== undefined) helperArgs.push('--lease-ms', String(Math.trunc(options.leaseMs)));
  if (options.maxTimeoutMs !== undefined) helperArgs.push('--max-timeout-ms', String(Math.trunc(options.maxTimeoutMs)));
  if (options.maxHoldMs !== undefined) helperArgs.push('--max-hold-ms', String(Math.trunc(options.maxHoldMs)));
  const euid = options.euid ?? process.geteuid?.() ?? -1;
  if (euid === 0) return { file: options.helperPath, args: helperArgs, mode: 'direct' };
  return { file: options.pkexecPath ?? DEFAULT_PKEXEC, args: [options.helperPath, ...helperArgs], mode: 'pkexec' };
}

export async function launchHelper(options: LaunchOptions): Promise<Launched> {
  if (!options.helperPath.startsWith('/')) {
    throw new HelperError('HELPER_MISSING', `The helper path must be absolute: ${options.helperPath}`);
  }
  try {
    await access(options.helperPath, constants.X_OK);
  } catch {
    throw new HelperError('HELPER_MISSING', `The freeze helper is not installed at ${options.helperPath} (or is not executable).`);
  }
  const { file, args, mode } = helperArgv(options);
  const spawn = options.spawn ?? nodeSpawn;
  // argv array, no shell: nothing here is ever parsed by a shell.
  const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'], shell: false, env: helperEnv() });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' && mode === 'pkexec') {
        reject(new HelperError('PKEXEC_MISSING', `pkexec was not found at ${file}: install polkit (package "pkexec" or "policykit-1") to let the app ask for administrator rights, or start it as root.`));
      } else if (error.code === 'ENOENT') {
        reject(new HelperError('HELPER_MISSING', `The freeze helper is not installed at ${file}.`));
      } else {
        reject(new HelperError('HELPER_SPAWN_FAILED', `Could not start ${file}: ${error.message}`));
      }
    });
  });
  return { child, mode, argv: [file, ...args] };
}

/** A minimal environment: the helper needs none, and pkexec clears it anyway. */
function helperEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8' };
  for (const key of ['DISPLAY', 'WAYLAND_DISPLAY', 'XAUTHORITY', 'XDG_RUNTIME_DIR', 'DBUS_SESSION_BUS_ADDRESS']) {
    // pkexec's graphical agent lookup needs the session's display variables.
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  return env;
}

/** What a pkexec exit status before the greeting means. */
export function pkexecExitError(code: number | null, signal: string | null, stderrTail: string): HelperError {
  const details = { exitCode: code, signal };
  if (code === 126) {
    return new HelperError('AUTH_DISMISSED', 'Authentication was dismissed, so nothing can be frozen or thawed. Try again and enter an administrator password.', details);
  }
  if (code === 127) {
    return new HelperError(
      'NOT_AUTHORIZED',
      `You are not authorized to freeze filesystems (polkit refused, or the helper is not at the path its policy names).${stderrTail ? ` pkexec said: ${stderrTail.trim()}` : ''}`,
      details,
    );
  }
  return exitError(code, signal, stderrTail);
}

export function exitError(code: number | null, signal: string | null, stderrTail: string): HelperError {
  const how = signal ? `was killed by ${signal}` : `exited with status ${code}`;
  const said = stderrTail.trim() ? `: ${stderrTail.trim().split('\n').slice(-3).join(' / ')}` : '';
  return new HelperError('HELPER_EXITED', `The freeze helper ${how}${said}`, { exitCode: code, signal });
}
