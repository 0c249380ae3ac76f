/**
 * The core end to end on a real kernel: createCore with the real helper
 * (direct, as root), the real mount table (findmnt --poll) and real statfs,
 * on a loop-mounted ext4 the fixture creates and always removes. Every
 * freeze here has a deadline of at most 5 s.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContractEvents, EventName } from '../../app/contract';
import type { FreezeInfo, FreezeWindow, HelperStatus, MountRow, MountsSnapshot } from '../../app/domain';
import { mountIdFor } from '../../app/schemas';
import { HELPER_PATH, rootTests } from '../../testing/helper-harness';
import { LoopFixture, type LoopMount } from '../../testing/loop-mounts';
import { run } from '../../testing/run-command';
import { fileSha256, startWriter, waitUntilBlocked } from '../../testing/writer';
import type { Core } from './api';
import { createCore } from './index';

describe.skipIf(!rootTests.ok)('createCore with the real helper on a loop-mounted ext4', () => {
  let fixture: LoopFixture;
  let mount: LoopMount;
  let core: Core;
  let appData: string;
  const events: Array<{ event: EventName; payload: unknown; at: number }> = [];
  const log: string[] = [];

  beforeAll(async () => {
    fixture = await LoopFixture.create();
    mount = await fixture.mount('ext4');
    appData = mkdtempSync(join(tmpdir(), 'freezeframe-core-int-'));
    core = await createCore(
      {
        frontDoor: 'web',
        appVersion: '0.0.0-int',
        helperPath: HELPER_PATH,
        development: true,
        appDataDirs: [appData],
        helperLimits: { leaseMs: 5000, maxTimeoutMs: 30_000, maxHoldMs: 60_000 },
      },
      { logSink: { write: async (text) => void log.push(text) } },
    );
    core.subscribe((event, payload) => events.push({ event, payload, at: performance.now() }));
  });

  afterAll(async () => {
    await core?.shutdown();
    await fixture?.cleanup();
    if (appData) rmSync(appData, { recursive: true, force: true });
    if (log.length) console.log(`core log:\n${log.join('')}`);
  });

  async function ok<T>(method: string, params: unknown = {}): Promise<T> {
    const result = await core.dispatch(method, params);
    if (!result.ok) throw new Error(`${method}: ${result.error.code}: ${result.error.message}`);
    return result.value as T;
  }

  async function waitForEvent<E extends EventName>(event: E, match: (p: ContractEvents[E]) => boolean, timeoutMs: number): Promise<{ payload: ContractEvents[E]; at: number }> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const found = events.find((e) => e.event === event && match(e.payload as ContractEvents[E]));
      if (found) return { payload: found.payload as ContractEvents[E], at: found.at };
      if (performance.now() > deadline) throw new Error(`no matching ${event} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  it('lists the fixture as ext4, freezable, not dangerous, with its size', async () => {
    const id = mountIdFor(mount.mountId);
    let row: MountRow | undefined;
    for (let i = 0; i < 100; i++) {
      row = (await ok<MountsSnapshot>('mounts.list')).mounts.find((m) => m.id === id);
      if (row?.size.state === 'ok') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(row).toMatchObject({ path: mount.mountpoint, fsType: 'ext4', majorMinor: mount.majorMinor, pseudo: false, freezable: true, danger: [], freeze: { state: 'thawed' } });
    expect(row!.size).toMatchObject({ state: 'ok', totalBytes: expect.any(Number) });
    // The root filesystem, by contrast, is marked.
    const root = (await ok<MountsSnapshot>('mounts.list')).mounts.find((m) => m.path === '/');
    expect(root?.danger.map((d) => d.kind)).toContain('root');
  });

  it('freezes: a write blocks, the writer is listed, the countdown runs; thaws: the write lands; one window ended by request', async () => {
    const id = mountIdFor(mount.mountId);
    const frozen = await ok<FreezeInfo>('freeze.start', { id, timeoutMs: 5000 });
    expect(frozen.state).toBe('frozen');
    expect(frozen.remainingMs).toBeGreaterThan(3000);
    expect(frozen.remainingMs).toBeLessThanOrEqual(5000);
    expect((await ok<HelperStatus>('helper.status')).state).toBe('running');
    expect(core.frozenCount()).toBe(1);

    const writer = startWriter(join(mount.mountpoint, 'payload.bin'));
    await waitUntilBlocked(writer);
    const withWriter = await waitForEvent('mount.updated', (r) => r.id === id && r.freeze.writers.some((w) => w.pid === writer.pid), 3000);
    expect(withWriter.payload.freeze.state).toBe('frozen');
    expect(withWriter.payload.freeze.remainingMs!).toBeLessThan(frozen.remainingMs!);

    const thawed = await ok<FreezeInfo>('freeze.thaw', { id });
    expect(thawed.state).toBe('thawed');
    expect(await writer.done).toBe(0);
    expect(fileSha256(writer.target)).toBe(writer.sha256);
    const history = await ok<FreezeWindow[]>('history.list');
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ path: mount.mountpoint, fsType: 'ext4', endedBy: 'request', timeoutMs: 5000 });
    expect(history[0]!.heldMs).toBeGreaterThan(0);
    expect(core.frozenCount()).toBe(0);
  });

  // Live, within a generous bound; how fast is a bench figure (mount -> row in the DOM, bench/app-live-bench.ts).
  it('a new mount appears, and an unmount disappears, via mounts.changed', async () => {
    const name = `appears-${process.pid}`;
    const t0 = performance.now();
    const tmpfs = await fixture.tmpfs(name);
    const added = await waitForEvent('mounts.changed', (s) => s.mounts.some((m) => m.path === tmpfs), 10_000);
    const row = added.payload.mounts.find((m) => m.path === tmpfs)!;
    expect(row).toMatchObject({ fsType: 'tmpfs', freezable: false, freeze: { state: 'unsupported' } });
    const appearMs = added.at - t0;

    const t1 = performance.now();
    await run('umount', [tmpfs]);
    const removed = await waitForEvent('mounts.changed', (s) => s.generation > added.payload.generation && !s.mounts.some((m) => m.path === tmpfs), 10_000);
    const disappearMs = removed.at - t1;
    console.log(`[figure] mount change -> mounts.changed: mount ${appearMs.toFixed(0)} ms, unmount ${disappearMs.toFixed(0)} ms (each including the mount/umount command itself)`);
  });
});
