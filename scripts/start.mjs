#!/usr/bin/env node
// `npm start`: the desktop app. Checks for the Electron runtime first (and
// tries to fetch it, briefly), then builds and launches it. Where the runtime
// cannot be had, it says so in one sentence and points at `npm run serve`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const electronPackage = join(root, 'node_modules', 'electron');
const DOWNLOAD_TIMEOUT_MS = 30_000;

/** What node_modules/electron/index.js would return, without its unbounded download. */
function electronBinary() {
  const pathFile = join(electronPackage, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : 'electron';
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const binary = override ? join(override, relative) : existsSync(pathFile) ? join(electronPackage, 'dist', relative) : undefined;
  return binary && existsSync(binary) ? binary : undefined;
}

/** Electron's own installer, bounded in time; a word only if it takes a while. */
async function tryDownload() {
  const installer = spawn(process.execPath, [join(electronPackage, 'install.js')], { cwd: electronPackage, stdio: 'ignore', timeout: DOWNLOAD_TIMEOUT_MS });
  const slow = setTimeout(() => process.stderr.write('freezeframe: fetching the Electron runtime...\n'), 3000);
  await new Promise((resolve) => installer.once('close', resolve).once('error', resolve));
  clearTimeout(slow);
}

let binary = electronBinary();
if (!binary && existsSync(join(electronPackage, 'install.js'))) {
  await tryDownload();
  binary = electronBinary();
}
if (!binary) {
  process.stderr.write(
    "The Electron runtime is not installed here and could not be downloaded, so the Freezeframe window cannot open; run `npm run serve` to use Freezeframe in a browser instead.\n",
  );
  process.exit(1);
}
if (process.geteuid?.() === 0) {
  process.stderr.write(
    'The Freezeframe window does not run as root (Chromium sandboxes it and refuses root): start it as your user, and it asks for authentication when it needs it; on a server, use `sudo npm run serve`.\n',
  );
  process.exit(1);
}

const built = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);

const child = spawn(binary, [root, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
// Ctrl-C reaches Electron directly (same process group); it thaws and quits on its own.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
