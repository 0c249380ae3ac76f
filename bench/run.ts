/**
 * `npm run bench` (as root): every figure the issues ask for, each beside
 * its peer measured in the same run, as one markdown table per module, each
 * under the line that says when, at which commit and on what machine it was
 * measured (bench/measured-on.ts). The tables go to stdout and to
 * bench/results/latest.md; `-- --write` also replaces the module's tables in
 * README.md and docs/ (bench/doc-regions.ts): figures in the docs are never
 * copied by hand. `-- --only NAME[,NAME]` runs a subset (and writes only
 * those tables).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { rootTests } from '../testing/helper-harness';
import { LoopFixture } from '../testing/loop-mounts';
import { missingTools } from '../testing/requirements';
import { appFigures } from './app-bench';
import { backupFigures } from './backup-bench';
import { writeRegions, type DocRegion } from './doc-regions';
import { helperFigures } from './helper-bench';
import { helperEdgeFigures } from './helper-edges-bench';
import { measuredOn } from './measured-on';
import { table, type Row } from '../testing/stats';

const ROOT = resolve(import.meta.dirname, '..');

interface ModuleResult {
  rows: Row[];
  /** Tables elsewhere in the docs made from the same run (docs/backup.md's freeze breakdown). */
  regions?: DocRegion[];
}

/**
 * Every figure module, in the order its table appears. A module measures on
 * the shared fixture and returns rows, each with the peer it was measured
 * beside in this same run. Its table in README.md is the region
 * `<!-- bench:NAME -->`; to add a module, add one entry here and that region.
 */
interface BenchModule {
  name: string;
  /** The issue whose figures these are. */
  issue: string;
  figures: (fixture: LoopFixture) => Promise<ModuleResult>;
}

const MODULES: BenchModule[] = [
  { name: 'helper', issue: 'helper (issue 2)', figures: async (fixture) => ({ rows: await helperFigures(fixture) }) },
  { name: 'helper-edges', issue: 'helper timing at the edges the tests check for correctness (issue 14)', figures: async (fixture) => ({ rows: await helperEdgeFigures(fixture) }) },
  { name: 'app', issue: 'app (issue 3)', figures: async (fixture) => ({ rows: await appFigures(fixture) }) },
  { name: 'backup', issue: 'backup wizard (issue 4)', figures: backupFigures },
];

function selected(): BenchModule[] {
  const i = process.argv.indexOf('--only');
  if (i < 0) return MODULES;
  const names = new Set((process.argv[i + 1] ?? '').split(','));
  const unknown = [...names].filter((n) => !MODULES.some((m) => m.name === n));
  if (unknown.length > 0) throw new Error(`no bench module ${unknown.join(', ')}; there are ${MODULES.map((m) => m.name).join(', ')}`);
  return MODULES.filter((m) => names.has(m.name));
}

/** The module's table with its measured-on line above it. */
const dated = (line: string, markdown: string): string => `${line}\n\n${markdown}`;

async function main(): Promise<void> {
  const cannot = rootTests.ok ? missingTools('mkfs.xfs', 'mkfs.btrfs', '/usr/bin/chromium') : { why: rootTests.why, packages: [] };
  if (cannot) {
    console.error(`bench needs root, loop devices, the helper, mkfs.xfs, mkfs.btrfs and Chromium: ${cannot.why}${cannot.packages.length ? ` (sudo npm test installs ${cannot.packages.join(' ')})` : ''}`);
    process.exit(2);
  }
  const modules = selected();
  const fixture = await LoopFixture.create();
  const regions: DocRegion[] = [];
  const sections: string[] = [];
  try {
    for (const module of modules) {
      console.error(`bench: ${module.name} (${module.issue})`);
      const started = new Date();
      const load = loadavg()[0]!;
      const result = await module.figures(fixture);
      const line = measuredOn(started, load);
      const markdown = dated(line, table(result.rows));
      sections.push(`### ${module.issue}\n\n${markdown}`);
      regions.push({ file: 'README.md', name: module.name, markdown });
      for (const region of result.regions ?? []) regions.push({ ...region, markdown: dated(line, region.markdown) });
    }
  } finally {
    await fixture.cleanup();
  }
  const text = sections.join('\n\n');
  console.log(`\n${text}`);
  const dir = join(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'latest.md'), `${text}\n`);
  if (process.argv.includes('--write')) console.error(`bench: wrote ${writeRegions(ROOT, regions).join(', ')}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
