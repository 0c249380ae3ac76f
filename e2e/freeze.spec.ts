/**
 * The app as an administrator drives it, against real loop mounts: freeze,
 * see writers block, watch the countdown, auto-thaw, extend, thaw, and what
 * the kernel tells us about freezes this app did not make.
 */
import { join } from 'node:path';
import { test, expect } from './app-fixture';
import { run } from '../testing/run-command';
import { fileSha256, startWriter, waitUntilBlocked } from '../testing/writer';
import { freezeViaUi, remainingSeconds, row, showOnly } from './ui-helpers';

test.beforeEach(async ({ app }) => {
  await showOnly(app.page, app.fixture.dir);
});

test('the fixture filesystems appear with their types', async ({ app: { page, ext4, xfs } }) => {
  await expect(row(page, ext4.mountpoint)).toContainText('ext4');
  await expect(row(page, xfs.mountpoint)).toContainText('xfs');
  await expect(row(page, ext4.mountpoint)).toHaveAttribute('data-state', 'thawed');
  await expect(row(page, ext4.mountpoint).getByRole('button', { name: 'Freeze', exact: true })).toBeEnabled();
});

test('freeze blocks a write, the countdown runs, and the deadline thaws it without a reload', async ({ app: { page, ext4 } }) => {
  await page.evaluate(() => ((globalThis as unknown as { noReload: boolean }).noReload = true));
  await freezeViaUi(page, ext4.mountpoint, 5);
  await expect(page.getByRole('region', { name: 'Frozen filesystems' })).toContainText('1 filesystem frozen');

  const target = join(ext4.mountpoint, 'ui-freeze.bin');
  const writer = startWriter(target);
  await waitUntilBlocked(writer);

  const first = await remainingSeconds(page, ext4.mountpoint);
  await page.waitForTimeout(1500);
  const later = await remainingSeconds(page, ext4.mountpoint);
  expect(later).toBeLessThan(first);

  await expect(row(page, ext4.mountpoint)).toHaveAttribute('data-state', 'thawed', { timeout: 8000 });
  await expect(page.getByRole('region', { name: 'Notices' })).toContainText(/thawed by itself|deadline/i);
  expect(await writer.done).toBe(0);
  expect(fileSha256(target)).toBe(writer.sha256);
  expect(await page.evaluate(() => (globalThis as unknown as { noReload?: boolean }).noReload)).toBe(true);
});

test('Extend moves the deadline; Thaw thaws at once', async ({ app: { page, xfs } }) => {
  await freezeViaUi(page, xfs.mountpoint, 10);
  const shown = await remainingSeconds(page, xfs.mountpoint);
  expect(shown).toBeGreaterThan(0);
  expect(shown).toBeLessThanOrEqual(10);

  await row(page, xfs.mountpoint).getByRole('button', { name: 'Extend', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: `Extend ${xfs.mountpoint}` });
  await dialog.getByLabel('Auto-thaw after (seconds)').fill('120');
  await dialog.getByRole('button', { name: 'Extend', exact: true }).click();
  await expect.poll(() => remainingSeconds(page, xfs.mountpoint)).toBeGreaterThan(100);

  const writer = startWriter(join(xfs.mountpoint, 'ui-thaw.bin'));
  await waitUntilBlocked(writer);
  await row(page, xfs.mountpoint).getByRole('button', { name: 'Thaw', exact: true }).click();
  await expect(row(page, xfs.mountpoint)).toHaveAttribute('data-state', 'thawed');
  expect(await writer.done).toBe(0);
  await expect(page.getByRole('img', { name: /Freeze windows this session: 1/ })).toBeVisible();
});

test('blocked writers show the writer’s pid', async ({ app: { page, ext4 } }) => {
  await freezeViaUi(page, ext4.mountpoint, 30);
  const writer = startWriter(join(ext4.mountpoint, 'ui-writers.bin'));
  await waitUntilBlocked(writer);
  const toggle = row(page, ext4.mountpoint).getByRole('button', { name: /1 blocked writer/ });
  await expect(toggle).toBeVisible({ timeout: 5000 });
  await toggle.click();
  await expect(page.getByRole('cell', { name: String(writer.pid), exact: true })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'dd', exact: true })).toBeVisible();
  await row(page, ext4.mountpoint).getByRole('button', { name: 'Thaw', exact: true }).click();
  expect(await writer.done).toBe(0);
});

test('a filesystem frozen with fsfreeze shows as frozen elsewhere once a Probe finds it', async ({ app: { page, xfs } }) => {
  await run('fsfreeze', ['-f', xfs.mountpoint]);
  try {
    // The kernel keeps no owner, and the app never probes behind the user's back.
    await expect(row(page, xfs.mountpoint)).toHaveAttribute('data-state', 'thawed');
    await row(page, xfs.mountpoint).getByRole('button', { name: 'Probe', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: `Probe ${xfs.mountpoint}` });
    await expect(dialog).toContainText(/freeze/i);
    await dialog.getByRole('button', { name: 'Probe', exact: true }).click();
    await expect(row(page, xfs.mountpoint)).toHaveAttribute('data-state', 'frozen-elsewhere');
    await expect(row(page, xfs.mountpoint)).toContainText('Frozen elsewhere');

    await row(page, xfs.mountpoint).getByRole('button', { name: 'Thaw', exact: true }).click();
    await page.getByRole('alertdialog', { name: `Thaw ${xfs.mountpoint}?` }).getByRole('button', { name: 'Thaw anyway' }).click();
    await expect(row(page, xfs.mountpoint)).toHaveAttribute('data-state', 'thawed');
  } finally {
    await run('fsfreeze', ['-u', xfs.mountpoint]).catch(() => undefined);
  }
});

test('a Freeze that meets someone else’s freeze says so', async ({ app: { page, ext4 } }) => {
  await run('fsfreeze', ['-f', ext4.mountpoint]);
  try {
    await row(page, ext4.mountpoint).getByRole('button', { name: 'Freeze', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: `Freeze ${ext4.mountpoint}` });
    await dialog.getByLabel('Auto-thaw after (seconds)').fill('10');
    await dialog.getByRole('button', { name: 'Freeze', exact: true }).click();
    await expect(row(page, ext4.mountpoint)).toHaveAttribute('data-state', 'frozen-elsewhere');
    await expect(row(page, ext4.mountpoint)).toContainText('FROZEN_ELSEWHERE');
  } finally {
    await run('fsfreeze', ['-u', ext4.mountpoint]).catch(() => undefined);
  }
});
