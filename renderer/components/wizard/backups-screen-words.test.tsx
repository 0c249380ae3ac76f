/**
 * What the Backups screens say, where a new user found them wrong or unclear:
 * an xfs image's expected log lines read as expected (with the explanation
 * in view, in the run and in the report), dates and times in 24-hour form,
 * the folder the plans are saved in, and command examples that are correct.
 */
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BackupOutputLine } from '../../../app/backup';
import { backupPlanSchema } from '../../../app/backup-schema';
import { App } from '../../app';
import { APP_INFO, makeRow } from '../../testing/fake-api';
import { makeReport, makeRunState, RUN_ID } from '../../testing/fake-backup';
import { loadBackupsView, renderWithStore, storeWith } from '../../testing/render';

beforeAll(loadBackupsView);
afterEach(cleanup);

const PLAN = backupPlanSchema.parse({ version: 1, name: 'nightly', mounts: ['/srv/xfs'], method: 'image-clone', imageClone: { snapshotDir: '/var/snap' } });
const NOTE = 'Clean apart from the log, as expected. A frozen xfs keeps its last superblock update in the log.';

function backups(rows = [makeRow('m1', { path: '/srv/xfs', fsType: 'xfs' })]) {
  const { store, api } = storeWith(rows);
  store.setState({ view: 'backups', appInfo: APP_INFO });
  renderWithStore(<App />, store, api);
  return { store, api };
}

const line = (text: string, extra: Partial<BackupOutputLine> = {}): BackupOutputLine => ({ runId: RUN_ID, source: 'verify', stream: 'stderr', text, at: 0, ...extra });

describe('an xfs image’s verification', () => {
  it('shows the expected log lines as expected, after the note that explains them, and real findings in red', () => {
    const { store } = backups();
    act(() => {
      store.getState().applyProgress(makeRunState({ phase: 'verify' }));
      store.getState().showRun();
      for (const l of [
        line('Phase 2 - using internal log', { kind: 'progress' }),
        line('Expected next: an image of a frozen xfs always has a log to replay.', { stream: 'stdout', kind: 'note' }),
        line('ALERT: The filesystem has valuable metadata changes in a log which is being', { kind: 'expected' }),
        line('sb_fdblocks 59957, counted 60382', { kind: 'expected' }),
        line('bad inode 1234'),
      ]) {
        store.getState().applyOutput(l);
      }
    });
    const lines = [...within(screen.getByRole('log', { name: 'Output' })).getAllByText(/./, { selector: '.run-output__line' })];
    expect(lines.map((l) => [l.className, l.textContent])).toEqual([
      ['run-output__line', '[verify] Phase 2 - using internal log'],
      ['run-output__line is-note', '[verify] note: Expected next: an image of a frozen xfs always has a log to replay.'],
      ['run-output__line is-expected', '[verify] expected: ALERT: The filesystem has valuable metadata changes in a log which is being'],
      ['run-output__line is-expected', '[verify] expected: sb_fdblocks 59957, counted 60382'],
      ['run-output__line is-stderr', '[verify] bad inode 1234'],
    ]);
  });

  it('puts the explanation beside “clean” in the report, not only in the collapsed output', async () => {
    const { store, api } = backups();
    const report = makeReport(PLAN, {
      verification: [{ mountpoint: '/srv/xfs', tool: 'xfs_repair', argv: ['xfs_repair', '-n', '-f', '/var/snap/0.img'], ok: true, exitCode: 1, output: 'ALERT: ...', note: NOTE }],
    });
    api.backup.reports.set(report.runId, report);
    await act(() => store.getState().loadReports());
    await act(async () => within(screen.getByRole('table', { name: 'Backup reports' })).getByRole('button', { name: 'Open report' }).click());
    const result = within(screen.getByRole('row', { name: 'Verification of /srv/xfs' })).getByText(NOTE);
    expect(result.closest('details')).toBeNull();
    expect(result.closest('td')!.textContent).toBe(`clean${NOTE}`);
  });
});

describe('dates and times', () => {
  it('are 24-hour in the report and its history, as everywhere else', async () => {
    const { store, api } = backups();
    const afternoon = new Date(2026, 2, 4, 15, 4, 5).getTime();
    const report = makeReport(PLAN, { startedAt: afternoon, snapshotConfirmedAt: afternoon + 2000 });
    api.backup.reports.set(report.runId, report);
    await act(() => store.getState().loadReports());
    expect(within(screen.getByRole('table', { name: 'Backup reports' })).getByText('2026-03-04 15:04:05')).toBeTruthy();
    await act(async () => within(screen.getByRole('table', { name: 'Backup reports' })).getByRole('button', { name: 'Open report' }).click());
    expect(screen.getByRole('heading', { name: /^Report: nightly/ }).textContent).toBe('Report: nightly, 2026-03-04 15:04:05');
    expect(screen.getByText('2026-03-04 15:04:07')).toBeTruthy();
    expect(document.body.textContent).not.toMatch(/\b(AM|PM)\b|3:04:05/);
  });
});

describe('the plans', () => {
  it('say where they are saved, and how to run one from the command line', () => {
    backups();
    const section = screen.getByRole('heading', { name: 'Backup plans' }).closest('section')!;
    expect(section.textContent).toContain(`Saved in ${APP_INFO.plansDir}, one file per plan; npm run backup -- --plan ${APP_INFO.plansDir}/NAME.json runs one unattended.`);
  });
});

describe('command examples', () => {
  it('are neutral and fit their field: a storage snapshot for the snapshot command, a lock that waits for stdin for the hold hook', async () => {
    backups();
    act(() => screen.getByRole('button', { name: 'New plan' }).click());
    act(() => screen.getByRole('radio', { name: 'Command' }).click());
    const snapshot = screen.getByLabelText('Snapshot command: program and arguments') as HTMLTextAreaElement;
    expect(snapshot.placeholder).toBe('/usr/sbin/lvcreate\n--snapshot\n--name\ndata-snap\n--size\n1G\nvg0/data');
    fireEvent.change(screen.getByLabelText('Plan name'), { target: { value: 'n' } });
    act(() => screen.getByRole('checkbox', { name: '/srv/xfs' }).click());
    fireEvent.change(snapshot, { target: { value: '/bin/true' } });
    await act(async () => screen.getByRole('button', { name: 'Next: Hooks' }).click());
    act(() => screen.getByRole('checkbox', { name: 'Run a hold hook' }).click());
    act(() => screen.getByRole('checkbox', { name: 'Run a pre-freeze hook' }).click());
    expect((screen.getByLabelText('Hold hook: program and arguments') as HTMLTextAreaElement).placeholder).toBe('/usr/bin/flock\n/run/lock/my-app.lock\n--command\necho READY; cat');
    expect((screen.getByLabelText('Pre-freeze hook: program and arguments') as HTMLTextAreaElement).placeholder).toBe('/usr/bin/systemctl\nstop\nmy-app.service');
    const placeholders = [...document.querySelectorAll('textarea')].map((t) => t.placeholder).join('\n');
    expect(placeholders).not.toMatch(/mysql|FLUSH TABLES|pg_dump/i);
  });
});
