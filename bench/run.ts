/**
 * `npm run bench` (as root): every figure the issues ask for, each beside
 * its peer measured in the same run, as one markdown table. Copy it into
 * README.md when it moves.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rootTests } from '../e2e/fixture/helper-harness';
import { LoopFixture } from '../e2e/fixture/loop-mounts';
import { appFigures } from './app-bench';
import { helperFigures } from './helper-bench';
import { table, type Row } from './stats';

async function main(): Promise<void> {
  if (!rootTests.ok) {
    console.error(`bench needs root and loop devices: ${rootTests.why}`);
    process.exit(2);
  }
  const fixture = await LoopFixture.create();
  const rows: Row[] = [];
  try {
    rows.push(...(await helperFigures(fixture)));
    rows.push(...(await appFigures(fixture)));
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
