import { describe, expect, it } from 'vitest';
import { backupPlanSchema } from '../../app/backup-schema';
import { draftFromPlan, draftToPlan, emptyDraft, mountOf, parseArgv, problemsFromServer, withMethod, type PlanDraft } from './backup-draft';
import type { DraftContext } from './draft-limits';

function tableOf(paths: string[], extra: Partial<DraftContext> = {}): DraftContext {
  return { mounts: paths.map((path) => ({ path, fsType: 'ext4', dangerous: false })), maxFreezeMs: 900_000, ...extra };
}

function draft(patch: Partial<PlanDraft> = {}): PlanDraft {
  return { ...emptyDraft(), name: 'nightly', mounts: ['/srv/db', '/srv/log'], snapshotDir: '/var/snap', ...patch };
}

describe('argv entry', () => {
  it('takes one argument per line, keeps spaces inside a line, and ignores blank lines', () => {
    expect(parseArgv('/usr/bin/mysql\n--execute\nFLUSH TABLES WITH READ LOCK\n\n', false)).toEqual(['/usr/bin/mysql', '--execute', 'FLUSH TABLES WITH READ LOCK']);
    expect(parseArgv('a\r\nb\r\n', false)).toEqual(['a', 'b']);
  });

  it('with the shell, keeps the whole text as one script', () => {
    expect(parseArgv('pg_dump db | gzip > /b/db.gz\n', true)).toEqual(['pg_dump db | gzip > /b/db.gz\n']);
    expect(parseArgv('   ', true)).toEqual([]);
  });
});

describe('draft to plan', () => {
  it('builds a plan the contract schema accepts, with the windows in milliseconds', () => {
    const { plan, problems } = draftToPlan(draft({ holdS: '2.5', keep: '3', destination: '/backup' }));
    expect(problems).toEqual({});
    const parsed = backupPlanSchema.parse(plan);
    expect(parsed).toMatchObject({ name: 'nightly', method: 'image-clone', holdWindowMs: 2500, quiesceWindowMs: 60_000, retention: { keep: 3 }, backup: { destination: '/backup', verify: true } });
    expect(parsed.imageClone).toEqual({ snapshotDir: '/var/snap', reflink: 'auto' });
  });

  it('names each problem by its field', () => {
    const { plan, problems } = draftToPlan(draft({ name: '', mounts: [], holdS: 'ten', quiesceS: '', snapshotDir: '', keep: '0' }));
    expect(plan).toBeNull();
    expect(Object.keys(problems).sort()).toEqual(['hold', 'keep', 'mounts', 'name', 'quiesce', 'snapshotDir']);
  });

  it('refuses a quiesce window that cannot contain the hold window, on the quiesce field', () => {
    const { problems } = draftToPlan(draft({ holdS: '90', quiesceS: '60' }));
    expect(problems).toEqual({ quiesce: 'The quiesce window contains the hold window (90 s): make it at least that long, or shorten the hold window.' });
  });

  it('checks every seconds field against its real limit, in words', () => {
    const helper = tableOf(['/srv/db', '/srv/log'], { maxFreezeMs: 120_000 });
    expect(draftToPlan(draft({ holdS: '121', quiesceS: '600' }), helper).problems).toEqual({ hold: 'The hold window can be at most 120 s (2 min): the helper’s limit for a freeze.' });
    expect(draftToPlan(draft({ quiesceS: '0' })).problems).toEqual({ quiesce: 'The quiesce window must be at least 1 s.' });
    const hook = { enabled: true, argv: 'x', shell: false, timeoutS: '30', readyLine: 'READY', releaseTimeoutS: '601' };
    expect(draftToPlan(draft({ hold: hook })).problems).toEqual({ holdHookReleaseTimeout: 'The release timeout can be at most 600 s (10 min).' });
    expect(draftToPlan(draft({ hold: { ...hook, releaseTimeoutS: '0.1' } })).problems).toEqual({});
  });

  it('refuses a snapshot folder on a member: the clone would be written to a frozen filesystem', () => {
    const table = tableOf(['/', '/srv/db', '/srv/log', '/var']);
    expect(draftToPlan(draft({ snapshotDir: '/srv/db/snaps' }), table).problems.snapshotDir).toMatch(/on \/srv\/db, which will be frozen/);
    expect(draftToPlan(draft({ snapshotDir: '/var/snap' }), table).problems).toEqual({});
    expect(mountOf('/srv/dbx', table.mounts.map((m) => m.path))).toBe('/');
  });

  it('the manual method has no default hold window: the user must choose one', () => {
    const manual = withMethod(draft(), 'manual');
    expect(manual.holdS).toBe('');
    expect(draftToPlan(manual).problems.hold).toMatch(/Choose a hold window/);
    expect(withMethod({ ...manual, holdS: '' }, 'command').holdS).toBe('10');
    // A hold the user typed stays.
    expect(withMethod(draft({ holdS: '20' }), 'manual').holdS).toBe('20');
  });

  it('needs a command for the command method, and argv for each enabled hook', () => {
    const { problems } = draftToPlan(
      draft({ method: 'command', preFreeze: { enabled: true, argv: '', shell: false, timeoutS: '30' }, postThaw: { enabled: true, argv: 'x', shell: false, timeoutS: 'soon' } }),
    );
    expect(problems.command).toMatch(/Enter the program for the snapshot/);
    expect(problems.preFreeze).toMatch(/pre-freeze hook/);
    expect(problems.postThawTimeout).toMatch(/timeout in seconds/);
  });

  it('round-trips a saved plan through the form', () => {
    const plan = backupPlanSchema.parse({
      version: 1,
      name: 'db',
      mounts: ['/srv/db'],
      method: 'command',
      command: { argv: ['/bin/sh', '-c', 'exit 0'], timeoutMs: 5000 },
      holdWindowMs: 4000,
      hooks: { hold: { argv: ['mysql-lock'], readyLine: 'LOCKED', readyTimeoutMs: 3000, releaseTimeoutMs: 200 }, postThaw: { argv: ['resume all'], timeoutMs: 9000, shell: true } },
      retention: { keep: 2 },
      confirmDangerous: ['/srv/db'],
    });
    const back = draftToPlan(draftFromPlan(plan));
    expect(back.problems).toEqual({});
    expect(backupPlanSchema.parse(back.plan)).toEqual(plan);
  });
});

describe("main's validation message", () => {
  it('lands on the fields it names', () => {
    const problems = problemsFromServer('Invalid parameters for plans.save: plan.holdWindowMs: Too big: expected number to be <=3600000; plan.hooks.preFreeze.argv: a program name; plan.x: odd');
    expect(problems).toEqual({ hold: 'Too big: expected number to be <=3600000', preFreeze: 'a program name', general: 'odd' });
    expect(problemsFromServer('/srv/gone is not a current mountpoint')).toEqual({ general: '/srv/gone is not a current mountpoint' });
  });
});
