#!/usr/bin/env node
// `npm run dist [-- deb rpm AppImage]`: the Linux packages, in dist/packages/.
// Needs the Electron runtime (node_modules/electron/dist, fetched by
// Electron's installer) and, for the rpm, rpmbuild. Where the runtime cannot
// be had it says so in one sentence and stops, before building anything.
// Then: build the helper, the renderer and main (which embeds the helper's
// SHA-256 for the AppImage install), and run electron-builder on
// build/electron-builder.cjs against that runtime, so it downloads no other.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const electronPackage = join(root, 'node_modules', 'electron');
const helper = join(root, 'native-helper', 'build', 'freezeframe-helper');
const DOWNLOAD_TIMEOUT_MS = 30_000;
const TARGETS = ['deb', 'rpm', 'AppImage'];

function fail(sentence) {
  process.stderr.write(`${sentence}\n`);
  process.exit(1);
}

const targets = process.argv.slice(2);
for (const target of targets) {
  if (!TARGETS.includes(target)) fail(`npm run dist builds ${TARGETS.join(', ')}; "${target}" is not one of them.`);
}

/** The unpacked Electron runtime electron-builder packages, if its installer put it there. */
function electronDist() {
  const pathFile = join(electronPackage, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const dist = join(electronPackage, 'dist');
  return existsSync(join(dist, readFileSync(pathFile, 'utf8').trim())) ? dist : undefined;
}

/** Electron's own installer, bounded in time (it fails at once without a network). */
async function tryDownload() {
  const installer = spawn(process.execPath, [join(electronPackage, 'install.js')], { cwd: electronPackage, stdio: 'ignore', timeout: DOWNLOAD_TIMEOUT_MS });
  const slow = setTimeout(() => process.stderr.write('freezeframe: fetching the Electron runtime...\n'), 3000);
  await new Promise((resolve) => installer.once('close', resolve).once('error', resolve));
  clearTimeout(slow);
}

let dist = electronDist();
if (!dist && existsSync(join(electronPackage, 'install.js'))) {
  await tryDownload();
  dist = electronDist();
}
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
chmodSync(helper, 0o755);
const sha256 = createHash('sha256').update(readFileSync(helper)).digest('hex');
if (!readFileSync(join(root, 'dist', 'main', 'electron-main.cjs'), 'utf8').includes(sha256)) {
  fail(`dist/main/electron-main.cjs does not carry the SHA-256 of ${helper} (${sha256}); the AppImage would refuse to install its own helper. Run npm run build again.`);
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
