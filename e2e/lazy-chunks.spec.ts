/**
 * The Backups view and the plan schema (with zod) are chunks of their own:
 * the mount table loads without the schema; opening Backups and then the
 * wizard loads them from the app's own origin under its CSP (the web mode's
 * allow-list here, app:// in Electron), and the wizard's schema check runs
 * inside them.
 */
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect } from './app-fixture';
import { row, showOnly } from './ui-helpers';

/** Paths of every script the page has fetched since it was loaded. */
function fetchedScripts(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .map((entry) => new URL(entry.name).pathname)
      .filter((path) => path.endsWith('.js')),
  );
}

const isChunk = (name: string) => (path: string) => new RegExp(`/assets/${name}-[\\w-]+\\.js$`).test(path);

test('the table loads without the plan schema; Backups and the wizard fetch their chunks, and the schema check runs in them', async ({ app: { page, fixture, ext4 } }) => {
  const errors: string[] = [];
  page.on('console', (message) => {
    // Chromium asks for /favicon.ico by itself; the app has none (a 404 unrelated to its chunks).
    const url = message.location().url;
    if (message.type() === 'error' && !url.endsWith('/favicon.ico')) errors.push(`${message.text()} ${url}`);
  });
  page.on('pageerror', (error) => errors.push(error.message));

  await showOnly(page, fixture.dir);
  await expect(row(page, ext4.mountpoint)).toBeVisible();
  expect((await fetchedScripts(page)).filter(isChunk('plan-check'))).toEqual([]);

  await page.getByRole('tab', { name: 'Backups' }).click();
  await page.getByRole('button', { name: 'New plan' }).click();
  await expect.poll(async () => (await fetchedScripts(page)).filter(isChunk('plan-check'))).toHaveLength(1);
  expect((await fetchedScripts(page)).filter(isChunk('backups-view'))).toHaveLength(1);

  // A plan the form's own rules take, but whose name the contract's schema refuses: only the schema can say so.
  await page.getByLabel('Plan name').fill('night ly');
  await page.getByRole('searchbox', { name: 'Filter filesystems' }).fill(fixture.dir);
  await page.getByRole('checkbox', { name: ext4.mountpoint, exact: true }).check();
  await page.getByLabel('Snapshot folder').fill(join(fixture.dir, 'snapshots'));
  await page.getByRole('button', { name: 'Next: Hooks' }).click();
  await expect(page.getByText('letters, digits, ".", "_" or "-", up to 64')).toBeVisible();
  await expect(page.getByRole('heading', { name: /^Step 1/ })).toBeVisible();

  // No CSP violation, no failed fetch, no uncaught error on the way.
  expect(errors).toEqual([]);
});
