/**
 * Figures for the desktop app (issue 3): parse + group 5,000 mounts beside a
 * bare split of the same text; first paint of 5,000 rows in Chromium beside
 * 50 rows; then the live figures against the real web mode (app-live-bench).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, CHROMIUM_ENV } from '../testing/chromium';
import type { LoopFixture } from '../testing/loop-mounts';
import { groupBySuperblock, parseMountinfo } from '../main/core/mounts/mountinfo';
import { syntheticMountinfo } from '../testing/synthetic-mountinfo';
import { liveFigures } from './app-live-bench';
import { serveBenchPage } from './bench-page';
import { fmt, median, p50p99, type Row } from '../testing/stats';

const ROOT = resolve(import.meta.dirname, '..');
const VIEWPORT = { width: 1400, height: 900 };

/** Milliseconds per call of fn, over `runs` runs after `warmup` unrecorded ones. */
function timeRuns(fn: () => number, runs = 50, warmup = 10): number[] {
  let sink = 0;
  for (let i = 0; i < warmup; i++) sink += fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    sink += fn();
    samples.push(performance.now() - start);
  }
  if (sink < 0) console.log(sink); // keeps the results alive
  return samples;
}

const parseAndGroup = (text: string): number => groupBySuperblock(parseMountinfo(text).records).size;
const splitOnly = (text: string): number => text.split('\n').map((line) => line.split(' ')).length;

export function parseFigures(): Row[] {
  const text = syntheticMountinfo(5000);
  const parsed = timeRuns(() => parseAndGroup(text));
  const split = timeRuns(() => splitOnly(text));
  const own = readFileSync('/proc/self/mountinfo', 'utf8');
  const ownLines = own.split('\n').filter(Boolean).length;
  const readParsed = timeRuns(() => parseAndGroup(readFileSync('/proc/self/mountinfo', 'utf8')));
  const readOnly = timeRuns(() => readFileSync('/proc/self/mountinfo', 'utf8').length);
  return [
    { figure: 'parse + group 5,000 mounts (synthetic mountinfo, 50 runs)', value: p50p99(parsed), peer: `split('\\n').map(split(' ')) of the same text: ${p50p99(split)}`, ratio: `${fmt(median(parsed) / median(split))}x`, target: '< 20 ms' },
    { figure: `read + parse + group this machine's /proc/self/mountinfo (${ownLines} mounts, 50 runs)`, value: p50p99(readParsed, 3), peer: `read only: ${p50p99(readOnly, 3)}`, ratio: `${fmt(median(readParsed) / median(readOnly))}x`, target: '—' },
  ];
}

interface FirstPaint {
  ms: number;
  domRows: number;
  ariaRowCount: number;
}

/** One fresh context (no cache, no storage): navigation start -> first rows painted. */
async function loadOnce(browser: Browser, url: string, rows: number): Promise<FirstPaint> {
  const context = await browser.newContext({ viewport: VIEWPORT, colorScheme: 'light' });
  try {
    const page = await context.newPage();
    await page.goto(`${url}?rows=${rows}`);
    const done = await page.waitForFunction(() => (globalThis as { __benchFirstPaint?: FirstPaint }).__benchFirstPaint, undefined, { timeout: 30_000 });
    return (await done.jsonValue())!;
  } finally {
    await context.close();
  }
}

export async function firstPaintFigures(browser: Browser, loads = 10): Promise<Row[]> {
  const page = await serveBenchPage(join(ROOT, 'dist', 'renderer'));
  const big: FirstPaint[] = [];
  const small: FirstPaint[] = [];
  try {
    await loadOnce(browser, page.url, 5000); // warm the browser's own caches and code
    await loadOnce(browser, page.url, 50);
    for (let i = 0; i < loads; i++) {
      big.push(await loadOnce(browser, page.url, 5000));
      small.push(await loadOnce(browser, page.url, 50));
    }
  } finally {
    await page.close();
  }
  const bigMs = big.map((f) => f.ms);
  const smallMs = small.map((f) => f.ms);
  const domRows = (fs: FirstPaint[]): string => `${Math.min(...fs.map((f) => f.domRows))}–${Math.max(...fs.map((f) => f.domRows))}`;
  return [
    { figure: `first paint of 5,000 rows in Chromium (navigation -> rows painted, ${loads} fresh loads)`, value: p50p99(bigMs, 1), peer: `50 rows: ${p50p99(smallMs, 1)}`, ratio: `${fmt(median(bigMs) / median(smallMs))}x`, target: '< 500 ms' },
    { figure: `row elements in the DOM at first paint (table knows ${big[0]!.ariaRowCount} rows)`, value: `${domRows(big)} of 5,000`, peer: `${domRows(small)} of 50`, ratio: '—', target: 'virtualized' },
  ];
}

/** dist/ is built by `npm run build`; build it only when it is missing. */
function ensureBuilt(): void {
  if (existsSync(join(ROOT, 'dist/renderer/index.html')) && existsSync(join(ROOT, 'dist/main/serve.mjs'))) return;
  console.error('bench: dist/ is missing, running npm run build');
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
}

export async function appFigures(fixture: LoopFixture): Promise<Row[]> {
  const rows = parseFigures();
  ensureBuilt();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, env: CHROMIUM_ENV });
  try {
    rows.push(...(await firstPaintFigures(browser)));
    rows.push(...(await liveFigures(browser, fixture, ROOT)));
  } finally {
    await browser.close();
  }
  return rows;
}
