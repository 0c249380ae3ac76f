import { describe, expect, it } from 'vitest';
import { dropPrivileges, planPrivileges, type ProcessIdentity } from './privileges';
import { DEFAULT_PORT, parseServeArgs } from './serve-args';

describe('planPrivileges', () => {
  it('goes through pkexec as a normal user, whatever the environment says', () => {
    expect(planPrivileges(1000, { SUDO_UID: '0', SUDO_GID: '0' })).toEqual({ kind: 'user' });
  });
  it('drops to the invoking user under sudo', () => {
    expect(planPrivileges(0, { SUDO_UID: '1000', SUDO_GID: '1001', SUDO_USER: 'ada' })).toEqual({ kind: 'sudo', uid: 1000, gid: 1001, userName: 'ada' });
  });
  it('stays root when plain root, or sudo from root', () => {
    expect(planPrivileges(0, {})).toEqual({ kind: 'root' });
    expect(planPrivileges(0, { SUDO_UID: '0', SUDO_GID: '0' })).toEqual({ kind: 'root' });
  });
  it('refuses to guess from malformed sudo variables', () => {
    expect(planPrivileges(0, { SUDO_UID: '1000' }).kind).toBe('invalid');
    expect(planPrivileges(0, { SUDO_UID: '-1', SUDO_GID: '1000' }).kind).toBe('invalid');
    expect(planPrivileges(0, { SUDO_UID: '1000 ', SUDO_GID: '1000' }).kind).toBe('invalid');
  });
});

/** A process identity with the kernel's rules: only uid 0 may change ids. */
function fakeIdentity(options: { ignoreSetuid?: boolean } = {}): ProcessIdentity & { log: string[] } {
  let uid = 0;
  let gid = 0;
  const log: string[] = [];
  const privileged = (what: string): void => {
    if (uid !== 0) throw Object.assign(new Error(`${what}: EPERM`), { code: 'EPERM' });
  };
  return {
    log,
    initgroups: (user, group) => {
      privileged('initgroups');
      log.push(`initgroups ${user} ${group}`);
    },
    setgid: (id) => {
      privileged('setgid');
      log.push(`setgid ${id}`);
      gid = id;
    },
    setuid: (id) => {
      privileged('setuid');
      log.push(`setuid ${id}`);
      if (!options.ignoreSetuid) uid = id;
    },
    getuid: () => uid,
    geteuid: () => uid,
    getgid: () => gid,
    getegid: () => gid,
  };
}

describe('dropPrivileges', () => {
  it('sets groups, then gid, then uid, and cannot become root again', () => {
    const identity = fakeIdentity();
    dropPrivileges({ uid: 1000, gid: 1001 }, identity);
    expect(identity.log).toEqual(['initgroups 1000 1001', 'setgid 1001', 'setuid 1000']);
    expect([identity.getuid(), identity.geteuid(), identity.getgid()]).toEqual([1000, 1000, 1001]);
  });

  it('throws when the identity did not change', () => {
    expect(() => dropPrivileges({ uid: 1000, gid: 1001 }, fakeIdentity({ ignoreSetuid: true }))).toThrow(/Dropping privileges failed/);
  });
});

describe('parseServeArgs', () => {
  it('takes --port N, --port=N and --help', () => {
    expect(parseServeArgs([])).toEqual({ kind: 'run', port: DEFAULT_PORT });
    expect(parseServeArgs(['--port', '0'])).toEqual({ kind: 'run', port: 0 });
    expect(parseServeArgs(['--port=8080'])).toEqual({ kind: 'run', port: 8080 });
    expect(parseServeArgs(['--help'])).toEqual({ kind: 'help' });
  });
  it('refuses anything else', () => {
    for (const argv of [['--port'], ['--port', '65536'], ['--port', '-1'], ['--port', '0x10'], ['--host', '0.0.0.0'], ['serve']]) {
      expect(parseServeArgs(argv).kind, argv.join(' ')).toBe('error');
    }
  });
});
