import { describe, expect, it } from 'vitest';
import type { BackupReport } from '../../../../app/backup';
import { reportFilename, reportToMarkdown } from './report-markdown';

const start = Date.UTC(2026, 0, 2, 3, 4, 5);
const report: BackupReport = {
  version: 1,
  runId: '20260102T030405Z-00012345',
  plan: { version: 1, name: 'db', mounts: ['/srv/data'], method: 'manual', quiesceWindowMs: 60_000, holdWindowMs: 2000, preSync: true, hooks: {}, backup: { verify: true }, confirmDangerous: [] },
  startedAt: start,
  endedAt: start + 3000,
  outcome: 'failed',
  trustworthy: false,
  untrustworthyReason: 'The hold window (2.0 s) ran out before the snapshot was done. Retry the run.',
  error: { code: 'WINDOW_EXCEEDED', message: 'The hold window (2.0 s) ran out.' },
  timeline: [
    { phase: 'freeze', startedAt: start + 100, endedAt: start + 110, outcome: 'ok', detail: '1 filesystem(s)' },
    { phase: 'snapshot', startedAt: start + 110, endedAt: start + 2060, outcome: 'failed', detail: 'ran | out' },
  ],
  hold: { frozenAt: start + 110, thawedAt: start + 2070, heldMs: 1960, windowMs: 2000, withinWindow: false },
  quiesce: { startedAt: start, endedAt: start + 2070, ms: 2070, windowMs: 60_000, withinWindow: true },
  members: [{ mountpoint: '/srv/data', fsType: 'xfs', device: '/dev/sdb1', capture: 'frozen', snapshot: { kind: 'external' } }],
  maxWritersBlocked: 3,
  hooks: [{ role: 'pre-freeze', argv: ['flush', 'db'], exitCode: 0, signal: null, ms: 12, outcome: 'ok', outputTail: 'flushed\n! warn' }],
  verification: [],
  retention: { removed: [] },
  host: { kernel: '6.1.0', appVersion: '0.1.0' },
};

describe('reportToMarkdown', () => {
  const md = reportToMarkdown(report);

  it('puts the verdict first: outcome, untrustworthy and why, the error, a retry', () => {
    expect(md.split('\n')[0]).toBe('# Backup db: failed');
    expect(md).toContain('- Snapshot: **untrustworthy**: The hold window (2.0 s) ran out before the snapshot was done. Retry the run.');
    expect(md).toContain('- Error: `WINDOW_EXCEEDED`: The hold window (2.0 s) ran out.');
    expect(md).toContain('- Retry: run the plan again');
  });

  it('shows hold and quiesce against their windows, and the writers', () => {
    expect(md).toContain('| hold (freeze to thaw) | 1.96 s | 2.00 s | **no** |');
    expect(md).toContain('| quiesce (pre-freeze hook to thaw) | 2.07 s | 60.00 s | yes |');
    expect(md).toContain('Most writers blocked at once: 3');
  });

  it('has the timeline (cells escaped), members, hooks with output, retention', () => {
    expect(md).toContain('| snapshot | +110 ms | 1.95 s | failed | ran \\| out |');
    expect(md).toContain('| `/srv/data` | xfs | /dev/sdb1 | frozen | external |');
    expect(md).toContain('| pre-freeze | `flush db` | ok (exit 0) | 12 ms |');
    expect(md).toContain('```\nflushed\n! warn\n```');
    expect(md).toContain('## Retention\n\nNothing removed.');
  });

  it('an interrupted run: whether it froze is not known; its own removed files apart from retention, and what retention left alone (issue 12)', () => {
    const interrupted = reportToMarkdown({
      ...report,
      hold: null,
      freezeUnknown: true,
      retention: { removed: ['/snap/db-old'], kept: [{ path: '/snap/db-link', why: 'a symbolic link, not a folder this plan made' }] },
      discarded: ['/dest/db-run.partial'],
    });
    expect(interrupted).toContain('| hold (freeze to thaw) | not known (the run was interrupted) | 2.00 s | — |');
    expect(interrupted).toContain('## Retention\n\n- removed `/snap/db-old`\n- left alone `/snap/db-link`: a symbolic link, not a folder this plan made');
    expect(interrupted).toContain('## Removed by this run\n\nWhat it had made itself (not a backup to keep):\n\n- `/dest/db-run.partial`');
    expect(reportToMarkdown({ ...report, hold: null })).toContain('| hold (freeze to thaw) | nothing frozen |');
  });

  it('names its file after the plan and run', () => {
    expect(reportFilename(report, 'md')).toBe('freezeframe-db-20260102T030405Z-00012345.md');
  });
});
