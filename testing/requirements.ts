/**
 * What a test needs from the machine, said the same way everywhere: a test
 * that cannot run for want of a tool is NOT RUN, with the tool and the
 * Debian package that provides it (scripts/system-packages.mjs, the one
 * list), never a failure and never a pass. `npm test` reads these reasons
 * back from the reports and prints the command that installs the packages.
 * Framework-free: vitest's side is testing/not-run.ts, Playwright's is in
 * e2e/app-fixture.ts.
 */
import { isProvided, packageProviding } from '../scripts/system-packages.mjs';

export interface NotRunReason {
  /** One sentence: what is missing, e.g. "mkfs.xfs is not installed". */
  why: string;
  /** The Debian/Ubuntu packages that would make it run; empty when no package helps (root, loop devices). */
  packages: string[];
}

/** The annotation type Playwright tests carry their reason in (its description: the reason as JSON). */
export const NOT_RUN_ANNOTATION = 'not-run';

/** Thrown where a test cannot be skipped from (outside a running test): the message says NOT RUN and why. */
export class NotRunError extends Error {
  constructor(readonly reason: NotRunReason) {
    super(`NOT RUN: ${notRunText(reason)}`);
    this.name = 'NotRunError';
  }
}

export function notRunText(reason: NotRunReason): string {
  const { packages } = reason;
  return packages.length === 0 ? reason.why : `${reason.why} (Debian package${packages.length > 1 ? 's' : ''} ${packages.join(' ')})`;
}

/**
 * The commands or files (as scripts/system-packages.mjs lists them) that are
 * not on this machine, as a reason; undefined when all are here.
 */
export function missingTools(...items: string[]): NotRunReason | undefined {
  const missing = items.filter((item) => !isProvided(item));
  if (missing.length === 0) return undefined;
  const packages = [...new Set(missing.map((item) => packageProviding(item)).filter((p): p is string => p !== undefined))];
  return { why: `${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not installed`, packages };
}

export function needsRoot(): NotRunReason | undefined {
  return process.geteuid?.() === 0 ? undefined : { why: 'needs root', packages: [] };
}

/** The first reason of several, so a test names what stops it first. */
export function firstReason(...reasons: Array<NotRunReason | undefined>): NotRunReason | undefined {
  return reasons.find((r) => r !== undefined);
}
