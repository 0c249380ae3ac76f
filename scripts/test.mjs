#!/usr/bin/env node
// `npm test`: every suite that runs in a few minutes, in order, with one
// summary at the end. Suites that need root and loop devices run when this
// is root, and are reported as NOT RUN (never as passed) when it is not.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { electronDist } from './electron-runtime.mjs';

const isRoot = process.geteuid?.() === 0;
const hasClang = spawnSync('sh', ['-c', 'command -v clang'], { stdio: 'ignore' }).status === 0;
const results = [];
const outDir = mkdtempSync(join(tmpdir(), 'freezeframe-test-report-'));

function step(name, file, args, parse, env = {}) {
  console.log(`\n=== ${name}: ${file} ${args.join(' ')}`);
  const started = Date.now();
  const run = spawnSync(file, args, { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, ...env } });
  process.stdout.write(run.stdout ?? '');
  const counts = parse(run.stdout ?? '') ?? { passed: 0, failed: 0, skipped: 0 };
  const ok = run.status === 0;
  if (!ok && counts.failed === 0) counts.failed = 1; // a suite that crashed counts as a failure
  results.push({ name, ok, ms: Date.now() - started, ...counts });
  return ok;
}

function notRun(name, why) {
  console.log(`\n=== ${name}: NOT RUN (${why})`);
  results.push({ name, ok: true, notRun: why, passed: 0, failed: 0, skipped: 0, ms: 0 });
}

/** The C tests each print "name: N passed, N failed". */
function parseCLines(out) {
  let passed = 0;
  let failed = 0;
  for (const m of out.matchAll(/(\d+) passed, (\d+) failed/g)) {
    passed += Number(m[1]);
    failed += Number(m[2]);
  }
  return { passed, failed, skipped: 0 };
}

function vitestJson(file) {
  return () => {
    if (!existsSync(file)) return undefined;
    const report = JSON.parse(readFileSync(file, 'utf8'));
    return { passed: report.numPassedTests, failed: report.numFailedTests, skipped: report.numPendingTests + report.numTodoTests };
  };
}

function vitest(project) {
  const file = join(outDir, `${project}.json`);
  return step(`vitest ${project}`, 'npx', ['vitest', 'run', '--project', project, '--reporter=default', '--reporter=json', `--outputFile.json=${file}`], vitestJson(file));
}

const none = () => ({ passed: 0, failed: 0, skipped: 0 });

const hasChromium = existsSync(process.env.FREEZEFRAME_CHROMIUM ?? '/usr/bin/chromium');

/** Playwright: both projects; the Electron one skips, plainly, where its runtime is missing. */
function playwright() {
  const file = join(outDir, 'e2e.json');
  let electronSkipped = [];
  step('end-to-end (Playwright: web mode in Chromium, and Electron)', 'npx', ['playwright', 'test'], () => {
    if (!existsSync(file)) return undefined;
    const report = JSON.parse(readFileSync(file, 'utf8'));
    const specs = [];
    const walk = (suite) => {
      for (const spec of suite.specs ?? []) specs.push(...spec.tests);
      for (const child of suite.suites ?? []) walk(child);
    };
    for (const suite of report.suites ?? []) walk(suite);
    electronSkipped = specs.filter((t) => t.projectName === 'electron' && t.status === 'skipped');
    return { passed: report.stats.expected, failed: report.stats.unexpected + report.stats.flaky, skipped: report.stats.skipped };
  }, { PLAYWRIGHT_JSON: file });
  if (electronSkipped.length) {
    const why = electronSkipped[0].annotations?.find((a) => a.type === 'skip')?.description ?? 'skipped';
    notRun(`Electron variant of the end-to-end specs (${electronSkipped.length} specs)`, why.replace(/^NOT RUN: /, ''));
  }
}

step('build helper', 'make', ['-C', 'native-helper'], none);
step('native unit tests (ASan+UBSan)', 'make', ['-C', 'native-helper', '--no-print-directory', 'test'], parseCLines);
if (hasClang) {
  step('fuzz request parser, short (ASan+UBSan)', 'make', ['-C', 'native-helper', '--no-print-directory', 'fuzz-short', `FUZZ_SECONDS=${process.env.FUZZ_SECONDS ?? 20}`], (out) =>
    /^crashes:\s+0\b/m.test(out) ? { passed: 1, failed: 0, skipped: 0 } : { passed: 0, failed: 1, skipped: 0 },
  );
} else {
  notRun('fuzz request parser', 'clang is not installed (apt-get install clang libclang-rt-14-dev)');
}
vitest('unit');
vitest('renderer');
if (isRoot) vitest('integration');
else notRun('vitest integration (real freezes of loop mounts)', 'needs root: run `sudo npm test`');
// main/electron/deb-install.int.test.ts skips itself without the runtime; say so here too.
if (!electronDist()) notRun('deb package install/remove', 'Electron runtime not available (electron-builder needs it to build the deb)');

step('build app (renderer + main)', 'npm', ['run', '-s', 'build'], none);
if (!isRoot) notRun('end-to-end (Playwright, web mode)', 'needs root: the specs freeze real loop mounts');
else if (!hasChromium) notRun('end-to-end (Playwright, web mode)', 'no /usr/bin/chromium (apt-get install chromium)');
else playwright();

// The reliability suites (issue 5), short variant; `npm run test:reliability -- --long` for the long one.
if (!isRoot) notRun('reliability, short (fault matrix, load, self-freeze...)', 'needs root: run `sudo npm test`');
else vitest('reliability');

rmSync(outDir, { recursive: true, force: true });

console.log('\n=== summary');
for (const r of results) {
  const status = r.notRun ? 'NOT RUN' : r.ok ? 'ok' : 'FAILED';
  console.log(`${status.padEnd(8)} ${r.name.padEnd(52)} ${r.notRun ? r.notRun : `${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped (${(r.ms / 1000).toFixed(1)} s)`}`);
}
const total = results.reduce((t, r) => ({ passed: t.passed + r.passed, failed: t.failed + r.failed, skipped: t.skipped + r.skipped }), { passed: 0, failed: 0, skipped: 0 });
const notRunCount = results.filter((r) => r.notRun).length;
if (notRunCount) console.log(`\n${notRunCount} suite(s) NOT RUN: see above. They are not counted as passed.`);
console.log(`\ntotal: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
