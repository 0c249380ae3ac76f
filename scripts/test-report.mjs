// `npm test`'s reading of each step's results and its summary. A test that
// was skipped is never counted as passed: it is NOT RUN, grouped by its
// reason (vitest: the test's meta.notRun, set by testing/not-run.ts;
// Playwright: its 'not-run' annotation, or its skip annotation), and a step
// whose tests were all skipped is NOT RUN as a whole.
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';

const NO_REASON = { why: 'skipped without a reason in the test (its skip condition is in the test file)', packages: [] };
const SUITE_FAILED = { why: 'not run: its file failed before it (a hook or import; the failure is above)', packages: [] };

/** The C tests each print "name: N passed, N failed". */
export function parseCLines(out) {
  let passed = 0;
  let failed = 0;
  for (const m of out.matchAll(/(\d+) passed, (\d+) failed/g)) {
    passed += Number(m[1]);
    failed += Number(m[2]);
  }
  return { passed, failed, skipped: 0, notRun: [] };
}

export function parseFuzz(out) {
  const clean = /^crashes:\s+0\b/m.test(out);
  return { passed: clean ? 1 : 0, failed: clean ? 0 : 1, skipped: 0, notRun: [] };
}

/** Skipped tests grouped by reason: [{ reason: {why, packages}, tests: [name] }]. */
function groupSkipped(skipped) {
  const groups = new Map();
  for (const { reason, name } of skipped) {
    const key = JSON.stringify(reason);
    if (!groups.has(key)) groups.set(key, { reason, tests: [] });
    groups.get(key).tests.push(name);
  }
  return [...groups.values()];
}

/** vitest's JSON report (--reporter=json --outputFile.json=FILE). */
export function readVitestReport(file, root = process.cwd()) {
  if (!existsSync(file)) return undefined;
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const skipped = [];
  for (const testFile of report.testResults ?? []) {
    for (const test of testFile.assertionResults ?? []) {
      if (test.status !== 'skipped' && test.status !== 'pending' && test.status !== 'todo') continue;
      const reason = test.meta?.notRun ?? (testFile.status === 'failed' ? SUITE_FAILED : NO_REASON);
      skipped.push({ reason, name: `${relative(root, testFile.name)}: ${test.fullName}` });
    }
  }
  return { passed: report.numPassedTests, failed: report.numFailedTests, skipped: skipped.length, notRun: groupSkipped(skipped) };
}

/** A Playwright test's reason: the 'not-run' annotation (JSON), else its skip annotation's text. */
function playwrightReason(test) {
  const annotations = [...(test.annotations ?? []), ...(test.results ?? []).flatMap((r) => r.annotations ?? [])];
  const notRun = annotations.find((a) => a.type === 'not-run');
  if (notRun) {
    try {
      return JSON.parse(notRun.description);
    } catch {
      return { why: notRun.description, packages: [] };
    }
  }
  const skip = annotations.find((a) => a.type === 'skip' && a.description);
  return skip ? { why: skip.description.replace(/^NOT RUN: /, ''), packages: [] } : NO_REASON;
}

/** Playwright's JSON report (reporter 'json', playwright.config.ts). */
export function readPlaywrightReport(file) {
  if (!existsSync(file)) return undefined;
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const skipped = [];
  const walk = (suite, titles) => {
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests ?? []) {
        if (test.status !== 'skipped') continue;
        skipped.push({ reason: playwrightReason(test), name: `${[...titles, spec.title].join(' › ')} [${test.projectName}]` });
      }
    }
    for (const child of suite.suites ?? []) walk(child, [...titles, child.title]);
  };
  for (const suite of report.suites ?? []) walk(suite, [suite.title]);
  const { expected = 0, unexpected = 0, flaky = 0 } = report.stats ?? {};
  return { passed: expected, failed: unexpected + flaky, skipped: skipped.length, notRun: groupSkipped(skipped) };
}

/**
 * A step's outcome from its exit status and counts: FAILED on a non-zero
 * exit (or a failed test), NOT RUN when every test was skipped, else ok.
 */
export function stepStatus(exitOk, counts) {
  if (!exitOk || counts.failed > 0) return 'FAILED';
  if (counts.passed === 0 && counts.skipped > 0) return 'NOT RUN';
  return 'ok';
}

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The summary lines. `results`: { name, status, ms, counts?, why?, fix? };
 * `fixFor(reason)`: the command that would run a NOT RUN test, or undefined.
 */
export function summaryLines(results, fixFor) {
  const lines = [];
  const row = (status, name, text) => lines.push(`${status.padEnd(8)} ${name.padEnd(58)} ${text}`);
  const fixLine = (fix) => fix && lines.push(`${''.padEnd(11)}run: ${fix}`);
  for (const r of results) {
    if (!r.counts) {
      row(r.status, r.name, r.status === 'NOT RUN' ? r.why : `(${seconds(r.ms)})`);
      if (r.status === 'NOT RUN') fixLine(r.fix);
      continue;
    }
    const { passed, failed, skipped, notRun } = r.counts;
    const counted = `${passed} passed, ${failed} failed${skipped ? `, ${skipped} NOT RUN` : ''} (${seconds(r.ms)})`;
    row(r.status, r.name, r.status === 'NOT RUN' ? `all ${plural(skipped, 'test')} skipped: ${counted}` : counted);
    for (const group of notRun) {
      lines.push(`${'NOT RUN'.padEnd(8)}   ${plural(group.tests.length, 'test')} of ${r.name}: ${reasonText(group.reason)}`);
      for (const name of group.tests.slice(0, 3)) lines.push(`${''.padEnd(11)}- ${name}`);
      if (group.tests.length > 3) lines.push(`${''.padEnd(11)}- and ${group.tests.length - 3} more`);
      fixLine(fixFor(group.reason));
    }
  }
  return lines;
}

function reasonText(reason) {
  const packages = reason.packages ?? [];
  return packages.length ? `${reason.why} (Debian package${packages.length > 1 ? 's' : ''} ${packages.join(' ')})` : reason.why;
}

/** Totals over every step; NOT RUN tests and steps are counted apart, never as passed. */
export function totals(results) {
  const t = { passed: 0, failed: 0, notRunTests: 0, notRunSteps: 0 };
  for (const r of results) {
    if (r.status === 'NOT RUN' && !r.counts) t.notRunSteps++;
    if (r.status === 'FAILED' && !r.counts) t.failed++;
    if (!r.counts) continue;
    t.passed += r.counts.passed;
    t.failed += r.counts.failed;
    t.notRunTests += r.counts.skipped;
  }
  return t;
}
