#!/usr/bin/env node
// `npm run serve [-- --port N]`: builds what is missing or stale, then runs
// dist/main/serve.mjs in this process with the same arguments. Build output
// goes to stderr: stdout carries only the line with the URL.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Each build output and the sources it is made from (tests excluded: they change no output). */
const targets = [
  { output: 'dist/main/serve.mjs', sources: ['app', 'main', 'scripts/build-main.mjs', 'package.json'] },
  { output: 'dist/renderer/index.html', sources: ['app', 'renderer', 'vite.config.ts', 'package.json'] },
  { output: 'native-helper/build/freezeframe-helper', sources: ['native-helper/src'] },
];

function newestSourceMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return /\.test\.tsx?$/.test(path) ? 0 : stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    newest = Math.max(newest, newestSourceMtime(join(path, entry)));
  }
  return newest;
}

function isStale({ output, sources }) {
  const built = join(root, output);
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  return sources.some((source) => newestSourceMtime(join(root, source)) > builtAt);
}

if (targets.some(isStale)) {
  process.stderr.write('freezeframe: building first (npm run build)...\n');
  const built = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', process.stderr, 'inherit'] });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

await import(pathToFileURL(join(root, 'dist', 'main', 'serve.mjs')).href);
