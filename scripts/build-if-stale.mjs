// Shared by `npm run serve` and `npm run backup`: rebuild each output that is
// missing or older than its sources, with build output on stderr (stdout
// belongs to the command: the URL line, or the report).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HELPER_BUILD_NEEDS, installCommand, isProvided, packageProviding } from './system-packages.mjs';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const MAIN_SOURCES = ['app', 'main', 'scripts/build-main.mjs', 'package.json'];
export const TARGETS = {
  main: (entry) => ({ output: `dist/main/${entry}`, sources: MAIN_SOURCES, script: 'build:main' }),
  renderer: { output: 'dist/renderer/index.html', sources: ['app', 'renderer', 'vite.config.ts', 'package.json'], script: 'build:renderer' },
  // Without a compiler the app still shows the mounts (and says why nothing can be frozen).
  helper: { output: 'native-helper/build/freezeframe-helper', sources: ['native-helper/src', 'native-helper/clone', 'native-helper/fsops'], script: 'build:helper', needs: HELPER_BUILD_NEEDS },
};

function newestSourceMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  // Tests change no output.
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

/** Build what is stale, one npm script per target; exits on a failed build. A target whose tools are missing is skipped, saying so. */
export function buildIfStale(targets) {
  for (const target of targets.filter(isStale)) {
    const missing = (target.needs ?? []).filter((item) => !isProvided(item));
    if (missing.length > 0) {
      const packages = [...new Set(missing.map((item) => packageProviding(item) ?? item))];
      process.stderr.write(`freezeframe: cannot build ${target.output}: ${missing.join(', ')} missing; to build it: ${installCommand(packages)}\n`);
      continue;
    }
    process.stderr.write(`freezeframe: building first (npm run ${target.script})...\n`);
    const built = spawnSync('npm', ['run', target.script], { cwd: root, stdio: ['ignore', process.stderr, 'inherit'] });
    if (built.status !== 0) process.exit(built.status ?? 1);
  }
}
