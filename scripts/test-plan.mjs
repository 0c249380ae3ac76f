// `npm test`'s decisions, as pure functions of what the machine has (a
// Machine, from probeMachine in test.mjs or from a test): which steps run,
// which are NOT RUN and why, and the exact command that would run them.
import { APT_INSTALL, HELPER_BUILD_NEEDS, packageProviding } from './system-packages.mjs';

/**
 * What a step needs: 'root', 'loop' (loop devices), 'built:<file>' (made by
 * an earlier step), or a command or file of scripts/system-packages.mjs.
 */
const HELPER_BUILD = HELPER_BUILD_NEEDS;
const HELPER = 'built:native-helper/build/freezeframe-helper';
const LOOP_MOUNTS = ['root', 'loop', 'losetup', 'mount', 'umount', 'fsfreeze', 'mkfs.ext4'];

/**
 * Every step of `npm test`, in order. `report` says how to read its
 * results: 'c' (the C tests' "N passed, N failed" lines), 'fuzz', 'vitest',
 * 'playwright', or 'none' (a build: its exit status only).
 */
export function testSteps({ fuzzSeconds = 20 } = {}) {
  const vitest = (project, name, needs = []) => ({ id: `vitest-${project}`, name, needs, command: ['npx', 'vitest', 'run', '--project', project], report: 'vitest' });
  return [
    { id: 'build-helper', name: 'build helper', needs: HELPER_BUILD, command: ['make', '-C', 'native-helper'], report: 'none' },
    { id: 'native', name: 'native unit tests (ASan+UBSan)', needs: HELPER_BUILD, command: ['make', '-C', 'native-helper', '--no-print-directory', 'test'], report: 'c' },
    {
      id: 'fuzz',
      name: 'fuzz request parser, short (ASan+UBSan)',
      needs: ['make', 'clang', '/usr/include/stdio.h', '/usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a'],
      command: ['make', '-C', 'native-helper', '--no-print-directory', 'fuzz-short', `FUZZ_SECONDS=${fuzzSeconds}`],
      report: 'fuzz',
    },
    vitest('unit', 'vitest unit'),
    vitest('renderer', 'vitest renderer'),
    vitest('integration', 'vitest integration (real freezes of loop mounts)', [...LOOP_MOUNTS, HELPER]),
    { id: 'build-app', name: 'build app (renderer + main)', needs: [], command: ['npm', 'run', '-s', 'build'], report: 'none' },
    {
      id: 'e2e',
      name: 'end-to-end (Playwright: web mode in Chromium, and Electron)',
      needs: [...LOOP_MOUNTS, HELPER, 'built:dist/main/serve.mjs', '/usr/bin/chromium'],
      command: ['npx', 'playwright', 'test'],
      report: 'playwright',
    },
    vitest('reliability', 'reliability, short (fault matrix, load, self-freeze...)', [...LOOP_MOUNTS, HELPER]),
  ];
}

/**
 * A Machine: `root`, `apt` (apt-get and dpkg), `loop` (/dev/loop-control),
 * `has(item)` for commands and files, `built(path)` for build outputs,
 * `installRefused` (npm test -- --no-install), `installFailed` (apt-get
 * failed this run).
 */

/** What stops `step` here, as { why, fix }, or undefined when it can run. */
export function blocker(step, machine) {
  const needs = step.needs;
  if (needs.includes('root') && !machine.root) return { why: 'needs root (real freezes of loop mounts)', fix: 'sudo npm test' };
  if (needs.includes('loop') && !machine.loop) return { why: 'no loop devices (/dev/loop-control is missing)', fix: 'modprobe loop (or run on a machine or VM that has loop devices), then npm test' };
  const missing = needs.filter((n) => n !== 'root' && n !== 'loop' && !n.startsWith('built:') && !machine.has(n));
  if (missing.length > 0) {
    const packages = [...new Set(missing.map((item) => packageProviding(item) ?? item))];
    return { why: `${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not installed`, fix: installFix(packages, machine) };
  }
  const unbuilt = needs.filter((n) => n.startsWith('built:') && !machine.built(n.slice('built:'.length)));
  if (unbuilt.length > 0) return { why: `${unbuilt.map((n) => n.slice('built:'.length)).join(', ')} was not built (its build step above did not succeed)`, fix: 'fix the build, then npm test' };
  return undefined;
}

/** The exact command that gets `packages` onto this machine, then runs the tests again. */
export function installFix(packages, machine) {
  const list = packages.join(' ');
  if (!machine.apt) return `install ${list} (Debian/Ubuntu package names; this machine has no apt-get), then npm test`;
  if (!machine.root) return `sudo npm test (as root it installs ${list} first)`;
  const install = `DEBIAN_FRONTEND=noninteractive ${APT_INSTALL.join(' ')} ${list}`;
  if (machine.installFailed) return `${install} (it failed above), then npm test`;
  return `${install}, then npm test`;
}

/** Whether npm test installs `missing` before it runs anything, and the one line that says so. */
export function installPlan(missing, machine) {
  if (missing.length === 0) return { install: false, line: 'system packages: everything the tests use is installed' };
  const list = missing.join(' ');
  if (machine.installRefused) return { install: false, line: `system packages: not installing (--no-install); missing: ${list}` };
  if (!machine.root) return { install: false, line: `system packages: missing ${list}; \`sudo npm test\` installs them (what needs them is NOT RUN below)` };
  if (!machine.apt) return { install: false, line: `system packages: missing ${list}; no apt-get here to install them (what needs them is NOT RUN below)` };
  return { install: true, line: `system packages: installing ${list} (${APT_INSTALL.join(' ')}; it never removes a package)` };
}
