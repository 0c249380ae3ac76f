import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../../app';
import { fail, makeRow } from '../../testing/fake-api';
import { DIGEST, makePreflight } from '../../testing/fake-backup';
import { loadBackupsView, renderWithStore, storeWith } from '../../testing/render';

beforeAll(loadBackupsView);
afterEach(cleanup);

const ROWS = [
  makeRow('m1', { path: '/srv/db' }),
  makeRow('m2', { path: '/srv/log', fsType: 'xfs' }),
  makeRow('m3', { path: '/proc', pseudo: true, fsType: 'proc', freezable: false }),
  makeRow('m4', { path: '/var', danger: [{ kind: 'var', reason: 'Holds /var: new SSH logins hang.' }] }),
];

function setup() {
  const { store, api } = storeWith(ROWS);
  renderWithStore(<App />, store, api);
  act(() => screen.getByRole('tab', { name: 'Backups' }).click());
  act(() => screen.getByRole('button', { name: 'New plan' }).click());
  return { store, api };
}

const field = (label: string) => screen.getByLabelText(label) as HTMLInputElement;
const type = (label: string, value: string) => fireEvent.change(field(label), { target: { value } });
const click = async (name: string | RegExp) => act(async () => screen.getByRole('button', { name }).click());
const problemOf = (label: string) => document.getElementById(field(label).getAttribute('aria-describedby')!)?.textContent;

function fillChoose() {
  type('Plan name', 'nightly');
  act(() => screen.getByRole('checkbox', { name: '/srv/db' }).click());
  act(() => screen.getByRole('checkbox', { name: '/srv/log' }).click());
  type('Snapshot folder', '/backup/snaps');
}

describe('the wizard', () => {
  it('offers only freezable filesystems, says what a group means, and defaults to 10 s hold and 60 s quiesce', () => {
    setup();
    expect(screen.queryByRole('checkbox', { name: '/proc' })).toBeNull();
    expect(screen.getByRole('checkbox', { name: '/var' })).toBeTruthy();
    expect(field('Hold window (seconds)').value).toBe('10');
    expect(field('Quiesce window (seconds)').value).toBe('60');
    expect(screen.getByRole('checkbox', { name: 'Sync before the freeze' })).toHaveProperty('checked', true);
    fillChoose();
    expect(screen.getByText('Consistency group of 2 filesystems: frozen together, all or nothing.')).toBeTruthy();
  });

  it('shows each problem next to its field and stays on the step', async () => {
    setup();
    type('Hold window (seconds)', '90');
    await click('Next: Hooks');
    expect(screen.getByRole('heading', { name: /Step 1/ })).toBeTruthy();
    expect(field('Plan name').getAttribute('aria-invalid')).toBe('true');
    expect(problemOf('Plan name')).toMatch(/Name the plan/);
    expect(problemOf('Quiesce window (seconds)')).toBe('The quiesce window contains the hold window (90 s): make it at least that long, or shorten the hold window.');
    expect(screen.getByText('Pick at least one filesystem.')).toBeTruthy();
  });

  it('makes the manual method choose its own hold window', async () => {
    setup();
    fillChoose();
    act(() => screen.getByRole('radio', { name: 'Storage array (manual)' }).click());
    expect(field('Hold window (seconds)').value).toBe('');
    expect(screen.getByLabelText('Checklist')).toBeTruthy();
    await click('Next: Hooks');
    expect(problemOf('Hold window (seconds)')).toMatch(/Choose a hold window/);
  });

  it('walks to the review: saves the plan, shows the pre-flight, and Run waits for the commands to be confirmed', async () => {
    const { api } = setup();
    fillChoose();
    await click('Next: Hooks');
    act(() => screen.getByRole('checkbox', { name: 'Run a pre-freeze hook' }).click());
    expect(screen.getByText(/If it fails, nothing is frozen/)).toBeTruthy();
    expect(screen.getByText(/FLUSH TABLES WITH READ LOCK/)).toBeTruthy();
    type('Pre-freeze hook: program and arguments', '/usr/bin/mysql\n--execute\nFLUSH TABLES');
    type('Pre-freeze hook: timeout (seconds)', '15');
    await click('Next: Backup');
    type('Destination folder', '/backup/out');
    type('Keep last (backups)', '3');
    await click('Review');

    const saved = api.calls.find((c) => c.method === 'plans.save')?.params as { plan: Record<string, unknown> };
    expect(saved.plan).toMatchObject({
      name: 'nightly',
      mounts: ['/srv/db', '/srv/log'],
      method: 'image-clone',
      holdWindowMs: 10_000,
      hooks: { preFreeze: { argv: ['/usr/bin/mysql', '--execute', 'FLUSH TABLES'], timeoutMs: 15_000 } },
      backup: { destination: '/backup/out', verify: true },
      retention: { keep: 3 },
    });
    expect(screen.getByText(/Frozen for at most/).textContent).toContain('10 s');
    expect(within(screen.getByRole('table', { name: 'Members' })).getByRole('row', { name: '/srv/log' }).textContent).toContain('xfs');
    expect(screen.getByText('"/usr/bin/mysql" "--execute" "FLUSH TABLES"')).toBeTruthy();

    const run = screen.getByRole('button', { name: 'Run backup' }) as HTMLButtonElement;
    expect(run.disabled).toBe(true);
    expect(document.getElementById(run.getAttribute('aria-describedby')!)?.textContent).toBe('Confirm the commands first.');
    act(() => screen.getByRole('checkbox', { name: 'Run these commands as shown' }).click());
    expect(run.disabled).toBe(false);
    await act(async () => run.click());
    expect(api.calls.find((c) => c.method === 'backup.start')?.params).toEqual({ name: 'nightly', confirmCommands: DIGEST });
    expect(screen.getByRole('heading', { name: 'Backup nightly' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Cancel' })).toBeTruthy();
  });

  it('disables Run with the blockers, and asks for each dangerous member to be typed', async () => {
    const { api } = setup();
    api.handlers['backup.preflight'] = (params) => {
      const plan = api.backup.plans.get('name' in params ? params.name : params.plan.name)!;
      const pf = makePreflight(plan);
      pf.members = pf.members.map((m) => (m.mountpoint === '/var' ? { ...m, danger: ['Holds /var: new SSH logins hang.'] } : m));
      return { ok: true, value: plan.confirmDangerous.includes('/var') ? pf : { ...pf, blockers: ['/var is marked dangerous and not confirmed.'] } };
    };
    type('Plan name', 'logs');
    act(() => screen.getByRole('checkbox', { name: '/var' }).click());
    type('Snapshot folder', '/backup');
    await click('Next: Hooks');
    await click('Next: Backup');
    await click('Review');
    const run = screen.getByRole('button', { name: 'Run backup' }) as HTMLButtonElement;
    expect(run.disabled).toBe(true);
    expect(within(screen.getByRole('region', { name: 'Blockers' })).getByText('/var is marked dangerous and not confirmed.')).toBeTruthy();
    type('Type /var to confirm', '/va');
    expect(screen.getByText('That is not the mountpoint.')).toBeTruthy();
    await act(async () => type('Type /var to confirm', '/var'));
    expect(api.backup.plans.get('logs')?.confirmDangerous).toEqual(['/var']);
    expect(screen.queryByRole('region', { name: 'Blockers' })).toBeNull();
    expect(run.disabled).toBe(false);
  });

  it("puts main's validation error next to the form, with its code", async () => {
    const { api } = setup();
    api.handlers['plans.save'] = () => fail('PLAN_INVALID', 'Invalid parameters for plans.save: plan.imageClone.snapshotDir: /backup/snaps is on a member');
    fillChoose();
    await click('Next: Hooks');
    await click('Next: Backup');
    await click('Review');
    const alert = screen.getByText('The plan could not be saved or checked').closest('[role="alert"]')!;
    expect(alert.textContent).toContain('The backup plan is not valid');
    expect(alert.textContent).toContain('PLAN_INVALID');
    await click('Go to Choose');
    expect(problemOf('Snapshot folder')).toBe('/backup/snaps is on a member');
  });

  it('keeps the draft across a switch to the Filesystems view', () => {
    setup();
    type('Plan name', 'kept');
    act(() => screen.getByRole('tab', { name: 'Filesystems' }).click());
    expect(screen.getByRole('tab', { name: 'Filesystems' }).getAttribute('aria-selected')).toBe('true');
    act(() => screen.getByRole('tab', { name: 'Backups' }).click());
    expect(field('Plan name').value).toBe('kept');
  });
});

describe('the plan list', () => {
  it('Run goes through the review; Edit opens the plan; Delete asks once more', async () => {
    const { store, api } = storeWith(ROWS);
    const saved = api.handlers['plans.save']({ plan: { version: 1, name: 'nightly', mounts: ['/srv/db'], method: 'image-clone', imageClone: { snapshotDir: '/backup' } } });
    expect(saved).toMatchObject({ ok: true });
    store.setState({ view: 'backups' });
    renderWithStore(<App />, store, api);
    await act(() => store.getState().loadPlans());
    const row = () => within(screen.getByRole('table', { name: 'Backup plans' })).getByRole('row', { name: 'nightly' });

    await act(async () => within(row()).getByRole('button', { name: 'Run' }).click());
    expect(screen.getByRole('heading', { name: /Step 4/ })).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Run backup' }) as HTMLButtonElement).disabled).toBe(false);
    await click('Close wizard');

    act(() => within(row()).getByRole('button', { name: 'Edit' }).click());
    expect(field('Plan name').value).toBe('nightly');
    expect(screen.getByRole('checkbox', { name: '/srv/db' })).toHaveProperty('checked', true);
    await click('Close wizard');

    act(() => within(row()).getByRole('button', { name: 'Delete' }).click());
    expect(within(row()).getByText('Delete plan nightly?')).toBeTruthy();
    await act(async () => within(row()).getByRole('button', { name: 'Delete plan' }).click());
    expect(api.calls.find((c) => c.method === 'plans.delete')?.params).toEqual({ name: 'nightly' });
    expect(screen.getByText(/No plans yet/)).toBeTruthy();
  });
});
