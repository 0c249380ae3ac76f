/**
 * The fault matrix's fourth phase: during a wizard snapshot. A backup run
 * of a two-member consistency group (ext4 + xfs) is in its snapshot phase,
 * both members frozen by the engine's freezeGroup, a writer blocked on
 * each, the run waiting for its snapshot: the operator's "Snapshot taken"
 * (method manual) or a snapshot command that sleeps (method command).
 * Then one process is hit. Every member must be thawed within the fault's
 * bound, both writers finish with the right bytes, and the app recovers:
 * - main survived: the interrupted run ends and leaves a report that says
 *   what happened (failed, untrustworthy, why);
 * - main died: a fresh main (same config dir) shows what the next start
 *   shows: no run in progress, the members thawed, and the interrupted
 *   run's report (RUN_INTERRUPTED, from its marker); its snapshot command
 *   died with main (setpriv's parent-death signal);
 * then a new backup run of the group succeeds (manual; the writers block
 * until "Snapshot taken", and finish after it) through the same door.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BackupReport, BackupRunState, Preflight, ReportSummary } from '../app/backup';
import type { LoopMount } from '../testing/loop-mounts';
import { fileSha256, sleep, startWriter, waitUntilBlocked, type Writer } from '../testing/writer';
import { cont, inject, LEASE_MS, planFor as freezePlanFor, type Fault } from './fault-cell';
import { AppProcess, resultValue as value, type Caller } from './fixture/app-process';
import { childrenOf, isRunning, waitUntil } from '../testing/procfs';
import type { RendererDriver, RendererPage } from './fixture/renderer';

/** The run's hold window: also the helper's auto-thaw deadline for the group. */
export const HOLD_MS = 3000;
const QUIESCE_MS = 15_000;
/** The snapshot command of the command method: far longer than the hold window. */
const SNAPSHOT_SLEEP_S = '30';

export type SnapshotMethodUsed = 'manual' | 'command';

/**
 * Which method each fault meets, so both are covered: the operator's page
 * closing or crashing while it waits for "Snapshot taken" is the renderer
 * case; a command runs as main's child, so main's faults meet it.
 */
export function methodFor(fault: Fault): SnapshotMethodUsed {
  return fault === 'main kill -9' || fault === 'main SIGSTOP' || fault === 'helper SIGSTOP' ? 'command' : 'manual';
}

/** The bound on fault -> every member thawed. */
export function snapshotPlanFor(fault: Fault): { boundMs: number; bound: string } {
  switch (fault) {
    case 'renderer closed':
    case 'renderer crashed':
    case 'guardian kill -9':
      return { boundMs: HOLD_MS + 1000, bound: `hold window (${HOLD_MS / 1000} s) + 1 s` };
    case 'main kill -9':
    case 'helper kill -9':
      return { boundMs: freezePlanFor(fault).boundMs, bound: freezePlanFor(fault).bound };
    case 'main SIGSTOP':
      return { boundMs: Math.min(LEASE_MS, HOLD_MS) + 1000, bound: `lease (${LEASE_MS / 1000} s) or hold deadline (${HOLD_MS / 1000} s) + 1 s` };
    case 'helper SIGSTOP':
      return { boundMs: HOLD_MS + 2000 + 1000, bound: `guardian at the hold deadline (${HOLD_MS / 1000} s) + 2 s, + 1 s` };
  }
}

export interface SnapshotCellResult {
  thawMs: number;
  /** What the interrupted run's report says, or what the next start shows. */
  aftermath: string;
}

export async function runSnapshotCell(
  fault: Fault,
  members: readonly LoopMount[],
  browser: RendererDriver | undefined,
  configHome: string,
  tag: string,
): Promise<SnapshotCellResult> {
  const { boundMs, bound } = snapshotPlanFor(fault);
  const method = methodFor(fault);
  const app = await AppProcess.start({ leaseMs: LEASE_MS, configHome });
  const stopped: number[] = [];
  const orphans: number[] = [];
  let page: RendererPage | undefined;
  const writers: Writer[] = [];
  try {
    await app.ok('helper.start');
    const tree = app.processTree();
    if (!tree.helper || !tree.guardian) throw new Error(`no helper/guardian under main ${app.pid}`);
    if (fault.startsWith('renderer')) page = await browser!.open(await app.loginUrl());
    const caller: Caller = page ?? app;

    const name = `rel-${tag}`;
    const plan = {
      version: 1,
      name,
      mounts: members.map((m) => m.mountpoint),
      method,
      quiesceWindowMs: QUIESCE_MS,
      holdWindowMs: HOLD_MS,
      ...(method === 'command'
        ? { command: { argv: ['sleep', SNAPSHOT_SLEEP_S], timeoutMs: 20_000 } }
        : { manual: { checklist: ['take the array snapshot'] } }),
      backup: { verify: false },
    };
    const runId = await startRun(caller, plan);

    // The snapshot phase, both members frozen: the run waits for its snapshot.
    const state = await waitForRun(app, runId, (s) => s.phase === 'snapshot' && s.frozenAt !== null && (method === 'manual' ? s.status === 'waiting-for-operator' : true), 10_000);
    if (!state) throw new Error(`run ${runId} never reached its snapshot with the group frozen: ${JSON.stringify(await app.ok('backup.current'))}`);
    if (method === 'command') {
      const sleepPid = await waitForDescendant(app.pid, 'sleep', 3000);
      if (sleepPid === undefined) throw new Error('the snapshot command (sleep) is not running under main');
      orphans.push(sleepPid);
    }
    for (const [i, m] of members.entries()) writers.push(startWriter(join(m.mountpoint, `snap-${tag}-${i}.bin`)));
    await Promise.all(writers.map((w) => waitUntilBlocked(w)));

    const faultAt = performance.now();
    await inject(fault, { app, page, tree, stopped });
    const codes = await Promise.race([Promise.all(writers.map((w) => w.done)), sleep(boundMs + 10_000).then(() => 'timeout' as const)]);
    const thawMs = performance.now() - faultAt;
    if (codes === 'timeout' || codes.some((c) => c !== 0)) throw new Error(`a blocked writer did not finish (${JSON.stringify(codes)}) within ${boundMs + 10_000} ms of the fault`);
    for (const w of writers) if (fileSha256(w.target) !== w.sha256) throw new Error(`checksum mismatch after thaw: ${w.target}`);
    if (thawMs > boundMs) throw new Error(`thawed ${thawMs.toFixed(0)} ms after the fault; bound ${bound}`);
    for (const pid of stopped.splice(0)) cont(pid);

    const mainDied = fault === 'main kill -9';
    const next = mainDied ? await AppProcess.start({ leaseMs: LEASE_MS, configHome }) : app;
    try {
      const aftermath = mainDied ? await nextStart(next, runId, members, orphans) : await interruptedReport(next, runId, fault, method);
      await recoveryRun(next, browser, fault, members, tag, page);
      return { thawMs, aftermath };
    } finally {
      if (next !== app) await next.stop();
    }
  } finally {
    for (const pid of stopped) cont(pid);
    await page?.closePage().catch(() => undefined);
    await app.stop();
    // Should the parent-death signal not have reached it (no setpriv), a command orphaned by main's kill -9 sleeps on.
    for (const pid of orphans) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
    for (const w of writers) rmSync(w.target, { force: true });
  }
}

/** Save the plan, look at its pre-flight, start it with its commands confirmed: the wizard's three calls. */
async function startRun(caller: Caller, plan: object): Promise<string> {
  const name = (plan as { name: string }).name;
  value(await caller.call('plans.save', { plan }), 'plans.save');
  const pre = value<Preflight>(await caller.call('backup.preflight', { name }), 'backup.preflight');
  if (pre.blockers.length) throw new Error(`pre-flight blockers: ${pre.blockers.join(' ')}`);
  const run = value<BackupRunState>(await caller.call('backup.start', { name, confirmCommands: pre.commandsDigest }), 'backup.start');
  return run.runId;
}

async function waitForRun(app: AppProcess, runId: string, cond: (s: BackupRunState) => boolean, withinMs: number): Promise<BackupRunState | undefined> {
  const end = performance.now() + withinMs;
  while (performance.now() < end) {
    const s = await app.ok<BackupRunState | null>('backup.current');
    if (s?.runId === runId && cond(s)) return s;
    if (s === null || (s.runId === runId && s.status !== 'running' && s.status !== 'waiting-for-operator')) return undefined;
    await sleep(20);
  }
  return undefined;
}

async function waitForDescendant(root: number, comm: string, withinMs: number): Promise<number | undefined> {
  const end = performance.now() + withinMs;
  while (performance.now() < end) {
    const stack = [root];
    while (stack.length) {
      for (const child of childrenOf(stack.pop()!)) {
        if (child.comm === comm) return child.pid;
        stack.push(child.pid);
      }
    }
    await sleep(20);
  }
  return undefined;
}

/** Main survived: the run ends by itself; its report must say it failed, untrustworthy, and why. */
async function interruptedReport(app: AppProcess, runId: string, fault: Fault, method: SnapshotMethodUsed): Promise<string> {
  const end = performance.now() + 20_000;
  while ((await app.ok<BackupRunState | null>('backup.current'))?.runId === runId) {
    if (performance.now() > end) throw new Error(`run ${runId} still running 20 s after the fault`);
    await sleep(50);
  }
  const report = await app.ok<BackupReport>('reports.get', { runId });
  if (report.outcome === 'succeeded' || report.trustworthy) throw new Error(`the interrupted run's report says ${report.outcome}, trustworthy ${report.trustworthy}`);
  if (!report.error || !report.untrustworthyReason) throw new Error(`the interrupted run's report does not say why: ${JSON.stringify({ error: report.error, why: report.untrustworthyReason })}`);
  if (report.hold && report.hold.heldMs > HOLD_MS + 3000) throw new Error(`the report says the group was held ${report.hold.heldMs} ms`);
  const thaw = report.timeline.find((t) => t.phase === 'thaw');
  return `report: ${report.outcome}, untrustworthy, ${report.error.code}: ${report.error.message}${thaw ? `; thaw ${thaw.outcome}${thaw.detail ? ` (${thaw.detail})` : ''}` : ''} (${method}, ${fault})`;
}

/** Main died: what a fresh main over the same config dir shows, and whether main's command died with it. */
async function nextStart(app: AppProcess, runId: string, members: readonly LoopMount[], commands: readonly number[]): Promise<string> {
  const survivors = commands.filter((pid) => isRunning(pid));
  if (survivors.length) throw new Error(`the snapshot command (pid ${survivors.join(', ')}) outlived main's kill -9`);
  const current = await app.ok<BackupRunState | null>('backup.current');
  if (current !== null) throw new Error(`a fresh main shows a run in progress: ${JSON.stringify(current)}`);
  for (const m of members) {
    const row = await app.row(m.mountpoint);
    if (row.freeze.state !== 'thawed') throw new Error(`a fresh main shows ${m.mountpoint} as ${row.freeze.state}`);
  }
  const reports = await app.ok<ReportSummary[]>('reports.list');
  if (!reports.some((r) => r.runId === runId)) throw new Error(`a fresh main shows no report of the interrupted run ${runId}: ${JSON.stringify(reports)}`);
  const report = await app.ok<BackupReport>('reports.get', { runId });
  if (report.outcome !== 'failed' || report.trustworthy || report.error?.code !== 'RUN_INTERRUPTED') {
    throw new Error(`the interrupted run's report says ${report.outcome}, trustworthy ${report.trustworthy}, ${report.error?.code}`);
  }
  return `next start: no run in progress, members thawed, the snapshot command gone with main; report: failed, untrustworthy, RUN_INTERRUPTED`;
}

/**
 * The next action: a new run of the group (manual) through the same door
 * (a fresh page for the renderer cells): the writers block while it waits
 * for "Snapshot taken", finish after it; the run succeeds, trustworthy.
 */
async function recoveryRun(app: AppProcess, browser: RendererDriver | undefined, fault: Fault, members: readonly LoopMount[], tag: string, old?: RendererPage): Promise<void> {
  let page: RendererPage | undefined;
  const writers: Writer[] = [];
  try {
    const thawed = await waitUntil(
      async () => {
        for (const m of members) if ((await app.row(m.mountpoint)).freeze.state !== 'thawed') return false;
        return true;
      },
      5000,
      50,
    );
    if (!thawed) throw new Error(`the app still shows a member frozen 5 s after the thaw: ${JSON.stringify(await Promise.all(members.map(async (m) => (await app.row(m.mountpoint)).freeze)))}`);
    if (fault.startsWith('renderer')) {
      await old?.closePage().catch(() => undefined);
      page = await browser!.open(await app.loginUrl());
    }
    const caller: Caller = page ?? app;
    const runId = await startRun(caller, {
      version: 1,
      name: `rel-${tag}-again`,
      mounts: members.map((m) => m.mountpoint),
      method: 'manual',
      quiesceWindowMs: QUIESCE_MS,
      holdWindowMs: 10_000,
      backup: { verify: false },
    });
    if (!(await waitForRun(app, runId, (s) => s.status === 'waiting-for-operator', 10_000))) throw new Error(`recovery run ${runId} never waited for the operator`);
    for (const [i, m] of members.entries()) writers.push(startWriter(join(m.mountpoint, `again-${tag}-${i}.bin`), 64 * 1024));
    await Promise.all(writers.map((w) => waitUntilBlocked(w)));
    value(await caller.call('backup.confirmSnapshot', { runId, notes: 'reliability' }), 'backup.confirmSnapshot');
    for (const w of writers) if ((await w.done) !== 0 || fileSha256(w.target) !== w.sha256) throw new Error('recovery writer failed');
    const end = performance.now() + 15_000;
    while ((await app.ok<BackupRunState | null>('backup.current'))?.runId === runId) {
      if (performance.now() > end) throw new Error(`recovery run ${runId} did not end`);
      await sleep(50);
    }
    const report = await app.ok<BackupReport>('reports.get', { runId });
    if (report.outcome !== 'succeeded' || !report.trustworthy) throw new Error(`recovery run: ${report.outcome}, trustworthy ${report.trustworthy}: ${report.error?.message ?? ''}`);
  } finally {
    await page?.closePage().catch(() => undefined);
    for (const w of writers) rmSync(w.target, { force: true });
  }
}
