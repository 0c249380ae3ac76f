// Where the Electron runtime is (what node_modules/electron/index.js would
// return, without its unbounded download), and a bounded try at fetching it.
// One place for the check that start.mjs, dist.mjs, test.mjs and the
// packaging tests make.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DOWNLOAD_TIMEOUT_MS = 30_000;

const electronPackage = (root) => join(root, 'node_modules', 'electron');

/** The runtime's directory (what electron-builder packages), if its installer put it there. */
export function electronDist(root = REPO_ROOT) {
  const pathFile = join(electronPackage(root), 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const dist = join(electronPackage(root), 'dist');
  return existsSync(join(dist, readFileSync(pathFile, 'utf8').trim())) ? dist : undefined;
}

/** The Electron executable; ELECTRON_OVERRIDE_DIST_PATH counts, as it does for the electron package. */
export function electronBinary(root = REPO_ROOT) {
  const pathFile = join(electronPackage(root), 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : 'electron';
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const binary = override ? join(override, relative) : existsSync(pathFile) ? join(electronPackage(root), 'dist', relative) : undefined;
  return binary && existsSync(binary) ? binary : undefined;
}

/**
 * `find()` now, or after Electron's own installer has had a bounded try (it
 * fails at once without a network); a word only if that takes a while.
 */
export async function withElectronFetched(find, root = REPO_ROOT) {
  const found = find(root);
  const installScript = join(electronPackage(root), 'install.js');
  if (found || !existsSync(installScript)) return found;
  const installer = spawn(process.execPath, [installScript], { cwd: electronPackage(root), stdio: 'ignore', timeout: DOWNLOAD_TIMEOUT_MS });
  const slow = setTimeout(() => process.stderr.write('freezeframe: fetching the Electron runtime...\n'), 3000);
  await new Promise((resolve) => installer.once('close', resolve).once('error', resolve));
  clearTimeout(slow);
  return find(root);
}
