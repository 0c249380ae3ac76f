/**
 * Issue 4's figure: the freeze call with 256 MiB dirty, by how the
 * filesystem was prepared, interleaved run by run:
 * - none:    straight after writing;
 * - sync:    after `sync -f` (what the wizard's sync step does);
 * - settle:  after `sync -f`, then waiting for system-wide Dirty+Writeback
 *            to fall under 8 MiB and 250 ms more (background writeback and
 *            the journal threads done, several RCU grace periods passed);
 * - full:    ext4 only, after syncfs + EXT4_IOC_CHECKPOINT (the journal
 *            flushed to its home locations: the rest of what ext4_freeze
 *            writes). xfs has no interface that pushes its AIL or covers
 *            its log short of freezing, shutting down or unmounting, so
 *            for xfs "full" is the sync;
 * - idle:    nothing dirty and nothing frozen for a second: the floor any
 *            preparation can reach.
 * Where tracefs is available each freeze is also attributed from the
 * kernel's own stacks (freeze-breakdown.ts): after a sync, nearly all that
 * is left is three RCU grace periods, which no preparation short of a
 * freeze can take out of the freeze.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { LoopMount } from '../testing/loop-mounts';
import { sleep } from '../testing/writer';
import { readDirtyBytes, syncFilesystem } from '../main/core/backup/movers/dirty';
import type { HelperClient } from '../main/helper/client';
import { FreezeTracer, type FreezeBreakdown } from './freeze-breakdown';
import { fmt, median, p50p99, type Row } from '../testing/stats';

const MiB = 1024 * 1024;
const DEADLINE_MS = 20_000;
const FS_PREPARE = resolve(import.meta.dirname, '../native-helper/build/fs-prepare');

type Condition = 'none' | 'sync' | 'settle' | 'full' | 'idle';

interface Sample {
  freezeMs: number;
  prepareMs: number;
  checkpointMs: number;
  /** System-wide Dirty + Writeback right after writing, MiB. */
  dirtyMiB: number;
  breakdown?: FreezeBreakdown;
}

const msSince = (start: number): number => performance.now() - start;
const pp = (values: number[], digits = 1): string => p50p99(values, digits);

export function buildFsPrepare(): void {
  execFileSync('cc', ['-O2', '-Wall', '-Wextra', '-Werror', '-D_GNU_SOURCE', '-o', FS_PREPARE, resolve(import.meta.dirname, '../native-helper/bench/fs-prepare.c')]);
}

/** `bytes` of incompressible data into a new file, in 16 MiB writes. */
export function writeData(path: string, bytes: number): void {
  const chunk = randomBytes(16 * MiB);
  const fd = openSync(path, 'wx');
  try {
    for (let done = 0; done < bytes; done += chunk.length) writeSync(fd, chunk, 0, Math.min(chunk.length, bytes - done));
  } finally {
    closeSync(fd);
  }
}

/** syncfs + the ext4 journal checkpoint, timed by the tool itself. */
function syncAndCheckpoint(mountpoint: string): { syncMs: number; checkpointMs: number } {
  const out = execFileSync(FS_PREPARE, [mountpoint, 'sc'], { encoding: 'utf8' });
  const ms = (step: string): number => Number(new RegExp(`^${step} ([\\d.]+)$`, 'm').exec(out)?.[1] ?? Number.NaN);
  return { syncMs: ms('s'), checkpointMs: ms('c') };
}

async function prepare(condition: Condition, mount: LoopMount): Promise<Pick<Sample, 'prepareMs' | 'checkpointMs'>> {
  if (condition === 'sync') {
    const start = performance.now();
    await syncFilesystem(mount.mountpoint, 60_000);
    return { prepareMs: msSince(start), checkpointMs: 0 };
  }
  if (condition === 'settle') {
    const start = performance.now();
    await syncFilesystem(mount.mountpoint, 60_000);
    while ((await readDirtyBytes()) > 8 * MiB && msSince(start) < 5000) await sleep(20);
    await sleep(250);
    return { prepareMs: msSince(start), checkpointMs: 0 };
  }
  if (condition === 'full') {
    const { syncMs, checkpointMs } = syncAndCheckpoint(mount.mountpoint);
    return { prepareMs: syncMs + checkpointMs, checkpointMs };
  }
  if (condition === 'idle') await sleep(1000); // many RCU grace periods since the last freeze
  return { prepareMs: 0, checkpointMs: 0 };
}

async function oneFreeze(client: HelperClient, mount: LoopMount, condition: Condition, i: number, tracer: FreezeTracer | undefined): Promise<Sample> {
  const file = join(mount.mountpoint, `dirty-${condition}-${i}.bin`);
  if (condition !== 'idle') writeData(file, 256 * MiB);
  const dirtyMiB = (await readDirtyBytes()) / MiB;
  const prep = await prepare(condition, mount);
  tracer?.start();
  const start = performance.now();
  await client.freeze(mount.mountpoint, DEADLINE_MS);
  const freezeMs = msSince(start);
  const breakdown = tracer?.stop();
  await client.thaw({ path: mount.mountpoint });
  rmSync(file, { force: true });
  await syncFilesystem(mount.mountpoint, 60_000);
  return { freezeMs, dirtyMiB, ...prep, ...(breakdown && { breakdown }) };
}

/** The median run's breakdown (one run, so its parts add up). */
function medianBreakdown(samples: Sample[]): FreezeBreakdown | undefined {
  const traced = samples.flatMap((s) => (s.breakdown ? [s.breakdown] : [])).sort((a, b) => a.totalMs - b.totalMs);
  return traced[Math.floor((traced.length - 1) / 2)];
}

function breakdownText(samples: Sample[]): string {
  const b = medianBreakdown(samples);
  if (!b) return 'not traced';
  return `FIFREEZE ${fmt(b.totalMs, 1)} ms = RCU grace periods ${fmt(b.rcuMs, 1)} + writeback ${fmt(b.writebackMs, 1)} + fs freeze ${fmt(b.fsMs, 1)} + other ${fmt(b.otherMs, 1)}`;
}

/** One mount's figures for docs/backup.md: median freeze per preparation, and the traced breakdowns. */
export interface DirtyFreezeSummary {
  label: string;
  medianMs: Partial<Record<Condition, number>>;
  breakdown: { none?: FreezeBreakdown; sync?: FreezeBreakdown };
}

/** The freeze call with 256 MiB dirty on one mount, under each preparation. */
export async function dirtyFreeze(client: HelperClient, mount: LoopMount, where: string, runs = 5): Promise<{ rows: Row[]; summary: DirtyFreezeSummary }> {
  const conditions: Condition[] = mount.fsType === 'ext4' ? ['none', 'sync', 'settle', 'full', 'idle'] : ['none', 'sync', 'settle', 'idle'];
  const samples: Record<Condition, Sample[]> = { none: [], sync: [], settle: [], full: [], idle: [] };
  const opened = FreezeTracer.open();
  const tracer = typeof opened === 'string' ? undefined : opened;
  try {
    for (let i = 0; i < runs; i++) {
      for (const condition of conditions) samples[condition].push(await oneFreeze(client, mount, condition, i, tracer));
    }
  } finally {
    tracer?.close();
  }
  const freeze = (c: Condition): number[] => samples[c].map((s) => s.freezeMs);
  const ratio = (a: Condition, b: Condition): string => `${fmt(median(freeze(a)) / median(freeze(b)), 1)}x`;
  const title = `freeze call (via helper), 256 MiB dirty on ${mount.fsType}, image ${where}, ${runs} interleaved runs each`;
  const dirtyMiB = Math.min(...samples.none.map((s) => s.dirtyMiB));
  const best: Condition = mount.fsType === 'ext4' ? 'full' : 'sync';
  const rows: Row[] = [
    {
      figure: `${title} (system-wide dirty after writing: at least ${fmt(dirtyMiB, 0)} MiB)`,
      value: `no preparation: ${pp(freeze('none'))}`,
      peer: `after sync -f: ${pp(freeze('sync'))} (the sync itself: ${pp(samples.sync.map((s) => s.prepareMs), 0)})`,
      ratio: ratio('none', 'sync'),
      target: '>= 10x (issue 4); bounded by none / idle',
      met: median(freeze('none')) / median(freeze('sync')) >= 10,
    },
  ];
  if (mount.fsType === 'ext4') {
    rows.push({
      figure: `${title}: the full preparation against the sync alone`,
      value: `syncfs + EXT4_IOC_CHECKPOINT: ${pp(freeze('full'))} (checkpoint itself: ${pp(samples.full.map((s) => s.checkpointMs))})`,
      peer: `after sync -f: ${pp(freeze('sync'))}`,
      ratio: ratio('none', 'full'),
      target: 'ratio against no preparation',
    });
  }
  rows.push(
    {
      figure: `${title}: waiting for writeback to settle after the sync`,
      value: `sync -f + settle: ${pp(freeze('settle'))} (sync and wait: ${pp(samples.settle.map((s) => s.prepareMs), 0)})`,
      peer: `after sync -f: ${pp(freeze('sync'))}`,
      ratio: ratio('none', 'settle'),
      target: 'ratio against no preparation',
    },
    {
      figure: `${title}: the floor, a freeze with nothing dirty, nothing frozen for 1 s`,
      value: `idle: ${pp(freeze('idle'))}`,
      peer: `after ${best === 'full' ? 'the full preparation' : 'sync -f'}: ${pp(freeze(best))}`,
      ratio: `best possible: ${ratio('none', 'idle')}`,
      target: `prepared ~= idle`,
    },
    {
      figure: `${title}: where the freeze's time goes (kernel stacks of the helper's sleeps; the median run of each)`,
      value: `after sync -f: ${breakdownText(samples.sync)}`,
      peer: `no preparation: ${breakdownText(samples.none)}${typeof opened === 'string' ? ` (${opened})` : ''}`,
      ratio: '—',
      target: '—',
    },
  );
  const medianMs = Object.fromEntries(conditions.map((c) => [c, median(freeze(c))]));
  return { rows, summary: { label: `${mount.fsType}, image ${where}`, medianMs, breakdown: { none: medianBreakdown(samples.none), sync: medianBreakdown(samples.sync) } } };
}

const ms = (value: number | undefined): string => (value === undefined ? '—' : `${fmt(value, 1)} ms`);

/** docs/backup.md's two tables, from this run's summaries (bench:freeze-breakdown). */
export function dirtyFreezeDocs(summaries: DirtyFreezeSummary[]): string {
  const medians = [
    '| 256 MiB dirty, the median freeze call of 5 | no preparation | after `sync -f` | `sync -f` + settle | syncfs + `EXT4_IOC_CHECKPOINT` | idle (nothing dirty) | none / sync | none / idle |',
    '|---|---|---|---|---|---|---|---|',
    ...summaries.map(({ label, medianMs: m }) => {
      const ratio = (b: number | undefined): string => (b === undefined || m.none === undefined ? '—' : `${fmt(m.none / b, 1)}x`);
      return `| ${label} | ${ms(m.none)} | ${ms(m.sync)} | ${ms(m.settle)} | ${ms(m.full)} | ${ms(m.idle)} | ${ratio(m.sync)} | ${ratio(m.idle)} |`;
    }),
  ];
  const parts = [
    '| FIFREEZE, the median traced run of 5 | RCU grace periods | writeback + cache flush | the fs\'s own freeze (journal, log) | other | total |',
    '|---|---|---|---|---|---|',
    ...summaries.flatMap(({ label, breakdown }) =>
      (['none', 'sync'] as const).map((c) => {
        const b = breakdown[c];
        const name = `${label}, ${c === 'none' ? 'no pre-sync' : 'after `sync -f`'}`;
        return b ? `| ${name} | ${ms(b.rcuMs)} | ${ms(b.writebackMs)} | ${ms(b.fsMs)} | ${ms(b.otherMs)} | ${ms(b.totalMs)} |` : `| ${name} | not traced | | | | |`;
      }),
    ),
  ];
  return `${medians.join('\n')}\n\n${parts.join('\n')}`;
}
