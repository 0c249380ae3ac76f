/**
 * The freeze state machine, as the renderer sees it through the contract:
 * createCore with a FakeHelper that keeps a held table and writes events
 * before replies, like the real one.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FreezeInfo, FreezeWindow, HelperStatus, MountRow, MountsSnapshot, Notice } from '../../../app/domain';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HelperClient } from '../../helper/client';
import { HelperError } from '../../helper/helper-error';
import { FakeHelper } from '../testing/fake-helper';
import { DESKTOP_MOUNTINFO, startTestCore, type TestCore } from '../testing/core-harness';

let t: TestCore;
afterEach(async () => {
  await t?.core.shutdown();
});

const row = async (id: string): Promise<MountRow> => (await t.ok<MountsSnapshot>('mounts.list')).mounts.find((m) => m.id === id)!;

describe('freeze and thaw', () => {
  it('freezes, counts down on the monotonic clock, thaws, and records the window', async () => {
    t = await startTestCore();
    expect((await row('m50')).freeze).toEqual({ state: 'thawed', writers: [] });
    const info = await t.ok<FreezeInfo>('freeze.start', { id: 'm50', timeoutMs: 10_000 });
    expect(info).toMatchObject({ state: 'frozen', timeoutMs: 10_000 });
    expect(info.remainingMs).toBeGreaterThan(9000);
    expect(info.frozenAt).toBeGreaterThan(0);
    expect(t.helper().calls.find((c) => c.op === 'freeze')!.args).toEqual({ path: '/srv/data', timeoutMs: 10_000, mountId: 50 });
    // Both mounts of the superblock show it.
    expect((await row('m51')).freeze.state).toBe('frozen');
    expect(t.core.frozenCount()).toBe(1);

    await new Promise((r) => setTimeout(r, 250));
    const later = (await row('m50')).freeze.remainingMs!;
    expect(info.remainingMs! - later).toBeGreaterThanOrEqual(200);
    expect(info.remainingMs! - later).toBeLessThan(2000);

    expect(await t.ok<FreezeInfo>('freeze.thaw', { id: 'm51' })).toEqual({ state: 'thawed', writers: [] });
    expect(t.helper().calls.find((c) => c.op === 'thaw')!.args).toEqual({ mountId: 50 }); // named by what was frozen
    expect(t.core.frozenCount()).toBe(0);
    const history = await t.ok<FreezeWindow[]>('history.list');
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ path: '/srv/data', fsType: 'xfs', majorMinor: '7:0', timeoutMs: 10_000, endedBy: 'request' });
    expect(history[0]!.heldMs).toBeGreaterThanOrEqual(0);
    expect(t.events.filter((e) => e.event === 'notice')).toEqual([]);
  });

  it('sends mount.updated for the rows of that filesystem only, and keeps other rows identical', async () => {
    t = await startTestCore();
    const before = await t.ok<MountsSnapshot>('mounts.list');
    t.events.length = 0;
    await t.ok('freeze.start', { id: 'm50', timeoutMs: 5000 });
    const updated = t.events.filter((e) => e.event === 'mount.updated').map((e) => (e.payload as MountRow).id);
    expect(new Set(updated)).toEqual(new Set(['m50', 'm51']));
    const after = await t.ok<MountsSnapshot>('mounts.list');
    expect(after.mounts.find((m) => m.id === 'm28')).toBe(before.mounts.find((m) => m.id === 'm28'));
    expect(after.mounts.find((m) => m.id === 'm50')).not.toBe(before.mounts.find((m) => m.id === 'm50'));
  });

  it('says when it thawed by itself at its deadline', async () => {
    t = await startTestCore();
    await t.ok('freeze.start', { id: 'm50', timeoutMs: 5000 });
    t.helper().expire('7:0', 'deadline');
    const notice = await t.waitForEvent('notice');
    expect(notice).toMatchObject({ level: 'info', message: expect.stringMatching(/^\/srv\/data thawed by itself at its deadline/) });
    expect((await row('m50')).freeze.state).toBe('thawed');
    expect((await t.ok<FreezeWindow[]>('history.list'))[0]!.endedBy).toBe('deadline');
  });

  it('extends the deadline, and shows the helper’s refusal on the row', async () => {
    t = await startTestCore();
    await t.ok('freeze.start', { id: 'm50', timeoutMs: 2000 });
    const extended = await t.ok<FreezeInfo>('freeze.extend', { id: 'm51', timeoutMs: 20_000 });
    expect(extended.remainingMs).toBeGreaterThan(19_000);
    expect(extended.timeoutMs).toBe(20_000);
    // The timeline draws the deadline Extend set, not the first one.
    const [window] = await t.ok<FreezeWindow[]>('history.list');
    expect(window!.deadlineAt - Date.now()).toBeGreaterThan(19_000);
    expect(window!.deadlineAt - window!.frozenAt).toBeGreaterThan(window!.timeoutMs);
    t.helper().failNext.set('extend', new HelperError('HOLD_LIMIT', 'at most 100 ms more is allowed'));
    const refused = await t.call('freeze.extend', { id: 'm50', timeoutMs: 20_000 });
    expect(refused).toEqual({ ok: false, error: { code: 'HOLD_LIMIT', message: 'at most 100 ms more is allowed' } });
    expect((await row('m50')).freeze).toMatchObject({ state: 'frozen', lastError: { code: 'HOLD_LIMIT' } });
    await expect(t.call('freeze.extend', { id: 'm55', timeoutMs: 5000 })).resolves.toMatchObject({ error: { code: 'NOT_FROZEN' } });
  });

  it('an Extend that comes after the deadline thawed it says it is not frozen any more, not that someone else froze it', async () => {
    t = await startTestCore();
    await t.ok('freeze.start', { id: 'm50', timeoutMs: 5000 });
    t.helper().expire('7:0', 'deadline');
    await t.waitForEvent('mount.updated', (r) => r.id === 'm50' && r.freeze.state === 'thawed');
    const refused = await t.call('freeze.extend', { id: 'm50', timeoutMs: 20_000 });
    expect(refused).toMatchObject({ ok: false, error: { code: 'NOT_FROZEN', message: expect.stringMatching(/not frozen any more/) } });
  });

  it('is BUSY while another action on the same filesystem is in flight, and shows freezing meanwhile', async () => {
    t = await startTestCore();
    await t.ok('helper.start');
    let release: () => void = () => undefined;
    t.helper().gate = new Promise((r) => (release = r));
    const freezing = t.call('freeze.start', { id: 'm50', timeoutMs: 5000 });
    await t.waitForEvent('mount.updated', (r) => r.id === 'm50' && r.freeze.state === 'freezing');
    expect(await t.call('freeze.thaw', { id: 'm51' })).toMatchObject({ ok: false, error: { code: 'BUSY' } });
    const other = t.call('freeze.start', { id: 'm55', timeoutMs: 5000 }); // another filesystem is not BUSY
    release();
    expect(await freezing).toMatchObject({ ok: true, value: { state: 'frozen' } });
    expect(await other).toMatchObject({ ok: true, value: { state: 'frozen' } });
  }, 10_000);

  it('thaws everything it holds with thawAll', async () => {
    t = await startTestCore();
    await t.ok('freeze.start', { id: 'm50', timeoutMs: 5000 });
    await t.ok('freeze.start', { id: 'm55', timeoutMs: 5000 });
    expect(t.core.frozenCount()).toBe(2);
    expect((await t.ok<{ thawed: string[] }>('freeze.thawAll')).thawed.sort()).toEqual(['/srv/backup', '/srv/data']);
    expect(t.core.frozenCount()).toBe(0);
  });
});

describe('replies overtaken by events (found by the fault matrix)', () => {
  it('a thaw event read with the freeze reply is not undone by the reply (main stopped past its lease)', async () => {
    t = await startTestCore();
    await t.ok('helper.start');
    const fake = t.helper();
    const freeze = fake.freeze.bind(fake);
    // The event lands before the code awaiting the reply runs, as when both sit in one pipe read.
    fake.freeze = async (...args) => {
      const result = await freeze(...args);
      fake.expire('7:0', 'lease-expired');
      return result;
    };
    await t.call('freeze.start', { id: 'm50', timeoutMs: 5000 });
    expect((await row('m50')).freeze.state).toBe('thawed');
    expect(t.core.frozenCount()).toBe(0);
    expect((await t.ok<FreezeWindow[]>('history.list'))[0]!.endedBy).toBe('lease-expired');
    await t.ok('freeze.start', { id: 'm50', timeoutMs: 5000 }); // and the next freeze is not refused
  });

  it('a thaw that fails because the helper died leaves the row thawed, not frozen', async () => {
    t = await startTestCore();
    await t.ok('freeze.start', { id: 'm50', timeoutMs: 5000 });
    const fake = t.helper();
    fake.thaw = async () => {
      fake.die(null, 'SIGKILL');
      throw new HelperError('HELPER_EXITED', 'The freeze helper exited');
    };
    expect(await t.call('freeze.thaw', { id: 'm50' })).toMatchObject({ ok: false, error: { code: 'HELPER_EXITED' } });
    expect((await row('m50')).freeze.state).toBe('thawed');
    expect(t.core.frozenCount()).toBe(0);
  });

  it('NOT_HELD from a thaw of what we held means it is thawed already (its deadline or the guardian)', async () => {
    t = await startTestCore();
    await t.ok('freeze.start', { id: 'm50', timeoutMs: 5000 });
    t.helper().held.delete('7:0');
    t.helper().failNext.set('thaw', new HelperError('NOT_HELD', '/srv/data is not held'));
    expect(await t.call('freeze.thaw', { id: 'm50' })).toMatchObject({ ok: false, error: { code: 'NOT_HELD' } });
    expect((await row('m50')).freeze).toMatchObject({ state: 'thawed', lastError: { code: 'NOT_HELD' } });
    expect((await t.ok<FreezeWindow[]>('history.list'))[0]!.endedBy).toBe('external');
    await t.ok('freeze.start', { id: 'm50', timeoutMs: 5000 });
  });

  // The lines main read when it woke in the fault-matrix cell "main SIGSTOP
  // while freezing" (strace of the helper's writes): the freeze's event and
  // reply, the lease warning and the lease-expired thaw, all in one read,
  // through the real HelperClient (line splitter, reply resolution) from a
  // stand-in helper that writes them in one write.
  it('main stopped past its lease while freezing: the one read it wakes to leaves the row thawed, and it freezes again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'freezeframe-overtaken-'));
    try {
      const mount = '"mount":{"path":"/srv/data","mountId":50,"majorMinor":"7:0","fsType":"xfs","source":"/dev/loop0","options":"rw,relatime","readOnly":false}';
      const lines = (...l: string[]): string => `${l.join('\n')}\n`;
      // The recorded wake-up (@ID@: the freeze's id); later freezes: frozen and replied, as usual.
      writeFileSync(
        join(dir, 'wake'),
        lines(
          `{"type":"event","event":"frozen",${mount},"frozenAt":1000,"deadline":21000,"remainingMs":19999}`,
          `{"type":"reply","id":@ID@,"ok":true,${mount},"frozenAt":1000,"deadline":21000,"remainingMs":19999}`,
          '{"type":"event","event":"lease-warning","leaseDeadline":4000,"remainingMs":1499}',
          `{"type":"event","event":"thawed",${mount},"reason":"lease-expired","heldMs":2759}`,
        ),
      );
      writeFileSync(
        join(dir, 'freeze'),
        lines(`{"type":"event","event":"frozen",${mount},"frozenAt":1,"deadline":2,"remainingMs":5000}`, `{"type":"reply","id":@ID@,"ok":true,${mount},"frozenAt":1,"deadline":2,"remainingMs":5000}`),
      );
      writeFileSync(join(dir, 'status'), lines('{"type":"reply","id":@ID@,"ok":true,"frozen":[],"leaseDeadline":1,"guardian":{"pid":2,"alive":true}}'));
      writeFileSync(join(dir, 'writers'), lines('{"type":"reply","id":@ID@,"ok":true,"blocked":[]}'));
      writeFileSync(join(dir, 'thawAll'), lines('{"type":"reply","id":@ID@,"ok":true,"thawed":[]}'));
      writeFileSync(join(dir, 'other'), lines('{"type":"reply","id":@ID@,"ok":true,"leaseDeadline":1}'));
      const helper = join(dir, 'helper');
      writeFileSync(
        helper,
        `#!/bin/sh
cd "$(dirname "$0")"
echo '{"type":"hello","protocol":1,"helperVersion":"1.0.0","pid":1,"euid":0,"leaseMs":3000,"maxTimeoutMs":60000,"maxHoldMs":120000,"guardianPid":2}'
woke=
while IFS= read -r line; do
  id=$(printf '%s' "$line" | sed -n 's/.*"id":\\([0-9]*\\).*/\\1/p')
  case "$line" in
  *'"op":"freeze"'*) if [ -z "$woke" ]; then woke=1; f=wake; else f=freeze; fi ;;
  *'"op":"status"'*) f=status ;;
  *'"op":"writers"'*) f=writers ;;
  *'"op":"thawAll"'*) f=thawAll ;;
  *) f=other ;;
  esac
  sed "s/@ID@/$id/" "$f"
done
`,
      );
      chmodSync(helper, 0o755);
      t = await startTestCore({ startHelper: () => HelperClient.start({ helperPath: helper, euid: 0 }) });
      expect(await t.call('freeze.start', { id: 'm50', timeoutMs: 20_000 })).toMatchObject({ ok: true });
      expect((await row('m50')).freeze.state).toBe('thawed');
      expect(t.core.frozenCount()).toBe(0);
      expect((await t.ok<FreezeWindow[]>('history.list'))[0]).toMatchObject({ endedBy: 'lease-expired', heldMs: 2759 });
      expect(await t.ok<FreezeInfo>('freeze.start', { id: 'm50', timeoutMs: 5000 })).toMatchObject({ state: 'frozen' });
    } finally {
      await t?.core.shutdown(); // while the stand-in can still answer
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('frozen elsewhere, unsupported, dangerous', () => {
  it('learns "frozen elsewhere" only from a freeze or a probe the user asked for', async () => {
    t = await startTestCore();
    await t.ok('helper.start');
    t.helper().frozenElsewhere.add('7:0');
    await t.ok('mounts.list');
    expect((await row('m50')).freeze.state).toBe('thawed'); // no probing behind the user's back
    const refused = await t.call('freeze.start', { id: 'm50', timeoutMs: 5000 });
    expect(refused).toMatchObject({ ok: false, error: { code: 'FROZEN_ELSEWHERE' } });
    const info = (await row('m51')).freeze;
    expect(info).toMatchObject({ state: 'frozen-elsewhere', lastError: { code: 'FROZEN_ELSEWHERE' } });
    expect(info.elsewhereSince).toBeGreaterThan(0);

    // A thaw without force is not ours to do; with force it is, and the state clears.
    expect(await t.call('freeze.thaw', { id: 'm50' })).toMatchObject({ ok: false, error: { code: 'NOT_HELD' } });
    expect((await row('m50')).freeze.state).toBe('frozen-elsewhere');
    expect(await t.ok<FreezeInfo>('freeze.thaw', { id: 'm50', force: true })).toEqual({ state: 'thawed', writers: [] });

    // Someone freezes it again; the user probes: frozen elsewhere; they thaw it themselves; probe: thawed.
    t.helper().frozenElsewhere.add('7:0');
    expect(await t.ok('freeze.probe', { id: 'm50' })).toMatchObject({ frozen: true, intrusive: false, freeze: { state: 'frozen-elsewhere' } });
    t.helper().frozenElsewhere.delete('7:0');
    expect(await t.ok('freeze.probe', { id: 'm50' })).toMatchObject({ frozen: false, freeze: { state: 'thawed' } });
    expect(t.helper().calls.filter((c) => c.op === 'probe')).toHaveLength(2);
  });

  it('forgets "frozen elsewhere" when the filesystem is unmounted', async () => {
    t = await startTestCore();
    await t.ok('helper.start');
    t.helper().frozenElsewhere.add('8:33');
    await t.call('freeze.start', { id: 'm55', timeoutMs: 5000 });
    expect((await row('m55')).freeze.state).toBe('frozen-elsewhere');
    t.setMountinfo(DESKTOP_MOUNTINFO.replace(/^55 .*\n/m, ''));
    await t.waitForEvent('mounts.changed', (s) => !s.mounts.some((m) => m.id === 'm55'));
    t.setMountinfo(DESKTOP_MOUNTINFO);
    await t.waitForEvent('mounts.changed', (s) => s.mounts.some((m) => m.id === 'm55'));
    expect((await row('m55')).freeze.state).toBe('thawed');
  });

  it('tmpfs is unsupported without asking the helper; an unknown type becomes unsupported when the helper says so', async () => {
    t = await startTestCore({ mountinfo: `${DESKTOP_MOUNTINFO}60 28 0:90 / /tank zfs,rw - zfs tank rw\n` });
    expect(await row('m31')).toMatchObject({ fsType: 'tmpfs', freezable: false, freeze: { state: 'unsupported' } });
    expect(await t.call('freeze.start', { id: 'm31', timeoutMs: 5000 })).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED_FS' } });
    expect(t.starts()).toBe(0);
    expect(await row('m60')).toMatchObject({ freezable: true, freeze: { state: 'thawed' } });
    await t.ok('helper.start');
    t.helper().unsupported.add('0:90');
    expect(await t.call('freeze.start', { id: 'm60', timeoutMs: 5000 })).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED_FS' } });
    expect((await row('m60')).freeze.state).toBe('unsupported');
  });

  it('a dangerous filesystem needs its mountpoint typed, then goes to the helper with allowUnsafe and a 30 s cap', async () => {
    t = await startTestCore();
    const root = await row('m28');
    expect(root.danger.map((d) => d.kind)).toEqual(['root', 'tmp', 'var']); // /var/tmp and /var live on it
    const refused = await t.call('freeze.start', { id: 'm28', timeoutMs: 5000, confirm: '/srv' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'DANGER_NOT_CONFIRMED', message: expect.stringContaining('root filesystem') } });
    expect(t.starts()).toBe(0);
    const tooLong = await t.call('freeze.start', { id: 'm28', timeoutMs: 60_000, confirm: '/' });
    expect(tooLong).toMatchObject({ ok: false, error: { code: 'TIMEOUT_OUT_OF_RANGE', message: expect.stringContaining('at most 30 seconds') } });
    expect((await row('m28')).freeze.state).toBe('thawed');
    expect(await t.ok('freeze.start', { id: 'm28', timeoutMs: 3000, confirm: '/' })).toMatchObject({ state: 'frozen' });
    expect(t.helper().calls.filter((c) => c.op === 'freeze').pop()!.args).toEqual({ path: '/', timeoutMs: 3000, mountId: 28, allowUnsafe: true });
    // A filesystem with no marks never gets allowUnsafe.
    await t.ok('freeze.start', { id: 'm50', timeoutMs: 3000, confirm: '/srv/data' });
    expect(t.helper().calls.filter((c) => c.op === 'freeze').pop()!.args).not.toHaveProperty('allowUnsafe');
  });

  it('a remount between listing and freezing is MOUNT_CHANGED, and the table is read again', async () => {
    t = await startTestCore();
    t.setMountinfo(DESKTOP_MOUNTINFO.replace(/^50 28 7:0/m, '80 28 7:0'), { quiet: true });
    t.events.length = 0;
    expect(await t.call('freeze.start', { id: 'm50', timeoutMs: 5000 })).toMatchObject({ ok: false, error: { code: 'MOUNT_CHANGED' } });
    const snapshot = await t.waitForEvent('mounts.changed');
    expect(snapshot.mounts.map((m) => m.id)).toContain('m80');
    expect(t.helper().held.size).toBe(0);
  });
});

describe('blocked writers, helper supervision', () => {
  it('polls blocked writers once a second while anything is frozen, and only then', async () => {
    t = await startTestCore();
    await t.ok('freeze.start', { id: 'm50', timeoutMs: 5000 });
    t.helper().writersByPath.set('/srv/data', [{ pid: 4321, tid: 4322, comm: 'dd', syscall: 'write', path: '/srv/data/out.bin', wchan: 'percpu_rwsem_wait' }]);
    const updated = await t.waitForEvent('mount.updated', (r) => r.freeze.writers.length > 0);
    expect(updated.freeze.writers).toEqual([{ pid: 4321, tid: 4322, comm: 'dd', syscall: 'write', path: '/srv/data/out.bin' }]);
    await t.ok('freeze.thaw', { id: 'm50' });
    const polls = t.helper().calls.filter((c) => c.op === 'writers').length;
    await new Promise((r) => setTimeout(r, 150));
    expect(t.helper().calls.filter((c) => c.op === 'writers').length).toBe(polls);
    expect((await row('m50')).freeze.writers).toEqual([]);
  });

  it('when the helper dies: rows thaw, the window ends, the user is told, and the next action starts a new helper', async () => {
    t = await startTestCore();
    await t.ok('freeze.start', { id: 'm50', timeoutMs: 5000 });
    t.helper().die(null, 'SIGKILL');
    const status = await t.ok<HelperStatus>('helper.status');
    expect(status).toMatchObject({ state: 'exited', exitSignal: 'SIGKILL', message: expect.stringContaining('guardian thawed everything it held') });
    expect((await row('m50')).freeze.state).toBe('thawed');
    expect((await t.ok<FreezeWindow[]>('history.list'))[0]!.endedBy).toBe('helper-exited');
    expect(t.events.some((e) => e.event === 'notice' && (e.payload as Notice).level === 'error')).toBe(true);
    expect(t.core.frozenCount()).toBe(0);
    await t.ok('freeze.start', { id: 'm50', timeoutMs: 5000 });
    expect(t.starts()).toBe(2);
    expect((await t.ok<HelperStatus>('helper.status')).state).toBe('running');
  });

  it('takes over what a pre-started helper already holds', async () => {
    const preStarted = new FakeHelper([{ path: '/srv/data', mountId: 50, majorMinor: '7:0', fsType: 'xfs' }]);
    await preStarted.freeze('/srv/data', 30_000);
    t = await startTestCore({ options: { preStartedHelper: preStarted as never } });
    expect(await t.ok<HelperStatus>('helper.status')).toMatchObject({ state: 'running', pid: 4242 });
    expect((await row('m51')).freeze).toMatchObject({ state: 'frozen', timeoutMs: expect.any(Number) });
    expect((await t.ok<FreezeWindow[]>('history.list')).length).toBe(1);
    expect(t.starts()).toBe(0);
  });

  it('shutdown thaws everything and closes the helper', async () => {
    t = await startTestCore();
    await t.ok('freeze.start', { id: 'm55', timeoutMs: 5000 });
    expect((await row('m55')).freeze.state).toBe('frozen');
    await t.core.shutdown();
    expect(t.helper().calls.map((c) => c.op)).toContain('thawAll');
    expect(t.helper().running).toBe(false);
    expect(t.core.frozenCount()).toBe(0);
  });
});
