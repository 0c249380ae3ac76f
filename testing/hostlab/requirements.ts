/**
 * What the lab needs from the machine, checked before anything is made, so
 * a test that cannot run says NOT RUN and why instead of failing halfway.
 */
import { existsSync, readFileSync } from 'node:fs';
import { canRunRootTests } from '../loop-mounts';
import { commandPath } from './exec';
import { SSHD_PATH } from './sshd';

/** Debian packages providing what the lab runs (besides the loop-mount fixture's mkfs tools). */
export const HOST_LAB_PACKAGES = 'openssh-server openssh-client socat iproute2 util-linux passwd';

const COMMANDS = ['ip', 'nsenter', 'unshare', 'socat', 'ssh', 'ssh-keygen', 'useradd', 'userdel', 'getent', 'hostname'];

export function hostLabRequirements(): { ok: boolean; why: string } {
  const root = canRunRootTests();
  if (!root.ok) return root;
  const missing = COMMANDS.filter((name) => commandPath(name) === null);
  if (!existsSync(SSHD_PATH)) missing.push(SSHD_PATH);
  if (missing.length > 0) return { ok: false, why: `missing ${missing.join(', ')} (apt-get install ${HOST_LAB_PACKAGES})` };
  if (!/\toverlay$/m.test(readFileSync('/proc/filesystems', 'utf8'))) {
    return { ok: false, why: 'the kernel has no overlayfs (the lab puts freezeframe-helper on each host PATH with it)' };
  }
  return { ok: true, why: '' };
}
