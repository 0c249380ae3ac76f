/**
 * Where and when a figure table was measured: the date, the commit (and
 * whether the tree had uncommitted changes), the machine. Every table the
 * bench prints or writes into the docs starts with this line.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');

function git(args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/** "abc1234" or "abc1234 + uncommitted changes"; "no git checkout" where there is none. */
export function commitDescription(): string {
  const commit = git(['rev-parse', '--short=10', 'HEAD']);
  if (!commit) return 'no git checkout';
  // Tracked files only: bench/results and build outputs are ignored anyway.
  const dirty = git(['status', '--porcelain', '--untracked-files=no']);
  return dirty ? `${commit} + uncommitted changes` : commit;
}

/** "Debian GNU/Linux 12 (bookworm)" from os-release, else "Linux". */
function distribution(): string {
  try {
    return /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? 'Linux';
  } catch {
    return 'Linux';
  }
}

export function machineDescription(): string {
  const cores = cpus();
  const model = cores[0]?.model.replace(/\s+/g, ' ').trim() ?? 'unknown CPU';
  return `${model}, ${cores.length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, ${distribution()}, Linux ${release()}, node ${process.version}`;
}

/**
 * The line above every table, e.g. "Measured 2026-12-06 03:41 UTC at commit
 * abc1234 on ..., load average 1.2". The load average (taken when the module
 * started) says whether other work shared the cores during the run.
 */
export function measuredOn(at = new Date(), load = loadavg()[0]!): string {
  const when = `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return `Measured ${when} at commit ${commitDescription()} on ${machineDescription()}, load average ${load.toFixed(1)} at its start.`;
}
