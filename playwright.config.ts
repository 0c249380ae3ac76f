import { defineConfig } from '@playwright/test';

/**
 * End-to-end specs: the real renderer against the real core, helper and
 * kernel (loop mounts the fixture makes). Project "web" drives Debian's
 * Chromium against `npm run serve`; project "electron" drives the Electron
 * app where its runtime exists and says plainly when it does not.
 * One worker: the specs freeze filesystems and measure time.
 */
export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  workers: 1,
  fullyParallel: false,
  timeout: 90_000,
  expect: { timeout: 10_000 },
  retries: 0,
  outputDir: 'test-results/e2e',
  reporter: [['list'], ['json', { outputFile: process.env.PLAYWRIGHT_JSON ?? 'test-results/e2e.json' }]],
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [{ name: 'web' }, { name: 'electron' }],
});
