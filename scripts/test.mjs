#!/usr/bin/env node
// `npm test`: every suite that runs in a few minutes, in order, with one
// summary at the end. As root on Debian or Ubuntu it first installs the
// system packages the suites use (scripts/system-packages.mjs, one line says
// which); anywhere else it runs what it can. What cannot run (no root, no
// loop devices, a missing tool) is NOT RUN with the command that would run
// it: never a failure, never a pass.
//   npm test -- --no-install   never call apt-get
//   npm test -- --plan         print the decisions and exit (runs nothing)
//   npm test -- --only ID,...  only these steps (ids: --plan lists them)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasApt, installPackages, isProvided, missingPackages, searchPath } from './system-packages.mjs';
import { blocker, installFix, installPlan, testSteps } from './test-plan.mjs';
import { parseCLines, parseFuzz, readPlaywrightReport, readVitestReport, stepStatus, summaryLines, totals } from './test-report.mjs';

const root = join(import.meta.dirname, '..');
const args = process.argv.slice(2);

function probeMachine() {
  const dirs = searchPath();
  return {
    root: process.geteuid?.() === 0,
    apt: hasApt(dirs),
    loop: existsSync('/dev/loop-control'),
    has: (item) => isProvided(item, dirs),
    built: (path) => existsSync(join(root, path)),
    installRefused: args.includes('--no-install'),
    installFailed: false,
  };
}

const machine = probeMachine();
const missing = missingPackages(searchPath());
const install = installPlan(missing, machine);
console.log(`=== ${install.line}`);
if (install.install && !args.includes('--plan')) machine.installFailed = !installPackages(missing);

const only = args.includes('--only') ? new Set((args[args.indexOf('--only') + 1] ?? '').split(',')) : undefined;
const steps = testSteps({ fuzzSeconds: process.env.FUZZ_SECONDS ?? 20 }).filter((s) => !only || only.has(s.id));
if (args.includes('--plan')) {
  machine.built = () => true; // the build steps come first: judge what follows them as if they succeed
  for (const step of steps) {
    const stop = blocker(step, machine);
    console.log(stop ? `NOT RUN  ${step.name} [${step.id}]: ${stop.why}; run: ${stop.fix}` : `run      ${step.name} [${step.id}]: ${step.command.join(' ')}`);
  }
  process.exit(0);
}

const outDir = mkdtempSync(join(tmpdir(), 'freezeframe-test-report-'));
const results = [];

/** The command with its report options, and how to read the counts afterwards. */
function withReport(step) {
  const file = join(outDir, `${step.id}.json`);
  switch (step.report) {
    case 'vitest':
      return { argv: [...step.command, '--reporter=default', '--reporter=json', `--outputFile.json=${file}`], env: {}, read: () => readVitestReport(file, root) };
    case 'playwright':
      return { argv: step.command, env: { PLAYWRIGHT_JSON: file }, read: () => readPlaywrightReport(file) };
    case 'c':
      return { argv: step.command, env: {}, read: parseCLines };
    case 'fuzz':
      return { argv: step.command, env: {}, read: parseFuzz };
    default:
      return { argv: step.command, env: {}, read: () => undefined };
  }
}

for (const step of steps) {
  const stop = blocker(step, machine);
  if (stop) {
    console.log(`\n=== ${step.name}: NOT RUN (${stop.why})`);
    results.push({ name: step.name, status: 'NOT RUN', ms: 0, ...stop });
    continue;
  }
  const { argv, env, read } = withReport(step);
  console.log(`\n=== ${step.name}: ${argv.join(' ')}`);
  const started = Date.now();
  const run = spawnSync(argv[0], argv.slice(1), { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, ...env } });
  process.stdout.write(run.stdout ?? '');
  const ms = Date.now() - started;
  const exitOk = run.status === 0;
  if (step.report === 'none') {
    results.push({ name: step.name, status: exitOk ? 'ok' : 'FAILED', ms });
    continue;
  }
  const counts = read(run.stdout ?? '') ?? { passed: 0, failed: 0, skipped: 0, notRun: [] };
  if (!exitOk && counts.failed === 0) counts.failed = 1; // a suite that crashed counts as a failure
  results.push({ name: step.name, status: stepStatus(exitOk, counts), ms, counts });
}
rmSync(outDir, { recursive: true, force: true });

/** The command that would run a NOT RUN test: its packages installed, or root. */
const fixFor = (reason) => (reason.packages?.length ? installFix(reason.packages, machine) : /needs root/.test(reason.why) ? 'sudo npm test' : undefined);

console.log(`\n=== summary${only ? ` (--only: ${steps.length} of ${testSteps().length} steps)` : ''}`);
for (const line of summaryLines(results, fixFor)) console.log(line);
const t = totals(results);
if (t.notRunSteps || t.notRunTests) {
  console.log(`\nNOT RUN: ${t.notRunSteps} step(s) and ${t.notRunTests} test(s), listed above with the command that runs them. They are not counted as passed.`);
}
console.log(`\ntotal: ${t.passed} passed, ${t.failed} failed, ${t.notRunTests} tests NOT RUN`);
process.exit(results.some((r) => r.status === 'FAILED') ? 1 : 0);
