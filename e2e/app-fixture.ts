/**
 * The app under test, per spec: fresh loop mounts (ext4, xfs), then the app
 * itself — the web mode in Debian's Chromium, or the Electron app where its
 * runtime exists — so every spec starts from a known table and nothing one
 * spec froze can leak into the next. Teardown stops the app (it thaws what it
 * holds) and the fixture thaws, unmounts and detaches the rest. Without
 * mkfs.xfs a spec that uses the xfs is NOT RUN (skipped, with its reason).
 */
import { test as base, chromium, _electron, type Page } from '@playwright/test';
import { electronBinary } from '../scripts/electron-runtime.mjs';
import { join, resolve } from 'node:path';
import { LoopFixture, type LoopMount } from '../testing/loop-mounts';
import { NOT_RUN_ANNOTATION, notRunText } from '../testing/requirements';
import { CHROMIUM, CHROMIUM_ARGS, CHROMIUM_ENV } from '../testing/chromium';
import { startWebMode, type WebMode } from '../testing/web-mode';

export const ROOT = resolve(import.meta.dirname, '..');
/** Where specs put the README's pictures: untracked; `npm run screenshots` copies them into docs/screenshots/. */
export const SCREENSHOTS_DIR = join(ROOT, 'test-results', 'screenshots');

export interface AppUnderTest {
  page: Page;
  fixture: LoopFixture;
  ext4: LoopMount;
  xfs: LoopMount;
  /** The web mode's server process (web project only). */
  server?: WebMode;
}

export const test = base.extend<{ app: AppUnderTest }>({
  app: async ({ colorScheme }, use, testInfo) => {
    if (process.geteuid?.() !== 0) testInfo.skip(true, 'NOT RUN: end-to-end specs freeze real loop mounts and need root');
    const electron = testInfo.project.name === 'electron';
    const binary = electron ? electronBinary() : undefined;
    if (electron && !binary) {
      testInfo.skip(true, 'NOT RUN: the Electron runtime is not installed (it cannot be downloaded here); the same spec ran against the web mode');
    }
    const fixture = await LoopFixture.create();
    let server: WebMode | undefined;
    let close: () => Promise<void> = async () => undefined;
    try {
      const ext4 = await fixture.mount('ext4', { name: 'data-ext4' });
      const missingXfs = LoopFixture.missingMkfs('xfs');
      const xfs = missingXfs ? undefined : await fixture.mount('xfs', { name: 'data-xfs' });
      let page: Page;
      if (binary) {
        const app = await _electron.launch({
          executablePath: binary,
          args: ['--no-sandbox', ROOT],
          env: { ...process.env, FREEZEFRAME_E2E: '1' },
          colorScheme: colorScheme ?? 'light',
        });
        page = await app.firstWindow();
        close = () => app.close();
      } else {
        server = await startWebMode(ROOT);
        const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, env: CHROMIUM_ENV });
        const context = await browser.newContext({ colorScheme: colorScheme ?? 'light', viewport: { width: 1400, height: 900 } });
        page = await context.newPage();
        await page.goto(server.url);
        close = () => browser.close();
      }
      const app = { page, fixture, ext4, ...(server && { server }) } as AppUnderTest;
      Object.defineProperty(app, 'xfs', {
        enumerable: true,
        get: () => {
          if (xfs) return xfs;
          testInfo.annotations.push({ type: NOT_RUN_ANNOTATION, description: JSON.stringify(missingXfs) });
          testInfo.skip(true, `NOT RUN: ${notRunText(missingXfs!)}`);
        },
      });
      await use(app);
    } finally {
      await close().catch(() => undefined);
      await server?.stop();
      await fixture.cleanup();
    }
  },
});

export { expect } from '@playwright/test';
