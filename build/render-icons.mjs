#!/usr/bin/env node
// Renders build/icon.svg to the PNG sizes the desktop wants (build/icons/NxN.png,
// the names electron-builder reads). Run by hand after changing the SVG; the
// PNGs are committed, so packaging needs no renderer. Uses the Chromium the
// end-to-end specs use (FREEZEFRAME_CHROMIUM or /usr/bin/chromium).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ICON_SIZES = [16, 24, 32, 48, 64, 128, 256, 512];

const here = dirname(fileURLToPath(import.meta.url));
const svg = readFileSync(join(here, 'icon.svg'), 'utf8');
const out = join(here, 'icons');
mkdirSync(out, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.FREEZEFRAME_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
});
try {
  const page = await browser.newPage({ deviceScaleFactor: 1 });
  for (const size of ICON_SIZES) {
    await page.setViewportSize({ width: size, height: size });
    // The SVG as an <img>: scaled by the browser's own rasterizer, transparent around the rounded square.
    await page.setContent(
      `<html><body style="margin:0;background:transparent"><img width="${size}" height="${size}" src="data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}"></body></html>`,
    );
    await page.locator('img').evaluate((img) => img.decode());
    writeFileSync(join(out, `${size}x${size}.png`), await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } }));
  }
} finally {
  await browser.close();
}
console.log(`rendered ${ICON_SIZES.map((s) => `${s}x${s}`).join(', ')} into ${out}`);
