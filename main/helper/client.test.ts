/**
 * The client's launch and error mapping, with stand-ins for pkexec and the
 * helper (small shell scripts): what a real polkit prompt cannot do in a
 * test, the stand-in does through the same spawn path.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HelperClient } from './client';
import { helperArgv } from './launch';
import { ThreadpoolGate } from './threadpool-gate';

const dir = mkdtempSync(join(tmpdir(), 'freezeframe-client-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function script(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

const HELLO = (protocol = 1): string =>
  JSON.stringify({ type: 'hello', protocol, helperVersion: '1.0.0', pid: 1, euid: 0, leaseMs: 3000, maxTimeoutMs: 900000, maxHoldMs: 3600000, guardianPid: 2 });

/** A stand-in helper: greets, logs each line it reads, answers heartbeats. */
const recorder = script(
  'recording-helper',
  `echo '${HELLO()}'
while IFS= read -r line; do
  printf '%s\\n' "$line" >> "$0.log"
  id=$(printf '%s' "$line" | sed -n 's/.*"id":\\([0-9]*\\).*/\\1/p')
  echo "{\\"type\\":\\"reply\\",\\"id\\":$id,\\"ok\\":true,\\"leaseDeadline\\":1}"
done`,
);

describe('helper launch', () => {
  it('runs the helper directly as root and through pkexec otherwise, with an argv array', () => {
    expect(helperArgv({ helperPath: '/usr/lib/freezeframe/freezeframe-helper', euid: 0, leaseMs: 15000 })).toEqual({
      file: '/usr/lib/freezeframe/freezeframe-helper',
      args: ['--stdio', '--lease-ms', '15000'],
      mode: 'direct',
    });
    expect(helperArgv({ helperPath: '/usr/lib/freezeframe/freezeframe-helper', euid: 1000 })).toEqual({
      file: '/usr/bin/pkexec',
      args: ['/usr/lib/freezeframe/freezeframe-helper', '--stdio'],
      mode: 'pkexec',
    });
  });

  it('maps pkexec exit 126 to AUTH_DISMISSED and 127 to NOT_AUTHORIZED', async () => {
    const dismissed = script('pkexec-126', 'exit 126');
    const refused = script('pkexec-127', 'echo "Not authorized" >&2; exit 127');
    await expect(HelperClient.start({ helperPath: recorder, pkexecPath: dismissed, euid: 1000 })).rejects.toMatchObject({ code: 'AUTH_DISMISSED' });
    await expect(HelperClient.start({ helperPath: recorder, pkexecPath: refused, euid: 1000 })).rejects.toMatchObject({
      code: 'NOT_AUTHORIZED',
      message: expect.stringContaining('Not authorized'),
    });
  });

  it('says when pkexec or the helper is missing', async () => {
    await expect(HelperClient.start({ helperPath: recorder, pkexecPath: join(dir, 'no-pkexec'), euid: 1000 })).rejects.toMatchObject({ code: 'PKEXEC_MISSING' });
    await expect(HelperClient.start({ helperPath: join(dir, 'no-helper'), euid: 0 })).rejects.toMatchObject({ code: 'HELPER_MISSING' });
    await expect(HelperClient.start({ helperPath: 'relative/helper', euid: 0 })).rejects.toMatchObject({ code: 'HELPER_MISSING' });
  });

  it('passes the helper and its flags through pkexec unchanged', async () => {
    const pkexec = script('pkexec-ok', 'printf "%s\\n" "$@" > "$0.args"; exec "$@"');
    const client = await HelperClient.start({ helperPath: recorder, pkexecPath: pkexec, euid: 1000, leaseMs: 4000, heartbeat: false });
    expect(client.mode).toBe('pkexec');
    expect(readFileSync(`${pkexec}.args`, 'utf8').split('\n')).toEqual([recorder, '--stdio', '--lease-ms', '4000', '']);
    await client.close();
  });

  it('refuses a helper that speaks another protocol', async () => {
    const future = script('future-helper', `echo '${HELLO(2)}'; cat > /dev/null`);
    await expect(HelperClient.start({ helperPath: future, euid: 0 })).rejects.toMatchObject({ code: 'PROTOCOL_MISMATCH' });
  });

  it('rejects pending calls with HELPER_EXITED when the helper dies', async () => {
    const dying = script('dying-helper', `echo '${HELLO()}'; read -r line; echo "boom: out of luck" >&2; exit 9`);
    const client = await HelperClient.start({ helperPath: dying, euid: 0, heartbeat: false });
    const error = await client.status().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'HELPER_EXITED', details: { exitCode: 9 } });
    expect((error as Error).message).toContain('boom: out of luck');
    await expect(client.status()).rejects.toMatchObject({ code: 'HELPER_EXITED' });
  });

  it('sends nothing, heartbeats included, while the threadpool round trip is stuck', async () => {
    let release: () => void = () => undefined;
    let stuck = true;
    const gate = new ThreadpoolGate(() => (stuck ? new Promise<void>((resolve) => (release = resolve)) : Promise.resolve()));
    const client = await HelperClient.start({ helperPath: recorder, euid: 0, gate });
    const log = `${recorder}.log`;
    rmSync(log, { force: true });
    const call = client.heartbeat();
    await new Promise((r) => setTimeout(r, 1500)); // heartbeats are due every 1000 ms
    expect(() => readFileSync(log, 'utf8')).toThrow();
    stuck = false;
    release();
    await call;
    const sent = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { op: string });
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.every((m) => m.op === 'heartbeat')).toBe(true);
    await client.close();
  });
});
