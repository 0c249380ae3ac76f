import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { running } from '../../../../testing/writer';
import { MAX_LINE_CHARS, runCommand } from './child-command';
import { HoldHook } from './hold-hook';

describe('runCommand (real child processes)', () => {
  let dir: string;
  beforeEach(() => void (dir = mkdtempSync(join(tmpdir(), 'ff-hooks-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('runs argv without a shell, streams lines by stream, keeps a tail, reports the exit', async () => {
    const lines: string[] = [];
    const outcome = await runCommand({
      argv: ['sh', '-c', 'echo one; echo two >&2; printf "no newline"; exit 3'],
      timeoutMs: 5000,
      onLine: (stream, text) => lines.push(`${stream}:${text}`),
    });
    expect(outcome).toMatchObject({ exitCode: 3, timedOut: false, terminated: false });
    expect(lines).toEqual(['stdout:one', 'stderr:two', 'stdout:no newline']);
    expect(outcome.tail).toBe('one\n! two\nno newline');
  });

  it('argv is not parsed by a shell unless asked: `shell: true` runs sh -c argv[0] with the rest as $1...', async () => {
    const plain = await runCommand({ argv: ['echo', '$HOME;', 'x'], timeoutMs: 5000 });
    expect(plain.tail).toBe('$HOME; x');
    const shell = await runCommand({ argv: ['echo "$1-$2" | tr a-z A-Z', 'ab', 'cd'], shell: true, timeoutMs: 5000 });
    expect(shell.tail).toBe('AB-CD');
  });

  it('passes the environment it is given', async () => {
    const outcome = await runCommand({ argv: ['sh', '-c', 'echo "$FREEZEFRAME_RUN_ID"'], env: { FREEZEFRAME_RUN_ID: 'r1' }, timeoutMs: 5000 });
    expect(outcome.tail).toBe('r1');
  });

  it('a timeout kills the whole process group, grandchildren too', async () => {
    const pidFile = join(dir, 'grandchild');
    const started = performance.now();
    const outcome = await runCommand({ argv: ['sh', '-c', `sleep 30 & echo $! > ${pidFile}; wait`], timeoutMs: 300 });
    expect(outcome.timedOut).toBe(true);
    expect(performance.now() - started).toBeLessThan(3000);
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    await new Promise((r) => setTimeout(r, 100));
    expect(running(grandchild)).toBe(false);
  });

  it('SIGKILL after 2 s for a command that ignores SIGTERM', async () => {
    const started = performance.now();
    const outcome = await runCommand({ argv: ['sh', '-c', 'trap "" TERM; while :; do sleep 0.1; done'], timeoutMs: 200 });
    expect(outcome.signal).toBe('SIGKILL');
    expect(performance.now() - started).toBeGreaterThan(2000);
  });

  it('an abort stops it as terminated, not timed out', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const outcome = await runCommand({ argv: ['sleep', '10'], timeoutMs: 5000, signal: controller.signal });
    expect(outcome).toMatchObject({ terminated: true, timedOut: false, signal: 'SIGTERM' });
  });

  it('a program that does not exist is a spawn error, not a hang', async () => {
    const outcome = await runCommand({ argv: [join(dir, 'missing')], timeoutMs: 5000 });
    expect(outcome.spawnError).toMatch(/ENOENT/);
    expect(outcome.exitCode).toBeNull();
  });

  it('cuts a line that never ends', async () => {
    const lines: string[] = [];
    await runCommand({ argv: ['sh', '-c', `head -c ${MAX_LINE_CHARS * 2 + 10} /dev/zero | tr '\\0' x`], timeoutMs: 5000, onLine: (_s, t) => lines.push(t) });
    expect(lines.map((l) => l.length)).toEqual([MAX_LINE_CHARS, MAX_LINE_CHARS, 10]);
  });
});

describe('HoldHook', () => {
  it('is ready when it prints its ready line; released by closing stdin', async () => {
    const hook = new HoldHook({ argv: ['sh', '-c', 'echo locking; echo READY; cat >/dev/null; echo let go'], readyLine: 'READY', readyTimeoutMs: 5000, releaseTimeoutMs: 2000 }, {}, () => undefined);
    expect(await hook.waitReady(5000)).toEqual({ ready: true });
    expect(hook.running).toBe(true);
    const outcome = await hook.release();
    expect(outcome).toMatchObject({ exitCode: 0, terminated: false });
    expect(outcome.tail).toContain('let go');
  });

  it('not ready in time: stopped, with the reason', async () => {
    const hook = new HoldHook({ argv: ['sleep', '30'], readyLine: 'READY', readyTimeoutMs: 300, releaseTimeoutMs: 1000 }, {}, () => undefined);
    const ready = await hook.waitReady(300);
    expect(ready).toEqual({ ready: false, why: 'it did not print "READY" within 300 ms' });
    expect((await hook.outcome).terminated).toBe(true);
  });

  it('ends before the ready line: not ready, says how it ended', async () => {
    const hook = new HoldHook({ argv: ['sh', '-c', 'exit 4'], readyLine: 'READY', readyTimeoutMs: 5000, releaseTimeoutMs: 1000 }, {}, () => undefined);
    expect(await hook.waitReady(5000)).toEqual({ ready: false, why: 'it ended before printing "READY" (exit 4)' });
  });

  it('ignores stdin closing: SIGTERM after releaseTimeoutMs', async () => {
    const hook = new HoldHook({ argv: ['sh', '-c', 'echo READY; exec sleep 30'], readyLine: 'READY', readyTimeoutMs: 5000, releaseTimeoutMs: 200 }, {}, () => undefined);
    await hook.waitReady(5000);
    const started = performance.now();
    const outcome = await hook.release();
    expect(outcome).toMatchObject({ terminated: true, signal: 'SIGTERM' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    expect(existsSync('/proc/self')).toBe(true);
  });
});
