/**
 * How the web mode gets root for the helper and nothing else.
 *
 * - A normal user: the helper starts through pkexec; its text agent asks for
 *   the password in this terminal (a headless server has no graphical agent).
 * - Started with sudo (euid 0, SUDO_UID/SUDO_GID set): the helper is spawned
 *   as root first, then this process drops to the invoking user for the web
 *   server, the core and everything else.
 * - Plain root (no SUDO_UID): stays root, and says so.
 */
import { userInfo } from 'node:os';

export type PrivilegePlan =
  | { kind: 'user' }
  | { kind: 'sudo'; uid: number; gid: number; userName?: string }
  | { kind: 'root' }
  | { kind: 'invalid'; message: string };

const ID = /^[0-9]{1,10}$/;

export function planPrivileges(euid: number, env: Readonly<Record<string, string | undefined>>): PrivilegePlan {
  if (euid !== 0) return { kind: 'user' };
  const { SUDO_UID: uidText, SUDO_GID: gidText, SUDO_USER: userName } = env;
  if (uidText === undefined) return { kind: 'root' };
  if (!ID.test(uidText) || gidText === undefined || !ID.test(gidText)) {
    return { kind: 'invalid', message: `SUDO_UID/SUDO_GID are not numbers (${JSON.stringify(uidText)}, ${JSON.stringify(gidText ?? null)}): refusing to guess which user to become.` };
  }
  const uid = Number(uidText);
  const gid = Number(gidText);
  // `sudo` from a root shell: there is no one to drop to.
  if (uid === 0) return { kind: 'root' };
  return { kind: 'sudo', uid, gid, ...(userName !== undefined && { userName }) };
}

/** The few process calls a privilege drop makes: a seam for the test. */
export interface ProcessIdentity {
  initgroups(user: number | string, extraGroup: number | string): void;
  setgid(id: number): void;
  setuid(id: number): void;
  getuid(): number;
  geteuid(): number;
  getgid(): number;
  getegid(): number;
}

export function realProcessIdentity(): ProcessIdentity {
  // Node has had process.initgroups since 0.9; @types/node just does not declare it.
  const p = process as NodeJS.Process & { initgroups?: ProcessIdentity['initgroups'] };
  if (!p.initgroups || !p.setgid || !p.setuid || !p.getuid || !p.geteuid || !p.getgid || !p.getegid) {
    throw new Error('This platform cannot change the process identity.');
  }
  return {
    initgroups: p.initgroups.bind(p),
    setgid: p.setgid.bind(p),
    setuid: p.setuid.bind(p),
    getuid: p.getuid.bind(p),
    geteuid: p.geteuid.bind(p),
    getgid: p.getgid.bind(p),
    getegid: p.getegid.bind(p),
  };
}

/**
 * Become the invoking user for good: supplementary groups, then the group,
 * then the user (after setuid, the first two are no longer allowed). Then
 * prove it: every id matches and root cannot be taken back.
 */
export function dropPrivileges(plan: { uid: number; gid: number }, identity: ProcessIdentity = realProcessIdentity()): void {
  identity.initgroups(plan.uid, plan.gid);
  identity.setgid(plan.gid);
  identity.setuid(plan.uid);

  const ids = [identity.getuid(), identity.geteuid(), identity.getgid(), identity.getegid()];
  if (ids.join() !== [plan.uid, plan.uid, plan.gid, plan.gid].join()) {
    throw new Error(`Dropping privileges failed: uid/euid/gid/egid are ${ids.join('/')}.`);
  }
  let regained = false;
  try {
    identity.setuid(0);
    regained = true;
  } catch {
    // Expected: an unprivileged process cannot become root again.
  }
  if (regained) throw new Error('Dropping privileges failed: the process could become root again.');
}

/** HOME and friends of the user this process now is (sudo may have kept root's). */
export function adoptUserEnvironment(env: Record<string, string | undefined>): void {
  const me = userInfo();
  env.HOME = me.homedir;
  env.USER = me.username;
  env.LOGNAME = me.username;
}
