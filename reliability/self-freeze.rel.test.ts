/**
 * Self-freeze (issue 5, item 3): the filesystem holding the app's own config
 * (XDG_CONFIG_HOME), its log file and the helper binary is frozen through the
 * app, which needs the typed confirmation and then passes allowUnsafe (the
 * helper caps it at 30 s). The app must keep answering while its own disk is
 * frozen, hold its log lines in memory and lose none of them while it lives;
 * after a kill -9 while frozen, we count what was lost.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DANGEROUS_MAX_TIMEOUT_MS } from '../app/limits';
import { HELPER_PATH, rootTests } from '../testing/helper-harness';
import { LoopFixture, type LoopMount } from '../testing/loop-mounts';
import { fileSha256, sleep, startWriter, waitUntilBlocked } from '../testing/writer';
import { AppProcess } from './fixture/app-process';
import { LONG, printTable, record } from './fixture/results';

const LEASE_MS = 3000;
const CALLS = LONG ? 500 : 30;

describe.skipIf(!rootTests.ok)('self-freeze', () => {
  let fixture: LoopFixture;
  let own: LoopMount;
  let other: LoopMount;
  let configHome: string;
  let logFile: string;
  let helperCopy: string;

  beforeAll(async () => {
    fixture = await LoopFixture.create();
    own = await fixture.mount('ext4', { name: 'own' });
    other = await fixture.mount('ext4', { name: 'other' });
    configHome = join(own.mountpoint, 'config');
    mkdirSync(join(configHome, 'freezeframe'), { recursive: true });
    logFile = join(configHome, 'freezeframe', 'freezeframe.log');
    helperCopy = join(own.mountpoint, 'freezeframe-helper');
    copyFileSync(HELPER_PATH, helperCopy);
  });

  afterAll(async () => {
    await fixture?.cleanup();
    printTable('self-freeze');
  });

  const logLines = (): string[] => (existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').filter(Boolean) : []);
  const probeLines = (since: number): number => logLines().slice(since).filter((l) => l.includes(`freeze.probe ${other.mountpoint}: ok`)).length;

  /** CALLS rounds of three calls while frozen: each must answer; returns the slowest answer. */
  async function hammer(app: AppProcess, otherId: string): Promise<number> {
    let slowest = 0;
    for (let i = 0; i < CALLS; i++) {
      for (const [method, params] of [['mounts.list', {}], ['helper.status', {}], ['freeze.probe', { id: otherId }]] as const) {
        const t = performance.now();
        const r = await app.call(method, params, 5000);
        slowest = Math.max(slowest, performance.now() - t);
        if (!r.ok) throw new Error(`${method} failed while the app's disk was frozen: ${r.error.code} ${r.error.message}`);
      }
    }
    return slowest;
  }

  it('keeps answering while its own disk is frozen, and loses no log line while it lives', async () => {
    const app = await AppProcess.start({ configHome, logFile, helperPath: helperCopy, leaseMs: LEASE_MS });
    try {
      const row = await app.row(own.mountpoint);
      expect(row.danger.map((d) => d.kind).sort()).toEqual(['app-data', 'helper']);
      const otherId = (await app.row(other.mountpoint)).id;
      expect(await app.call('freeze.start', { id: row.id, timeoutMs: 20_000 })).toMatchObject({ ok: false, error: { code: 'DANGER_NOT_CONFIRMED' } });
      // Confirmed, but longer than the helper allows a dangerous filesystem: refused, and nothing frozen.
      const capped = await app.call('freeze.start', { id: row.id, timeoutMs: DANGEROUS_MAX_TIMEOUT_MS + 30_000, confirm: own.mountpoint });
      expect(capped).toMatchObject({
        ok: false,
        error: { code: 'TIMEOUT_OUT_OF_RANGE', message: expect.stringContaining(`at most ${DANGEROUS_MAX_TIMEOUT_MS / 1000} seconds`) },
      });
      expect((await app.row(own.mountpoint)).freeze.state).toBe('thawed');
      await sleep(200);
      const before = logLines().length;

      await app.ok('freeze.start', { id: row.id, timeoutMs: 20_000, confirm: own.mountpoint });
      const writer = startWriter(join(own.mountpoint, 'blocked.bin'));
      await waitUntilBlocked(writer);
      const slowest = await hammer(app, otherId);
      await sleep(2 * LEASE_MS); // outlive the lease: the app's heartbeats must still flow
      expect(writer.exited()).toBe(false);
      expect((await app.row(own.mountpoint)).freeze.state).toBe('frozen');
      expect(logLines().length).toBe(before); // nothing written to the frozen disk
      await app.ok('freeze.thaw', { id: row.id });
      expect(await writer.done).toBe(0);
      expect(fileSha256(writer.target)).toBe(writer.sha256);

      await sleep(500); // the buffered lines are written after the thaw, asynchronously
      const after = logLines().slice(before);
      expect(probeLines(before)).toBe(CALLS);
      expect(after.some((l) => l.includes('were dropped'))).toBe(false);
      expect(after.some((l) => l.includes(`freeze.start ${own.mountpoint}: ok`))).toBe(true);
      record({
        suite: 'self-freeze',
        cell: `own disk frozen (allowUnsafe), ${CALLS * 3} calls while frozen, held ${2 * LEASE_MS} ms past the lease`,
        samples: [slowest],
        bound: 'every call answered (slowest shown); lease not expired',
        outcome: `${after.length} log lines buffered and written after thaw, 0 lost, 0 dropped`,
      });
    } finally {
      await app.stop();
    }
  });

  it('after kill -9 while frozen, the helper thaws at once and the lines buffered since the freeze are lost', async () => {
    const app = await AppProcess.start({ configHome, logFile, helperPath: helperCopy, leaseMs: LEASE_MS });
    const row = await app.row(own.mountpoint);
    const otherId = (await app.row(other.mountpoint)).id;
    await app.ok('helper.start');
    await sleep(300);
    const before = logLines().length;
    await app.ok('freeze.start', { id: row.id, timeoutMs: 20_000, confirm: own.mountpoint });
    const writer = startWriter(join(own.mountpoint, 'killed.bin'));
    await waitUntilBlocked(writer);
    await hammer(app, otherId);
    const killedAt = performance.now();
    app.signal('SIGKILL');
    expect(await writer.done).toBe(0);
    const thawMs = performance.now() - killedAt;
    await app.exited;
    const survived = probeLines(before);
    const written = CALLS + 1; // the probes, and freeze.start's own line
    record({
      suite: 'self-freeze',
      cell: 'kill -9 of main while its own disk is frozen',
      samples: [thawMs],
      bound: 'client gone: 1.5 s',
      outcome: `${written - survived} of ${written} log lines since the freeze lost (all of them: they were in memory); the file itself intact`,
    });
    expect(thawMs).toBeLessThan(1500);
    expect(survived).toBe(0);
    expect(fileSha256(writer.target)).toBe(writer.sha256);
  });
});
