/**
 * The backup wizard end to end, against real loop mounts: a consistency
 * group of ext4 + xfs cloned while a writer keeps writing, then verified and
 * exported; and the failures a user meets, each ending thawed with a clear
 * report. Plans and reports go to a config folder of this spec's own.
 */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, SCREENSHOTS_DIR } from './app-fixture';
import { checkedExportDir, createPlanViaWizard, expectSameFile, expectWritable, fillFile, runAndWaitForReport, startLoopWriter, withImageMounted, writeSynced } from './backup-helpers';
import { run } from '../testing/run-command';
import { timerSeconds } from './ui-helpers';

let configHome = '';
const previousConfigHome = process.env.XDG_CONFIG_HOME;
test.beforeAll(() => {
  configHome = mkdtempSync(join(tmpdir(), 'freezeframe-e2e-config-'));
  process.env.XDG_CONFIG_HOME = configHome;
});
test.afterAll(() => {
  if (previousConfigHome === undefined) delete process.env.XDG_CONFIG_HOME;
  else process.env.XDG_CONFIG_HOME = previousConfigHome;
  rmSync(configHome, { recursive: true, force: true });
});

const trust = (page: Page) => page.getByRole('region', { name: 'Trust' });
const alertWithCode = (page: Page, code: string) => page.locator(`[role="alert"][data-code="${code}"]`);

test('image clone of an ext4 + xfs group while writing: hold within its window, clean verify, exports that hold every byte written before the freeze', async ({ app: { page, fixture, ext4, xfs } }, testInfo) => {
  test.setTimeout(150_000);
  const snapshots = join(fixture.dir, 'snapshots');
  const destination = join(fixture.dir, 'exports');
  mkdirSync(snapshots);
  mkdirSync(destination);
  const before = { ext4: writeSynced(join(ext4.mountpoint, 'before.bin'), 1 << 20), xfs: writeSynced(join(xfs.mountpoint, 'before.bin'), 3 << 20) };
  const writers = [startLoopWriter(ext4.mountpoint, join(fixture.dir, 'ext4-writes.log')), startLoopWriter(xfs.mountpoint, join(fixture.dir, 'xfs-writes.log'))];
  try {
    await expect.poll(() => Math.min(...writers.map((w) => w.count()))).toBeGreaterThan(2);
    await createPlanViaWizard(page, { name: 'e2e-group', mounts: [ext4.mountpoint, xfs.mountpoint], filter: fixture.dir, snapshotDir: snapshots, destination });
    await expect(page.getByRole('table', { name: 'Members' }).getByRole('row', { name: xfs.mountpoint })).toContainText('xfs');
    await expect(page.getByText('Frozen for at most 10 s')).toBeVisible();

    await page.getByRole('button', { name: 'Run backup' }).click();
    await expect(page.getByRole('heading', { name: 'Backup e2e-group' })).toBeVisible();
    await expect(page.getByRole('log', { name: 'Output' })).toBeVisible();
    await expect(page.getByRole('heading', { name: /^Report: e2e-group/ })).toBeVisible({ timeout: 90_000 });

    await expect(page.getByRole('heading', { name: /^Report: e2e-group/ })).toBeVisible();
    await expect(trust(page)).toContainText('Snapshot trustworthy');
    await expect(page.getByTestId('hold-figure')).toContainText('within the window');
    await expect(page.getByRole('img', { name: 'Backup timeline' })).toBeVisible();
    // The README's picture of a report, from this real run (once, from the web project; `npm run screenshots` publishes it).
    if (testInfo.project.name === 'web') await page.screenshot({ path: join(SCREENSHOTS_DIR, 'backup-report.png'), fullPage: true });
    for (const m of [ext4.mountpoint, xfs.mountpoint]) {
      await expect(page.getByRole('row', { name: `Verification of ${m}`, exact: true })).toContainText('clean');
      await expect(page.getByRole('table', { name: 'Members and how each was captured' }).getByRole('row', { name: m, exact: true })).toContainText('frozen');
    }
    await expect(page.getByRole('table', { name: /^Exported files in / }).getByRole('row')).toHaveCount(3);

    // Writes resume after the thaw.
    const afterReport = Math.min(...writers.map((w) => w.count()));
    await expect.poll(() => Math.min(...writers.map((w) => w.count())), { timeout: 10_000 }).toBeGreaterThan(afterReport + 2);
    await expectWritable(ext4.mountpoint);
    await expectWritable(xfs.mountpoint);

    // The exports check against their manifest, fsck clean, and hold the bytes written before the freeze.
    const exportDir = await checkedExportDir(destination, 'e2e-group');
    const images = readdirSync(exportDir).filter((f) => f.endsWith('.img')).sort();
    expect(images).toHaveLength(2);
    const ext4Image = join(exportDir, images.find((f) => f.startsWith('0-'))!);
    const xfsImage = join(exportDir, images.find((f) => f.startsWith('1-'))!);
    await run('e2fsck', ['-fn', ext4Image]);
    await withImageMounted(ext4Image, 'ext4', join(fixture.dir, 'check-ext4'), (at) => expectSameFile(join(at, 'before.bin'), before.ext4));
    // An image of a frozen xfs always has a log to replay (its last superblock update): replay it on a scratch
    // copy, as a restore would, then xfs_repair must find nothing at all.
    const replayed = join(fixture.dir, 'xfs-replayed.img');
    await run('cp', ['--sparse=always', xfsImage, replayed]);
    await withImageMounted(replayed, 'xfs', join(fixture.dir, 'check-xfs'), (at) => expectSameFile(join(at, 'before.bin'), before.xfs), { replayLog: true });
    await run('xfs_repair', ['-n', '-f', replayed]);
    // The report lists each exported file with the checksum the manifest has.
    const sums = readFileSync(join(exportDir, 'SHA256SUMS'), 'utf8');
    for (const line of sums.trim().split('\n')) {
      const [sha] = line.split(/\s+/);
      await expect(page.getByRole('table', { name: /^Exported files in / })).toContainText(sha!);
    }
  } finally {
    for (const w of writers) await w.stop();
  }

  // The history lists it; it opens again from there.
  await page.getByRole('button', { name: 'Back to backups' }).click();
  await page.getByRole('table', { name: 'Backup reports' }).getByRole('button', { name: 'Open report' }).first().click();
  await expect(trust(page)).toContainText('Snapshot trustworthy');
});

test('a pre-freeze hook that exits 1: nothing is frozen, and the report says which hook failed', async ({ app: { page, fixture, ext4 } }) => {
  await createPlanViaWizard(page, {
    name: 'e2e-hook-fails',
    mounts: [ext4.mountpoint],
    filter: fixture.dir,
    snapshotDir: join(fixture.dir, 'snapshots'),
    preFreeze: ['/bin/sh', '-c', 'echo flushing; echo cannot flush the database >&2; exit 1'],
  });
  await runAndWaitForReport(page, 'e2e-hook-fails');
  await expect(page.locator('.report__outcome')).toContainText('Backup failed');
  await expect(trust(page)).toContainText('Snapshot NOT trustworthy');
  await expect(trust(page)).toContainText('Nothing was frozen.');
  await expect(alertWithCode(page, 'HOOK_FAILED')).toContainText('A hook failed');
  await expect(page.getByRole('table', { name: 'Hooks and commands' }).getByRole('row', { name: 'Pre-freeze hook', exact: true })).toContainText('failed');
  await expect(page.getByRole('button', { name: 'Retry' })).toBeVisible();
  await expectWritable(ext4.mountpoint);
});

test('the command method exits 1: thawed, snapshot failed, its output shown', async ({ app: { page, fixture, ext4, xfs } }) => {
  await createPlanViaWizard(page, {
    name: 'e2e-command-fails',
    mounts: [ext4.mountpoint, xfs.mountpoint],
    filter: fixture.dir,
    method: 'Command',
    command: ['/bin/sh', '-c', 'echo "snapshot-cli: LUN busy" >&2; exit 1'],
  });
  await runAndWaitForReport(page, 'e2e-command-fails');
  await expect(page.locator('.report__outcome')).toContainText('Backup failed');
  await expect(trust(page)).toContainText('Snapshot NOT trustworthy');
  await expect(alertWithCode(page, 'SNAPSHOT_FAILED')).toBeVisible();
  const command = page.getByRole('table', { name: 'Hooks and commands' }).getByRole('row', { name: 'Snapshot command', exact: true });
  await expect(command).toContainText('failed');
  await expect(command).toContainText('snapshot-cli: LUN busy');
  await expect(page.getByTestId('hold-figure')).toContainText('within the window');
  await expectWritable(ext4.mountpoint);
  await expectWritable(xfs.mountpoint);
});

test('manual method: the hold window runs out before "Snapshot taken" — thawed, untrustworthy, Retry offered', async ({ app: { page, fixture, ext4 } }) => {
  await createPlanViaWizard(page, {
    name: 'e2e-manual-late',
    mounts: [ext4.mountpoint],
    filter: fixture.dir,
    method: 'Storage array (manual)',
    checklist: ['Snapshot the LUN on the array'],
    holdSeconds: 3,
  });
  await page.getByRole('button', { name: 'Run backup' }).click();
  await expect(page.getByRole('button', { name: 'Snapshot taken' })).toBeVisible();
  await expect(page.getByRole('checkbox', { name: 'Snapshot the LUN on the array' })).toBeVisible();
  const hold = page.getByRole('timer', { name: 'Hold window' });
  await expect(hold).toBeVisible();
  expect(await timerSeconds(hold)).toBeLessThanOrEqual(3);
  await expect(page.getByRole('timer', { name: 'Quiesce window' })).toBeVisible();
  // The operator is too slow.
  await expect(page.getByRole('heading', { name: /^Report: e2e-manual-late/ })).toBeVisible({ timeout: 20_000 });
  await expect(trust(page)).toContainText('Snapshot NOT trustworthy');
  await expect(alertWithCode(page, 'WINDOW_EXCEEDED')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Retry' })).toBeVisible();
  await expectWritable(ext4.mountpoint);

  // Retry goes back to the review of the same plan.
  await page.getByRole('button', { name: 'Retry' }).click();
  await expect(page.getByRole('heading', { name: /Step 4/ })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Run backup' })).toBeEnabled();
});

test('manual method survives a reload: the run comes back with its clocks, and "Snapshot taken" with notes ends it trustworthy', async ({ app: { page, fixture, ext4 } }) => {
  await createPlanViaWizard(page, {
    name: 'e2e-manual',
    mounts: [ext4.mountpoint],
    filter: fixture.dir,
    method: 'Storage array (manual)',
    checklist: ['Snapshot the LUN on the array'],
    holdSeconds: 30,
  });
  await page.getByRole('button', { name: 'Run backup' }).click();
  await expect(page.getByRole('button', { name: 'Snapshot taken' })).toBeVisible();
  const writer = startLoopWriter(ext4.mountpoint, join(fixture.dir, 'manual-writes.log'));
  try {
    await page.reload();
    await expect(page.getByRole('tab', { name: 'Backups' })).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByRole('heading', { name: 'Backup e2e-manual' })).toBeVisible();
    const hold = page.getByRole('timer', { name: 'Hold window' });
    const first = await timerSeconds(hold);
    expect(first).toBeGreaterThan(15);
    await expect.poll(() => timerSeconds(hold)).toBeLessThan(first);
    // Frozen: the writer is stuck.
    const stuck = writer.count();
    await page.waitForTimeout(500);
    expect(writer.count()).toBe(stuck);
    await page.getByLabel('Notes').fill('array job 4711');
    await page.getByRole('button', { name: 'Snapshot taken' }).click();
    await expect(page.getByRole('heading', { name: /^Report: e2e-manual/ })).toBeVisible({ timeout: 20_000 });
    await expect(trust(page)).toContainText('Snapshot trustworthy');
    await expect(page.getByText('array job 4711')).toBeVisible();
    await expect(page.getByText('Snapshot confirmed by the operator')).toBeVisible();
    await expect.poll(() => writer.count()).toBeGreaterThan(stuck);
  } finally {
    await writer.stop();
  }
});

test('cancel during the export: thawed, cancelled, no half export left unmarked', async ({ app: { page, fixture } }) => {
  test.setTimeout(180_000);
  const big = await fixture.mount('ext4', { name: 'big-ext4', sizeMb: 1400 });
  await fillFile(join(big.mountpoint, 'data.bin'), 1024);
  const destination = join(fixture.dir, 'exports');
  mkdirSync(destination);
  await createPlanViaWizard(page, {
    name: 'e2e-cancel',
    mounts: [big.mountpoint],
    filter: big.mountpoint,
    snapshotDir: join(fixture.dir, 'snapshots'),
    holdSeconds: 60,
    destination,
    verify: false,
  });
  await page.getByRole('button', { name: 'Run backup' }).click();
  const progress = page.getByRole('progressbar', { name: /^Exporting/ });
  await expect(progress).toBeVisible({ timeout: 90_000 });
  // The export is under way: it writes into a .partial folder, published only when complete.
  const [partial, ...more] = readdirSync(destination);
  expect(more).toEqual([]);
  expect(partial).toMatch(/\.partial$/);
  await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  await expect(page.getByRole('heading', { name: /^Report: e2e-cancel/ })).toBeVisible({ timeout: 60_000 });
  await expect(page.locator('.report__outcome')).toContainText('Backup cancelled');
  await expect(alertWithCode(page, 'CANCELLED')).toBeVisible();
  // The half export is removed (it would be left, marked PARTIAL-DO-NOT-USE, only if removing it failed).
  expect(readdirSync(destination)).toEqual([]);
  await expectWritable(big.mountpoint);
});

test('a destination too small, or writable by everyone: the pre-flight says so, naming it, and nothing runs (issue 12)', async ({ app: { page, fixture, ext4 } }) => {
  // The ext4 image holds ~20 MiB of data; the destination is a 16 MiB tmpfs, whose root is 1777.
  await fillFile(join(ext4.mountpoint, 'data.bin'), 20);
  const destination = await fixture.tmpfs('small-destination');
  await createPlanViaWizard(page, {
    name: 'e2e-dest-full',
    mounts: [ext4.mountpoint],
    filter: fixture.dir,
    snapshotDir: join(fixture.dir, 'snapshots'),
    destination,
    blocked: true,
  });
  await expect(page.getByText(`The export destination ${destination} cannot be used: ${destination} is writable by everyone, mode 1777`).first()).toBeVisible();
  chmodSync(destination, 0o755);
  await page.getByRole('button', { name: 'Back', exact: true }).click();
  await page.getByRole('button', { name: 'Review', exact: true }).click();
  await expect(page.getByText(new RegExp(`The export destination ${destination} has 1[56]\\.\\d MiB free, and the export needs about 2\\d\\.\\d MiB`)).first()).toBeVisible();
  await expect(page.getByRole('button', { name: 'Run backup' })).toBeDisabled();
  expect(readdirSync(destination)).toEqual([]);
  await expectWritable(ext4.mountpoint);
});
