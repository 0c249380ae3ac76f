/**
 * The README's pictures: the main screen with one filesystem frozen, in the
 * light and the dark theme, taken from the real app on real loop mounts.
 * They go to SCREENSHOTS_DIR (untracked); `npm run screenshots` copies them
 * into docs/screenshots/.
 */
import { join } from 'node:path';
import { test, expect, SCREENSHOTS_DIR } from './app-fixture';
import { startWriter, waitUntilBlocked } from '../testing/writer';
import { freezeViaUi, row, showOnly } from './ui-helpers';

for (const scheme of ['light', 'dark'] as const) {
  test.describe(`${scheme} theme`, () => {
    test.use({ colorScheme: scheme });

    test(`main screen, one filesystem frozen (${scheme})`, async ({ app: { page, ext4, fixture } }, testInfo) => {
      test.skip(testInfo.project.name !== 'web', 'screenshots are taken once, from the web project');
      await fixture.tmpfs('scratch');
      await showOnly(page, fixture.dir);
      await freezeViaUi(page, ext4.mountpoint, 120);
      const writer = startWriter(join(ext4.mountpoint, 'screenshot.bin'));
      await waitUntilBlocked(writer);
      await expect(row(page, ext4.mountpoint).getByRole('button', { name: /1 blocked writer/ })).toBeVisible({ timeout: 5000 });
      // Only this spec's mounts: the machine's own vary from run to run.
      await page.waitForTimeout(300);
      await page.screenshot({ path: join(SCREENSHOTS_DIR, `main-${scheme}.png`) });
      await row(page, ext4.mountpoint).getByRole('button', { name: 'Thaw', exact: true }).click();
      expect(await writer.done).toBe(0);
    });
  });
}
