/**
 * Is a snapshot fit to back up from? Each image gets its filesystem's
 * read-only checker, run as the user on the file itself.
 *
 * Verification never mounts a clone: a clone carries its original's UUID.
 * xfs refuses a second mount of the same UUID (it needs `nouuid`), and a
 * btrfs copy must never be mounted beside its original on a kernel without
 * temp-fsid support (6.7+, and only for single-device filesystems): btrfs
 * would take the two for devices of one filesystem. The checkers read the
 * image as a plain file and touch neither.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { VerificationResult, OutputKind } from '../../../../app/backup';
import { describeOutcome, runCommand, succeeded } from '../commands/child-command';

export interface VerifyOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  onOutput?(stream: 'stdout' | 'stderr', text: string, kind?: OutputKind): void;
}

const DEFAULT_TIMEOUT_MS = 30 * 60_000;
/** The checkers live in sbin, which a user's PATH often lacks. */
const SBIN_DIRS = ['/usr/sbin', '/sbin', '/usr/bin', '/bin'];

/** The read-only check of an image of each type: program and arguments before the image. */
const IMAGE_CHECKERS: Readonly<Record<string, { tool: string; args: readonly string[] }>> = {
  // -f: check even when marked clean; -n: open read-only, answer no to every question.
  ext2: { tool: 'e2fsck', args: ['-f', '-n'] },
  ext3: { tool: 'e2fsck', args: ['-f', '-n'] },
  ext4: { tool: 'e2fsck', args: ['-f', '-n'] },
  // -n: no modify; -f: the target is an image file, not a device.
  xfs: { tool: 'xfs_repair', args: ['-n', '-f'] },
  btrfs: { tool: 'btrfs', args: ['check', '--readonly'] },
};

/** An executable named `tool` in PATH or the sbin directories, else the bare name (the spawn error says what is missing). */
export function findTool(tool: string, pathEnv = process.env.PATH ?? ''): string {
  const dirs = [...pathEnv.split(delimiter).filter((d) => d.startsWith('/')), ...SBIN_DIRS];
  for (const dir of dirs) {
    const candidate = join(dir, tool);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  return tool;
}

/** The argv that checks `image` as `fsType`, or undefined when there is no read-only checker for it. */
export function checkerArgv(image: string, fsType: string, resolve: (tool: string) => string = findTool): string[] | undefined {
  const checker = IMAGE_CHECKERS[fsType];
  return checker ? [resolve(checker.tool), ...checker.args, image] : undefined;
}

/** More lines than this and the xfs output is not read for the frozen-log case (it is then a failure). */
const MAX_XFS_LINES = 20_000;

export async function verifyImage(image: string, fsType: string, opts: VerifyOptions = {}): Promise<VerificationResult> {
  const argv = checkerArgv(image, fsType);
  if (!argv) {
    return { mountpoint: image, tool: 'none', argv: [], ok: false, exitCode: null, output: `no read-only checker for ${fsType}` };
  }
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const lines: string[] = [];
  let explained = false;
  const outcome = await runCommand({
    argv,
    timeoutMs,
    signal: opts.signal,
    // LC_ALL=C: the output is read below, and lands in a report.
    env: { LC_ALL: 'C' },
    onLine: (stream, text) => {
      if (lines.length <= MAX_XFS_LINES) lines.push(text);
      const kind = fsType === 'xfs' ? xfsLineKind(text) : E2FSCK_BANNER.test(text) ? 'progress' : undefined;
      // Said before the alarming lines it explains, not after them.
      if (kind === 'expected' && !explained) {
        explained = true;
        opts.onOutput?.('stdout', XFS_LOG_EXPLAINED, 'note');
      }
      opts.onOutput?.(stream, text, kind);
    },
  });
  const tool = IMAGE_CHECKERS[fsType]!.tool;
  if (succeeded(outcome)) return { mountpoint: image, tool, argv, ok: true, exitCode: outcome.exitCode, output: outcome.tail };
  if (fsType === 'xfs' && outcome.exitCode === 1 && !outcome.timedOut && !outcome.terminated && lines.length <= MAX_XFS_LINES && onlyFrozenLogFindings(lines)) {
    return { mountpoint: image, tool, argv, ok: true, exitCode: outcome.exitCode, output: `${outcome.tail}\nfreezeframe: clean apart from the log. ${FROZEN_XFS_NOTE}`, note: `Clean apart from the log, as expected. ${FROZEN_XFS_NOTE}` };
  }
  return { mountpoint: image, tool, argv, ok: false, exitCode: outcome.exitCode, output: `${outcome.tail}${outcome.tail ? '\n' : ''}${tool} ${describeOutcome(outcome, timeoutMs)}` };
}

const FROZEN_XFS_NOTE =
  'A frozen xfs keeps its last superblock update in the log (no unmount record), so an image of it always has a log to replay, and the lazy superblock counters are recounted at mount; xfs_repair -n reports exactly that and nothing else.';

/** Shown before the first such line, as it streams. */
const XFS_LOG_EXPLAINED =
  'Expected next: an image of a frozen xfs always has a log to replay, which xfs_repair -n reads without replaying, so it prints an ALERT about the log and counters to recount. Those lines are marked expected; anything else it finds fails the check.';

/**
 * Lines of `xfs_repair -n` that say nothing is wrong beyond the log an
 * image of a frozen xfs always has: progress and the image-file notices
 * (all on stderr), then the findings that log explains: the dirty-log
 * alert, and free/inode counter mismatches (lazy-count keeps the true
 * counts in the log and the AG headers). Any other line is a finding,
 * and fails the check.
 */
const XFS_PROGRESS = [
  /^Phase \d+ - [^:]*$/,
  /^ {8}- [a-z][^:]*$/,
  /^No modify flag set, skipping (phase 5|filesystem flush and exiting\.)$/,
  /^Cannot get host filesystem geometry\.$/,
  /^Repair may fail if there is a sector size mismatch between$/,
  /^the image and the host filesystem\.$/,
  /^$/,
];
const XFS_LOG_FINDINGS = [
  /^ALERT: The filesystem has valuable metadata changes in a log which is being$/,
  /^ignored because the -n option was used\. {2}Expect spurious inconsistencies$/,
  /^which may be resolved by first mounting the filesystem to replay the log\.$/,
  /^sb_(fdblocks|icount|ifree|frextents) \d+, counted \d+$/,
];

/** e2fsck's first line, its version, which it writes to stderr. */
const E2FSCK_BANNER = /^e2fsck \d[\d.]* \([^)]*\)$/;

/** How a line of xfs_repair -n reads: progress, a finding the frozen log explains, or (undefined) a finding. */
export function xfsLineKind(line: string): OutputKind | undefined {
  if (XFS_PROGRESS.some((re) => re.test(line))) return 'progress';
  if (XFS_LOG_FINDINGS.some((re) => re.test(line))) return 'expected';
  return undefined;
}

export function onlyFrozenLogFindings(lines: readonly string[]): boolean {
  const alert = lines.some((l) => l.startsWith('ALERT: The filesystem has valuable metadata changes in a log'));
  return alert && lines.every((line) => xfsLineKind(line) !== undefined);
}

/** A btrfs snapshot is trustworthy when it is read-only: `btrfs property get -ts <path> ro` says ro=true. */
export async function verifyBtrfsSnapshot(path: string, opts: VerifyOptions = {}): Promise<VerificationResult> {
  const argv = [findTool('btrfs'), 'property', 'get', '-ts', path, 'ro'];
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const outcome = await runCommand({ argv, timeoutMs, signal: opts.signal, env: { LC_ALL: 'C' }, onLine: (stream, text) => opts.onOutput?.(stream, text) });
  const readOnly = succeeded(outcome) && outcome.tail.split('\n').some((line) => line.trim() === 'ro=true');
  const output = succeeded(outcome) ? (readOnly ? outcome.tail : `${outcome.tail}\nthe snapshot is writable (ro=false): it may have changed since it was taken`) : `${outcome.tail}\nbtrfs ${describeOutcome(outcome, timeoutMs)}`;
  return { mountpoint: path, tool: 'btrfs property', argv, ok: readOnly, exitCode: outcome.exitCode, output };
}
