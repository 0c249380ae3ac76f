#!/usr/bin/env node
// `npm run backup -- --plan plan.json [--json] [--config-dir DIR]`: builds
// what is missing or stale (main and the helper; the renderer is not
// needed), then runs dist/main/backup.mjs in this process with the same
// arguments. Build output goes to stderr: stdout carries only the report.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Each build output, the sources it is made from, and the npm script that makes it. */
const targets = [
  { output: 'dist/main/backup.mjs', sources: ['app', 'main', 'scripts/build-main.mjs', 'package.json'], script: 'build:main' },
  { output: 'native-helper/build/freezeframe-helper', sources: ['native-helper/src', 'native-helper/clone'], script: 'build:helper' },
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

for (const target of targets.filter(isStale)) {
  process.stderr.write(`freezeframe: building first (npm run ${target.script})...\n`);
  const built = spawnSync('npm', ['run', target.script], { cwd: root, stdio: ['ignore', process.stderr, 'inherit'] });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

await import(pathToFileURL(join(root, 'dist', 'main', 'backup.mjs')).href);
