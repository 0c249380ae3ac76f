/**
 * The wizard's limits as a new user meets them: in seconds and in words,
 * on the field they belong to, checked at the step against the limits the
 * review and main would apply (the helper's, the cap on a dangerous
 * filesystem); and a review that says truthfully what a btrfs plan freezes.
 */
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Preflight, PreflightMember } from '../../../app/backup';
import { App } from '../../app';
import { makeRow } from '../../testing/fake-api';
import { loadBackupsView, renderWithStore, storeWith } from '../../testing/render';
import { PreflightView } from './review-preflight';

beforeAll(loadBackupsView);
afterEach(cleanup);

const ROWS = [
  makeRow('m1', { path: '/srv/db' }),
  makeRow('m2', { path: '/srv/btr', fsType: 'btrfs' }),
  makeRow('m4', { path: '/var', danger: [{ kind: 'var', reason: 'Holds /var: new SSH logins hang.' }] }),
];

function setup(maxTimeoutMs = 900_000) {
  const { store, api } = storeWith(ROWS);
  store.getState().applyHelper({ state: 'running', maxTimeoutMs });
  renderWithStore(<App />, store, api);
  act(() => screen.getByRole('tab', { name: 'Backups' }).click());
  act(() => screen.getByRole('button', { name: 'New plan' }).click());
  fireEvent.change(field('Plan name'), { target: { value: 'nightly' } });
  return { store, api };
}

const field = (label: string) => screen.getByLabelText(label) as HTMLInputElement;
const type = (label: string, value: string) => fireEvent.change(field(label), { target: { value } });
const pick = (mountpoint: string) => act(() => screen.getByRole('checkbox', { name: mountpoint }).click());
const next = async () => act(async () => screen.getByRole('button', { name: 'Next: Hooks' }).click());
const problemOf = (label: string) => (field(label).getAttribute('aria-invalid') === 'true' ? document.getElementById(field(label).getAttribute('aria-describedby')!)?.textContent : undefined);
const onStep1 = () => screen.queryByRole('heading', { name: /Step 1/ }) !== null;

describe('the wizard’s limits', () => {
  it('are in seconds and in words, never the schema’s milliseconds', async () => {
    setup();
    pick('/srv/db');
    type('Snapshot folder', '/backup');
    type('Hold window (seconds)', '0.5');
    await next();
    expect(onStep1()).toBe(true);
    expect(problemOf('Hold window (seconds)')).toBe('The hold window must be at least 1 s.');
    type('Hold window (seconds)', 'ten');
    await next();
    expect(problemOf('Hold window (seconds)')).toBe('Enter the hold window in seconds, from 1 s to 900 s (15 min).');
    type('Hold window (seconds)', '10');
    type('Quiesce window (seconds)', '4000');
    await next();
    expect(problemOf('Quiesce window (seconds)')).toBe('The quiesce window can be at most 3600 s (60 min).');
    expect(document.body.textContent).not.toMatch(/expected number|>=|<=|\d+ ?ms\b/);
  });

  it('refuse a hold window longer than the helper allows at step 1, not at the review', async () => {
    const { api } = setup(900_000);
    pick('/srv/db');
    type('Snapshot folder', '/backup');
    type('Hold window (seconds)', '1000');
    type('Quiesce window (seconds)', '1200');
    await next();
    expect(onStep1()).toBe(true);
    expect(problemOf('Hold window (seconds)')).toBe('The hold window can be at most 900 s (15 min): the helper’s limit for a freeze.');
    expect(api.calls.some((c) => c.method === 'plans.save')).toBe(false);
    type('Hold window (seconds)', '900');
    await next();
    expect(screen.getByRole('heading', { name: /Step 2/ })).toBeTruthy();
  });

  it('cap the hold window at 30 s when a member is marked dangerous', async () => {
    setup();
    pick('/var');
    type('Snapshot folder', '/backup');
    type('Hold window (seconds)', '45');
    await next();
    expect(problemOf('Hold window (seconds)')).toBe(
      'The hold window can be at most 30 s: /var is marked dangerous, and the helper freezes such a filesystem for at most that long.',
    );
  });

  it('put a quiesce window shorter than the hold window on the quiesce field, not the hold field', async () => {
    setup();
    pick('/srv/db');
    type('Snapshot folder', '/backup');
    type('Quiesce window (seconds)', '5');
    await next();
    expect(onStep1()).toBe(true);
    expect(problemOf('Quiesce window (seconds)')).toBe('The quiesce window contains the hold window (10 s): make it at least that long, or shorten the hold window.');
    expect(problemOf('Hold window (seconds)')).toBeUndefined();
    // Either field's edit clears it: the problem is between the two.
    type('Hold window (seconds)', '5');
    expect(problemOf('Quiesce window (seconds)')).toBeUndefined();
  });

  it('check command timeouts in seconds too', async () => {
    setup();
    pick('/srv/db');
    act(() => screen.getByRole('radio', { name: 'Command' }).click());
    type('Snapshot command: program and arguments', '/usr/sbin/lvcreate');
    type('Snapshot command: timeout (seconds)', '0.2');
    await next();
    expect(problemOf('Snapshot command: timeout (seconds)')).toBe('The timeout must be at least 1 s.');
  });

  it('leave a btrfs-only plan, which freezes nothing, outside the helper’s freeze limit', async () => {
    setup(900_000);
    pick('/srv/btr');
    act(() => screen.getByRole('radio', { name: 'btrfs' }).click());
    type('Hold window (seconds)', '1000');
    type('Quiesce window (seconds)', '1200');
    await next();
    expect(screen.getByRole('heading', { name: /Step 2/ })).toBeTruthy();
  });
});

describe('the review of a btrfs plan', () => {
  const member = (mountpoint: string, capture: PreflightMember['capture'], fsType: string): PreflightMember => ({
    mountpoint,
    fsType,
    device: '/dev/loop0',
    mounted: true,
    freezable: true,
    danger: [],
    capture,
  });
  const preflight = (members: PreflightMember[], maxFrozenMs: number): Preflight => ({
    members,
    dirtyBytes: 0,
    steps: [],
    maxFrozenMs,
    warnings: [],
    blockers: [],
    commands: [],
    commandsDigest: 'd',
    commandsConfirmed: true,
    approval: 'not-needed',
  });

  it('says nothing is frozen when every member is a btrfs snapshot, not “frozen for at most 0 s”', () => {
    render(<PreflightView preflight={preflight([member('/srv/btr', 'atomic-snapshot', 'btrfs')], 0)} preSync />);
    const headline = document.querySelector('.preflight__max')!.textContent;
    expect(headline).toBe('Nothing is frozen: /srv/btr is btrfs, snapshotted atomically, not frozen (a btrfs snapshot needs no freeze).');
    expect(document.body.textContent).not.toMatch(/at most 0 s/);
  });

  it('in a mixed group, names what is frozen and what is not', () => {
    render(<PreflightView preflight={preflight([member('/srv/db', 'frozen', 'ext4'), member('/srv/btr', 'atomic-snapshot', 'btrfs')], 10_000)} preSync />);
    expect(document.querySelector('.preflight__max')!.textContent).toBe(
      'Frozen for at most 10 s: the hold window, which is also the helper’s auto-thaw deadline. Frozen: /srv/db; /srv/btr is btrfs, snapshotted atomically, not frozen (a btrfs snapshot needs no freeze).',
    );
  });
});
