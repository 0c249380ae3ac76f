/**
 * A report as Markdown, for a ticket or a mail from cron: the verdict
 * first (trustworthy or not, and why), then the timeline, both clocks
 * against their windows, members and how each was captured, writers
 * blocked, hooks, verification, the export manifest and what retention
 * removed.
 */
import type { BackupReport, PhaseRecord } from '../../../../app/backup';

export function reportFilename(report: BackupReport, extension: 'json' | 'md'): string {
  return `freezeframe-${report.plan.name}-${report.runId}.${extension}`;
}

export function reportToMarkdown(report: BackupReport): string {
  const lines: string[] = [];
  const push = (...more: string[]): void => void lines.push(...more);
  push(`# Backup ${report.plan.name}: ${report.outcome}`, '');
  push(`- Run: \`${report.runId}\`, method **${report.plan.method}**, ${iso(report.startedAt)} to ${iso(report.endedAt)}`);
  push(`- Snapshot: ${report.trustworthy ? '**trustworthy**' : `**untrustworthy**: ${report.untrustworthyReason ?? 'no snapshot was taken'}`}`);
  if (report.error) push(`- Error: \`${report.error.code}\`: ${report.error.message}`);
  if (!report.trustworthy && report.outcome !== 'cancelled') push('- Retry: run the plan again (nothing stays frozen; the untrustworthy snapshot was discarded).');
  push(`- Host: kernel ${report.host.kernel}, Freezeframe ${report.host.appVersion}`, '');

  push('## Windows', '', '| clock | took | window | within |', '|---|---|---|---|');
  if (report.hold) push(`| hold (freeze to thaw) | ${ms(report.hold.heldMs)} | ${ms(report.hold.windowMs)} | ${yes(report.hold.withinWindow)} |`);
  else push(`| hold (freeze to thaw) | ${report.freezeUnknown ? 'not known (the run was interrupted)' : 'nothing frozen'} | ${ms(report.plan.holdWindowMs)} | — |`);
  push(`| quiesce (pre-freeze hook to thaw) | ${ms(report.quiesce.ms)} | ${ms(report.quiesce.windowMs)} | ${yes(report.quiesce.withinWindow)} |`, '');
  push(`Most writers blocked at once: ${report.maxWritersBlocked}`, '');

  push('## Timeline', '', '| phase | start | duration | outcome | detail |', '|---|---|---|---|---|');
  for (const phase of report.timeline) push(timelineRow(phase, report.startedAt));
  push('');

  push('## Members', '', '| mountpoint | type | device | capture | snapshot |', '|---|---|---|---|---|');
  for (const m of report.members) {
    const snap = m.snapshot ? `${m.snapshot.kind}${m.snapshot.path ? ` \`${m.snapshot.path}\`` : ''}${m.snapshot.reflinked !== undefined ? (m.snapshot.reflinked ? ' (reflink)' : ' (copy)') : ''}` : '—';
    push(`| \`${m.mountpoint}\` | ${m.fsType} | ${cell(m.device)} | ${m.capture} | ${snap} |`);
  }
  push('');

  if (report.hooks.length) {
    push('## Commands', '', '| role | argv | result | time |', '|---|---|---|---|');
    for (const h of report.hooks) push(`| ${h.role} | \`${cell(h.argv.join(' '))}\` | ${h.outcome} (${h.signal ?? `exit ${h.exitCode ?? '—'}`}) | ${ms(h.ms)} |`);
    push('');
    for (const h of report.hooks) if (h.outputTail?.trim()) push(`### ${h.role} output (last lines)`, '', '```', h.outputTail.replace(/```/g, "'''"), '```', '');
  }

  if (report.snapshotConfirmedAt !== undefined || report.operatorNotes) {
    push('## Operator', '');
    if (report.snapshotConfirmedAt !== undefined) push(`Snapshot confirmed at ${iso(report.snapshotConfirmedAt)}.`, '');
    if (report.operatorNotes) push('Notes:', '', ...report.operatorNotes.split('\n').map((l) => `> ${l}`), '');
  }

  if (report.verification.length) {
    push('## Verification', '', '| mountpoint | tool | result |', '|---|---|---|');
    for (const v of report.verification) push(`| \`${v.mountpoint}\` | \`${cell(v.argv.join(' '))}\` | ${v.ok ? (v.note ? 'clean (see the note below)' : 'clean') : `**not clean** (exit ${v.exitCode ?? '—'})`} |`);
    push('');
    for (const v of report.verification) if (v.note) push(`Note on \`${v.mountpoint}\`: ${v.note}`, '');
  }

  const exports = report.exports ?? (report.export ? [report.export] : []);
  for (const e of exports) {
    push(`## Export \`${e.directory}\``, '', `${e.files.length} file(s), ${e.bytes} bytes in ${ms(e.ms)}; manifest \`${e.manifest}\`.`, '', '| file | bytes | sha256 |', '|---|---|---|');
    for (const f of e.files) push(`| \`${cell(f.path)}\` | ${f.bytes} | \`${f.sha256}\` |`);
    push('');
  }

  push('## Retention', '');
  if (report.retention.removed.length) for (const path of report.retention.removed) push(`- removed \`${path}\``);
  else push('Nothing removed.');
  for (const kept of report.retention.kept ?? []) push(`- left alone \`${kept.path}\`: ${kept.why}`);
  push('');
  if (report.discarded?.length) {
    push('## Removed by this run', '', 'What it had made itself (not a backup to keep):', '');
    for (const path of report.discarded) push(`- \`${path}\``);
    push('');
  }
  return lines.join('\n');
}

function timelineRow(phase: PhaseRecord, runStart: number): string {
  return `| ${phase.phase} | +${ms(phase.startedAt - runStart)} | ${ms(phase.endedAt - phase.startedAt)} | ${phase.outcome} | ${cell(phase.detail ?? '')} |`;
}

function ms(value: number): string {
  return value < 1000 ? `${Math.round(value)} ms` : `${(value / 1000).toFixed(2)} s`;
}

function yes(ok: boolean): string {
  return ok ? 'yes' : '**no**';
}

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

/** Text safe inside a table cell: no pipes, no newlines. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
