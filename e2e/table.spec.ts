/**
 * The live table: mounts come and go without a reload, tmpfs cannot be
 * frozen, and losing the helper is shown (and thaws what it held).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { test, expect } from './app-fixture';
import { run } from '../testing/run-command';
import { startWriter, waitUntilBlocked } from '../testing/writer';
import { freezeViaUi, row, showOnly } from './ui-helpers';

test.beforeEach(async ({ app }) => {
  await showOnly(app.page, app.fixture.dir);
});

// How fast (mount -> row, unmount -> gone) is a figure of `npm run bench` (bench/app-live-bench.ts);
// here: it happens live, within the spec's generous expect timeout.
test('a new mount appears and an unmount disappears, without a reload', async ({ app: { page, fixture } }) => {
  await page.evaluate(() => ((globalThis as unknown as { noReload?: boolean }).noReload = true));
  const tmpfs = await fixture.tmpfs('appears');
  const mountedAt = Date.now();
  await expect(row(page, tmpfs)).toBeVisible();
  const appearedMs = Date.now() - mountedAt;
  await run('umount', [tmpfs]);
  const unmountedAt = Date.now();
  await expect(row(page, tmpfs)).toHaveCount(0);
  expect(await page.evaluate(() => (globalThis as unknown as { noReload?: boolean }).noReload)).toBe(true);
  test.info().annotations.push({ type: 'figure', description: `mount -> row ${appearedMs} ms; unmount -> gone ${Date.now() - unmountedAt} ms` });
});

test('tmpfs shows unsupported with Freeze disabled and a reason', async ({ app: { page, fixture } }) => {
  const tmpfs = await fixture.tmpfs('scratch');
  await expect(row(page, tmpfs)).toHaveAttribute('data-state', 'unsupported');
  const freeze = row(page, tmpfs).getByRole('button', { name: 'Freeze', exact: true });
  await expect(freeze).toBeDisabled();
  await expect(freeze).toHaveAccessibleDescription(/tmpfs/);
});

test('killing the helper shows it is down, and the filesystem is thawed', async ({ app: { page, ext4, server } }) => {
  test.skip(!server, 'the web mode owns the helper process here');
  await freezeViaUi(page, ext4.mountpoint, 60);
  const writer = startWriter(join(ext4.mountpoint, 'helper-killed.bin'));
  await waitUntilBlocked(writer);
  const helperPid = Number(execFileSync('pgrep', ['-P', String(server!.process.pid), '-f', 'freezeframe-helper'], { encoding: 'utf8' }).trim().split('\n')[0]);
  expect(helperPid).toBeGreaterThan(0);
  process.kill(helperPid, 'SIGKILL');
  await expect(page.getByRole('region', { name: 'Helper exited' })).toBeVisible();
  expect(await writer.done).toBe(0); // the guardian thawed it
  await expect(row(page, ext4.mountpoint)).toHaveAttribute('data-state', 'thawed');
  // The next action starts a new helper.
  await freezeViaUi(page, ext4.mountpoint, 5);
  await row(page, ext4.mountpoint).getByRole('button', { name: 'Thaw', exact: true }).click();
  await expect(row(page, ext4.mountpoint)).toHaveAttribute('data-state', 'thawed');
});
