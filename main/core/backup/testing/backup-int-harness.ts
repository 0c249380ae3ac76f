/**
 * What the backup engine's real-kernel tests share: createCore with the
 * real helper (direct, as root; short limits so a bug thaws itself), a
 * private config dir, and helpers to run a plan to its report and to prove
 * that nothing is left frozen.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BackupPlanInput, BackupReport, BackupRunState, Preflight } from '../../../../app/backup';
import type { ContractEvents, EventName } from '../../../../app/contract';
import type { MountsSnapshot } from '../../../../app/domain';
import { HELPER_PATH } from '../../../../testing/helper-harness';
import { run } from '../../../../testing/run-command';
import type { Core } from '../../api';
import { createCore } from '../../index';

export interface BackupTestCore {
  core: Core;
  configDir: string;
  events: Array<{ event: EventName; payload: unknown }>;
  log: string[];
  ok<T>(method: string, params?: unknown): Promise<T>;
  /** Save the plan, confirm its commands, start it, and wait for its report. */
  runPlan(plan: BackupPlanInput, during?: (state: BackupRunState) => void | Promise<void>): Promise<BackupReport>;
  /** The same, without throwing when it cannot start: the pre-flight, and the start's error or the run's report. */
  tryPlan(plan: BackupPlanInput): Promise<{ preflight: Preflight; report?: BackupReport; refused?: { code: string; message: string } }>;
  close(): Promise<void>;
}

export async function startBackupCore(): Promise<BackupTestCore> {
  const configDir = mkdtempSync(join(tmpdir(), 'freezeframe-backup-int-'));
  const log: string[] = [];
  const events: BackupTestCore['events'] = [];
  const core = await createCore(
    {
      frontDoor: 'web',
      appVersion: '0.0.0-int',
      helperPath: HELPER_PATH,
      development: true,
      appDataDirs: [configDir],
      configDir,
      helperLimits: { leaseMs: 5000, maxTimeoutMs: 30_000, maxHoldMs: 60_000 },
    },
    { logSink: { write: async (text) => void log.push(text) } },
  );
  core.subscribe((event, payload) => events.push({ event, payload }));
  const ok = async <T>(method: string, params: unknown = {}): Promise<T> => {
    const result = await core.dispatch(method, params);
    if (!result.ok) throw new Error(`${method}: ${result.error.code}: ${result.error.message}`);
    return result.value as T;
  };
  const untilEnd = async (runId: string, during?: (state: BackupRunState) => void | Promise<void>): Promise<BackupReport> => {
    let seen = 0;
    for (let waited = 0; waited < 120_000; waited += 10) {
      for (; seen < events.length; seen++) {
        const e = events[seen]!;
        if (e.event !== 'backup.progress') continue;
        const state = e.payload as BackupRunState;
        if (state.runId !== runId) continue;
        if (['succeeded', 'failed', 'cancelled'].includes(state.status)) return ok<BackupReport>('reports.get', { runId });
        await during?.(state);
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`run ${runId} did not end within 120 s`);
  };
  return {
    core,
    configDir,
    events,
    log,
    ok,
    async tryPlan(plan) {
      await ok('plans.save', { plan });
      const preflight = await ok<Preflight>('backup.preflight', { name: plan.name });
      const start = await core.dispatch('backup.start', { name: plan.name, confirmCommands: preflight.commandsDigest });
      if (!start.ok) return { preflight, refused: start.error };
      return { preflight, report: await untilEnd((start.value as BackupRunState).runId) };
    },
    async runPlan(plan, during) {
      await ok('plans.save', { plan });
      const preflight = await ok<Preflight>('backup.preflight', { name: plan.name });
      const start = await ok<BackupRunState>('backup.start', { name: plan.name, confirmCommands: preflight.commandsDigest });
      return untilEnd(start.runId, during);
    },
    async close() {
      await core.shutdown();
      rmSync(configDir, { recursive: true, force: true });
    },
  };
}

/** Nothing the app holds, no row frozen, and a real write to each mount completes. */
export async function expectAllThawed(t: BackupTestCore, mountpoints: readonly string[]): Promise<void> {
  if (t.core.frozenCount() !== 0) throw new Error(`the app still holds ${t.core.frozenCount()} filesystem(s) frozen`);
  const snapshot = await t.ok<MountsSnapshot>('mounts.list');
  for (const mountpoint of mountpoints) {
    const row = snapshot.mounts.find((m) => m.path === mountpoint);
    if (row && row.freeze.state !== 'thawed') throw new Error(`${mountpoint} is ${row.freeze.state}`);
    // In a child: a write to a frozen filesystem would block this test process itself.
    await run('sh', ['-c', `echo thawed > '${mountpoint}/.thaw-check' && sync -f '${mountpoint}'`], 15_000);
  }
}

export function eventsOf<E extends EventName>(t: BackupTestCore, event: E): Array<ContractEvents[E]> {
  return t.events.filter((e) => e.event === event).map((e) => e.payload as ContractEvents[E]);
}
