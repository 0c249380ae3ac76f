/**
 * `npm test`'s decisions on machines without the tools: what it installs,
 * which steps are NOT RUN and the exact command it prints for each, and how
 * skipped tests are reported (never as passed). The last test runs the real
 * runner (`--plan`, which runs nothing) on a PATH that holds node alone.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isProvided, missingPackages, SYSTEM_PACKAGES } from './system-packages.mjs';
import { blocker, installFix, installPlan, testSteps, type Machine } from './test-plan.mjs';
import { readVitestReport, stepStatus, summaryLines, totals } from './test-report.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const scratch = mkdtempSync(join(tmpdir(), 'ff-test-plan-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));


/** A machine with everything, but for what `overrides` take away. */
function machine(overrides: Partial<Machine> & { lacking?: string[] } = {}): Machine {
  const lacking = new Set(overrides.lacking ?? []);
  return { root: true, apt: true, loop: true, has: (item) => !lacking.has(item), built: () => true, installRefused: false, installFailed: false, ...overrides };
}

const step = (id: string) => testSteps().find((s) => s.id === id)!;

describe('which steps run', () => {
  it('runs every step on a machine with everything', () => {
    expect(testSteps().map((s) => [s.id, blocker(s, machine())])).toEqual(testSteps().map((s) => [s.id, undefined]));
  });

  it('without root: the loop-mount steps are NOT RUN with `sudo npm test`, the rest run', () => {
    const user = machine({ root: false });
    const stopped = testSteps().filter((s) => blocker(s, user)).map((s) => s.id);
    expect(stopped).toEqual(['vitest-integration', 'e2e', 'vitest-reliability']);
    expect(blocker(step('vitest-integration'), user)).toEqual({ why: 'needs root (real freezes of loop mounts)', fix: 'sudo npm test' });
  });

  it('without loop devices: says so, and how to get them', () => {
    expect(blocker(step('e2e'), machine({ loop: false }))?.why).toBe('no loop devices (/dev/loop-control is missing)');
  });

  it('without mkfs.xfs nothing stops: the xfs tests say NOT RUN themselves', () => {
    expect(testSteps().filter((s) => blocker(s, machine({ lacking: ['mkfs.xfs', 'mkfs.btrfs'] })))).toEqual([]);
  });

  it('without clang only the fuzz step is NOT RUN, naming the package to install', () => {
    const noClang = machine({ lacking: ['clang'] });
    expect(testSteps().filter((s) => blocker(s, noClang)).map((s) => s.id)).toEqual(['fuzz']);
    expect(blocker(step('fuzz'), noClang)).toEqual({
      why: 'clang is not installed',
      fix: 'DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends --no-remove clang, then npm test',
    });
  });

  it('without Chromium the end-to-end step is NOT RUN', () => {
    expect(blocker(step('e2e'), machine({ lacking: ['/usr/bin/chromium'] }))?.why).toBe('/usr/bin/chromium is not installed');
  });

  it('after a failed build: the steps that need its output are NOT RUN, not failed twice', () => {
    const unbuilt = machine({ built: (path) => path !== 'native-helper/build/freezeframe-helper' });
    expect(testSteps().filter((s) => blocker(s, unbuilt)).map((s) => s.id)).toEqual(['vitest-integration', 'e2e', 'vitest-reliability']);
  });

  it('prints the command that fits the machine', () => {
    expect(installFix(['xfsprogs'], machine({ root: false }))).toBe('sudo npm test (as root it installs xfsprogs first)');
    expect(installFix(['xfsprogs'], machine({ apt: false }))).toBe('install xfsprogs (Debian/Ubuntu package names; this machine has no apt-get), then npm test');
    expect(installFix(['xfsprogs'], machine({ installFailed: true }))).toMatch(/apt-get install -y -q --no-install-recommends --no-remove xfsprogs \(it failed above\)/);
  });
});

describe('what it installs', () => {
  it('as root with apt: installs what is missing, in one line that names it', () => {
    expect(installPlan(['xfsprogs', 'socat'], machine())).toEqual({ install: true, line: 'system packages: installing xfsprogs socat (apt-get install -y -q --no-install-recommends --no-remove; it never removes a package)' });
  });

  it('never without root, apt-get, or with --no-install', () => {
    expect(installPlan(['socat'], machine({ root: false })).install).toBe(false);
    expect(installPlan(['socat'], machine({ apt: false })).install).toBe(false);
    expect(installPlan(['socat'], machine({ installRefused: true })).install).toBe(false);
    expect(installPlan([], machine()).install).toBe(false);
  });

  it('finds every package missing on a PATH without them (commands and files)', () => {
    const empty = join(scratch, 'empty-bin');
    spawnSync('mkdir', ['-p', empty]);
    const missing = missingPackages([empty]);
    const byFileOnly = SYSTEM_PACKAGES.filter((p) => p.provides.every((item) => item.startsWith('/')) && p.provides.every((item) => isProvided(item)));
    expect(missing).toEqual(SYSTEM_PACKAGES.filter((p) => !byFileOnly.includes(p)).map((p) => p.name));
    expect(missing).toContain('xfsprogs');
  });

  it('counts a command as present only where it is executable', () => {
    const dir = join(scratch, 'some-bin');
    spawnSync('mkdir', ['-p', dir]);
    writeFileSync(join(dir, 'socat'), '#!/bin/sh\n', { mode: 0o644 });
    expect(isProvided('socat', [dir])).toBe(false);
    writeFileSync(join(dir, 'mkfs.xfs'), '#!/bin/sh\n', { mode: 0o755 });
    expect(isProvided('mkfs.xfs', [dir])).toBe(true);
  });
});

describe('how results are counted', () => {
  it('a step whose tests all skipped is NOT RUN, never ok', () => {
    expect(stepStatus(true, { passed: 0, failed: 0, skipped: 7 })).toBe('NOT RUN');
    expect(stepStatus(true, { passed: 3, failed: 0, skipped: 7 })).toBe('ok');
    expect(stepStatus(false, { passed: 3, failed: 0, skipped: 0 })).toBe('FAILED');
  });

  it('groups skipped tests by their reason and prints the install command for each', () => {
    const file = join(scratch, 'vitest.json');
    const test = (title: string, status: string, meta: object = {}) => ({ title, fullName: `suite ${title}`, status, meta });
    const xfs = { notRun: { why: 'mkfs.xfs is not installed', packages: ['xfsprogs'] } };
    writeFileSync(
      file,
      JSON.stringify({
        numPassedTests: 1,
        numFailedTests: 0,
        testResults: [{ name: join(ROOT, 'main/a.int.test.ts'), assertionResults: [test('ext4', 'passed'), test('xfs one', 'skipped', xfs), test('xfs two', 'skipped', xfs), test('bare', 'skipped')] }],
      }),
    );
    const counts = readVitestReport(file, ROOT)!;
    expect(counts).toMatchObject({ passed: 1, failed: 0, skipped: 3 });
    expect(counts.notRun.map((g) => [g.reason.why, g.tests])).toEqual([
      ['mkfs.xfs is not installed', ['main/a.int.test.ts: suite xfs one', 'main/a.int.test.ts: suite xfs two']],
      ['skipped without a reason in the test (its skip condition is in the test file)', ['main/a.int.test.ts: suite bare']],
    ]);
    const results = [{ name: 'vitest integration', status: stepStatus(true, counts), ms: 1000, counts }];
    const lines = summaryLines(results, (reason) => (reason.packages.length ? installFix(reason.packages, machine({ root: false })) : undefined));
    expect(lines.join('\n')).toContain('ok       vitest integration');
    expect(lines.join('\n')).toContain('2 tests of vitest integration');
    expect(lines.join('\n')).toContain('mkfs.xfs is not installed (Debian package xfsprogs)');
    expect(lines.join('\n')).toContain('run: sudo npm test (as root it installs xfsprogs first)');
    expect(totals(results)).toEqual({ passed: 1, failed: 0, notRunTests: 3, notRunSteps: 0 });
  });
});

describe('the runner itself, on a PATH that holds node alone', () => {
  it('lists every step it cannot run with its command, and installs nothing (--plan)', () => {
    const bin = join(scratch, 'node-only');
    spawnSync('mkdir', ['-p', bin]);
    symlinkSync(process.execPath, join(bin, 'node'));
    const run = spawnSync(join(bin, 'node'), [join(ROOT, 'scripts/test.mjs'), '--plan'], { encoding: 'utf8', env: { PATH: bin } });
    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split('\n');
    const root = process.geteuid?.() === 0;
    // No apt-get on this PATH: nothing is installed, whatever the user.
    expect(lines[0]).toMatch(root ? /^=== system packages: missing make gcc .* no apt-get here to install them/ : /^=== system packages: missing make gcc .*`sudo npm test` installs them/);
    expect(lines.slice(1).map((l) => /^(run|NOT RUN) +.* \[([a-z0-9-]+)\]:/.exec(l)?.slice(1))).toEqual([
      ['NOT RUN', 'build-helper'],
      ['NOT RUN', 'native'],
      ['NOT RUN', 'fuzz'],
      ['run', 'vitest-unit'],
      ['run', 'vitest-renderer'],
      ['NOT RUN', 'vitest-integration'],
      ['run', 'build-app'],
      ['NOT RUN', 'e2e'],
      ['NOT RUN', 'vitest-reliability'],
    ]);
    expect(lines[1]).toContain('make, gcc are not installed; run: ');
  });

  it('runs only the steps --only names', () => {
    const run = spawnSync(process.execPath, [join(ROOT, 'scripts/test.mjs'), '--plan', '--no-install', '--only', 'fuzz,vitest-unit'], { encoding: 'utf8' });
    expect(run.stdout.trim().split('\n').slice(1).map((l) => /\[([a-z0-9-]+)\]/.exec(l)?.[1])).toEqual(['fuzz', 'vitest-unit']);
  });
});
