import { afterEach, describe, expect, it, vi } from 'vitest';
import { backupPlanSchema } from '../../app/backup-schema';
import { createFakeApi, fail, makeRow, ok } from '../testing/fake-api';
import { makeReport, makeRunState, RUN_ID, summaryOf } from '../testing/fake-backup';
import { emptyDraft } from './backup-draft';
import { selectHoldDeadline, selectQuiesceDeadline } from './backup-selectors';
import { createAppStore } from './store';
import { wireStore } from './wire';

afterEach(() => vi.useRealTimers());

function setup() {
  let now = 1_000;
  const rows = [makeRow('m1', { path: '/srv/db' }), makeRow('m2', { path: '/srv/log', fsType: 'xfs' }), makeRow('m3', { path: '/var/snap' })];
  const api = createFakeApi({ generation: 1, mounts: rows });
  const store = createAppStore({ api, now: () => now });
  store.getState().applySnapshot({ generation: 1, mounts: rows });
  return { api, store, advance: (ms: number) => (now += ms) };
}

const PLAN = backupPlanSchema.parse({ version: 1, name: 'nightly', mounts: ['/srv/db'], method: 'image-clone', imageClone: { snapshotDir: '/var/snap' } });

describe('wizard steps', () => {
  it('checks a step before leaving it, and sends the user back to the step with the problem', async () => {
    const { store } = setup();
    store.getState().newPlan();
    expect(await store.getState().goToStep('hooks')).toBe(false);
    expect(store.getState().wizardStep).toBe('choose');
    expect(store.getState().draftProblems).toMatchObject({ name: expect.any(String), mounts: expect.any(String), snapshotDir: expect.any(String) });

    store.getState().updateDraft({ name: 'nightly', mounts: ['/srv/db'], snapshotDir: '/var/snap' });
    expect(store.getState().draftProblems).toEqual({});
    expect(await store.getState().goToStep('hooks')).toBe(true);
    store.getState().updateDraft({ keep: 'many' });
    expect(await store.getState().goToStep('backup')).toBe(true);
    // The problem is on the backup step: going on to the review stops there.
    expect(await store.getState().goToStep('review')).toBe(false);
    expect(store.getState().wizardStep).toBe('backup');
    expect(store.getState().draftProblems.keep).toMatch(/whole number/);
    // Going back keeps it on its field, and happens at once.
    void store.getState().goToStep('choose');
    expect(store.getState().wizardStep).toBe('choose');
    expect(store.getState().draftProblems.keep).toMatch(/whole number/);
  });

  it("puts the plan schema's problems on their fields: the form's own rules pass, the contract's do not", async () => {
    const { store } = setup();
    store.getState().newPlan();
    store.getState().updateDraft({ name: 'night ly', mounts: ['/srv/db'], snapshotDir: 'snaps' });
    expect(await store.getState().goToStep('hooks')).toBe(false);
    expect(store.getState().wizardStep).toBe('choose');
    expect(store.getState().draftProblems).toEqual({
      name: 'letters, digits, ".", "_" or "-", up to 64',
      snapshotDir: 'an absolute path without NUL or newline',
    });
  });

  it('checks the windows by the form’s rules, in seconds, before the schema could say it in milliseconds', async () => {
    const { store } = setup();
    store.getState().newPlan();
    store.getState().updateDraft({ name: 'nightly', mounts: ['/srv/db'], snapshotDir: '/var/snap', holdS: '0.5' });
    expect(await store.getState().goToStep('hooks')).toBe(false);
    expect(store.getState().draftProblems).toEqual({ hold: 'The hold window must be at least 1 s.' });
  });

  it('a newer move wins over one still waiting for the check', async () => {
    const { store } = setup();
    store.getState().newPlan();
    store.getState().updateDraft({ name: 'nightly', mounts: ['/srv/db'], snapshotDir: '/var/snap' });
    const forward = store.getState().goToStep('hooks');
    void store.getState().goToStep('choose');
    expect(await forward).toBe(false);
    expect(store.getState().wizardStep).toBe('choose');
  });

  it('without the plan schema (its chunk failed to load) no plan is sent, and the review says why', async () => {
    const api = createFakeApi({ generation: 1, mounts: [makeRow('m1', { path: '/srv/db' })] });
    const store = createAppStore({ api, loadDraftCheck: () => Promise.reject(new Error('Failed to fetch dynamically imported module')) });
    store.setState({ draft: { ...emptyDraft(), name: 'nightly', mounts: ['/srv/db'], snapshotDir: '/var/snap' } });
    expect(await store.getState().saveAndPreflight()).toBe(false);
    expect(store.getState().wizardStep).toBe('review');
    expect(store.getState().draftProblems.general).toMatch(/could not be checked \(Failed to fetch dynamically imported module\)/);
    expect(api.calls.some((c) => c.method === 'plans.save')).toBe(false);
  });

  it('review saves the plan, then pre-flights it', async () => {
    const { store, api } = setup();
    store.setState({ draft: { ...emptyDraft(), name: 'nightly', mounts: ['/srv/db', '/srv/log'], snapshotDir: '/var/snap' } });
    expect(await store.getState().saveAndPreflight()).toBe(true);
    expect(api.calls.map((c) => c.method).filter((m) => m.startsWith('plans.') || m.startsWith('backup.'))).toEqual(['plans.save', 'backup.preflight']);
    expect(store.getState().reviewPlan?.holdWindowMs).toBe(10_000);
    expect(store.getState().preflight?.members.map((m) => m.mountpoint)).toEqual(['/srv/db', '/srv/log']);
    expect(store.getState().plans.map((p) => p.name)).toEqual(['nightly']);
    expect(store.getState().draft.originalName).toBe('nightly');
  });

  it("shows main's validation errors on the fields, with the code", async () => {
    const { store, api } = setup();
    api.handlers['plans.save'] = () => fail('PLAN_INVALID', 'Invalid parameters for plans.save: plan.mounts.0: /srv/db is not a current mountpoint');
    store.setState({ draft: { ...emptyDraft(), name: 'nightly', mounts: ['/srv/db'], snapshotDir: '/var/snap' } });
    expect(await store.getState().saveAndPreflight()).toBe(false);
    expect(store.getState().reviewError?.code).toBe('PLAN_INVALID');
    expect(store.getState().draftProblems.mounts).toBe('/srv/db is not a current mountpoint');
    expect(api.calls.some((c) => c.method === 'backup.preflight')).toBe(false);
  });

  it('a typed dangerous mountpoint goes into the plan, which is saved and checked again', async () => {
    const { store, api } = setup();
    store.setState({ draft: { ...emptyDraft(), name: 'nightly', mounts: ['/srv/db'], snapshotDir: '/var/snap' } });
    await store.getState().confirmDanger('/srv/db');
    expect(api.backup.plans.get('nightly')?.confirmDangerous).toEqual(['/srv/db']);
    expect(store.getState().reviewPlan?.confirmDangerous).toEqual(['/srv/db']);
  });
});

describe('the run', () => {
  it('counts both windows down from the moment the progress arrived', () => {
    const { store, advance } = setup();
    store.getState().applyProgress(makeRunState({ quiesceRemainingMs: 50_000, holdRemainingMs: 8_000 }));
    expect(selectQuiesceDeadline(store.getState())).toBe(51_000);
    expect(selectHoldDeadline(store.getState())).toBe(9_000);
    advance(3_000);
    store.getState().applyProgress(makeRunState({ phase: 'thaw', quiesceRemainingMs: 46_000, holdRemainingMs: null }));
    expect(selectQuiesceDeadline(store.getState())).toBe(50_000);
    expect(selectHoldDeadline(store.getState())).toBeUndefined();
  });

  it('opens the report when the run ends, as soon as main has written it', async () => {
    const { store, api } = setup();
    store.setState({ backupScreen: 'run' });
    store.getState().applyProgress(makeRunState());
    store.getState().applyOutput({ runId: RUN_ID, source: 'snapshot', stream: 'stdout', text: 'cloning', at: 1 });
    expect(store.getState().runOutput).toHaveLength(1);

    // The final progress comes before the report exists.
    store.getState().applyProgress(makeRunState({ status: 'succeeded', phase: 'export', holdRemainingMs: null, quiesceRemainingMs: null }));
    await vi.waitFor(() => expect(api.calls.filter((c) => c.method === 'reports.get')).toHaveLength(1));
    expect(store.getState().awaitingReport).toBe(RUN_ID);
    expect(store.getState().backupScreen).toBe('run');

    const report = makeReport(PLAN);
    api.backup.reports.set(RUN_ID, report);
    store.getState().applyReports([summaryOf(report)]);
    await vi.waitFor(() => expect(store.getState().backupScreen).toBe('report'));
    expect(store.getState().report).toBe(report);
    expect(store.getState().awaitingReport).toBeNull();
  });

  it('a failed start keeps the user on the review with the error', async () => {
    const { store, api } = setup();
    api.handlers['backup.start'] = () => fail('COMMANDS_NOT_CONFIRMED', 'the digest does not match');
    expect(await store.getState().startRun('nightly', 'f'.repeat(64))).toBe(false);
    expect(store.getState().runError).toEqual({ code: 'COMMANDS_NOT_CONFIRMED', message: 'the digest does not match' });
    expect(api.calls.find((c) => c.method === 'backup.start')?.params).toEqual({ name: 'nightly', confirmCommands: 'f'.repeat(64) });
  });

  it('a bridge that throws becomes an error, not a stuck button', async () => {
    const { store, api } = setup();
    store.getState().applyProgress(makeRunState());
    api.handlers['backup.cancel'] = () => {
      throw new Error('socket closed');
    };
    expect(await store.getState().cancelRun()).toBe(false);
    expect(store.getState().runAction).toBeNull();
    expect(store.getState().runError).toEqual({ code: 'INTERNAL', message: 'socket closed' });
  });

  it('a reloaded window picks up the run in progress and shows it', async () => {
    const { store, api } = setup();
    api.handlers['backup.current'] = () => ok(makeRunState({ status: 'waiting-for-operator', method: 'manual', phase: 'snapshot' }));
    wireStore(store, api);
    await vi.waitFor(() => expect(store.getState().run?.status).toBe('waiting-for-operator'));
    expect(store.getState().view).toBe('backups');
    expect(store.getState().backupScreen).toBe('run');
    api.emit('backup.output', { runId: RUN_ID, source: 'hold', stream: 'stderr', text: 'lock held', at: 2 });
    expect(store.getState().runOutput.map((l) => l.text)).toEqual(['lock held']);
  });
});
