/**
 * Figures for the desktop app (issue 3): parse + group 5,000 mounts beside a
 * bare split of the same text; first paint of 5,000 rows in Chromium beside
 * 50 rows, once with the fake bridge (the renderer alone) and once through
 * the real core and WebSocket; then the live figures against the real web
 * mode (app-live-bench).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Cookie } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, CHROMIUM_ENV } from '../testing/chromium';
import type { LoopFixture } from '../testing/loop-mounts';
import { groupBySuperblock, parseMountinfo } from '../main/core/mounts/mountinfo';
import { syntheticMountinfo } from '../testing/synthetic-mountinfo';
import { liveFigures } from './app-live-bench';
import { serveBenchPage } from './bench-page';
import { startSyntheticWebMode } from './synthetic-web-mode';
import { fmt, median, p50p99, percentile, type Row } from '../testing/stats';

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
    {
      figure: 'parse + group 5,000 mounts (synthetic mountinfo, 50 runs)',
      value: p50p99(parsed),
      peer: `split('\\n').map(split(' ')) of the same text: ${p50p99(split)}`,
      ratio: `${fmt(median(parsed) / median(split))}x`,
      target: 'p99 < 20 ms',
      met: percentile(parsed, 99) < 20,
    },
    { figure: `read + parse + group this machine's /proc/self/mountinfo (${ownLines} mounts, 50 runs)`, value: p50p99(readParsed, 3), peer: `read only: ${p50p99(readOnly, 3)}`, ratio: `${fmt(median(readParsed) / median(readOnly))}x`, target: '—' },
  ];
}

interface FirstPaint {
  ms: number;
  domRows: number;
  ariaRowCount: number;
}

const FIRST_PAINT = join(import.meta.dirname, 'browser', 'first-paint.js');
const LOADS = 10;

/** One fresh context (no cache, no storage but `cookies`): navigation start -> first rows painted. */
async function loadOnce(browser: Browser, url: string, cookies: Cookie[] = []): Promise<FirstPaint> {
  const context = await browser.newContext({ viewport: VIEWPORT, colorScheme: 'light' });
  try {
    await context.addCookies(cookies);
    await context.addInitScript({ path: FIRST_PAINT });
    const page = await context.newPage();
    await page.goto(url);
    const done = await page.waitForFunction(() => (globalThis as { __benchFirstPaint?: FirstPaint }).__benchFirstPaint, undefined, { timeout: 30_000 });
    return (await done.jsonValue())!;
  } finally {
    await context.close();
  }
}

/** 5,000 rows against 50, alternating, after one unrecorded load of each. */
async function paintBoth(browser: Browser, big: () => Promise<FirstPaint>, small: () => Promise<FirstPaint>): Promise<{ big: FirstPaint[]; small: FirstPaint[] }> {
  await big(); // warm the browser's own caches and code
  await small();
  const result = { big: [] as FirstPaint[], small: [] as FirstPaint[] };
  for (let i = 0; i < LOADS; i++) {
    result.big.push(await big());
    result.small.push(await small());
  }
  return result;
}

function paintRow(figure: string, { big, small }: { big: FirstPaint[]; small: FirstPaint[] }): Row {
  const bigMs = big.map((f) => f.ms);
  const smallMs = small.map((f) => f.ms);
  return {
    figure,
    value: p50p99(bigMs, 1),
    peer: `50 rows: ${p50p99(smallMs, 1)}`,
    ratio: `${fmt(median(bigMs) / median(smallMs))}x`,
    target: 'p99 < 500 ms',
    met: percentile(bigMs, 99) < 500,
  };
}

/** The renderer alone: bench/browser's fake bridge hands it the snapshot in-page (no core, no WebSocket). */
export async function fakeBridgeFirstPaint(browser: Browser): Promise<Row[]> {
  const page = await serveBenchPage(join(ROOT, 'dist', 'renderer'));
  let paints: { big: FirstPaint[]; small: FirstPaint[] };
  try {
    paints = await paintBoth(browser, () => loadOnce(browser, `${page.url}?rows=5000`), () => loadOnce(browser, `${page.url}?rows=50`));
  } finally {
    await page.close();
  }
  const domRows = (fs: FirstPaint[]): string => `${Math.min(...fs.map((f) => f.domRows))}–${Math.max(...fs.map((f) => f.domRows))}`;
  const maxDom = Math.max(...paints.big.map((f) => f.domRows));
  return [
    paintRow(`first paint of 5,000 rows in Chromium, fake bridge (the renderer alone: snapshot handed over in the page, no core, no WebSocket; navigation -> rows painted, ${LOADS} fresh loads)`, paints),
    {
      figure: `row elements in the DOM at first paint, fake bridge (table knows ${paints.big[0]!.ariaRowCount} rows)`,
      value: `${domRows(paints.big)} of 5,000`,
      peer: `${domRows(paints.small)} of 50`,
      ratio: '—',
      target: 'virtualized (< 100 of 5,000)',
      met: maxDom < 100,
    },
  ];
}

/** The session cookie the web mode sets once the URL's token is exchanged: each fresh load then skips the redirect. */
async function sessionCookies(browser: Browser, url: string): Promise<Cookie[]> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(url);
    return await context.cookies();
  } finally {
    await context.close();
  }
}

/** The real core and WebSocket: web mode serving a synthetic mountinfo (bench/synthetic-web-mode.ts). */
export async function realCoreFirstPaint(browser: Browser): Promise<Row[]> {
  const big = await startSyntheticWebMode(5000);
  const small = await startSyntheticWebMode(50);
  try {
    const [bigCookies, smallCookies] = [await sessionCookies(browser, big.url), await sessionCookies(browser, small.url)];
    const clean = (url: string): string => url.replace(/\?.*$/, '');
    const paints = await paintBoth(browser, () => loadOnce(browser, clean(big.url), bigCookies), () => loadOnce(browser, clean(small.url), smallCookies));
    const rowsKnown = paints.big[0]!.ariaRowCount;
    return [
      paintRow(
        `first paint of 5,000 rows in Chromium, real core + WebSocket (web mode serving a synthetic mountinfo, table knows ${rowsKnown} rows, sizes answered at once; navigation -> rows painted, ${LOADS} fresh loads)`,
        paints,
      ),
    ];
  } finally {
    await big.stop();
    await small.stop();
  }
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
    rows.push(...(await fakeBridgeFirstPaint(browser)));
    rows.push(...(await realCoreFirstPaint(browser)));
    rows.push(...(await liveFigures(browser, fixture, ROOT)));
  } finally {
    await browser.close();
  }
  return rows;
}
