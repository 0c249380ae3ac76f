// The renderer bundle: one static page with relative asset paths, so the
// Electron window can load it from disk (loadFile) and the web mode can serve
// it from any path. No inline scripts or styles: the page's CSP forbids them.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('./renderer', import.meta.url)),
  base: './',
  build: {
    outDir: fileURLToPath(new URL('./dist/renderer', import.meta.url)),
    emptyOutDir: true,
    // The polyfill would be an inline script; Chromium has modulepreload natively.
    modulePreload: { polyfill: false },
    // Never inline assets as data: URLs (CSP default-src 'self').
    assetsInlineLimit: 0,
    target: 'chrome120',
    sourcemap: true,
  },
  oxc: { jsx: { runtime: 'automatic' } },
});
