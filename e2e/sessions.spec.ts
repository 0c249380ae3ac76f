/**
 * Issue 12, the web mode's login: the URL the server prints is good once
 * (a second browser with the same URL is refused), each login is a session
 * of its own, sessions are listed and revoked from the UI, and a revoked
 * browser is told so instead of reconnecting forever.
 */
import { test, expect } from './app-fixture';

test('the login URL works once; a new one makes a second session, which the first revokes', async ({ app: { page, server } }, testInfo) => {
  testInfo.skip(!server, 'the web mode only: the Electron app has no login');
  const browser = page.context().browser()!;
  await expect(page.getByRole('button', { name: 'About' })).toBeVisible();

  // The same URL in another browser: refused, nothing of the app served.
  const stranger = await browser.newContext();
  const strangerPage = await stranger.newPage();
  const reused = await strangerPage.goto(server!.url);
  expect(reused?.status()).toBe(401);
  await expect(strangerPage.locator('body')).toContainText('used already (each is good once)');

  // A new URL (Enter in the terminal, or SIGUSR2): a session of its own.
  const second = await browser.newContext();
  const secondPage = await second.newPage();
  await secondPage.goto(await server!.newLoginUrl());
  await expect(secondPage.getByRole('button', { name: 'About' })).toBeVisible();
  const cookies = [...(await page.context().cookies()), ...(await second.cookies())].filter((c) => c.name === 'freezeframe_session');
  expect(cookies).toHaveLength(2);
  expect(cookies[0]!.value).not.toBe(cookies[1]!.value);

  await page.getByRole('button', { name: 'Sessions' }).click();
  const dialog = page.getByRole('dialog', { name: 'Browser sessions' });
  const rows = dialog.getByRole('row', { name: /^Session / });
  await expect(dialog.getByRole('row', { name: 'This browser' })).toBeVisible();
  await expect(rows).toHaveCount(1);
  await rows.getByRole('button', { name: 'Revoke' }).click();
  await expect(rows).toHaveCount(0);

  // The revoked browser is told so, and its cookie no longer opens the app.
  await expect(secondPage.getByRole('region', { name: 'Notices' })).toContainText("This browser's session was revoked");
  const reload = await secondPage.reload();
  expect(reload?.status()).toBe(401);
  await Promise.all([stranger.close(), second.close()]);
});
