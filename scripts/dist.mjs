#!/usr/bin/env node
// `npm run dist [-- deb rpm AppImage]`: the Linux packages, in dist/packages/.
// Needs the Electron runtime (node_modules/electron/dist, fetched by
// Electron's installer) and, for the rpm, rpmbuild. Where the runtime cannot
// be had it says so in one sentence and stops, before building anything.
// Then: build the helper, the renderer and main (which embeds the helper's
// SHA-256 for the AppImage install), and run electron-builder on
// build/electron-builder.cjs against that runtime, so it downloads no other.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { electronDist, REPO_ROOT as root, withElectronFetched } from './electron-runtime.mjs';

const helper = join(root, 'native-helper', 'build', 'freezeframe-helper');
const TARGETS = ['deb', 'rpm', 'AppImage'];

function fail(sentence) {
  process.stderr.write(`${sentence}\n`);
  process.exit(1);
}

const targets = process.argv.slice(2);
for (const target of targets) {
  if (!TARGETS.includes(target)) fail(`npm run dist builds ${TARGETS.join(', ')}; "${target}" is not one of them.`);
}

const dist = await withElectronFetched(electronDist);
if (!dist) {
  fail(
    'The Electron runtime is not installed here and could not be downloaded, so no deb, rpm or AppImage can be built; run `npm run dist` where node_modules/electron can fetch it (see docs/packaging.md).',
  );
}

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

run('npm', ['run', 'build']);

// The deb takes the file's mode as it is in the tree (fpm has no per-file mode for deb).
const mainBundle = readFileSync(join(root, 'dist', 'main', 'electron-main.cjs'), 'utf8');
for (const binary of [helper, join(dirname(helper), 'freezeframe-guardian')]) {
  chmodSync(binary, 0o755);
  const sha256 = createHash('sha256').update(readFileSync(binary)).digest('hex');
  if (!mainBundle.includes(sha256)) {
    fail(`dist/main/electron-main.cjs does not carry the SHA-256 of ${binary} (${sha256}); the AppImage would refuse to install it. Run npm run build again.`);
  }
}

run(join(root, 'node_modules', '.bin', 'electron-builder'), [
  '--linux',
  ...(targets.length > 0 ? targets : TARGETS),
  '--config',
  join('build', 'electron-builder.cjs'),
  `-c.electronDist=${dist}`,
  '--publish',
  'never',
]);
console.log(`packages in ${join(root, 'dist', 'packages')}`);
