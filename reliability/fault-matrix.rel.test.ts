/**
 * The fault matrix (issue 5, item 1): every fault at every phase, against
 * the real process tree (main = the web mode's server, its helper, its
 * guardian, and for the renderer faults Chromium showing the app). One row
 * per cell with the time from fault to thaw. See fault-cell.ts for how each
 * freeze phase is hit, snapshot-cell.ts for the phase "during a wizard
 * snapshot". Short variant: each cell once; long: REPEAT times each.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rootTests } from '../testing/helper-harness';
import { LoopFixture, type LoopMount } from '../testing/loop-mounts';
import { mountOrNotRun } from '../testing/not-run';
import { DIRTY_MB, FAULTS, PHASES, planFor, runCell, type Fault, type Phase } from './fault-cell';
import { rendererBuilt } from './fixture/app-process';
import { RendererDriver } from './fixture/renderer';
import { printTable, record, REPEAT } from './fixture/results';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { methodFor, runSnapshotCell, snapshotPlanFor } from './snapshot-cell';
import { CHROMIUM } from '../testing/chromium';

const canRender = rendererBuilt() && existsSync(CHROMIUM);
if (rootTests.ok && !canRender) console.warn('*** NOT RUN: renderer cells need dist/renderer (npm run build) and Chromium ***');

describe.skipIf(!rootTests.ok)('fault matrix', () => {
  let fixture: LoopFixture;
  let mount: LoopMount;
  let second: LoopMount;
  let browser: RendererDriver | undefined;
  let configHome: string;

  beforeAll(async () => {
    fixture = await LoopFixture.create();
    mount = await fixture.mount('ext4', { sizeMb: DIRTY_MB + 128 });
    second = await mountOrNotRun(fixture, 'xfs');
    configHome = mkdtempSync(join(tmpdir(), 'freezeframe-rel-snapshot-'));
    if (canRender) browser = await RendererDriver.launch();
  });

  afterAll(async () => {
    await browser?.close();
    await fixture?.cleanup();
    if (configHome) rmSync(configHome, { recursive: true, force: true });
    printTable('fault matrix');
  });

  // Renderer cells without Chromium or dist/renderer are skipped (and counted as skipped), never passed.
  const notRunnable = (fault: Fault): boolean => fault.startsWith('renderer') && !canRender;
  const cells: Array<[Fault, Phase]> = FAULTS.flatMap((f) => PHASES.map((p) => [f, p] as [Fault, Phase]));
  for (const [fault, phase] of cells) it.skipIf(notRunnable(fault))(`${fault} while ${phase}: thawed within its bound, writer intact, app recovers`, async () => {
    const samples: number[] = [];
    let inside = 0;
    const plan = planFor(fault);
    for (let i = 0; i < REPEAT; i++) {
      try {
        const result = await runCell(fault, phase, mount, browser, `${fault.replace(/\W+/g, '-')}-${phase}-${i}`);
        samples.push(result.thawMs);
        if (result.insideFreeze) inside++;
      } catch (error) {
        // A failed cell is a row too: the summary must show it, not drop it.
        record({ suite: 'fault matrix', cell: `${fault} while ${phase}`, samples, bound: plan.bound, outcome: `FAILED (run ${i + 1}): ${String((error as Error).message).slice(0, 300)}` });
        throw error;
      }
    }
    record({
      suite: 'fault matrix',
      cell: `${fault} while ${phase}`,
      samples,
      bound: plan.bound,
      outcome: `writer done, checksum ok, recovered${phase === 'freezing' ? `; fault inside FIFREEZE ${inside}/${REPEAT}` : ''}`,
    });
    expect(Math.max(...samples)).toBeLessThanOrEqual(plan.boundMs);
  });

  // A backup run of the group ext4 + xfs in its snapshot phase (snapshot-cell.ts).
  for (const fault of FAULTS) it.skipIf(notRunnable(fault))(`${fault} during a wizard snapshot: every member thawed within its bound, writers intact, the run reported, the app recovers`, async () => {
    const samples: number[] = [];
    const { boundMs, bound } = snapshotPlanFor(fault);
    let aftermath = '';
    for (let i = 0; i < REPEAT; i++) {
      try {
        const result = await runSnapshotCell(fault, [mount, second], browser, configHome, `${fault.replace(/\W+/g, '-')}-snapshot-${i}`);
        samples.push(result.thawMs);
        aftermath = result.aftermath;
      } catch (error) {
        record({ suite: 'fault matrix', cell: `${fault} during a wizard snapshot (${methodFor(fault)})`, samples, bound, outcome: `FAILED (run ${i + 1}): ${String((error as Error).message).slice(0, 300)}` });
        throw error;
      }
    }
    record({ suite: 'fault matrix', cell: `${fault} during a wizard snapshot (${methodFor(fault)})`, samples, bound, outcome: `2 writers done, checksums ok, new run succeeded; ${aftermath}` });
    expect(Math.max(...samples)).toBeLessThanOrEqual(boundMs);
  });
});
