// The renderer bundle: one static page with relative asset paths, so the
// Electron window can load it from disk (loadFile) and the web mode can serve
// it from any path. No inline scripts or styles: the page's CSP forbids them.
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

/**
 * The entry chunk (as a modulepreload) and its stylesheet are linked ahead of
 * the module script. Behind a parser-blocking classic script (one an embedder
 * adds, as the bench page does), Chromium fetched the module script only once
 * that script had run; linked first, the download and V8's streaming compile
 * of the bundle start with the document and overlap that script instead.
 */
function assetsFirst(): Plugin {
  return {
    name: 'freezeframe:assets-first',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html) {
        const script = /<script type="module" crossorigin src="([^"]+)"><\/script>/.exec(html);
        if (!script) throw new Error('assets-first: no module script in index.html');
        const styles = [...html.matchAll(/[ \t]*<link rel="stylesheet" crossorigin href="[^"]+">\n?/g)].map((m) => m[0]);
        let out = html;
        for (const style of styles) out = out.replace(style, '');
        const ahead = [`<link rel="modulepreload" crossorigin href="${script[1]}">`, ...styles.map((style) => style.trim())];
        return out.replace(script[0], `${ahead.join('\n    ')}\n    ${script[0]}`);
      },
    },
  };
}

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
  plugins: [assetsFirst()],
});
