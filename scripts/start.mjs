#!/usr/bin/env node
// `npm start`: the desktop app. Checks for the Electron runtime first (and
// tries to fetch it, briefly), then builds and launches it. Where the runtime
// cannot be had, it says so in one sentence and points at `npm run serve`.
import { spawn, spawnSync } from 'node:child_process';
import { electronBinary, REPO_ROOT as root, withElectronFetched } from './electron-runtime.mjs';

const binary = await withElectronFetched(electronBinary);
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
