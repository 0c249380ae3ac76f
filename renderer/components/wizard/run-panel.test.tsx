import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { backupPlanSchema } from '../../../app/backup-schema';
import { App } from '../../app';
import { makeReport, makeRunState, RUN_ID } from '../../testing/fake-backup';
import { loadBackupsView, renderWithStore, storeWith } from '../../testing/render';

beforeAll(loadBackupsView);
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

const PLAN = backupPlanSchema.parse({
  version: 1,
  name: 'nightly',
  mounts: ['/srv/db'],
  method: 'image-clone',
  imageClone: { snapshotDir: '/var/snap' },
  backup: { destination: '/backup' },
});

function setup(state = makeRunState()) {
  const { store, api } = storeWith([]);
  store.setState({ plans: [PLAN], view: 'backups' });
  renderWithStore(<App />, store, api);
  act(() => {
    store.getState().applyProgress(state);
    store.getState().showRun();
  });
  return { store, api };
}

const timer = (name: string) => screen.getByRole('timer', { name });

describe('the run panel', () => {
  it('counts both windows down on its own clock from the last progress', () => {
    vi.useFakeTimers();
    setup(makeRunState({ quiesceRemainingMs: 42_000, holdRemainingMs: 7_000 }));
    expect(timer('Quiesce window').getAttribute('data-remaining-s')).toBe('42');
    expect(timer('Hold window').getAttribute('data-remaining-s')).toBe('7');
    act(() => vi.advanceTimersByTime(3_010));
    expect(timer('Quiesce window').getAttribute('data-remaining-s')).toBe('39');
    expect(timer('Hold window').textContent).toBe('0:04');
  });

  it('highlights the current phase among the plan’s phases only', () => {
    setup(makeRunState({ phase: 'snapshot' }));
    const phases = within(screen.getByRole('list', { name: 'Phases' })).getAllByRole('listitem');
    expect(phases.map((li) => li.getAttribute('data-phase'))).toEqual(['preflight', 'sync', 'freeze', 'snapshot', 'thaw', 'verify', 'export']);
    const current = phases.filter((li) => li.getAttribute('aria-current') === 'step');
    expect(current.map((li) => li.textContent)).toEqual(['▶ Snapshot']);
  });

  it('shows the clone’s progress and the live output', () => {
    const { store } = setup(makeRunState({ phase: 'export', holdRemainingMs: null, progress: { label: 'Exporting', done: 25 << 20, total: 100 << 20 } }));
    expect(screen.getByRole('progressbar', { name: 'Exporting' }).getAttribute('aria-valuenow')).toBe('25');
    expect(screen.queryByRole('timer', { name: 'Hold window' })).toBeNull();
    act(() => store.getState().applyOutput({ runId: RUN_ID, source: 'verify', stream: 'stderr', text: 'e2fsck 1.47.0', at: 1 }));
    expect(within(screen.getByRole('log', { name: 'Output' })).getByText('e2fsck 1.47.0')).toBeTruthy();
  });

  it('manual method: the checklist, notes, and Snapshot taken', async () => {
    const { api } = setup(makeRunState({ method: 'manual', status: 'waiting-for-operator', phase: 'snapshot', checklist: ['Snapshot LUN 3', 'Note the job id'] }));
    expect(screen.getByText(/^Waiting for you: take the snapshot/)).toBeTruthy();
    const checklist = screen.getByRole('list', { name: 'Checklist' });
    expect(within(checklist).getByRole('checkbox', { name: 'Snapshot LUN 3' })).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Notes'), { target: { value: 'job 4711 ' } });
    await act(async () => screen.getByRole('button', { name: 'Snapshot taken' }).click());
    expect(api.calls.find((c) => c.method === 'backup.confirmSnapshot')?.params).toEqual({ runId: RUN_ID, notes: 'job 4711' });
    expect(screen.queryByRole('button', { name: 'Snapshot taken' })).toBeNull();
  });

  it('Cancel asks main to stop the run; a failure of the run shows its message and code', async () => {
    const { api, store } = setup();
    await act(async () => screen.getByRole('button', { name: 'Cancel' }).click());
    expect(api.calls.find((c) => c.method === 'backup.cancel')?.params).toEqual({ runId: RUN_ID });
    expect(screen.queryByRole('button', { name: 'Cancel' })).toBeNull();
    act(() => store.getState().applyProgress(makeRunState({ status: 'failed', error: { code: 'HOOK_FAILED', message: 'pre-freeze hook exited 1' } })));
    const alert = screen.getAllByRole('alert').find((a) => a.getAttribute('data-code') === 'HOOK_FAILED')!;
    expect(alert.textContent).toContain('A hook failed');
    expect(alert.textContent).toContain('pre-freeze hook exited 1');
  });

  it('opens the report when the run ends', async () => {
    const { api, store } = setup();
    api.backup.reports.set(RUN_ID, makeReport(PLAN));
    await act(async () => store.getState().applyProgress(makeRunState({ status: 'succeeded', phase: 'export' })));
    expect(await screen.findByRole('heading', { name: /^Report: nightly/ })).toBeTruthy();
  });
});
