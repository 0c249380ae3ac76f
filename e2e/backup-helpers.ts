/**
 * The backup wizard as a user drives it, and what the backup specs check on
 * disk: files written before the freeze, a writer that keeps writing (and
 * must resume after the thaw), exported images mounted read-only.
 */
import { expect, type Page } from '@playwright/test';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { run, runQuietSync } from '../testing/run-command';
import { fileSha256, sha256 } from '../testing/writer';

export interface PlanOptions {
  name: string;
  mounts: string[];
  /** Narrows the member list to the fixture's mounts. */
  filter: string;
  method?: 'Image clone' | 'Command' | 'Storage array (manual)';
  snapshotDir?: string;
  command?: string[];
  checklist?: string[];
  holdSeconds?: number;
  preFreeze?: string[];
  destination?: string;
  verify?: boolean;
  /** The pre-flight is expected to block it: the review stops with Run disabled. */
  blocked?: boolean;
}

/** New plan → the four steps → the review, with Run enabled (commands confirmed when there are any), or disabled when `blocked`. */
export async function createPlanViaWizard(page: Page, plan: PlanOptions): Promise<void> {
  await page.getByRole('tab', { name: 'Backups' }).click();
  await page.getByRole('button', { name: 'New plan' }).click();
  await page.getByLabel('Plan name').fill(plan.name);
  await page.getByRole('searchbox', { name: 'Filter filesystems' }).fill(plan.filter);
  for (const mountpoint of plan.mounts) await page.getByRole('checkbox', { name: mountpoint, exact: true }).check();
  if (plan.mounts.length > 1) await expect(page.getByText(`Consistency group of ${plan.mounts.length} filesystems`)).toBeVisible();
  await page.getByRole('radio', { name: plan.method ?? 'Image clone' }).check();
  if (plan.snapshotDir) await page.getByLabel('Snapshot folder').fill(plan.snapshotDir);
  if (plan.command) await page.getByLabel('Snapshot command: program and arguments').fill(plan.command.join('\n'));
  if (plan.checklist) await page.getByLabel('Checklist').fill(plan.checklist.join('\n'));
  if (plan.holdSeconds !== undefined) await page.getByLabel('Hold window (seconds)').fill(String(plan.holdSeconds));
  await page.getByRole('button', { name: 'Next: Hooks' }).click();
  // The specs' server runs as root (no SUDO_UID to drop to): the hooks step must say so, never "never as root" (issue 12).
  if (process.geteuid?.() === 0 && process.env.SUDO_UID === undefined) await expect(page.getByText(/Hooks and commands run as root: this Freezeframe runs as root/)).toBeVisible();
  if (plan.preFreeze) {
    await page.getByRole('checkbox', { name: 'Run a pre-freeze hook' }).check();
    await page.getByLabel('Pre-freeze hook: program and arguments').fill(plan.preFreeze.join('\n'));
  }
  await page.getByRole('button', { name: 'Next: Backup' }).click();
  if (plan.destination) await page.getByLabel('Destination folder').fill(plan.destination);
  if (plan.verify === false) await page.getByRole('checkbox', { name: 'Verify the snapshot before exporting' }).uncheck();
  await page.getByRole('button', { name: 'Review', exact: true }).click();
  await expect(page.getByText(/Frozen for at most/)).toBeVisible();
  if (plan.blocked) return void (await expect(page.getByRole('button', { name: 'Run backup' })).toBeDisabled());
  const confirm = page.getByRole('checkbox', { name: 'Run these commands as shown' });
  if (plan.command || plan.preFreeze) {
    // The exact argv is shown before anything runs.
    for (const argv of [plan.command, plan.preFreeze]) if (argv) await expect(page.getByText(argv.map((a) => JSON.stringify(a)).join(' '))).toBeVisible();
    await expect(page.getByRole('button', { name: 'Run backup' })).toBeDisabled();
    await confirm.check();
  }
  await expect(page.getByRole('button', { name: 'Run backup' })).toBeEnabled();
}

export async function runAndWaitForReport(page: Page, planName: string, timeout = 60_000): Promise<void> {
  await page.getByRole('button', { name: 'Run backup' }).click();
  await expect(page.getByRole('heading', { name: `Backup ${planName}` }).or(page.getByRole('heading', { name: new RegExp(`^Report: ${planName}`) }))).toBeVisible();
  await expect(page.getByRole('heading', { name: new RegExp(`^Report: ${planName}`) })).toBeVisible({ timeout });
}

/** A file of random bytes, written and fsynced; its SHA-256. */
export function writeSynced(path: string, bytes: number): string {
  const data = randomBytes(bytes);
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return sha256(data);
}

/** A large file, fast (dd from /dev/urandom), fsynced. */
export async function fillFile(path: string, mib: number): Promise<void> {
  await run('dd', ['if=/dev/urandom', `of=${path}`, 'bs=1M', `count=${mib}`, 'conv=fsync', 'status=none'], 120_000);
}

export interface LoopWriter {
  /** Writes completed so far (each fsynced), as logged on the unfrozen host. */
  count(): number;
  stop(): Promise<void>;
}

/**
 * Keeps writing small fsynced files into `dir` (blocks while it is frozen),
 * logging each completed write to `log` on the host filesystem.
 */
export function startLoopWriter(dir: string, log: string): LoopWriter {
  const script = 'i=0; while :; do dd if=/dev/urandom of="$1/loop-$((i % 8))" bs=64k count=2 conv=fsync status=none && echo "$i" >> "$2"; i=$((i+1)); sleep 0.05; done';
  const child = spawn('/bin/sh', ['-c', script, 'loop-writer', dir, log], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    count: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).length : 0),
    async stop() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** A write to `mountpoint` finishes promptly: it is not frozen. */
export async function expectWritable(mountpoint: string): Promise<void> {
  await run('dd', ['if=/dev/zero', `of=${join(mountpoint, `probe-${randomBytes(3).toString('hex')}`)}`, 'bs=4k', 'count=1', 'conv=fsync', 'status=none'], 5_000);
}

/** The export folder of a run: `<destination>/<plan>-<runId>`, with its SHA256SUMS checked by sha256sum. */
export async function checkedExportDir(destination: string, planName: string): Promise<string> {
  const dirs = readdirSync(destination).filter((name) => name.startsWith(`${planName}-`) && !name.endsWith('.partial'));
  expect(dirs).toHaveLength(1);
  const dir = join(destination, dirs[0]!);
  const sums = readFileSync(join(dir, 'SHA256SUMS'), 'utf8');
  await run('sh', ['-c', `cd "$1" && sha256sum --check --strict SHA256SUMS`, 'check', dir]);
  expect(sums.trim().split('\n').length).toBeGreaterThan(0);
  return dir;
}

/**
 * Mount an image (read-only, or read-write to replay its log), run `check`,
 * always unmount. A copy carries its original's UUID: xfs needs nouuid.
 */
export async function withImageMounted(
  image: string,
  fsType: 'ext4' | 'xfs',
  at: string,
  check: (mountpoint: string) => void | Promise<void>,
  opts: { replayLog?: boolean } = {},
): Promise<void> {
  mkdirSync(at, { recursive: true });
  const base = fsType === 'xfs' ? ['loop', 'nouuid'] : ['loop'];
  const options = [...base, ...(opts.replayLog ? ['rw'] : ['ro', fsType === 'xfs' ? 'norecovery' : 'noload'])].join(',');
  await run('mount', ['-t', fsType, '-o', options, image, at]);
  try {
    await check(at);
  } finally {
    if (!runQuietSync('umount', [at], 30_000)) runQuietSync('umount', ['-l', at], 30_000);
  }
}

export function expectSameFile(path: string, sha: string): void {
  expect(existsSync(path), `${path} exists in the snapshot`).toBe(true);
  expect(fileSha256(path), `${path} has the bytes written before the freeze`).toBe(sha);
}
