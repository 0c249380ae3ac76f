/**
 * Extend as the user meets it: when the deadline comes first, a dialog left
 * open while the filesystem thaws itself says so (and offers Freeze again),
 * never that someone else froze it; and the timeline draws the deadline Extend set.
 */
import { test, expect } from './app-fixture';
import { freezeViaUi, row, showOnly } from './ui-helpers';

test.beforeEach(async ({ app }) => {
  await showOnly(app.page, app.fixture.dir);
});

test('an Extend dialog left open past the deadline says it thawed itself, and offers Freeze again', async ({ app: { page, ext4 } }) => {
  await freezeViaUi(page, ext4.mountpoint, 3);
  await row(page, ext4.mountpoint).getByRole('button', { name: 'Extend', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: `Extend ${ext4.mountpoint}` });
  await expect(dialog).toBeVisible();

  // Nobody touches it: the helper's deadline thaws it while the dialog is open.
  await expect(row(page, ext4.mountpoint)).toHaveAttribute('data-state', 'thawed', { timeout: 15_000 });
  await expect(dialog).toContainText('thawed by itself at its deadline');
  await expect(dialog.getByRole('button', { name: 'Extend', exact: true })).toHaveCount(0);
  await expect(page.getByText(/someone else froze it/)).toHaveCount(0);

  await dialog.getByRole('button', { name: 'Freeze again' }).click();
  const freeze = page.getByRole('dialog', { name: `Freeze ${ext4.mountpoint}` });
  await freeze.getByLabel('Auto-thaw after (seconds)').fill('20');
  await freeze.getByRole('button', { name: 'Freeze', exact: true }).click();
  await expect(row(page, ext4.mountpoint)).toHaveAttribute('data-state', 'frozen');
  await row(page, ext4.mountpoint).getByRole('button', { name: 'Thaw', exact: true }).click();
  await expect(row(page, ext4.mountpoint)).toHaveAttribute('data-state', 'thawed');
});

test('after an Extend, the timeline draws the freeze to its new deadline', async ({ app: { page, xfs } }) => {
  await freezeViaUi(page, xfs.mountpoint, 10);
  await row(page, xfs.mountpoint).getByRole('button', { name: 'Extend', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: `Extend ${xfs.mountpoint}` });
  await dialog.getByLabel('Auto-thaw after (seconds)').fill('300');
  await dialog.getByRole('button', { name: 'Extend', exact: true }).click();
  const extendedAt = Date.now();
  await expect(dialog).toHaveCount(0);

  const bar = page.getByRole('img', { name: /^Freeze windows this session/ }).locator('rect.timeline__bar--open title');
  await expect(bar).toContainText('still frozen (auto-thaw at ');
  // The auto-thaw it names is about 300 s from the Extend (the first deadline was 10 s after the freeze).
  const clock = /auto-thaw at (\d\d):(\d\d):(\d\d)\)/.exec((await bar.textContent()) ?? '');
  expect(clock).not.toBeNull();
  const expected = await page.evaluate((at) => {
    const d = new Date(at);
    return d.getHours() * 3600 + d.getMinutes() * 60 + d.getSeconds();
  }, extendedAt + 300_000);
  const shown = Number(clock![1]) * 3600 + Number(clock![2]) * 60 + Number(clock![3]);
  const apart = Math.abs(shown - expected);
  expect(Math.min(apart, 86_400 - apart)).toBeLessThanOrEqual(5);

  await row(page, xfs.mountpoint).getByRole('button', { name: 'Thaw', exact: true }).click();
  await expect(row(page, xfs.mountpoint)).toHaveAttribute('data-state', 'thawed');
});
