#!/usr/bin/env node
// `sudo npm run screenshots`: refreshes the README's pictures. The specs that
// take them (e2e/screenshots.spec.ts, and the report from the group backup in
// e2e/backup.spec.ts) write into test-results/screenshots/, never into the
// tracked docs; this runs them against the web mode and, only when they all
// passed, copies the pictures into docs/screenshots/.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildIfStale, root, TARGETS } from './build-if-stale.mjs';

const PICTURES = ['main-light.png', 'main-dark.png', 'backup-report.png'];
const from = join(root, 'test-results', 'screenshots');
const to = join(root, 'docs', 'screenshots');

if (process.geteuid?.() !== 0) {
  console.error('npm run screenshots: the specs freeze real loop mounts; run it as root (sudo npm run screenshots).');
  process.exit(1);
}
buildIfStale([TARGETS.main('serve.mjs'), TARGETS.renderer, TARGETS.helper]);
rmSync(from, { recursive: true, force: true });
const specs = spawnSync(
  'npx',
  ['playwright', 'test', '--project=web', 'e2e/screenshots.spec.ts', 'e2e/backup.spec.ts', '--grep', 'main screen|image clone of an ext4 \\+ xfs group'],
  { cwd: root, stdio: 'inherit' },
);
if (specs.status !== 0) {
  console.error('npm run screenshots: the specs failed; docs/screenshots/ is unchanged.');
  process.exit(specs.status ?? 1);
}
const missing = PICTURES.filter((name) => !existsSync(join(from, name)));
if (missing.length) {
  console.error(`npm run screenshots: the specs passed but did not write ${missing.join(', ')}; docs/screenshots/ is unchanged.`);
  process.exit(1);
}
for (const name of PICTURES) copyFileSync(join(from, name), join(to, name));
console.log(`docs/screenshots/: ${PICTURES.join(', ')} refreshed from this run.`);
