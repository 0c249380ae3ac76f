/**
 * The MariaDB preset against a real MariaDB (Debian's package) on loop
 * mounts the lab makes: the datadir on ext4, the binary log on xfs. Layout
 * discovery (and a DATA DIRECTORY table outside the group: a blocker
 * naming it), the hold hook holding BACKUP STAGE BLOCK_COMMIT (a commit
 * blocks while it holds and resumes when it lets go; the binlog position
 * it prints is the one at the cut; a killed session is found by `check`),
 * and a backup taken by the engine as it is under load, restored by the
 * restore check: recovered, CHECK TABLE clean, no acknowledged commit
 * lost, no hole.
 */
import { spawn } from 'node:child_process';
import { chownSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rootTests } from '../../../../testing/helper-harness';
import { clonesOf, holdOutput, imageClonePlan, stall, startBackupCore, whileFrozen, type BackupTestCore } from '../../../../testing/databases/engine-backup';
import { startHook } from '../../../../testing/databases/hook-process';
import { ids, makeLabMounts, MariadbLab, type LabMounts } from '../../../../testing/databases/lab-servers';
import { checkSequence, sequenceTableSql, SequenceWriter } from '../../../../testing/databases/sequence-writer';
import { parseMountinfo } from '../../mounts/mountinfo';
import { mariadbArgv } from './db-client';
import { checkGroup, proposeGroup } from './db-layout';
import { parseHookLine, type HookLine } from './hook-lines';
import { discoverMariadb } from './mariadb-layout';
import type { PresetError } from './preset-error';
import { mariadbHooks, PRESET_READY_LINE } from './preset-hooks';
import { restoreCheck } from './restore-check';

describe.skipIf(!rootTests.ok)('MariaDB preset on a real server', () => {
  let mounts: LabMounts;
  let lab: MariadbLab;

  beforeAll(async () => {
    mounts = await makeLabMounts();
    lab = new MariadbLab(mounts);
    await lab.start();
    await lab.sql(`USE lab; ${sequenceTableSql('seq')} ENGINE=InnoDB`);
  });

  afterAll(async () => {
    await lab?.stop();
    await mounts?.fixture.cleanup();
  });

  it('finds the datadir on ext4 and the binary log on xfs, and proposes both as the group', async () => {
    const layout = await discoverMariadb(lab.connection());
    expect(layout.versionNum).toBeGreaterThanOrEqual(100600);
    expect(layout.binlog).toBe(true);
    // InnoDB's logs, undo, system tablespace and Aria's log are in the datadir here: listed once, as data.
    expect(layout.paths.map((p) => [p.role, p.realPath, p.mount.mountpoint, p.mount.fsType])).toEqual([
      ['data', lab.dataDir, mounts.data.mountpoint, 'ext4'],
      ['binlog', lab.binlogDir, mounts.log.mountpoint, 'xfs'],
    ]);
    expect(layout.paths[1]!.name).toBe('mariadb-bin');
    expect(layout.serverOptions.innodb_page_size).toBe('16384');
    expect(proposeGroup(layout)).toEqual({ mounts: [mounts.data.mountpoint, mounts.log.mountpoint], blockers: [], warnings: [] });
  });

  it('a table with DATA DIRECTORY outside the group is a blocker naming its directory', async () => {
    const outside = await mounts.fixture.mount('ext4', { name: 'outside', imageDir: mounts.host.mountpoint });
    const [uid, gid] = ids('mysql');
    const dir = join(outside.mountpoint, 'tables');
    mkdirSync(dir);
    chownSync(dir, uid, gid);
    await lab.sql(`CREATE TABLE lab.far (n int PRIMARY KEY) ENGINE=InnoDB DATA DIRECTORY='${dir}'`);
    try {
      const layout = await discoverMariadb(lab.connection());
      const far = layout.paths.find((p) => p.role === 'table-file')!;
      expect([far.name, far.realPath, far.mount.mountpoint]).toEqual(['lab/far', join(dir, 'lab'), outside.mountpoint]);
      expect(proposeGroup(layout).mounts).toEqual([mounts.data.mountpoint, mounts.log.mountpoint, outside.mountpoint]);
      const records = parseMountinfo(readFileSync('/proc/self/mountinfo', 'utf8')).records;
      const blockers = checkGroup(layout, [mounts.data.mountpoint, mounts.log.mountpoint], records);
      expect(blockers.map((b) => [b.kind, b.role, b.path])).toEqual([['outside-group', 'table-file', join(dir, 'lab')]]);
      expect(blockers[0]!.message).toContain(`Add ${outside.mountpoint} to the group`);
    } finally {
      await lab.sql('DROP TABLE lab.far');
    }
  });

  it('connection failures are typed: no server on the socket, a user the server does not know', async () => {
    const unreachable = await discoverMariadb({ engine: 'mariadb', socket: join(mounts.fixture.dir, 'no.sock') }).catch((e: unknown) => e);
    expect((unreachable as PresetError).reason).toBe('DB_UNREACHABLE');
    const refused = await discoverMariadb({ ...lab.connection(), user: 'nobody_here' }).catch((e: unknown) => e);
    expect((refused as PresetError).reason).toBe('DB_AUTH_FAILED');
  });

  it('the hold hook holds BLOCK_COMMIT: a commit blocks until it lets go; the binlog line is the position at the cut', { timeout: 60_000 }, async () => {
    const [[file, position]] = (await lab.sql('SHOW MASTER STATUS')) as [[string, string]];
    const hook = startHook(mariadbHooks(lab.connection()).hold.argv);
    try {
      const binlog = await hook.waitFor('binlog');
      await hook.waitForLine(PRESET_READY_LINE);
      expect(binlog).toMatchObject({ kind: 'binlog', logBin: true, file, position: Number(position) });
      // A commit from another session waits for the lock.
      const insertStarted = Date.now();
      const insert = spawn('mariadb', ['--no-defaults', `--socket=${lab.socket}`, '-e', 'INSERT INTO lab.seq VALUES (99, 1)'], { stdio: 'ignore' });
      const insertDone = new Promise<[number | null, number]>((r) => insert.once('exit', (code) => r([code, Date.now()])));
      const early = await Promise.race([insertDone, new Promise((r) => setTimeout(() => r('blocked'), 1500))]);
      expect(early).toBe('blocked');
      hook.child.stdin.write('check\n');
      const alive = await hook.waitFor('alive');
      expect(alive).toMatchObject({ kind: 'alive', connection: (binlog as { connection: number }).connection });
      const releasedAt = Date.now();
      hook.child.stdin.end();
      const released = await hook.waitFor('released');
      expect(released).toMatchObject({ connection: (binlog as { connection: number }).connection });
      expect(await hook.exit).toBe(0);
      const [code, doneAt] = await insertDone;
      expect(code).toBe(0);
      expect(doneAt - releasedAt).toBeLessThan(5000);
      console.log(`[mariadb figures] a commit waited ${doneAt - insertStarted} ms behind BLOCK_COMMIT and finished ${doneAt - releasedAt} ms after the release`);
      // The commit went to the binlog after the cut.
      const [[, after]] = (await lab.sql('SHOW MASTER STATUS')) as [[string, string]];
      expect(Number(after)).toBeGreaterThan(Number(position));
    } finally {
      hook.child.kill('SIGTERM');
      await lab.sql('DELETE FROM lab.seq WHERE client = 99');
    }
  });

  it('a session killed while holding is found by check: the hook ends non-zero, no ALIVE line', { timeout: 60_000 }, async () => {
    const hook = startHook(mariadbHooks(lab.connection()).hold.argv);
    const binlog = (await hook.waitFor('binlog')) as Extract<HookLine, { kind: 'binlog' }>;
    await hook.waitForLine(PRESET_READY_LINE);
    await lab.sql(`KILL ${binlog.connection}`);
    hook.child.stdin.write('check\n');
    const code = await Promise.race([hook.exit, new Promise((r) => setTimeout(() => r('still running'), 10_000))]);
    expect(code).not.toBe(0);
    expect(code).not.toBe('still running');
    expect(hook.lines.map(parseHookLine).some((l) => l?.kind === 'alive')).toBe(false);
    // Its lock is gone with the session: a commit goes through at once.
    await lab.sql('INSERT INTO lab.seq VALUES (98, 1); DELETE FROM lab.seq WHERE client = 98');
  });

  it('the held session answers check while the group is frozen (helper client freeze, 5 s deadline)', { timeout: 60_000 }, async () => {
    const hook = startHook(mariadbHooks(lab.connection()).hold.argv);
    try {
      const binlog = (await hook.waitFor('binlog')) as Extract<HookLine, { kind: 'binlog' }>;
      await hook.waitForLine(PRESET_READY_LINE);
      const [alive, ms] = await whileFrozen([mounts.data.mountpoint, mounts.log.mountpoint], 5000, async () => {
        const asked = performance.now();
        hook.child.stdin.write('check\n');
        const a = await hook.waitFor('alive');
        return [a, performance.now() - asked] as const;
      });
      expect(alive).toMatchObject({ kind: 'alive', connection: binlog.connection });
      expect(ms).toBeLessThan(2000);
      hook.child.stdin.end();
      expect(await hook.exit).toBe(0);
      console.log(`[mariadb figures] check answered in ${Math.round(ms)} ms while frozen`);
    } finally {
      hook.child.kill('SIGTERM');
    }
  });

  it('a backup by the engine under load (4 sequence writers) restores: recovered, CHECK TABLE clean, no acknowledged commit lost, no hole', { timeout: 300_000 }, async () => {
    const conn = lab.connection();
    const layout = await discoverMariadb(conn);
    const hooks = mariadbHooks(conn);
    const t: BackupTestCore = await startBackupCore();
    const writer = SequenceWriter.start([...mariadbArgv(conn), '--database=lab'], 4, 'seq');
    try {
      await new Promise((r) => setTimeout(r, 1500));
      const plan = imageClonePlan({ name: 'mariadb-lab', mounts: proposeGroup(layout).mounts, snapshotDir: join(mounts.host.mountpoint, 'snapshots'), hooks });
      const report = await t.runPlan(plan);
      await new Promise((r) => setTimeout(r, 500));
      await writer.stop();
      expect(writer.errors()).toEqual([]);
      expect(report.error, JSON.stringify(report.timeline, null, 1)).toBeUndefined();
      expect(report.trustworthy).toBe(true);
      const hold = report.hold!;
      const lines = holdOutput(report).map(parseHookLine).filter((l): l is HookLine => l !== undefined);
      const binlog = lines.find((l) => l.kind === 'binlog') as Extract<HookLine, { kind: 'binlog' }>;
      expect(lines.find((l) => l.kind === 'released')).toMatchObject({ connection: binlog.connection });

      let rows: Array<[number, number]> = [];
      let binlogAtRestore: string[] = [];
      let gtidAtRestore = '';
      const result = await restoreCheck({
        layout,
        members: clonesOf(report),
        scratchParent: mounts.fixture.dir,
        timeoutMs: 180_000,
        inspect: async (sql) => {
          rows = (await sql('SELECT client, n FROM seq', 'lab')).map(([c, n]) => [Number(c), Number(n)]);
          binlogAtRestore = (await sql('SHOW BINARY LOGS')).map((r) => r[0]!);
          gtidAtRestore = (await sql('SELECT @@gtid_binlog_pos'))[0]![0]!;
        },
      });
      expect(result.errors).toEqual([]);
      expect(result.ok).toBe(true);
      expect(result.checked.join('\n')).toMatch(/mariadb-check --all-databases \(CHECK TABLE\): \d+ tables OK/);
      // The restored server reads the clone's binary log (its index repointed), which holds the cut's file.
      expect(binlogAtRestore).toContain(binlog.file);
      // The last transaction in the restored binlog is the one the hook saw at the cut: nothing committed while it held.
      expect(gtidAtRestore).toBe(binlog.gtid);

      const sequence = checkSequence(writer, rows, hold.frozenAt);
      expect(sequence.problems).toEqual([]);
      expect(sequence.perClient.every((c) => c.ackedBeforeCut > 0)).toBe(true);
      const during = stall(writer.latenciesBetween(report.quiesce.startedAt, hold.thawedAt + 1000));
      console.log(
        `[mariadb figures] held ${hold.heldMs} ms of ${hold.windowMs}; binlog at the cut ${binlog.file}:${binlog.position} gtid ${binlog.gtid}; recovery ${result.recoveryMs} ms, restore check ${result.totalMs} ms; ` +
          `commits acked ${writer.totalAcks()}, restored ${rows.length}, before the freeze ${sequence.perClient.reduce((s, c) => s + c.ackedBeforeCut, 0)}; ` +
          `commit latency during the backup: ${during.count} commits, p99 ${during.p99} ms, max ${during.max} ms`,
      );
    } finally {
      writer.kill();
      await t.close();
    }
  });
});
