/**
 * The backup methods of the fake api: plans kept in a map and checked with
 * the contract's schema (as main does), a pre-flight made from the plan, and
 * builders for run states and reports that tests adjust and emit.
 */
import { summarize, type BackupPlan, type BackupReport, type BackupRunState, type Preflight } from '../../app/backup';
import { backupPlanSchema } from '../../app/backup-schema';
import type { MethodName, Params, Result, ResultOf } from '../../app/contract';

type Handler<M extends MethodName> = (params: Params<M>) => Result<ResultOf<M>> | Promise<Result<ResultOf<M>>>;
export type BackupMethodName = Extract<MethodName, `plans.${string}` | `backup.${string}` | `reports.${string}`>;
export type BackupHandlers = { [M in BackupMethodName]: Handler<M> };

const ok = <T>(value: T): Result<T> => ({ ok: true, value });

export const RUN_ID = '20250101T120000Z-0123abcd';
export const DIGEST = 'a'.repeat(64);
const T0 = Date.UTC(2025, 0, 1, 12);

export function makeRunState(overrides: Partial<BackupRunState> = {}): BackupRunState {
  return {
    runId: RUN_ID,
    planName: 'nightly',
    method: 'image-clone',
    status: 'running',
    phase: 'freeze',
    startedAt: T0,
    quiesceRemainingMs: 55_000,
    holdRemainingMs: 9_000,
    quiesceWindowMs: 60_000,
    holdWindowMs: 10_000,
    frozenAt: T0 + 5_000,
    thawedAt: null,
    progress: null,
    checklist: [],
    writersBlocked: 0,
    error: null,
    ...overrides,
  };
}

export function makePreflight(plan: BackupPlan, overrides: Partial<Preflight> = {}): Preflight {
  const commands: Preflight['commands'] = [];
  if (plan.hooks.preFreeze) commands.push({ role: 'pre-freeze', argv: plan.hooks.preFreeze.argv, shell: plan.hooks.preFreeze.shell ?? false });
  if (plan.hooks.hold) commands.push({ role: 'hold', argv: plan.hooks.hold.argv, shell: plan.hooks.hold.shell ?? false });
  if (plan.command) commands.push({ role: 'command', argv: plan.command.argv, shell: plan.command.shell ?? false });
  if (plan.hooks.postThaw) commands.push({ role: 'post-thaw', argv: plan.hooks.postThaw.argv, shell: plan.hooks.postThaw.shell ?? false });
  return {
    members: plan.mounts.map((mountpoint, i) => ({
      mountpoint,
      fsType: i % 2 ? 'xfs' : 'ext4',
      device: `/dev/loop${i}`,
      mounted: true,
      freezable: true,
      danger: [],
      capture: 'frozen',
      ...(plan.method === 'image-clone' && { backingFile: `/var/img/fs${i}.img`, allocatedBytes: 64 << 20, reflink: false, estimatedCopyMs: 400 }),
    })),
    dirtyBytes: 3 << 20,
    steps: ['Sync each member', `Freeze ${plan.mounts.join(' and ')} together`, 'Take the snapshot', 'Thaw'],
    maxFrozenMs: plan.holdWindowMs,
    warnings: [],
    blockers: [],
    commands,
    commandsDigest: DIGEST,
    commandsConfirmed: commands.length === 0,
    approval: commands.length === 0 ? 'not-needed' : 'new',
    ...overrides,
  };
}

export function makeReport(plan: BackupPlan, overrides: Partial<BackupReport> = {}): BackupReport {
  return {
    version: 1,
    runId: RUN_ID,
    plan,
    startedAt: T0,
    endedAt: T0 + 9_000,
    outcome: 'succeeded',
    trustworthy: true,
    timeline: [
      { phase: 'sync', startedAt: T0, endedAt: T0 + 300, outcome: 'ok' },
      { phase: 'freeze', startedAt: T0 + 300, endedAt: T0 + 320, outcome: 'ok' },
      { phase: 'snapshot', startedAt: T0 + 320, endedAt: T0 + 1_500, outcome: 'ok' },
      { phase: 'thaw', startedAt: T0 + 1_500, endedAt: T0 + 1_510, outcome: 'ok' },
      { phase: 'verify', startedAt: T0 + 1_510, endedAt: T0 + 4_000, outcome: 'ok' },
      { phase: 'export', startedAt: T0 + 4_000, endedAt: T0 + 9_000, outcome: 'ok' },
    ],
    hold: { frozenAt: T0 + 300, thawedAt: T0 + 1_510, heldMs: 1_210, windowMs: plan.holdWindowMs, withinWindow: true },
    quiesce: { startedAt: T0, endedAt: T0 + 1_510, ms: 1_510, windowMs: plan.quiesceWindowMs, withinWindow: true },
    members: plan.mounts.map((mountpoint, i) => ({
      mountpoint,
      fsType: i % 2 ? 'xfs' : 'ext4',
      device: `/dev/loop${i}`,
      capture: 'frozen',
      snapshot: { kind: 'image', path: `/snap/fs${i}.img`, bytes: 64 << 20, reflinked: false },
    })),
    maxWritersBlocked: 2,
    hooks: [],
    verification: plan.mounts.map((mountpoint) => ({ mountpoint, tool: 'e2fsck', argv: ['e2fsck', '-fn', '/snap/fs0.img'], ok: true, exitCode: 0, output: 'clean' })),
    export: { directory: '/backup/nightly/run', manifest: 'SHA256SUMS', files: [{ path: 'fs0.img', bytes: 64 << 20, sha256: 'b'.repeat(64) }], bytes: 64 << 20, ms: 5_000 },
    retention: { removed: [] },
    host: { kernel: '6.8.0', appVersion: '0.1.0' },
    ...overrides,
  };
}

export const summaryOf = summarize;

/** Handlers over an in-memory plan store, as main would answer a well-formed session. */
export interface FakeBackupStore {
  plans: Map<string, BackupPlan>;
  reports: Map<string, BackupReport>;
}

export function createBackupHandlers(store: FakeBackupStore): BackupHandlers {
  const { plans, reports } = store;
  const fail = (code: 'PLAN_NOT_FOUND' | 'RUN_NOT_FOUND' | 'PLAN_INVALID', message: string): Result<never> => ({ ok: false, error: { code, message } });
  return {
    'plans.list': () => ok([...plans.values()]),
    'plans.save': ({ plan }) => {
      const parsed = backupPlanSchema.safeParse(plan);
      if (!parsed.success) {
        return fail('PLAN_INVALID', `Invalid parameters for plans.save: ${parsed.error.issues.map((i) => `plan.${i.path.join('.')}: ${i.message}`).join('; ')}`);
      }
      plans.set(parsed.data.name, parsed.data);
      return ok(parsed.data);
    },
    'plans.delete': ({ name }) => ok({ deleted: plans.delete(name) }),
    'backup.preflight': (params) => {
      const name = 'name' in params ? params.name : params.plan.name;
      const plan = plans.get(name);
      return plan ? ok(makePreflight(plan)) : fail('PLAN_NOT_FOUND', `no plan ${name}`);
    },
    'backup.start': (params) => {
      const name = 'name' in params ? params.name : params.plan.name;
      const plan = plans.get(name);
      if (!plan) return fail('PLAN_NOT_FOUND', `no plan ${name}`);
      return ok(makeRunState({ planName: name, method: plan.method, phase: 'preflight', frozenAt: null, holdRemainingMs: null, quiesceRemainingMs: plan.quiesceWindowMs }));
    },
    'backup.confirmSnapshot': ({ runId }) => ok(makeRunState({ runId, method: 'manual', phase: 'thaw' })),
    'backup.cancel': ({ runId }) => ok(makeRunState({ runId, status: 'cancelled', phase: 'thaw', holdRemainingMs: null, quiesceRemainingMs: null })),
    'backup.current': () => ok(null),
    'reports.list': () => ok([...reports.values()].map(summaryOf)),
    'reports.get': ({ runId }) => {
      const report = reports.get(runId);
      return report ? ok(report) : fail('RUN_NOT_FOUND', `no report ${runId}`);
    },
    'reports.export': ({ runId, format }) => {
      const report = reports.get(runId);
      if (!report) return fail('RUN_NOT_FOUND', `no report ${runId}`);
      return format === 'json'
        ? ok({ filename: `${runId}.json`, mime: 'application/json', text: JSON.stringify(report) })
        : ok({ filename: `${runId}.md`, mime: 'text/markdown', text: `# Backup ${report.plan.name}\n` });
    },
  };
}
