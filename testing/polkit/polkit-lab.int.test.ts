/**
 * The polkit lab against the real thing: Debian's dbus-daemon --system and
 * polkitd, Freezeframe's generated actions, rules this test installs, and
 * processes of throwaway users started with setpriv. Every decision is
 * polkitd's own, through pkcheck.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_POLICY, policyActions, SERVICE_ACTION_IDS } from '../../main/helper/polkit-policy';
import { isAlive, liveLabs, readStartedDaemons, withLabLockSync } from './lab-state';
import { startPolkitLab, type LabProcess, type LabUser, type PolkitLab } from './polkit-lab';
import { polkitHasOwner, run, systemBusAnswers } from './system-bus';

const isRoot = process.geteuid?.() === 0;
if (!isRoot) console.warn('\n*** NOT RUN: the polkit lab tests start the system bus and polkitd, add users and write polkit rules: they need root ***\n');

const { freeze, freezeDangerous, thawOwn, thawOthers, thawAll, writers } = SERVICE_ACTION_IDS;

describe.skipIf(!isRoot)('the polkit lab', () => {
  let lab: PolkitLab;
  let alice: LabUser;
  let bob: LabUser;
  let aliceCaller: LabProcess;
  let bobCaller: LabProcess;

  beforeAll(async () => {
    lab = await startPolkitLab();
    [alice, bob] = await Promise.all([lab.createUser(), lab.createUser()]);
    aliceCaller = lab.spawnAs(alice, ['sleep', 'infinity']);
    bobCaller = lab.spawnAs(bob, ['sleep', 'infinity']);
  });

  afterAll(async () => {
    await lab?.stop();
  });

  it('has a system bus and a polkitd that answer, and Freezeframe\'s actions registered', async () => {
    expect(await systemBusAnswers()).toBe(true);
    expect(await polkitHasOwner()).toBe(true);
    expect(readFileSync(lab.actions!.path, 'utf8')).toContain('<action id="org.freezeframe.freeze-dangerous">');
    const subject = await aliceCaller.subject();
    // Registered: polkitd decides rather than failing with "Action ... is not registered".
    for (const id of [...Object.values(SERVICE_ACTION_IDS), PACKAGE_POLICY.startAction.id]) {
      await expect(lab.check({ actionId: id, subject })).resolves.toMatchObject({ decision: expect.any(String) });
    }
    await expect(lab.check({ actionId: 'org.freezeframe.no-such-action', subject })).rejects.toThrow(/is not registered/);
  });

  it('has polkitd read each generated action as polkit-policy.ts declares it (pkaction)', async () => {
    for (const action of policyActions(PACKAGE_POLICY)) {
      const shown = await run('pkaction', ['--verbose', '--action-id', action.id]);
      expect(shown.status, action.id).toBe(0);
      const field = (name: string) => shown.stdout.match(new RegExp(`^\\s+${name}:\\s*(.*)$`, 'm'))?.[1];
      expect({ description: field('description'), message: field('message'), any: field('implicit any'), inactive: field('implicit inactive'), active: field('implicit active') }, action.id).toEqual({
        description: action.description,
        message: action.message,
        ...action.defaults,
      });
      expect(shown.stdout.includes('org.freedesktop.policykit.exec.path'), action.id).toBe(action.execPath !== undefined);
    }
  });

  it('runs the subject as the user: real and effective uid and gid, no supplementary groups, no capabilities', async () => {
    const subject = await aliceCaller.subject();
    expect(subject.uid).toBe(alice.uid);
    const status = readFileSync(`/proc/${aliceCaller.pid}/status`, 'utf8');
    expect(status).toMatch(new RegExp(`^Uid:\\s+${alice.uid}\\s+${alice.uid}\\s+${alice.uid}\\s+${alice.uid}$`, 'm'));
    expect(status).toMatch(new RegExp(`^Gid:\\s+${alice.gid}\\s+${alice.gid}\\s+${alice.gid}\\s+${alice.gid}$`, 'm'));
    expect(status).toMatch(/^Groups:\s*$/m);
    expect(status).toMatch(/^CapEff:\s+0+$/m);
    expect(status).toMatch(/^CapInh:\s+0+$/m);
    const id = await lab.runAs(alice, ['id', '-un']);
    expect(id).toMatchObject({ status: 0, stdout: `${alice.name}\n` });
  });

  it('without rules, the defaults for a process in no session decide: allow_any, admin authentication for every act', async () => {
    // No logind: not active, not local. allow_any is auth_admin for all of them, also thaw-own (yes only when active).
    const subject = await aliceCaller.subject();
    for (const id of [freeze, freezeDangerous, thawOwn, thawOthers, thawAll, writers]) {
      expect((await lab.check({ actionId: id, subject })).decision, id).toBe('challenge');
    }
    // Also when the caller allows interaction: no agent is running to ask anybody.
    const interactive = await lab.check({ actionId: freeze, subject, allowUserInteraction: true });
    expect(interactive).toMatchObject({ decision: 'challenge', said: expect.stringContaining('no agent is available') });
  });

  it('decides exactly as installed rules say, per user and per action: allow, deny, admin authentication', async () => {
    const rules = await lab.installRules(
      [
        lab.rule({ user: alice, actions: [freeze, thawOwn], result: 'YES' }),
        lab.rule({ user: alice, actions: [thawOthers, thawAll], result: 'NO' }),
        lab.rule({ user: alice, actions: [freezeDangerous], result: 'AUTH_ADMIN' }),
        lab.rule({ user: bob, actions: [freeze], result: 'NO' }),
      ].join('\n'),
    );
    const asAlice = await aliceCaller.subject();
    const asBob = await bobCaller.subject();
    const decisions = async (subject: typeof asAlice) =>
      Object.fromEntries(await Promise.all([freeze, freezeDangerous, thawOwn, thawOthers, thawAll, writers].map(async (id) => [id, (await lab.check({ actionId: id, subject })).decision])));
    expect(await decisions(asAlice)).toEqual({
      [freeze]: 'authorized',
      [freezeDangerous]: 'challenge',
      [thawOwn]: 'authorized',
      [thawOthers]: 'not-authorized',
      [thawAll]: 'not-authorized',
      [writers]: 'challenge', // no rule: the default
    });
    expect(await decisions(asBob)).toEqual({
      [freeze]: 'not-authorized',
      [freezeDangerous]: 'challenge',
      [thawOwn]: 'challenge',
      [thawOthers]: 'challenge',
      [thawAll]: 'challenge',
      [writers]: 'challenge',
    });

    // Removed: polkitd has dropped it when remove() returns.
    await rules.remove();
    expect(existsSync(rules.path)).toBe(false);
    expect((await lab.check({ actionId: freeze, subject: asAlice })).decision).toBe('challenge');
    expect((await lab.check({ actionId: freeze, subject: asBob })).decision).toBe('challenge');
  });

  it('shows rules the request\'s details (action.lookup), such as the path', async () => {
    const rules = await lab.installRules(lab.rule({ user: alice, actions: [freeze], result: 'YES', details: { path: '/srv/data', fstype: 'xfs' } }));
    const subject = await aliceCaller.subject();
    const freezing = (details: Record<string, string>) => lab.check({ actionId: freeze, subject, details });
    const granted = await freezing({ path: '/srv/data', fstype: 'xfs' });
    expect(granted.decision).toBe('authorized');
    // pkcheck hands back the request's details with the result, decoded.
    expect(granted.details).toMatchObject({ path: '/srv/data', fstype: 'xfs' });
    expect((await freezing({ path: '/srv/other', fstype: 'xfs' })).decision).toBe('challenge');
    expect((await freezing({ path: '/srv/data', fstype: 'ext4' })).decision).toBe('challenge');
    expect((await freezing({})).decision).toBe('challenge');
    // Details of every shape come back as they went: pkcheck escapes all but [A-Za-z0-9_] as unpadded octal.
    const odd = { path: '/srv/dätä 1/x-2.img', owner_label: 'backup plan "pg" (root), 10:00', owner_uid: '1000' };
    expect((await freezing(odd)).details).toMatchObject(odd);
    await rules.remove();
  });

  it('puts a user made with groups in them, for rules that ask subject.isInGroup (the example backup rule, for real)', async () => {
    const backupRule = readFileSync(new URL('../../build/polkit/49-freezeframe-backup.rules', import.meta.url), 'utf8');
    const operator = await lab.createUser({ groups: ['backup'] });
    const operatorCaller = lab.spawnAs(operator, ['sleep', 'infinity']);
    const rules = await lab.installRules(backupRule, 49);
    const asOperator = await operatorCaller.subject();
    const asAlice = await aliceCaller.subject();
    for (const id of [freeze, thawOwn, writers, PACKAGE_POLICY.startAction.id]) {
      expect((await lab.check({ actionId: id, subject: asOperator })).decision, id).toBe('authorized');
      expect((await lab.check({ actionId: id, subject: asAlice })).decision, id).toBe('challenge');
    }
    for (const id of [freezeDangerous, thawOthers, thawAll]) {
      expect((await lab.check({ actionId: id, subject: asOperator })).decision, id).toBe('challenge');
    }
    expect(readFileSync(`/proc/${operatorCaller.pid}/status`, 'utf8')).toMatch(/^Groups:\s+\d+/m);
    await rules.remove();
    await operatorCaller.stop();
    lab.removeUser(operator);
    expect(readFileSync('/etc/passwd', 'utf8')).not.toContain(`${operator.name}:`);
  });

  it('authenticates through a real agent: the admin\'s password authorizes, a wrong one does not; kept only where the result says keep', async () => {
    const admin = await lab.createUser({ password: 'right-Pa55' });
    const caller = lab.spawnAs(alice, ['sleep', 'infinity']);
    const subject = await caller.subject();
    const rules = await lab.installRules(
      [
        lab.adminRule({ user: alice, admins: [admin] }),
        lab.rule({ user: alice, actions: [freeze], result: 'AUTH_ADMIN_KEEP' }),
        lab.rule({ user: alice, actions: [freezeDangerous], result: 'AUTH_ADMIN' }),
      ].join('\n'),
    );
    const asking = (actionId: string, path = '/srv/data') => lab.check({ actionId, subject, details: { path }, allowUserInteraction: true });

    const wrong = await lab.startAgent(subject, 'wrong-password');
    expect((await asking(freezeDangerous)).decision).toBe('not-authorized');
    expect(wrong.answered()).toBeGreaterThan(0);
    // The agent shows the action's own message, with the request's path in it, and asks the admin rule's user.
    expect(wrong.transcript()).toContain('Authentication is required to freeze /srv/data, which the system itself needs');
    expect(wrong.transcript()).toContain(`Authenticating as: ${admin.name}`);
    await wrong.stop();

    const right = await lab.startAgent(subject, 'right-Pa55');
    expect((await asking(freezeDangerous)).decision).toBe('authorized');
    expect((await asking(freeze)).decision).toBe('authorized');
    await right.stop();
    // No agent any more: AUTH_ADMIN_KEEP was kept for this process, AUTH_ADMIN (freeze-dangerous) never is.
    expect((await asking(freeze)).decision).toBe('authorized');
    expect((await asking(freezeDangerous)).decision).toBe('challenge');
    // Kept for that process only, not for another of the same user.
    expect((await lab.check({ actionId: freeze, subject: await aliceCaller.subject() })).decision).toBe('challenge');
    await rules.remove();
    await caller.stop();
  });

  it('refuses rules that do not parse, before polkitd would skip them silently', async () => {
    await expect(lab.installRules('polkit.addRule(function (action, subject) {')).rejects.toThrow(/do not parse/);
  });
});

describe.skipIf(!isRoot)('a lab that stops', () => {
  it('removes its users, files and processes, and stops the daemons it started unless another lab still uses them', async () => {
    const outer = await startPolkitLab();
    const inner = await startPolkitLab({ actions: false });
    const user = await inner.createUser();
    const sleeper = inner.spawnAs(user, ['sleep', 'infinity']);
    const rules = await inner.installRules(inner.rule({ user, actions: [freeze], result: 'YES' }));
    const subject = await sleeper.subject();
    expect((await inner.check({ actionId: freeze, subject })).decision).toBe('authorized');
    const daemons = readStartedDaemons();

    await inner.stop();
    expect(existsSync(rules.path)).toBe(false);
    expect(readFileSync('/etc/passwd', 'utf8')).not.toContain(`${user.name}:`);
    expect(isAlive(subject)).toBe(false);
    // The outer lab still runs: nothing it relies on has gone.
    expect(await systemBusAnswers()).toBe(true);
    expect(await polkitHasOwner()).toBe(true);

    await outer.stop();
    expect(existsSync(outer.actions!.path)).toBe(false);
    // Daemons a lab started are gone once no lab is left (another test process may still hold one); those found running are left alone.
    const othersRunning = withLabLockSync(() => liveLabs().length > 0);
    if (othersRunning) console.warn('*** polkit lab: another process uses the lab: the daemons stay, so their stop is not checked here ***');
    for (const daemon of [daemons.bus, daemons.polkitd]) if (daemon && !othersRunning) expect(isAlive(daemon)).toBe(false);
    if (!daemons.bus) expect(await systemBusAnswers()).toBe(true);
  });
});

describe.skipIf(!isRoot)('a test process that ends without stop()', () => {
  interface Made {
    user: string;
    files: string[];
    subject: { pid: number; startTime: number };
  }
  /** Starts testing/polkit/lab-child.ts and waits for what it made. */
  async function child() {
    const proc = spawn(process.execPath, ['--import', 'tsx', new URL('./lab-child.ts', import.meta.url).pathname], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    const giveUpAt = Date.now() + 60_000;
    while (!out.includes('\n')) {
      if (proc.exitCode !== null || Date.now() > giveUpAt) throw new Error(`lab-child did not start (status ${proc.exitCode})`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return { proc, made: JSON.parse(out) as Made };
  }
  const leftovers = (made: Made) => ({
    user: readFileSync('/etc/passwd', 'utf8').includes(`${made.user}:`),
    files: made.files.filter((file) => existsSync(file)),
    process: isAlive(made.subject),
  });
  const nothing = { user: false, files: [], process: false };

  it('leaves nothing when it exits (process.exit) or is stopped by SIGTERM', async () => {
    const exiting = await child();
    expect(leftovers(exiting.made)).toEqual({ user: true, files: exiting.made.files, process: true });
    exiting.proc.stdin!.write('exit\n');
    const [status] = await once(exiting.proc, 'exit');
    expect(status).toBe(3);
    expect(leftovers(exiting.made)).toEqual(nothing);

    const terminated = await child();
    terminated.proc.kill('SIGTERM');
    const [, signal] = await once(terminated.proc, 'exit');
    expect(signal).toBe('SIGTERM');
    expect(leftovers(terminated.made)).toEqual(nothing);
  });

  it('leaves what a SIGKILL interrupts to the next lab, which removes it', async () => {
    const killed = await child();
    killed.proc.kill('SIGKILL');
    await once(killed.proc, 'exit');
    // Nothing ran in the killed process: its user, files and sleeper are still there.
    expect(leftovers(killed.made)).toMatchObject({ user: true, files: killed.made.files });
    const next = await startPolkitLab({ actions: false });
    try {
      expect(leftovers(killed.made)).toEqual(nothing);
    } finally {
      await next.stop();
    }
  });
});
