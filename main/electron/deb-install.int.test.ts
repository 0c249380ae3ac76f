/**
 * The deb, built for real and installed on this machine: the helper and its
 * guardian land root:root 0755 at the path its polkit policy names, the policy
 * in polkit's actions directory, the service's units in systemd's, the socket
 * is enabled, and `dpkg -r` takes it all away. Needs the Electron runtime
 * (electron-builder packages it), dpkg and root; says NOT RUN otherwise.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { notRunUnless } from '../../testing/not-run';
import { INSTALLED_HELPER_PATH } from '../helper/helper-path';
import { PACKAGE_POLICY, POLKIT_ACTIONS_DIR } from '../helper/polkit-policy';
import { electronRuntimeAvailable, REPO_ROOT } from './packaging-testing';

const PACKAGE = 'freezeframe';
const POLICY_PATH = `${POLKIT_ACTIONS_DIR}/${PACKAGE_POLICY.fileName}`;
const GUARDIAN_PATH = '/usr/lib/freezeframe/freezeframe-guardian';
const UNITS = ['/usr/lib/systemd/system/freezeframe-helper.socket', '/usr/lib/systemd/system/freezeframe-helper.service'];
const SOCKET_ENABLED = '/etc/systemd/system/sockets.target.wants/freezeframe-helper.socket';

const why = !electronRuntimeAvailable()
  ? 'Electron runtime not available (electron-builder needs it to build the deb)'
  : process.geteuid?.() !== 0
    ? 'installing a deb needs root'
    : spawnSync('dpkg', ['--version']).status !== 0
      ? 'dpkg is not installed'
      : spawnSync('dpkg-query', ['-W', PACKAGE]).status === 0
        ? `a "${PACKAGE}" package is already installed here; this test will not replace or remove it`
        : undefined;
if (why) console.warn(`\n*** NOT RUN: deb install/remove test: ${why} ***\n`);

describe('the deb package', notRunUnless(why === undefined ? undefined : { why, packages: [] }), () => {
  it('installs the helper root:root 0755 and its policy, and removes both', { timeout: 900_000 }, () => {
    execFileSync(process.execPath, [join(REPO_ROOT, 'scripts', 'dist.mjs'), 'deb'], { cwd: REPO_ROOT, stdio: 'inherit' });
    const outDir = join(REPO_ROOT, 'dist', 'packages');
    const debs = readdirSync(outDir).filter((name) => name.startsWith(`${PACKAGE}_`) && name.endsWith('.deb'));
    expect(debs).toHaveLength(1);
    const deb = join(outDir, debs[0]!);

    // In the archive already: root's, executable, at the policy's path.
    const listing = execFileSync('dpkg-deb', ['--contents', deb], { encoding: 'utf8' });
    for (const binary of [INSTALLED_HELPER_PATH, GUARDIAN_PATH]) expect(listing).toMatch(new RegExp(`^-rwxr-xr-x root/root .* \\.${binary}$`, 'm'));
    for (const file of [POLICY_PATH, ...UNITS]) expect(listing).toMatch(new RegExp(`^-rw-r--r-- root/root .* \\.${file}$`, 'm'));

    try {
      // --force-depends: this machine need not have the desktop libraries; the files are what is tested.
      execFileSync('dpkg', ['--force-depends', '-i', deb], { stdio: 'inherit' });
      for (const binary of [INSTALLED_HELPER_PATH, GUARDIAN_PATH]) {
        const stats = statSync(binary);
        expect([stats.uid, stats.gid, stats.mode & 0o7777], binary).toEqual([0, 0, 0o755]);
      }
      // No systemd runs here: the after-install script enabled the socket for the next boot.
      if (!existsSync('/run/systemd/system')) expect(existsSync(SOCKET_ENABLED)).toBe(true);
      expect(readFileSync(POLICY_PATH, 'utf8')).toContain(`<annotate key="org.freedesktop.policykit.exec.path">${INSTALLED_HELPER_PATH}</annotate>`);
      expect(existsSync('/usr/share/applications/org.freezeframe.Freezeframe.desktop')).toBe(true);
      // The installed helper is the one the tree built.
      expect(readFileSync(INSTALLED_HELPER_PATH).equals(readFileSync(join(REPO_ROOT, 'native-helper', 'build', 'freezeframe-helper')))).toBe(true);
    } finally {
      execFileSync('dpkg', ['-r', PACKAGE], { stdio: 'inherit' });
    }
    for (const file of [INSTALLED_HELPER_PATH, GUARDIAN_PATH, POLICY_PATH, ...UNITS, SOCKET_ENABLED]) expect(existsSync(file), file).toBe(false);
    expect(existsSync('/usr/lib/freezeframe')).toBe(false);
  });
});
