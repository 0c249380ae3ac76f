import { act, cleanup, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { BackupReport } from '../../../app/backup';
import { backupPlanSchema } from '../../../app/backup-schema';
import { App } from '../../app';
import { makeReport, RUN_ID, summaryOf } from '../../testing/fake-backup';
import { loadBackupsView, renderWithStore, storeWith } from '../../testing/render';

beforeAll(loadBackupsView);
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const PLAN = backupPlanSchema.parse({ version: 1, name: 'nightly', mounts: ['/srv/db', '/srv/log'], method: 'image-clone', imageClone: { snapshotDir: '/var/snap' }, holdWindowMs: 3000 });

async function openFromHistory(report: BackupReport) {
  const { store, api } = storeWith([]);
  api.backup.reports.set(report.runId, report);
  api.backup.plans.set(PLAN.name, PLAN);
  store.setState({ view: 'backups' });
  renderWithStore(<App />, store, api);
  await act(() => store.getState().loadReports());
  const history = screen.getByRole('table', { name: 'Backup reports' });
  const row = within(history).getAllByRole('row').find((r) => r.getAttribute('data-outcome') === report.outcome)!;
  await act(async () => within(row).getByRole('button', { name: 'Open report' }).click());
  return { store, api };
}

describe('the report', () => {
  it('says it is trustworthy, and shows the timeline, windows, members, verification and export', async () => {
    await openFromHistory(makeReport(PLAN));
    expect(within(screen.getByRole('region', { name: 'Trust' })).getByText('✓ Snapshot trustworthy')).toBeTruthy();
    const plot = screen.getByRole('img', { name: 'Backup timeline' });
    expect(plot.querySelector('[data-kind="hold-window"]')).not.toBeNull();
    expect(plot.querySelector('[data-kind="held"]')).not.toBeNull();
    expect(plot.querySelectorAll('.report-plot__phase')).toHaveLength(6);
    expect(screen.getByTestId('hold-figure').textContent).toBe('1.21 s of a 3.00 s window — within the window');
    expect(within(screen.getByRole('table', { name: 'Members and how each was captured' })).getByRole('row', { name: '/srv/log' }).textContent).toContain('frozen');
    expect(within(screen.getByRole('table', { name: 'Verification' })).getByRole('row', { name: 'Verification of /srv/db' }).textContent).toContain('clean');
    expect(within(screen.getByRole('table', { name: 'Exported files in /backup/nightly/run' })).getByRole('row', { name: 'fs0.img' }).textContent).toContain('b'.repeat(64));
    expect(screen.getByText('Most writers blocked at once').nextElementSibling?.textContent).toBe('2');
    expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull();
  });

  it('a failed run: nothing frozen, the hook that failed, the error with its code, and Retry', async () => {
    const report = makeReport(PLAN, {
      outcome: 'failed',
      trustworthy: false,
      error: { code: 'HOOK_FAILED', message: 'pre-freeze hook exited with status 1' },
      hold: null,
      timeline: [{ phase: 'pre-freeze-hook', startedAt: Date.UTC(2025, 0, 1, 12), endedAt: Date.UTC(2025, 0, 1, 12) + 40, outcome: 'failed', detail: 'exit 1' }],
      hooks: [{ role: 'pre-freeze', argv: ['/bin/false'], exitCode: 1, signal: null, ms: 40, outcome: 'failed' }],
      verification: [],
      export: undefined,
    });
    const { api } = await openFromHistory(report);
    const trust = screen.getByRole('region', { name: 'Trust' });
    expect(within(trust).getByText('✗ Snapshot NOT trustworthy')).toBeTruthy();
    expect(within(trust).getByText('Nothing was frozen.')).toBeTruthy();
    expect(within(screen.getByRole('table', { name: 'Hooks and commands' })).getByRole('row', { name: 'Pre-freeze hook' }).textContent).toContain('failed');
    const alert = screen.getAllByRole('alert').find((a) => a.getAttribute('data-code') === 'HOOK_FAILED')!;
    expect(alert.textContent).toContain('pre-freeze hook exited with status 1');
    expect(screen.getByTestId('hold-figure').textContent).toBe('Nothing was frozen.');

    await act(async () => screen.getByRole('button', { name: 'Retry' }).click());
    expect(api.calls.map((c) => c.method).slice(-2)).toEqual(['plans.save', 'backup.preflight']);
    expect(screen.getByRole('heading', { name: /Step 4/ })).toBeTruthy();
  });

  it('an untrustworthy snapshot says why', async () => {
    await openFromHistory(
      makeReport(PLAN, {
        outcome: 'failed',
        trustworthy: false,
        untrustworthyReason: 'The hold window (3 s) ran out before “Snapshot taken”.',
        error: { code: 'WINDOW_EXCEEDED', message: 'hold window exceeded' },
      }),
    );
    expect(within(screen.getByRole('region', { name: 'Trust' })).getByText(/ran out before “Snapshot taken”\. Do not back up from this snapshot\./)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Retry' })).toBeTruthy();
  });

  it('exports JSON and Markdown as downloads', async () => {
    const created: Blob[] = [];
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      created.push(blob as Blob);
      return 'blob:report';
    });
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
    const clicks: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicks.push(this.download);
    });
    const { api } = await openFromHistory(makeReport(PLAN));
    await act(async () => screen.getByRole('button', { name: 'Export JSON' }).click());
    await act(async () => screen.getByRole('button', { name: 'Export Markdown' }).click());
    expect(api.calls.filter((c) => c.method === 'reports.export').map((c) => c.params)).toEqual([
      { runId: RUN_ID, format: 'json' },
      { runId: RUN_ID, format: 'markdown' },
    ]);
    expect(clicks).toEqual([`${RUN_ID}.json`, `${RUN_ID}.md`]);
    expect(JSON.parse(await created[0]!.text()).runId).toBe(RUN_ID);
    expect(created[1]!.type).toBe('text/markdown');
    expect(screen.getByText(`Saved ${RUN_ID}.md.`)).toBeTruthy();
  });

  it('a report that cannot be exported says why', async () => {
    const { api } = await openFromHistory(makeReport(PLAN));
    api.handlers['reports.export'] = () => ({ ok: false, error: { code: 'RUN_NOT_FOUND', message: 'report file missing' } });
    await act(async () => screen.getByRole('button', { name: 'Export JSON' }).click());
    expect(screen.getByText('The report could not be exported').parentElement?.textContent).toContain('report file missing');
  });

  it('the history lists runs newest first with outcome and trust', async () => {
    const older = makeReport(PLAN, { runId: '20250101T110000Z-00000001', startedAt: Date.UTC(2025, 0, 1, 11), outcome: 'cancelled', trustworthy: false });
    const { store, api } = storeWith([]);
    for (const r of [older, makeReport(PLAN)]) api.backup.reports.set(r.runId, r);
    store.setState({ view: 'backups' });
    renderWithStore(<App />, store, api);
    await act(() => store.getState().loadReports());
    const rows = within(screen.getByRole('table', { name: 'Backup reports' })).getAllByRole('row').slice(1);
    expect(rows.map((r) => r.getAttribute('data-outcome'))).toEqual(['succeeded', 'cancelled']);
    expect(rows[1]!.textContent).toContain('NOT trustworthy');
    expect(summaryOf(older).heldMs).toBe(1210);
  });

  it('an interrupted run says whether it froze is not known, and lists its own removed files apart from retention (issue 12)', async () => {
    const report = makeReport(PLAN, {
      outcome: 'failed',
      trustworthy: false,
      error: { code: 'RUN_INTERRUPTED', message: 'Freezeframe stopped during this run.' },
      hold: null,
      freezeUnknown: true,
      timeline: [{ phase: 'preflight', startedAt: Date.UTC(2025, 0, 1, 12), endedAt: Date.UTC(2025, 0, 1, 12), outcome: 'ok' }],
      hooks: [],
      verification: [],
      export: undefined,
      retention: { removed: ['/var/snap/nightly/20250101T000000Z-00000001'], kept: [{ path: '/var/snap/nightly/20250101T000000Z-00000002', why: 'a symbolic link, not a folder this plan made' }] },
      discarded: ['/backup/nightly-run.partial'],
    });
    await openFromHistory(report);
    const trust = screen.getByRole('region', { name: 'Trust' });
    expect(within(trust).queryByText('Nothing was frozen.')).toBeNull();
    expect(within(trust).getByText(/^Whether anything was frozen is not known/)).toBeTruthy();
    expect(screen.getByTestId('hold-figure').textContent).toMatch(/^Whether anything was frozen is not known: .*the 3 s hold window/);
    expect(screen.getByText('Retention removed one older backup:').nextElementSibling?.textContent).toBe('/var/snap/nightly/20250101T000000Z-00000001');
    expect(screen.getByText(/Retention left alone/).nextElementSibling?.textContent).toMatch(/20250101T000000Z-00000002: a symbolic link/);
    expect(screen.getByText(/This run removed what it had made itself/).nextElementSibling?.textContent).toBe('/backup/nightly-run.partial');
  });
});
