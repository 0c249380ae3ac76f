/**
 * Hostile input through the Electron front door: every contract method
 * called by the main window's own frame with random and malformed payloads
 * (and extra arguments), and by foreign frames with valid ones, against the
 * real core on a recording fake helper. Every answer must be a Result with a
 * code from the closed set, nothing may throw, and nothing may be frozen.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { METHOD_NAMES, type Result } from '../../app/contract';
import { startTestCore, type TestCore } from '../core/testing/core-harness';
import { checkResult, hostileParams, prng } from '../../testing/hostile-payloads';

// The real module would try to download the Electron runtime; the adapter needs only the registry it is given.
vi.mock('electron', () => ({ ipcMain: {} }));
const { registerContractHandlers } = await import('./ipc-adapter');
const { methodChannel } = await import('./ipc-channels');

type Handler = (event: unknown, ...args: unknown[]) => Promise<Result<unknown>>;
const APP_PAGE = 'app://freezeframe/index.html';
const WINDOW_ID = 7;
const frame = (url: string, routingId = 1, parent: object | null = null) => ({ url, parent, processId: 3, routingId });
const ipcEvent = (senderFrame: ReturnType<typeof frame> | null, senderId = WINDOW_ID) => ({ sender: { id: senderId, mainFrame: frame(APP_PAGE) }, senderFrame });

describe('IPC adapter under hostile input', () => {
  let t: TestCore;
  const handlers = new Map<string, Handler>();

  beforeAll(async () => {
    // Wherever the backup engine keeps plans and reports, it is not the user's real config.
    process.env.XDG_CONFIG_HOME = mkdtempSync(join(tmpdir(), 'freezeframe-hostile-'));
    t = await startTestCore();
    const registry = { handle: (c: string, h: Handler) => void handlers.set(c, h), removeHandler: (c: string) => void handlers.delete(c) };
    registerContractHandlers(registry as never, t.core, () => ({ id: WINDOW_ID, isDestroyed: () => false, send: () => undefined }));
  });

  afterAll(async () => {
    await t?.core.shutdown();
  });

  it('answers random and malformed payloads for every method with typed errors, and freezes nothing', async () => {
    const rand = prng(0x5eed);
    const codes = new Map<string, number>();
    let calls = 0;
    for (const method of METHOD_NAMES) {
      const handler = handlers.get(methodChannel(method))!;
      for (const params of hostileParams(rand, 60)) {
        const reply = await handler(ipcEvent(frame(APP_PAGE)), params, 'extra', { more: true });
        calls++;
        expect(checkResult(reply), `${method} ${JSON.stringify(params)?.slice(0, 120)}`).toBeUndefined();
        if (!reply.ok) codes.set(reply.error.code, (codes.get(reply.error.code) ?? 0) + 1);
      }
    }
    expect(calls).toBeGreaterThan(METHOD_NAMES.length * 60);
    expect(codes.get('INVALID_ARGUMENT')).toBeGreaterThan(calls / 2);
    const started = t.starts() > 0 ? t.helper() : undefined;
    expect(started?.calls.filter((c) => c.op === 'freeze') ?? []).toEqual([]);
    expect(started?.held.size ?? 0).toBe(0);
    expect(t.events.filter((e) => e.event === 'mount.updated' && (e.payload as { freeze: { state: string } }).freeze.state !== 'thawed')).toEqual([]);
  });

  it('refuses valid calls from a foreign page, a subframe, another window or a gone frame before the core sees them', async () => {
    const id = (await t.ok<{ mounts: Array<{ id: string; path: string }> }>('mounts.list')).mounts.find((m) => m.path === '/srv/data')!.id;
    const startsBefore = t.starts();
    const callsBefore = t.starts() > 0 ? t.helper().calls.length : 0;
    const senders = [ipcEvent(frame('https://evil.example/')), ipcEvent(frame(APP_PAGE, 2, frame(APP_PAGE))), ipcEvent(frame(APP_PAGE), 99), ipcEvent(null), ipcEvent(frame('file:///tmp/index.html'))];
    for (const method of METHOD_NAMES) {
      for (const sender of senders) {
        const reply = await handlers.get(methodChannel(method))!(sender, { id, timeoutMs: 5000 });
        expect(reply).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
      }
    }
    expect(t.starts()).toBe(startsBefore); // no helper (re)started
    expect(t.starts() > 0 ? t.helper().calls.length : 0).toBe(callsBefore); // and not one helper call
  });
});
