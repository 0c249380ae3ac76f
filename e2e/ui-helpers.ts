/** How a user drives the UI, named after what they see. */
import { expect, type Locator, type Page } from '@playwright/test';

export function row(page: Page, mountpoint: string): Locator {
  return page.getByRole('row', { name: mountpoint, exact: true });
}

/** Narrow the table to this spec's fixture (the machine has other mounts too). */
export async function showOnly(page: Page, text: string): Promise<void> {
  await page.getByRole('searchbox', { name: 'Search mounts' }).or(page.getByLabel('Search mounts')).first().fill(text);
}

export async function freezeViaUi(page: Page, mountpoint: string, seconds: number): Promise<void> {
  await row(page, mountpoint).getByRole('button', { name: 'Freeze', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: `Freeze ${mountpoint}` });
  await dialog.getByLabel('Auto-thaw after (seconds)').fill(String(seconds));
  await dialog.getByRole('button', { name: 'Freeze', exact: true }).click();
  await expect(row(page, mountpoint)).toHaveAttribute('data-state', 'frozen');
}

export async function remainingSeconds(page: Page, mountpoint: string): Promise<number> {
  return timerSeconds(row(page, mountpoint).getByRole('timer', { name: 'Auto-thaw countdown' }));
}

/**
 * The whole seconds a countdown shows (its data-remaining-s). A missing or
 * non-numeric attribute fails here rather than reading as 0, which would
 * pass any "at most" check.
 */
export async function timerSeconds(timer: Locator): Promise<number> {
  const text = await timer.getAttribute('data-remaining-s');
  expect(text, 'the countdown\'s data-remaining-s').toMatch(/^[0-9]+$/);
  return Number(text);
}
