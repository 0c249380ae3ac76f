/**
 * The packages' own maintainer scripts, for real, as root: our part of the
 * after-install (build/linux/after-install.tpl, below electron-builder's) and
 * before-remove.sh run with the real systemctl against the real unit files,
 * in a mount namespace of their own where /etc/systemd/system is an empty
 * tmpfs and the units sit in /usr/lib/systemd/system (an overlay), so the
 * host's systemd configuration is never touched. No systemd runs here, so
 * this is the "installed, not running" branch (a chroot, an image build):
 * enable for the next boot. The "systemd running" branch (enable --now) is
 * NOT RUN: it needs systemd as PID 1.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const BUILD = resolve(import.meta.dirname, '../../build');
const MARKER = '# ---- Freezeframe';
const UNITS = ['freezeframe-helper.socket', 'freezeframe-helper.service'];

const why =
  process.geteuid?.() !== 0
    ? 'it mounts in a namespace of its own: needs root'
    : spawnSync('systemctl', ['--version']).status !== 0
      ? 'systemctl is missing (install the systemd package)'
      : existsSync('/run/systemd/system')
        ? 'systemd runs here: the scripts would start the socket on this machine'
        : undefined;
if (why) console.warn(`\n*** NOT RUN: the maintainer scripts with the real systemctl: ${why} ***\n`);
console.warn('\n*** NOT RUN: the maintainer scripts where systemd runs (systemctl enable --now): no systemd as PID 1 here ***\n');

describe.skipIf(why !== undefined)('the deb/rpm maintainer scripts', () => {
  const scratch = why ? '' : mkdtempSync('/var/lib/freezeframe-scripts-test-');
  afterAll(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  /** Runs `steps` (sh) where /etc/systemd/system is empty and the units are installed; prints what the steps print. */
  function inNamespace(steps: string): { status: number | null; output: string } {
    const units = join(scratch, 'units');
    rmSync(units, { recursive: true, force: true });
    spawnSync('mkdir', ['-p', units]);
    for (const unit of UNITS) copyFileSync(join(BUILD, 'systemd', unit), join(units, unit));
    const script = `set -e
mount -t tmpfs tmpfs /etc/systemd/system
mount -t overlay overlay -o lowerdir=${units}:/usr/lib/systemd/system /usr/lib/systemd/system
${steps}`;
    const result = spawnSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script], { encoding: 'utf8' });
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  }

  const ourAfterInstall = () => {
    const template = readFileSync(join(BUILD, 'linux', 'after-install.tpl'), 'utf8');
    const part = join(scratch, 'after-install.sh');
    writeFileSync(part, `#!/bin/bash\n${template.slice(template.indexOf(MARKER))}`);
    return part;
  };
  const beforeRemove = join(BUILD, 'linux', 'before-remove.sh');
  const enabled = 'systemctl is-enabled freezeframe-helper.socket || true; ls /etc/systemd/system/sockets.target.wants/ 2>/dev/null || true';

  it('after install, the socket is enabled for the next boot; removal disables it, an upgrade does not', () => {
    const afterInstall = ourAfterInstall();
    const install = inNamespace(`bash ${afterInstall} configure\n${enabled}`);
    expect(install.status).toBe(0);
    expect(install.output).toBe('enabled\nfreezeframe-helper.socket\n');

    const upgrade = inNamespace(`bash ${afterInstall} configure\nsh ${beforeRemove} upgrade 1.2.3\n${enabled}\nsh ${beforeRemove} 1\n${enabled}`);
    expect(upgrade.status).toBe(0);
    expect(upgrade.output).toBe('enabled\nfreezeframe-helper.socket\nenabled\nfreezeframe-helper.socket\n');

    for (const [manager, argument] of [
      ['deb prerm', 'remove'],
      ['rpm %preun', '0'],
    ]) {
      const removal = inNamespace(`bash ${afterInstall} configure\nsh ${beforeRemove} ${argument}\n${enabled}`);
      expect(removal.status, manager).toBe(0);
      expect(removal.output, manager).toBe('disabled\n');
    }
  });

  it('does nothing, and succeeds, where systemctl is not installed', () => {
    const noSystemctl = `PATH=${join(scratch, 'bin')}`;
    spawnSync('mkdir', ['-p', join(scratch, 'bin')]);
    for (const tool of ['sh', 'bash', 'echo']) spawnSync('ln', ['-sf', `/bin/${tool}`, join(scratch, 'bin', tool)]);
    const result = inNamespace(`${noSystemctl} /bin/bash ${ourAfterInstall()} configure\n${noSystemctl} /bin/sh ${beforeRemove} remove\n${enabled}`);
    expect(result.status).toBe(0);
    expect(result.output).toBe('disabled\n');
  });
});
