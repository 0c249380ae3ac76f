/**
 * A non-root SSH user per lab host. The account is real (useradd), because
 * a host's service asks the machine's one polkitd about its callers and
 * polkitd looks uids up in the machine's /etc/passwd. The name carries the
 * lab's pid, so the sweep can tell the users of a dead lab.
 */
import { chownSync, mkdirSync, readFileSync } from 'node:fs';
import { mustRun, outputSync, trySync } from './exec';

export interface LabUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

const USER_PATTERN = /^ffu-(\d+)-[0-9a-f]{4}-/;

export function labUserName(labId: string, hostName: string): string {
  return `ffu-${labId}-${hostName}`;
}

export async function createLabUser(name: string, home: string): Promise<LabUser> {
  // '*': no password, yet not locked (sshd refuses keys for a '!' account).
  await mustRun('useradd', ['--no-create-home', '--home-dir', home, '--shell', '/bin/sh', '--password', '*', '--user-group', '--comment', 'freezeframe hostlab', name]);
  const [, , uid, gid] = (await mustRun('getent', ['passwd', name])).split(':').map(Number);
  if (uid === undefined || gid === undefined) throw new Error(`useradd ${name}: not found in passwd afterwards`);
  mkdirSync(home, { recursive: true, mode: 0o755 });
  chownSync(home, uid, gid);
  return { name, uid, gid, home };
}

export function userExists(name: string): boolean {
  return outputSync('getent', ['passwd', name]) !== null;
}

/** Remove the account and its group (its processes are gone with the host). */
export function deleteLabUser(name: string): void {
  if (userExists(name)) trySync('userdel', [name]);
}

/** Lab users in /etc/passwd whose lab process is gone. */
export function abandonedLabUsers(isAlive: (pid: number) => boolean): string[] {
  let passwd = '';
  try {
    passwd = readFileSync('/etc/passwd', 'utf8');
  } catch {
    return [];
  }
  return passwd
    .split('\n')
    .map((line) => line.split(':')[0] ?? '')
    .filter((name) => {
      const match = USER_PATTERN.exec(name);
      return match !== null && !isAlive(Number(match[1]));
    });
}
