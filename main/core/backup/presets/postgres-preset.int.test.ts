/**
 * The PostgreSQL preset against a real PostgreSQL 15 (Debian's package) on
 * loop mounts the lab makes: the data on ext4, pg_wal on xfs. Layout
 * discovery (and a tablespace outside the group: a blocker naming it), the
 * typed connection failures, the held sessions, and a backup taken by the
 * engine as it is (image clones, the helper's group freeze) under load,
 * restored by the restore check: it recovers, pg_amcheck passes, and every
 * commit acknowledged before the freeze is there, with no hole.
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rootTests } from '../../../../testing/helper-harness';
import { run } from '../../../../testing/run-command';
import { clonesOf, holdOutput, imageClonePlan, stall, startBackupCore, whileFrozen, type BackupTestCore } from '../../../../testing/databases/engine-backup';
import { makeLabMounts, PG_BIN, PostgresLab, type LabMounts } from '../../../../testing/databases/lab-servers';
import { Pgbench, pgbenchInit } from '../../../../testing/databases/pgbench';
import { startHook } from '../../../../testing/databases/hook-process';
import { checkSequence, sequenceTableSql, SequenceWriter } from '../../../../testing/databases/sequence-writer';
import { psqlArgv } from './db-client';
import { checkGroup, proposeGroup, type DbLayout } from './db-layout';
import { compareLsn, parseHookLine, type HookLine } from './hook-lines';
import { parseMountinfo } from '../../mounts/mountinfo';
import { discoverPostgres, postgresMethod } from './postgres-layout';
import { keepBackupFiles } from './postgres-backup-files';
import { postgresHooks } from './preset-hooks';
import { PresetError } from './preset-error';
import { restoreCheck } from './restore-check';
import type { CloneMember } from './scratch-mounts';

describe.skipIf(!rootTests.ok)('PostgreSQL preset on a real server', () => {
  let mounts: LabMounts;
  let lab: PostgresLab;
  /** The clones of the run under load, for the restore check's failure cases. */
  let clones: CloneMember[] = [];
  let layoutUnderLoad: DbLayout;

  beforeAll(async () => {
    mounts = await makeLabMounts();
    lab = new PostgresLab(mounts);
    await lab.start();
  });

  afterAll(async () => {
    await lab?.stop();
    await mounts?.fixture.cleanup();
  });

  it('finds the data directory on ext4 and pg_wal (a symlink) on xfs, and proposes both as the group', async () => {
    const layout = await discoverPostgres(lab.connection());
    expect(layout.versionNum).toBeGreaterThanOrEqual(150000);
    expect(layout.paths.map((p) => [p.role, p.realPath, p.mount.mountpoint, p.mount.fsType])).toEqual([
      ['data', lab.dataDir, mounts.data.mountpoint, 'ext4'],
      ['wal', lab.walDir, mounts.log.mountpoint, 'xfs'],
    ]);
    expect(layout.paths[1]!.viaSymlink).toBe(true);
    expect(layout.privileges).toEqual({ checkpoint: true, backupStart: true });
    expect(postgresMethod(layout)).toBe('checkpoint-cut');
    expect(proposeGroup(layout)).toEqual({ mounts: [mounts.data.mountpoint, mounts.log.mountpoint], blockers: [], warnings: [] });
  });

  it('a tablespace outside the group is a blocker naming its path; one on tmpfs cannot be frozen at all', async () => {
    const outside = await mounts.fixture.mount('ext4', { name: 'outside', imageDir: mounts.host.mountpoint });
    const onTmpfs = await mounts.fixture.tmpfs('pg-tmpfs');
    const spaceDir = lab.tablespaceDir(outside.mountpoint, 'space');
    const tmpfsDir = lab.tablespaceDir(onTmpfs, 'space');
    await lab.sql(`CREATE TABLESPACE outside_space LOCATION '${spaceDir}'`);
    await lab.sql(`CREATE TABLESPACE tmpfs_space LOCATION '${tmpfsDir}'`);
    try {
      const layout = await discoverPostgres(lab.connection());
      expect(layout.paths.filter((p) => p.role === 'tablespace').map((p) => [p.name, p.path, p.mount.mountpoint])).toEqual([
        ['outside_space', spaceDir, outside.mountpoint],
        ['tmpfs_space', tmpfsDir, onTmpfs],
      ]);
      const proposal = proposeGroup(layout);
      expect(proposal.mounts).toEqual([mounts.data.mountpoint, mounts.log.mountpoint, outside.mountpoint]);
      expect(proposal.blockers.map((b) => [b.kind, b.path])).toEqual([['not-freezable', tmpfsDir]]);
      expect(proposal.blockers[0]!.message).toContain(tmpfsDir);

      const records = parseMountinfo(readFileSync('/proc/self/mountinfo', 'utf8')).records;
      const blockers = checkGroup(layout, [mounts.data.mountpoint, mounts.log.mountpoint], records);
      expect(blockers.map((b) => [b.kind, b.role, b.path, b.mountpoint])).toEqual([
        ['outside-group', 'tablespace', spaceDir, outside.mountpoint],
        ['outside-group', 'tablespace', tmpfsDir, onTmpfs],
      ]);
      expect(blockers[0]!.message).toMatch(new RegExp(`^${spaceDir} \\(tablespace\\) is on ${outside.mountpoint}, which the plan does not freeze`));
    } finally {
      await lab.sql('DROP TABLESPACE outside_space');
      await lab.sql('DROP TABLESPACE tmpfs_space');
    }
  });

  it('connection failures are typed: no server on the socket, a role that does not exist', async () => {
    const unreachable = await discoverPostgres({ engine: 'postgresql', socketDir: join(mounts.fixture.dir, 'nothing-here') }).catch((e: unknown) => e);
    expect(unreachable).toBeInstanceOf(PresetError);
    expect((unreachable as PresetError).reason).toBe('DB_UNREACHABLE');
    const refused = await discoverPostgres({ ...lab.connection(), user: 'no_such_role' }).catch((e: unknown) => e);
    expect((refused as PresetError).reason).toBe('DB_AUTH_FAILED');
    expect((refused as PresetError).code).toBe('PLAN_INVALID');
  });

  it('backup-start hold hook: ready once pg_backup_start returned, the label and WAL range when released', async () => {
    const hooks = postgresHooks(lab.connection(), 'backup-start', 15);
    const hook = startHook(hooks.hold.argv);
    const start = await hook.waitFor('backup-start');
    await hook.waitForLine('FREEZEFRAME-READY');
    expect(hooks.preFreeze).toBeUndefined();
    // The server is in backup mode now: a second non-exclusive backup elsewhere is fine, but this session's is on.
    const [[inBackup]] = (await lab.sql(`SELECT count(*) FROM pg_stat_activity WHERE pid = ${start.kind === 'backup-start' ? start.pid : 0} AND backend_type = 'client backend'`)) as [[string]];
    expect(inBackup).toBe('1');
    hook.child.stdin.write('check\n');
    const alive = await hook.waitFor('alive');
    expect(alive.kind === 'alive' && alive.pid).toBe(start.kind === 'backup-start' ? start.pid : -1);
    hook.child.stdin.end();
    const stop = await hook.waitFor('backup-stop');
    expect(await hook.exit).toBe(0);
    if (stop.kind !== 'backup-stop' || start.kind !== 'backup-start') throw new Error('unreachable');
    expect(stop.backupLabel).toContain(`START WAL LOCATION: ${start.lsn} (file ${start.walFile})`);
    expect(compareLsn(stop.lsn, start.lsn)).toBeGreaterThan(0);
    expect(stop.walFile >= start.walFile).toBe(true);
  });

  it('the observer session answers check while the group is frozen, and the WAL position it reports stands still (helper client freeze, 5 s deadline)', { timeout: 60_000 }, async () => {
    await lab.sql(sequenceTableSql('seq_frozen'));
    const hook = startHook(postgresHooks(lab.connection(), 'checkpoint-cut', 15).hold.argv);
    const writer = SequenceWriter.start(psqlArgv(lab.connection(), `${PG_BIN}/psql`), 2, 'seq_frozen');
    try {
      await hook.waitForLine('FREEZEFRAME-READY');
      await new Promise((r) => setTimeout(r, 300));
      const [first, second, askedMs] = await whileFrozen([mounts.data.mountpoint, mounts.log.mountpoint], 5000, async () => {
        const asked = performance.now();
        hook.child.stdin.write('check\n');
        const a = (await hook.waitFor('alive', 1)) as Extract<HookLine, { kind: 'alive' }>;
        const ms = performance.now() - asked;
        await new Promise((r) => setTimeout(r, 500)); // the writers keep trying to commit
        hook.child.stdin.write('check\n');
        const b = (await hook.waitFor('alive', 2)) as Extract<HookLine, { kind: 'alive' }>;
        return [a, b, ms] as const;
      });
      expect(askedMs).toBeLessThan(2000);
      expect(first.lsn).toBeDefined();
      expect(second.lsn).toBe(first.lsn); // nothing reaches the frozen WAL
      await new Promise((r) => setTimeout(r, 500)); // the writers' commits go through after the thaw
      hook.child.stdin.write('check\n');
      const after = (await hook.waitFor('alive', 3)) as Extract<HookLine, { kind: 'alive' }>;
      expect(writer.errors()).toEqual([]);
      expect(compareLsn(after.lsn!, first.lsn!)).toBeGreaterThan(0); // and it moves on after the thaw
      hook.child.stdin.end();
      expect(await hook.exit).toBe(0);
      console.log(`[pg figures] check answered in ${Math.round(askedMs)} ms while frozen; WAL write position at the cut ${first.lsn}`);
    } finally {
      writer.kill();
      hook.child.kill('SIGTERM');
    }
  });

  it('a backup by the engine under load (4 sequence writers + pgbench) restores: recovered, pg_amcheck clean, no acknowledged commit lost, no hole', { timeout: 300_000 }, async () => {
    await lab.sql(sequenceTableSql('seq_cut'));
    await pgbenchInit(lab.socketDir, 'lab');
    const conn = lab.connection();
    const layout = await discoverPostgres(conn);
    const hooks = postgresHooks(conn, postgresMethod(layout), 15);
    const t: BackupTestCore = await startBackupCore();
    const writer = SequenceWriter.start(psqlArgv(conn, `${PG_BIN}/psql`), 4, 'seq_cut');
    const pgbench = new Pgbench(lab.socketDir, 'lab', 2);
    try {
      await new Promise((r) => setTimeout(r, 1500)); // load running before the backup
      const plan = imageClonePlan({ name: 'pg-lab', mounts: proposeGroup(layout).mounts, snapshotDir: join(mounts.host.mountpoint, 'snapshots'), hooks });
      const report = await t.runPlan(plan);
      await new Promise((r) => setTimeout(r, 500));
      await writer.stop();
      await pgbench.stop();
      expect(writer.errors()).toEqual([]);
      expect(report.error, JSON.stringify(report.timeline, null, 1)).toBeUndefined();
      expect(report.trustworthy).toBe(true);
      const hold = report.hold!;
      const lines = holdOutput(report).map(parseHookLine).filter((l): l is HookLine => l !== undefined);
      const session = lines.find((l) => l.kind === 'session');
      const released = lines.find((l) => l.kind === 'released');
      expect(session && released).toBeTruthy();

      clones = clonesOf(report);
      layoutUnderLoad = layout;
      let rows: Array<[number, number]> = [];
      let history = 0;
      const result = await restoreCheck({
        layout,
        members: clonesOf(report),
        scratchParent: mounts.fixture.dir,
        timeoutMs: 180_000,
        inspect: async (sql) => {
          rows = (await sql('SELECT client, n FROM seq_cut', 'lab')).map(([c, n]) => [Number(c), Number(n)]);
          history = Number((await sql('SELECT count(*) FROM pgbench_history', 'lab'))[0]![0]);
        },
      });
      expect(result.errors).toEqual([]);
      expect(result.ok).toBe(true);
      expect(result.checked.join('\n')).toMatch(/pg_amcheck --all --heapallindexed: \d+ relations, \d+ pages: no corruption/);
      // The end of the WAL in the clone lies between the observer session's start and its release.
      expect(compareLsn(result.recoveredTo!, (session as { lsn: string }).lsn)).toBeGreaterThanOrEqual(0);
      expect(compareLsn(result.recoveredTo!, (released as { lsn: string }).lsn)).toBeLessThanOrEqual(0);

      const sequence = checkSequence(writer, rows, hold.frozenAt);
      expect(sequence.problems).toEqual([]);
      expect(sequence.perClient.every((c) => c.ackedBeforeCut > 0)).toBe(true);
      expect(history).toBeGreaterThan(0);
      const during = stall(writer.latenciesBetween(report.quiesce.startedAt, hold.thawedAt + 1000));
      console.log(
        `[pg figures] held ${hold.heldMs} ms of ${hold.windowMs}; recovery ${result.recoveryMs} ms to ${result.recoveredTo}, restore check ${result.totalMs} ms; ` +
          `commits acked ${writer.totalAcks()}, restored ${rows.length}, before the freeze ${sequence.perClient.reduce((s, c) => s + c.ackedBeforeCut, 0)}; ` +
          `commit latency during the backup: ${during.count} commits, p99 ${during.p99} ms, max ${during.max} ms; pgbench_history restored ${history}`,
      );
    } finally {
      writer.kill();
      await pgbench.stop().catch(() => undefined);
      await t.close();
    }
  });

  it('backup-start through the engine under load: the label and the WAL kept from start to stop restore it, no commit lost, no hole', { timeout: 300_000 }, async () => {
    const conn = lab.connection();
    const layout = await discoverPostgres(conn);
    const hooks = postgresHooks(conn, 'backup-start', 15);
    await lab.sql(sequenceTableSql('seq_backup_start'));
    const t: BackupTestCore = await startBackupCore();
    const writer = SequenceWriter.start(psqlArgv(conn, `${PG_BIN}/psql`), 4, 'seq_backup_start');
    try {
      await new Promise((r) => setTimeout(r, 1000));
      const report = await t.runPlan(imageClonePlan({ name: 'pg-backup-start', mounts: proposeGroup(layout).mounts, snapshotDir: join(mounts.host.mountpoint, 'snapshots'), hooks }));
      // What phase 2 does right after the release: keep the WAL range with the snapshot.
      const lines = holdOutput(report).map(parseHookLine);
      const start = lines.find((l) => l?.kind === 'backup-start') as Extract<HookLine, { kind: 'backup-start' }>;
      const stop = lines.find((l) => l?.kind === 'backup-stop') as Extract<HookLine, { kind: 'backup-stop' }>;
      expect(start && stop).toBeTruthy();
      const kept = await keepBackupFiles(lab.walDir, start, stop, join(mounts.host.mountpoint, 'kept', report.runId));
      await writer.stop();
      expect(writer.errors()).toEqual([]);
      expect(report.error).toBeUndefined();
      expect(kept.segments[0]).toBe(start.walFile);
      expect(kept.segments.at(-1)).toBe(stop.walFile);

      let rows: Array<[number, number]> = [];
      const result = await restoreCheck({
        layout,
        members: clonesOf(report),
        scratchParent: mounts.host.mountpoint,
        timeoutMs: 180_000,
        postgresBackup: kept,
        inspect: async (sql) => {
          rows = (await sql('SELECT client, n FROM seq_backup_start', 'lab')).map(([c, n]) => [Number(c), Number(n)]);
        },
      });
      expect(result.errors).toEqual([]);
      expect(result.serverLogTail).toMatch(/starting backup recovery|redo starts at/);
      expect(compareLsn(result.recoveredTo!, stop.lsn)).toBeGreaterThanOrEqual(0);
      const sequence = checkSequence(writer, rows, report.hold!.frozenAt);
      expect(sequence.problems).toEqual([]);
      console.log(`[pg figures] backup-start: held ${report.hold!.heldMs} ms; WAL kept ${kept.segments.length} segment(s) ${start.lsn}..${stop.lsn}; recovery ${result.recoveryMs} ms to ${result.recoveredTo}`);
    } finally {
      writer.kill();
      await t.close();
    }
  });

  it('restore check failures are typed and leave nothing mounted: a clone missing (RESTORE_UNSAFE), an empty WAL filesystem (RESTORE_START_FAILED)', { timeout: 120_000 }, async () => {
    expect(clones).toHaveLength(2);
    const scratchParent = join(mounts.fixture.dir, 'failures');
    mkdirSync(scratchParent);
    const missing = await restoreCheck({ layout: layoutUnderLoad, members: clones.filter((c) => c.fsType === 'ext4'), scratchParent, timeoutMs: 60_000 });
    expect(missing.ok).toBe(false);
    expect(missing.errors.map((e) => e.reason)).toEqual(['RESTORE_UNSAFE']);
    expect(missing.errors[0]!.message).toContain(lab.walDir);

    const empty = join(mounts.host.mountpoint, 'empty-wal.img');
    await run('truncate', ['-s', '320M', empty]);
    await run('mkfs.xfs', ['-q', '-f', empty]);
    const broken = await restoreCheck({ layout: layoutUnderLoad, members: clones.map((c) => (c.fsType === 'xfs' ? { ...c, image: empty } : c)), scratchParent, timeoutMs: 60_000 });
    expect(broken.ok).toBe(false);
    expect(broken.errors.map((e) => e.reason)).toEqual(['RESTORE_START_FAILED']);
    expect(broken.errors[0]!.detail).toMatch(/pg_wal|checkpoint/);

    expect(readdirSync(scratchParent)).toEqual([]);
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(scratchParent);
  });

  it('refuses an image that is attached already (a live filesystem), before mounting anything', async () => {
    const result = await restoreCheck({ layout: layoutUnderLoad, members: [{ image: mounts.data.image, fsType: 'ext4', sourceMountpoint: mounts.data.mountpoint }], scratchParent: mounts.fixture.dir, timeoutMs: 30_000 });
    expect(result.errors.map((e) => e.reason)).toEqual(['RESTORE_UNSAFE']);
    expect(result.errors[0]!.message).toContain('attached to a loop device already');
  });
});
