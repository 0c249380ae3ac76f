/**
 * `npm run bench` (as root): every figure the issues ask for, each beside
 * its peer measured in the same run, as one markdown table. Copy it into
 * README.md when it moves.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rootTests } from '../testing/helper-harness';
import { LoopFixture } from '../testing/loop-mounts';
import { appFigures } from './app-bench';
import { backupFigures } from './backup-bench';
import { helperFigures } from './helper-bench';
import { helperEdgeFigures } from './helper-edges-bench';
import { table, type Row } from '../testing/stats';

/**
 * Every figure module, in the order its rows appear in the one table. A
 * module measures on the shared fixture and returns rows, each with the peer
 * it was measured beside in this same run. To add figures (for example the
 * backup engine's, bench/backup-bench.ts), import the function and add one
 * entry here; `npm run bench -- --only NAME[,NAME]` runs a subset.
 */
interface BenchModule {
  name: string;
  /** The issue whose figures these are. */
  issue: string;
  figures: (fixture: LoopFixture) => Promise<Row[]>;
}

const MODULES: BenchModule[] = [
  { name: 'helper', issue: 'helper (issue 2)', figures: helperFigures },
  { name: 'helper-edges', issue: 'helper timing at the edges the tests check for correctness (issue 14)', figures: helperEdgeFigures },
  { name: 'app', issue: 'app (issue 3)', figures: appFigures },
  { name: 'backup', issue: 'backup wizard (issue 4)', figures: backupFigures },
];

function selected(): BenchModule[] {
  const i = process.argv.indexOf('--only');
  if (i < 0) return MODULES;
  const names = new Set((process.argv[i + 1] ?? '').split(','));
  return MODULES.filter((m) => names.has(m.name));
}

async function main(): Promise<void> {
  if (!rootTests.ok) {
    console.error(`bench needs root and loop devices: ${rootTests.why}`);
    process.exit(2);
  }
  const fixture = await LoopFixture.create();
  const rows: Row[] = [];
  try {
    for (const module of selected()) {
      console.error(`bench: ${module.name} (${module.issue})`);
      rows.push(...(await module.figures(fixture)));
    }
  } finally {
    await fixture.cleanup();
  }
  const text = `${table(rows)}\n\nMeasured ${new Date().toISOString()} on ${process.platform} ${process.arch}, node ${process.version}.`;
  console.log(`\n${text}`);
  const dir = join(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'latest.md'), `${text}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
