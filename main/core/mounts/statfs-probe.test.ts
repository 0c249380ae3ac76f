/**
 * Sizes with a timeout. The real runner against this machine's own
 * filesystems, a real hung probe (a stand-in `stat` that sleeps on one
 * path: a process that does not answer, as a dead NFS server's statfs
 * would not), and the scheduling rules through a fake runner.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { MountSize } from '../../../app/domain';
import { SizeMonitor, statCommandRunner, type StatOutcome, type StatRunner } from './statfs-probe';

const dir = mkdtempSync(join(tmpdir(), 'freezeframe-statfs-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function collect(paths: string[], runner: StatRunner): Promise<Map<string, StatOutcome>> {
  const results = new Map<string, StatOutcome>();
  return runner(paths, (path, outcome) => results.set(path, outcome)).done.then(() => results);
}

describe('statCommandRunner (coreutils stat --file-system)', () => {
  it('reports sizes of real filesystems and failures by path, names with spaces and newlines included', async () => {
    const odd = join(dir, 'a name\nwith newline');
    writeFileSync(odd, '');
    const results = await collect(['/', '/proc', join(dir, 'missing'), odd], statCommandRunner());
    const root = results.get('/')!;
    expect(root).toMatchObject({ ok: true });
    if (root.ok) {
      expect(root.totalBytes).toBeGreaterThan(0);
      expect(root.usedBytes).toBeLessThanOrEqual(root.totalBytes);
      expect(root.availableBytes).toBeLessThanOrEqual(root.totalBytes);
    }
    expect(results.get('/proc')).toMatchObject({ ok: true, totalBytes: 0 });
    expect(results.get(join(dir, 'missing'))).toMatchObject({ ok: false, message: expect.stringMatching(/No such file/) });
    expect(results.get(odd)).toMatchObject({ ok: true });
  });
});

describe('SizeMonitor', () => {
  it('a path that hangs shows not-responding in about the timeout, stalls nothing else, and is not asked again while hung', async () => {
    // A stand-in for stat: answers like stat, but on a path containing "hung" it never returns.
    const fakeStat = join(dir, 'stat');
    writeFileSync(
      fakeStat,
      `#!/bin/sh
for p in "$@"; do case "$p" in --*) continue;; esac
  case "$p" in *hung*) echo "$$ $p" >> "$0.hung"; exec sleep 30;; esac
  printf '4096 100 40 30 %s\\0' "$p"
done
`,
    );
    chmodSync(fakeStat, 0o755);
    const changes: Array<[string, MountSize, number]> = [];
    const started = performance.now();
    const monitor = new SizeMonitor({
      runner: statCommandRunner(fakeStat),
      timeoutMs: 300,
      intervalMs: 60_000,
      onChange: (key, size) => changes.push([key, size, performance.now() - started]),
    });
    monitor.setTargets(
      new Map([
        ['8:1', '/srv/a'],
        ['0:50', '/mnt/hung-nfs'],
        ['8:2', '/srv/b'],
      ]),
    );
    monitor.refresh();
    await waitFor(() => monitor.get('0:50').state === 'not-responding');
    const hungAt = changes.find(([key]) => key === '0:50')![2];
    expect(hungAt).toBeGreaterThanOrEqual(300);
    expect(hungAt).toBeLessThan(2000); // batch deadline + its own deadline, and no more
    // /srv/b sat behind the hung path in the batch; it was asked again alone and answered.
    expect(monitor.get('8:1')).toEqual({ state: 'ok', totalBytes: 409600, usedBytes: 245760, availableBytes: 122880 });
    expect(monitor.get('8:2')).toMatchObject({ state: 'ok' });

    const hungProbes = (): number => readLines(`${fakeStat}.hung`).length;
    const before = hungProbes();
    monitor.refresh();
    monitor.refresh();
    await new Promise((r) => setTimeout(r, 700));
    expect(hungProbes()).toBe(before); // still hung: not asked again
    expect(monitor.get('0:50').state).toBe('not-responding');
    monitor.stop();
  });

  it('keeps the size object while nothing changed and reports a late answer', async () => {
    const pending = new Map<string, (o: StatOutcome) => void>();
    let runs = 0;
    const runner: StatRunner = (paths, onResult) => {
      runs++;
      let finish: () => void = () => undefined;
      const done = new Promise<void>((resolve) => (finish = resolve));
      for (const path of paths) {
        if (path === '/slow') {
          pending.set(path, (o) => {
            onResult(path, o);
            finish();
          });
        } else onResult(path, { ok: true, totalBytes: 10, usedBytes: 5, availableBytes: 5 });
      }
      if (!paths.includes('/slow')) finish();
      return { done, kill: () => undefined };
    };
    const changes: string[] = [];
    const monitor = new SizeMonitor({ runner, timeoutMs: 50, onChange: (key) => changes.push(key) });
    monitor.setTargets(new Map([['a', '/fast'], ['b', '/slow']]));
    monitor.refresh();
    await waitFor(() => monitor.get('b').state === 'not-responding');
    const fast = monitor.get('a');
    monitor.refresh();
    await new Promise((r) => setTimeout(r, 20));
    expect(monitor.get('a')).toBe(fast);
    expect(changes.filter((k) => k === 'a')).toHaveLength(1);
    // The server comes back: the lone probe's late answer lands, and /slow is asked again next time.
    pending.get('/slow')!({ ok: true, totalBytes: 7, usedBytes: 1, availableBytes: 6 });
    await waitFor(() => monitor.get('b').state === 'ok');
    const runsBefore = runs;
    monitor.refresh();
    await new Promise((r) => setTimeout(r, 20));
    expect(runs).toBeGreaterThan(runsBefore);
    monitor.stop();
  });

  it('forgets targets that are gone', async () => {
    const runner: StatRunner = (paths, onResult) => {
      for (const p of paths) onResult(p, { ok: false, message: 'Permission denied' });
      return { done: Promise.resolve(), kill() {} };
    };
    const monitor = new SizeMonitor({ runner, onChange: () => undefined });
    monitor.setTargets(new Map([['a', '/a']]));
    monitor.refresh();
    await waitFor(() => monitor.get('a').state === 'unavailable');
    monitor.setTargets(new Map([['b', '/b']]));
    expect(monitor.get('a')).toEqual({ state: 'pending' });
    monitor.stop();
  });
});

function readLines(path: string): string[] {
  try {
    return readFileSync(path, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

async function waitFor(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
