#!/usr/bin/env node
// Bundles main with esbuild into dist/main/:
//   electron-main.cjs  the Electron main process (electron stays external)
//   preload.cjs        the sandboxed preload: CommonJS, may require only 'electron'
//   serve.mjs          `npm run serve`, for plain Node 20+
//   backup.mjs         `npm run backup`, the unattended plan run
// Syntax targets Node 20: the same code runs under Node here and under
// Electron's newer Node.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const out = (name) => join(root, 'dist', 'main', name);
// The AppImage installs its bundled helper and guardian only if the root-owned
// copies have these hashes (main/helper/appimage-install.ts); empty when not built.
const builtSha256 = (name) => {
  const binary = join(root, 'native-helper', 'build', name);
  return existsSync(binary) ? createHash('sha256').update(readFileSync(binary)).digest('hex') : '';
};
const helperSha256 = builtSha256('freezeframe-helper');
const guardianSha256 = builtSha256('freezeframe-guardian');

const common = {
  absWorkingDir: root,
  bundle: true,
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
  define: { __FREEZEFRAME_VERSION__: JSON.stringify(version) },
};

await Promise.all([
  build({
    ...common,
    entryPoints: ['main/electron/main.ts'],
    outfile: out('electron-main.cjs'),
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['electron'],
    // import.meta.url has no meaning in CommonJS; give shared code the real one.
    define: {
      ...common.define,
      __FREEZEFRAME_HELPER_SHA256__: JSON.stringify(helperSha256),
      __FREEZEFRAME_GUARDIAN_SHA256__: JSON.stringify(guardianSha256),
      'import.meta.url': '__freezeframe_import_meta_url',
    },
    banner: { js: "const __freezeframe_import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
  }),
  build({
    ...common,
    entryPoints: ['main/electron/preload.ts'],
    outfile: out('preload.cjs'),
    // 'browser' makes any Node import a build error: a sandboxed preload has none.
    platform: 'browser',
    format: 'cjs',
    target: 'chrome120',
    external: ['electron'],
  }),
  build({
    ...common,
    entryPoints: ['main/web/serve.ts'],
    outfile: out('serve.mjs'),
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // ws tries these optional native addons and does without them.
    external: ['bufferutil', 'utf-8-validate'],
    // Bundled CommonJS dependencies (ws) call require(); ESM has none by default.
    banner: { js: "import { createRequire as __freezeframeCreateRequire } from 'node:module';\nconst require = __freezeframeCreateRequire(import.meta.url);" },
  }),
  // `npm run backup`: the unattended plan run, for plain Node 20+.
  build({
    ...common,
    entryPoints: ['main/cli/backup-main.ts'],
    outfile: out('backup.mjs'),
    platform: 'node',
    format: 'esm',
    target: 'node20',
    banner: { js: "import { createRequire as __freezeframeCreateRequire } from 'node:module';\nconst require = __freezeframeCreateRequire(import.meta.url);" },
  }),
]);
console.log('built dist/main/electron-main.cjs, dist/main/preload.cjs, dist/main/serve.mjs, dist/main/backup.mjs');
