/**
 * Lines no well-behaved client sends: each gets its code, and none freezes
 * anything. Eight garbage lines in a row end the session.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RawHelper, rootTests } from '../../testing/helper-harness';
import { useLoopMounts } from '../../testing/shared-mounts';

describe.skipIf(!rootTests.ok)('protocol abuse', () => {
  const mounts = useLoopMounts({ ext4: 'ext4' });
  let raw: RawHelper;

  afterEach(async () => {
    await raw?.close();
  });

  async function fresh(): Promise<RawHelper> {
    raw = new RawHelper();
    await raw.waitLine((l) => l.type === 'hello');
    return raw;
  }

  const send = (h: RawHelper, message: unknown): void => h.write(`${JSON.stringify(message)}\n`);

  it('greets first with protocol 1 and its limits', async () => {
    const h = await fresh();
    expect(h.lines[0]).toMatchObject({ type: 'hello', protocol: 1, euid: 0, leaseMs: 5000, maxTimeoutMs: 30_000, maxHoldMs: 60_000 });
    expect((h.lines[0] as { guardianPid: number }).guardianPid).toBeGreaterThan(0);
  });

  it('each malformed request gets its code, with the id when it could be read', async () => {
    const h = await fresh();
    const cases: Array<[unknown, string]> = [
      [{ id: 1, op: 'freeze', path: mounts.ext4.mountpoint, timeoutMs: '60000' }, 'BAD_REQUEST'],
      [{ id: 2, op: 'freeze', path: 42, timeoutMs: 5000 }, 'BAD_REQUEST'],
      [{ id: 3, op: 'freeze', path: mounts.ext4.mountpoint }, 'BAD_REQUEST'],
      [{ id: 4, op: 'launchMissiles' }, 'UNKNOWN_OP'],
      [{ id: 5, op: 'freeze', path: mounts.ext4.mountpoint, timeoutMs: 0 }, 'TIMEOUT_OUT_OF_RANGE'],
      [{ id: 6, op: 'freeze', path: mounts.ext4.mountpoint, timeoutMs: -1 }, 'TIMEOUT_OUT_OF_RANGE'],
      [{ id: 7, op: 'freeze', path: mounts.ext4.mountpoint, timeoutMs: 1e300 }, 'BAD_REQUEST'],
      [{ id: 8, op: 'freeze', path: mounts.ext4.mountpoint, timeoutMs: 5000, extra: true }, 'BAD_REQUEST'],
      [{ id: 9, op: 'freeze', path: 'relative', timeoutMs: 5000 }, 'BAD_REQUEST'],
      [{ id: 10, op: 'freezeGroup', paths: [], timeoutMs: 5000 }, 'BAD_REQUEST'],
      [{ id: 11, op: 'thaw' }, 'BAD_REQUEST'],
      [{ id: 12, op: 'freeze', path: `${mounts.ext4.mountpoint}\u0000/x`, timeoutMs: 5000 }, 'BAD_REQUEST'],
      [{ id: 13, op: 'status', path: '/' }, 'BAD_REQUEST'],
      [{ id: 14, op: 'freezeGroup', paths: Array.from({ length: 65 }, () => mounts.ext4.mountpoint), timeoutMs: 5000 }, 'BAD_REQUEST'],
    ];
    for (const [message] of cases) send(h, message);
    h.write('{"id":15,"op":"freeze","path":"/x","timeoutMs":99999999999999999999999999}\n');
    for (const [message, code] of cases) {
      const id = (message as { id: number }).id;
      expect(await h.reply(id), `request ${JSON.stringify(message).slice(0, 80)}`).toMatchObject({ ok: false, error: { code } });
    }
    expect(await h.reply(15)).toMatchObject({ error: { code: 'TIMEOUT_OUT_OF_RANGE' } });
    send(h, { id: 99, op: 'status' });
    expect(await h.reply(99)).toMatchObject({ ok: true, frozen: [] });
  });

  it('a 70 KiB line, invalid JSON and invalid UTF-8 get id null; the session goes on', async () => {
    const h = await fresh();
    h.write(`{"id":1,"op":"probe","path":"/${'a'.repeat(70 * 1024)}"}\n`);
    h.write('{"id":2,"op":\n');
    h.write(Buffer.concat([Buffer.from('{"id":3,"op":"probe","path":"/x'), Buffer.from([0xff, 0xfe]), Buffer.from('"}\n')]));
    await h.waitLine(() => h.lines.filter((l) => (l as { id?: unknown }).id === null).length >= 3);
    const nulls = h.lines.filter((l) => (l as { id?: unknown }).id === null);
    expect(nulls).toHaveLength(3);
    for (const line of nulls) expect(line).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(JSON.stringify(nulls)).toMatch(/UTF-8/);
    send(h, { id: 4, op: 'heartbeat' });
    expect(await h.reply(4)).toMatchObject({ ok: true });
  });

  it('eight garbage lines in a row thaw everything and end the helper with status 3', async () => {
    const h = await fresh();
    send(h, { id: 1, op: 'freeze', path: mounts.ext4.mountpoint, timeoutMs: 20_000 });
    expect(await h.reply(1)).toMatchObject({ ok: true });
    for (let i = 0; i < 7; i++) h.write('garbage\n');
    send(h, { id: 2, op: 'heartbeat' }); // resets the count
    expect(await h.reply(2)).toMatchObject({ ok: true });
    for (let i = 0; i < 8; i++) h.write('not json at all\n');
    const thawed = await h.waitLine((l) => l.event === 'thawed');
    expect(thawed).toMatchObject({ reason: 'protocol-abuse' });
    expect(await h.exit).toBe(3);
  });
});
