/**
 * The run marker: a run leaves `<configDir>/runs/<runId>.json` while it
 * runs and removes it with its report saved; a marker a dead main left
 * becomes, at the next start, a report (failed, untrustworthy,
 * RUN_INTERRUPTED) and what that run left half-written is removed.
 * Through createCore on seams (fake helper), with a temp config dir.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupPlanSchema } from '../../../../app/backup-schema';
import { noHoldSentence, type BackupPlanInput, type BackupReport, type BackupRunState, type Preflight, type ReportSummary } from '../../../../app/backup';
import { startTestCore, type TestCore } from '../../testing/core-harness';
import { idleDataMovers } from '../../testing/idle-data-movers';
import { markerOwnerAlive, selfIdentity, type RunMarker } from './run-marker';

const movers = idleDataMovers;

const RUN_ID = '20250102T030405Z-0ab12cd3';
const OTHER_RUN_ID = '20250102T030000Z-0ab12cd4';

/** The pid of a process that has exited (and been reaped). */
function deadPid(): number {
  return spawnSync('true').pid!;
}

describe('run markers', () => {
  let dir: string;
  let configDir: string;
  let t: TestCore | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ff-run-marker-'));
    configDir = join(dir, 'config');
  });
  afterEach(async () => {
    await t?.core.shutdown();
    t = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  const start = async (): Promise<TestCore> => (t = await startTestCore({ options: { configDir }, seams: { dataMovers: movers } }));
  const markerPath = (runId: string): string => join(configDir, 'runs', `${runId}.json`);

  function writeMarker(plan: BackupPlanInput, owner: Pick<RunMarker, 'mainPid' | 'mainStartTime' | 'bootId'>, runId = RUN_ID): void {
    const marker: RunMarker = {
      version: 1,
      runId,
      plan: backupPlanSchema.parse(plan),
      members: [{ mountpoint: '/srv/data', fsType: 'ext4', device: '/dev/sdb2', capture: 'frozen' }],
      startedAt: Date.parse('2025-01-02T03:04:05Z'),
      ...owner,
    };
    mkdirSync(join(configDir, 'runs'), { recursive: true });
    writeFileSync(markerPath(runId), JSON.stringify(marker));
  }

  it('tells a live main from a dead one, and from a reused pid (another start time)', async () => {
    const self = await selfIdentity();
    expect(self.mainStartTime).toMatch(/^[0-9]+$/);
    expect(await markerOwnerAlive(self)).toBe(true);
    expect(await markerOwnerAlive({ ...self, mainStartTime: '1' })).toBe(false);
    expect(await markerOwnerAlive({ ...self, bootId: 'another-boot' })).toBe(false);
    expect(await markerOwnerAlive({ ...self, mainPid: deadPid() })).toBe(false);
  });

  it('a marker a dead main left: reported interrupted at the next start, its partial files removed, the marker gone', async () => {
    const snapshots = join(dir, 'snapshots');
    const dest = join(dir, 'dest');
    const plan: BackupPlanInput = {
      version: 1,
      name: 'images',
      mounts: ['/srv/data'],
      method: 'image-clone',
      imageClone: { snapshotDir: snapshots },
      backup: { destination: dest },
    };
    const runDir = join(snapshots, 'images', RUN_ID);
    const partial = join(dest, `images-${RUN_ID}.partial`);
    // Not this run's, or not partial: left alone.
    const keep = [join(snapshots, 'images', OTHER_RUN_ID), join(dest, `images-${OTHER_RUN_ID}.partial`), join(dest, `images-${RUN_ID}`)];
    for (const d of [runDir, partial, ...keep]) mkdirSync(d, { recursive: true });
    writeFileSync(join(runDir, '0-disk.img'), 'half a clone');
    writeMarker(plan, { ...(await selfIdentity()), mainPid: deadPid() });

    const core = await start();
    // Listed at once, before it is settled.
    const listed = await core.ok<ReportSummary[]>('reports.list');
    expect(listed).toEqual([expect.objectContaining({ runId: RUN_ID, planName: 'images', method: 'image-clone', outcome: 'failed', trustworthy: false })]);
    await core.waitForEvent('reports.changed', (list) => list.some((r) => r.runId === RUN_ID));

    const report = await core.ok<BackupReport>('reports.get', { runId: RUN_ID });
    expect(report).toMatchObject({ outcome: 'failed', trustworthy: false, error: { code: 'RUN_INTERRUPTED' }, hold: null, startedAt: Date.parse('2025-01-02T03:04:05Z') });
    expect(report.error!.message).toMatch(/stopped during this run/);
    expect(report.untrustworthyReason).toMatch(/killed or the machine went down/);
    expect(report.timeline).toEqual([expect.objectContaining({ phase: 'preflight', outcome: 'ok' })]);
    // Its own partial files are what it discarded, never what retention removed (issue 12).
    expect(report.retention.removed).toEqual([]);
    expect(report.discarded?.sort()).toEqual([partial, runDir].sort());
    // It may have frozen before main died: the report does not say "Nothing was frozen".
    expect(report.freezeUnknown).toBe(true);
    expect(noHoldSentence(report)).toMatch(/^Whether anything was frozen is not known/);
    expect(existsSync(runDir) || existsSync(partial)).toBe(false);
    for (const d of keep) expect(existsSync(d)).toBe(true);
    expect(existsSync(markerPath(RUN_ID))).toBe(false);
    // Saved: a later start finds it on disk, and no marker to report again.
    const saved = JSON.parse(readFileSync(join(configDir, 'reports', `${RUN_ID}.json`), 'utf8')) as BackupReport;
    expect(saved.error?.code).toBe('RUN_INTERRUPTED');
    expect(core.logText()).toMatch(/run 20250102T030405Z-0ab12cd3 of plan "images" was interrupted/);
  });

  it('a marker of a main that still runs (this process) is left alone; a damaged one is removed', async () => {
    writeMarker({ version: 1, name: 'data', mounts: ['/srv/data'], method: 'manual' }, await selfIdentity());
    mkdirSync(join(configDir, 'runs'), { recursive: true });
    writeFileSync(markerPath(OTHER_RUN_ID), '{ not json');
    const core = await start();
    expect(await core.ok<ReportSummary[]>('reports.list')).toEqual([]);
    await expect.poll(() => existsSync(markerPath(OTHER_RUN_ID))).toBe(false);
    expect(existsSync(markerPath(RUN_ID))).toBe(true);
    expect(core.logText()).toMatch(/marker of run 20250102T030000Z-0ab12cd4 is damaged/);
  });

  it('a run writes its marker (0600) before its commands run, and removes it once its report is saved', async () => {
    const core = await start();
    const seen = join(dir, 'seen');
    // The command runs while frozen: it copies the marker (as the user, outside the config dir) to show it was there.
    const plan: BackupPlanInput = {
      version: 1,
      name: 'cmd',
      mounts: ['/srv/data'],
      method: 'command',
      preSync: false,
      command: { argv: ['sh', '-c', 'cp -p "$1/$FREEZEFRAME_RUN_ID.json" "$2"', 'snap', join(configDir, 'runs'), seen], timeoutMs: 5000 },
    };
    await core.ok('plans.save', { plan });
    const preflight = await core.ok<Preflight>('backup.preflight', { name: 'cmd' });
    const run = await core.ok<BackupRunState>('backup.start', { name: 'cmd', confirmCommands: preflight.commandsDigest });
    const end = await core.waitForEvent('backup.progress', (s) => s.runId === run.runId && s.status !== 'running', 10_000);
    expect(end.status).toBe('succeeded');
    expect(statSync(seen).mode & 0o777).toBe(0o600);
    const marker = JSON.parse(readFileSync(seen, 'utf8')) as RunMarker;
    expect(marker).toMatchObject({ version: 1, runId: run.runId, plan: { name: 'cmd', method: 'command' }, mainPid: process.pid, startedAt: run.startedAt });
    expect(readdirSync(join(configDir, 'runs'))).toEqual([]);
    expect((await core.ok<BackupReport>('reports.get', { runId: run.runId })).outcome).toBe('succeeded');
  });
});
