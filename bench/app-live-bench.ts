/**
 * Live figures against the real web mode (`npm run serve`, which as root
 * starts the helper), in Chromium, with the table narrowed to the fixture's
 * directory: tmpfs mount -> its row in the DOM, unmount -> row gone, and
 * renders per countdown tick with one fixture filesystem frozen via the UI.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { LoopFixture } from '../testing/loop-mounts';
import { run } from '../testing/run-command';
import { startWebMode } from '../testing/web-mode';
import { fmt, p50p99, percentile, type Row } from '../testing/stats';

const ROW_WATCH = join(import.meta.dirname, 'browser', 'row-watch.js');
const FREEZE_SECONDS = 60;

interface RowTimes {
  appearedAt: number | null;
  goneAt: number | null;
}

/** What browser/row-watch.js and `?renderStats=1` put on the page's window. */
interface PageGlobals {
  __benchWatchRow(path: string): void;
  __benchRows: Record<string, RowTimes | undefined>;
  __freezeframeRenderStats: { counts(): ReadonlyMap<string, number>; reset(): void };
}

const rowOf = (page: Page, mountpoint: string) => page.getByRole('row', { name: mountpoint, exact: true });

/** Date.now() in node right after mount/umount returns, against Date.now() in the page: one clock. */
export async function mountChange(page: Page, fixture: LoopFixture, runs = 10): Promise<Row[]> {
  const appear: number[] = [];
  const gone: number[] = [];
  for (let i = 0; i < runs; i++) {
    const name = `bench-appears-${i}`;
    const mountpoint = join(fixture.dir, name); // where fixture.tmpfs(name) mounts
    await page.evaluate((path) => (globalThis as unknown as PageGlobals).__benchWatchRow(path), mountpoint);
    await fixture.tmpfs(name);
    const mountedAt = Date.now();
    await page.waitForFunction((path) => (globalThis as unknown as PageGlobals).__benchRows[path]?.appearedAt !== null, mountpoint, { timeout: 10_000 });
    await run('umount', [mountpoint]);
    const unmountedAt = Date.now();
    await page.waitForFunction((path) => (globalThis as unknown as PageGlobals).__benchRows[path]?.goneAt !== null, mountpoint, { timeout: 10_000 });
    const times = await page.evaluate((path) => (globalThis as unknown as PageGlobals).__benchRows[path]!, mountpoint);
    appear.push(times.appearedAt! - mountedAt);
    gone.push(times.goneAt! - unmountedAt);
  }
  return [
    { figure: `mount -t tmpfs returns -> its row in the DOM (web mode, ${runs} mounts)`, value: p50p99(appear, 0), peer: '—', ratio: '—', target: 'p99 < 500 ms', met: percentile(appear, 99) < 500 },
    { figure: `umount returns -> its row gone from the DOM (web mode, ${runs} unmounts)`, value: p50p99(gone, 0), peer: '—', ratio: '—', target: 'p99 < 500 ms', met: percentile(gone, 99) < 500 },
  ];
}

async function setState(page: Page, mountpoint: string, button: 'Freeze' | 'Thaw', state: 'frozen' | 'thawed'): Promise<void> {
  const row = rowOf(page, mountpoint);
  await row.getByRole('button', { name: button, exact: true }).click();
  if (button === 'Freeze') {
    const dialog = page.getByRole('dialog', { name: `Freeze ${mountpoint}` });
    await dialog.getByLabel('Auto-thaw after (seconds)').fill(String(FREEZE_SECONDS));
    await dialog.getByRole('button', { name: 'Freeze', exact: true }).click();
  }
  await row.and(page.locator(`[data-state="${state}"]`)).waitFor({ timeout: 15_000 });
}

const remainingSeconds = async (page: Page, mountpoint: string): Promise<number> =>
  Number(await rowOf(page, mountpoint).getByRole('timer', { name: 'Auto-thaw countdown' }).getAttribute('data-remaining-s'));

/** One fixture ext4 frozen via the UI (60 s auto-thaw); render counts over 3.2 s of ticking. */
export async function rendersPerTick(page: Page, fixture: LoopFixture, windowMs = 3200): Promise<Row[]> {
  const ext4 = await fixture.mount('ext4', { name: 'bench-render-ext4' });
  await rowOf(page, ext4.mountpoint).waitFor({ timeout: 10_000 });
  const id = (await rowOf(page, ext4.mountpoint).getAttribute('data-id'))!;
  await setState(page, ext4.mountpoint, 'Freeze', 'frozen');
  let counts: Record<string, number>;
  let ticks: number;
  try {
    await page.waitForTimeout(1500); // let the dialog close and the banner settle
    await page.evaluate(() => (globalThis as unknown as PageGlobals).__freezeframeRenderStats.reset());
    const before = await remainingSeconds(page, ext4.mountpoint);
    await page.waitForTimeout(windowMs);
    counts = await page.evaluate(() => Object.fromEntries((globalThis as unknown as PageGlobals).__freezeframeRenderStats.counts()));
    ticks = before - (await remainingSeconds(page, ext4.mountpoint));
  } finally {
    await setState(page, ext4.mountpoint, 'Thaw', 'thawed');
  }
  const sum = (keep: (key: string) => boolean): number => Object.entries(counts).reduce((n, [key, c]) => (keep(key) ? n + c : n), 0);
  const countdown = counts[`countdown:${id}`] ?? 0;
  const ownRow = counts[`row:${id}`] ?? 0;
  const otherRows = sum((key) => key.startsWith('row:') && key !== `row:${id}`);
  const otherCountdowns = sum((key) => key.startsWith('countdown:') && key !== `countdown:${id}`);
  const per = (n: number): string => fmt(n / ticks, 2);
  return [
    {
      figure: `renders per countdown tick, 1 fs frozen via the UI (web mode, ${ticks} ticks in ${fmt(windowMs / 1000, 1)} s)`,
      value: `countdown ${per(countdown)}/tick; rows ${per(ownRow + otherRows)}/tick (its row ${per(ownRow)}, others ${per(otherRows)})`,
      peer: `other countdowns: ${per(otherCountdowns)}/tick`,
      ratio: '—',
      target: '1 (the ticking countdown only)',
      met: countdown <= ticks && ownRow + otherRows === 0 && otherCountdowns === 0,
    },
  ];
}

export async function liveFigures(browser: Browser, fixture: LoopFixture, root: string): Promise<Row[]> {
  const server = await startWebMode(root);
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, colorScheme: 'light' });
  try {
    await context.addInitScript({ path: ROW_WATCH });
    const page = await context.newPage();
    await page.goto(`${server.url}&renderStats=1`);
    await page.getByRole('searchbox', { name: 'Search mounts' }).fill(fixture.dir);
    return [...(await mountChange(page, fixture)), ...(await rendersPerTick(page, fixture))];
  } finally {
    await context.close();
    await server.stop();
  }
}
