/**
 * The table at the widths people use: at 900 px the mountpoint stays in
 * view (sticky first column) and the actions are reachable without
 * scrolling sideways; at 1280 px a long mountpoint uses the room its row
 * has before it is cut; and every column with something to compare sorts,
 * by mouse or keyboard, saying so with aria-sort.
 */
import type { Locator, Page } from '@playwright/test';
import { test, expect } from './app-fixture';
import { freezeViaUi, row, showOnly } from './ui-helpers';

test.beforeEach(async ({ app }) => {
  await showOnly(app.page, app.fixture.dir);
});

/** Entirely visible: inside the window and not clipped by the table's scroll box. */
async function expectFullyShown(locator: Locator): Promise<void> {
  await expect(locator).toBeInViewport({ ratio: 1 });
}

test('at 900 px the mountpoint stays in view and Thaw is reachable without scrolling sideways', async ({ app: { page, ext4 } }) => {
  await page.setViewportSize({ width: 900, height: 800 });
  await freezeViaUi(page, ext4.mountpoint, 60);
  const table = page.getByRole('table', { name: 'Mounted filesystems' });
  const mountpoint = row(page, ext4.mountpoint).getByRole('cell').first();
  const thaw = row(page, ext4.mountpoint).getByRole('button', { name: 'Thaw', exact: true });

  const overflow = await table.evaluate((el) => el.scrollWidth - el.clientWidth);
  expect(overflow).toBeGreaterThan(0); // narrower than the table: it does scroll sideways
  await expectFullyShown(mountpoint);
  await expectFullyShown(thaw);
  await expectFullyShown(row(page, ext4.mountpoint).getByRole('button', { name: 'Extend', exact: true }));

  // Scrolled to either end, the mountpoint and the actions stay put.
  for (const to of ['end', 'middle'] as const) {
    await table.evaluate((el, where) => (el.scrollLeft = where === 'end' ? el.scrollWidth : (el.scrollWidth - el.clientWidth) / 2), to);
    await expect.poll(() => table.evaluate((el) => el.scrollLeft)).toBeGreaterThan(0);
    await expectFullyShown(mountpoint);
    await expectFullyShown(thaw);
    await expect(mountpoint).toContainText(ext4.mountpoint.split('/').at(-1)!);
  }
  await expectFullyShown(page.getByRole('columnheader', { name: 'Mountpoint' }));
  await expectFullyShown(page.getByRole('columnheader', { name: 'Actions' }));

  await thaw.click();
  await expect(row(page, ext4.mountpoint)).toHaveAttribute('data-state', 'thawed');
});

/** The few page globals the measurements below use: the specs type-check without the DOM library. */
interface PageBox {
  clientWidth: number;
  scrollWidth: number;
  clientHeight: number;
  scrollHeight: number;
  textContent: string | null;
  getBoundingClientRect(): { height: number };
  querySelector(selector: string): PageBox;
  querySelectorAll(selector: string): Iterable<PageBox>;
}
interface PageGlobals {
  document: PageBox & { createElement(tag: 'canvas'): { getContext(kind: '2d'): { font: string; measureText(text: string): { width: number } } } };
  getComputedStyle(box: PageBox): Record<'paddingLeft' | 'paddingRight' | 'lineHeight' | 'fontStyle' | 'fontWeight' | 'fontSize' | 'fontFamily', string>;
}

/**
 * How many characters of `name` make `dir/name` between 1.3 and 1.8 lines of
 * the mountpoint column at this width: too long for one line, short enough
 * for two (measured in the cells' own font, in the page).
 */
async function nameNeedingTwoLines(page: Page, dir: string): Promise<string> {
  return page.evaluate((base) => {
    const web = globalThis as unknown as PageGlobals;
    const header = web.document.querySelector('.mount-row--head .cell');
    const style = web.getComputedStyle(header);
    const width = header.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const probe = web.getComputedStyle(web.document.querySelector('.path-probe'));
    const context = web.document.createElement('canvas').getContext('2d');
    context.font = `${probe.fontStyle} ${probe.fontWeight} ${probe.fontSize} ${probe.fontFamily}`;
    let name = 'd';
    while (context.measureText(`${base}/${name}x`).width <= 1.8 * width) name += 'x';
    if (context.measureText(`${base}/${name}`).width < 1.3 * width) throw new Error(`the fixture folder ${base} is too short to need two lines`);
    if (context.measureText(`${base}/${name}`).width > 1.8 * width) throw new Error(`the fixture folder ${base} alone needs more than two lines of ${width} px`);
    return name;
  }, dir);
}

test('at 1280 px a long mountpoint that fits its two lines is shown whole', async ({ app: { page, fixture } }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  const long = await fixture.mount('ext4', { name: await nameNeedingTwoLines(page, fixture.dir) });
  const cell = row(page, long.mountpoint).getByRole('cell').first();
  await expect(cell).toBeVisible();
  const shown = await page.evaluate((mountpoint) => {
    const web = globalThis as unknown as PageGlobals;
    const visible = web.document.querySelector(`[role="row"][aria-label="${mountpoint}"] [role="cell"] [aria-hidden="true"]`);
    const parts = [visible, ...visible.querySelectorAll('*')];
    return {
      text: visible.textContent,
      cut: parts.some((part) => part.scrollWidth > part.clientWidth || part.scrollHeight > part.clientHeight + 1),
      lines: Math.round(visible.getBoundingClientRect().height / parseFloat(web.getComputedStyle(visible).lineHeight)),
    };
  }, long.mountpoint);
  expect(shown, `${long.mountpoint} is shown whole, over two lines`).toEqual({ text: long.mountpoint, cut: false, lines: 2 });
  // Still one table row high: the path took the row's second line, not more.
  expect((await row(page, long.mountpoint).boundingBox())!.height).toBeLessThanOrEqual(61);
});

test('columns sort by mouse and keyboard, and say how with aria-sort', async ({ app: { page, ext4, xfs } }) => {
  const order = async () => {
    const a = Number(await row(page, ext4.mountpoint).getAttribute('aria-rowindex'));
    const b = Number(await row(page, xfs.mountpoint).getAttribute('aria-rowindex'));
    return a < b ? ['ext4', 'xfs'] : ['xfs', 'ext4'];
  };
  const typeHeader = page.getByRole('columnheader', { name: 'Type' });
  const typeButton = typeHeader.getByRole('button', { name: 'Type' });
  await expect(typeHeader).not.toHaveAttribute('aria-sort');

  await typeButton.click();
  await expect(typeHeader).toHaveAttribute('aria-sort', 'ascending');
  expect(await order()).toEqual(['ext4', 'xfs']);

  await typeButton.focus();
  await page.keyboard.press('Enter');
  await expect(typeHeader).toHaveAttribute('aria-sort', 'descending');
  expect(await order()).toEqual(['xfs', 'ext4']);

  await page.keyboard.press('Space');
  await expect(typeHeader).not.toHaveAttribute('aria-sort');

  // Another column takes over; only one says it sorts.
  const mountpointHeader = page.getByRole('columnheader', { name: 'Mountpoint' });
  await mountpointHeader.getByRole('button', { name: 'Mountpoint' }).click();
  await mountpointHeader.getByRole('button', { name: 'Mountpoint' }).click();
  await expect(mountpointHeader).toHaveAttribute('aria-sort', 'descending');
  expect(await order()).toEqual(ext4.mountpoint > xfs.mountpoint ? ['ext4', 'xfs'] : ['xfs', 'ext4']);
  await expect(page.locator('[role="columnheader"][aria-sort]')).toHaveCount(1);
});
