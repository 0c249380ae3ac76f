/**
 * dispatch as the adapters call it: every input validated, every failure a
 * Result (never a throw, never a stack), events to subscribers, and no
 * disk write from the log while anything is frozen.
 */
import { release, userInfo } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppInfo, MountsSnapshot } from '../../app/domain';
import { startTestCore, type TestCore } from './testing/core-harness';

let t: TestCore;
afterEach(async () => {
  await t?.core.shutdown();
});

describe('dispatch', () => {
  it('refuses unknown methods and malformed parameters with INVALID_ARGUMENT', async () => {
    t = await startTestCore();
    expect(await t.core.dispatch('mounts.delete', {})).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', message: expect.stringContaining('mounts.delete') } });
    expect(await t.core.dispatch('__proto__', {})).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    for (const params of [{ id: '/srv/data', timeoutMs: 5000 }, { id: 'm50', timeoutMs: 5 }, { id: 'm50', timeoutMs: 5000, path: '/' }, null, 'm50', [1]]) {
      const result = await t.core.dispatch('freeze.start', params);
      expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', message: expect.stringMatching(/^Invalid parameters for freeze.start: /) } });
    }
    expect(await t.core.dispatch('mounts.list', { extra: 1 })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(t.starts()).toBe(0);
  });

  it('accepts no params for methods that take none, and answers app.info', async () => {
    t = await startTestCore();
    const info = await t.core.dispatch('app.info', undefined);
    expect(info).toEqual({
      ok: true,
      value: {
        appVersion: '0.0.0-test',
        frontDoor: 'web',
        development: true,
        kernel: release(),
        nodeVersion: process.versions.node,
        helperSource: 'development',
    helperPath: '/opt/freezeframe/bin/freezeframe-helper',
        defaultTimeoutMs: 60_000,
        maxTimeoutMs: 900_000,
        plansDir: expect.stringMatching(/\/plans$/) as unknown as string,
        runsAs: { user: userInfo().username, uid: process.geteuid!() },
      } satisfies AppInfo,
    });
  });

  it('an id that is not in the table is UNKNOWN_MOUNT', async () => {
    t = await startTestCore();
    expect(await t.call('freeze.thaw', { id: 'm999' })).toMatchObject({ ok: false, error: { code: 'UNKNOWN_MOUNT' } });
  });

  it('an unexpected failure is INTERNAL, without its message or stack; the log has them', async () => {
    t = await startTestCore();
    await t.ok('helper.start');
    t.helper().freeze = async () => {
      throw new TypeError('cannot read properties of undefined (secret detail)');
    };
    const result = await t.call('freeze.start', { id: 'm50', timeoutMs: 5000 });
    expect(result).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'Something went wrong inside the app; the log has the details.' } });
    await new Promise((r) => setTimeout(r, 20));
    expect(t.logText()).toMatch(/freeze.start \/srv\/data: unexpected failure: TypeError: cannot read properties of undefined \(secret detail\)\n\s+at /);
  });

  it('lists mounts with sizes for real filesystems and none for pseudo ones', async () => {
    t = await startTestCore();
    await new Promise((r) => setTimeout(r, 20));
    const { mounts, generation } = await t.ok<MountsSnapshot>('mounts.list');
    expect(generation).toBe(1);
    expect(mounts.map((m) => m.path)).toContain('/srv/data');
    expect(mounts.find((m) => m.path === '/srv/data')!.size).toEqual({ state: 'ok', totalBytes: 1000, usedBytes: 400, availableBytes: 600 });
    expect(mounts.find((m) => m.path === '/proc')!.size).toMatchObject({ state: 'unavailable' });
  });

  it('the log writes nothing while a filesystem is frozen, and catches up after', async () => {
    t = await startTestCore();
    await t.ok('freeze.start', { id: 'm50', timeoutMs: 5000 });
    await new Promise((r) => setTimeout(r, 20));
    const before = t.logText();
    await t.call('freeze.probe', { id: 'm55' });
    await new Promise((r) => setTimeout(r, 20));
    expect(t.logText()).toBe(before);
    await t.ok('freeze.thaw', { id: 'm50' });
    await new Promise((r) => setTimeout(r, 20));
    expect(t.logText()).toMatch(/freeze.probe \/srv\/backup: ok\n[\s\S]*freeze.thaw \/srv\/data: ok/);
  });

  it('subscribers get contract events; unsubscribe stops them', async () => {
    t = await startTestCore();
    const seen: string[] = [];
    const off = t.core.subscribe((event) => seen.push(event));
    await t.ok('helper.start');
    await t.ok('freeze.start', { id: 'm50', timeoutMs: 5000 });
    off();
    await t.ok('freeze.thaw', { id: 'm50' });
    expect(seen).toEqual(expect.arrayContaining(['helper.changed', 'mount.updated', 'history.changed']));
    expect(seen.filter((e) => e === 'history.changed')).toHaveLength(1);
  });
});
