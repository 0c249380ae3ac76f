/**
 * The audit trail: one line per freeze, extend and thaw reaches the system
 * log (/dev/log), also from the guardian. The helper runs in a private mount
 * namespace whose /dev/log is a datagram socket this test listens on, so the
 * machine's own log is left alone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HELPER_PATH, rootTests } from '../../testing/helper-harness';
import { LoopFixture, type LoopMount } from '../../testing/loop-mounts';
import { LineSplitter } from './line-splitter';

const LISTENER = `
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1]); os.chmod(sys.argv[1], 0o666)
print("ready", flush=True)
while True:
    print(s.recv(65536).decode("utf8", "replace").replace("\\n", " "), flush=True)
`;

describe.skipIf(!rootTests.ok)('audit lines in the system log', () => {
  let dir: string;
  let fixture: LoopFixture;
  let ext4: LoopMount;
  let listener: ChildProcess;
  const logLines: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'freezeframe-audit-'));
    writeFileSync(join(dir, 'listen.py'), LISTENER);
    listener = spawn('python3', [join(dir, 'listen.py'), join(dir, 'log.sock')], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => {
      const splitter = new LineSplitter((line) => (line === 'ready' ? resolve() : logLines.push(line)), () => undefined);
      listener.stdout!.on('data', (chunk: Buffer) => splitter.push(chunk));
    });
    fixture = await LoopFixture.create();
    ext4 = await fixture.mount('ext4');
  });

  afterAll(async () => {
    listener?.kill();
    await fixture?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  function helperWithPrivateLog(): ChildProcess {
    const setup = `mount -t tmpfs none /dev && mknod -m 666 /dev/null c 1 3 && touch /dev/log && mount --bind "$1" /dev/log && exec "$2" --stdio --lease-ms 5000`;
    const child = spawn('unshare', ['-m', '--propagation', 'private', 'sh', '-c', setup, 'sh', join(dir, 'log.sock'), HELPER_PATH], { stdio: ['pipe', 'pipe', 'inherit'] });
    child.stdout!.resume();
    return child;
  }

  async function waitForLog(pattern: RegExp, timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = logLines.find((l) => pattern.test(l));
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no audit line matching ${pattern}; got:\n${logLines.join('\n')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('freeze, extend and thaw each leave one line: who, what, why, how long', async () => {
    const helper = helperWithPrivateLog();
    const send = (m: object): boolean => helper.stdin!.write(`${JSON.stringify(m)}\n`);
    send({ id: 1, op: 'freeze', path: ext4.mountpoint, timeoutMs: 5000 });
    send({ id: 2, op: 'extend', path: ext4.mountpoint, timeoutMs: 5000 });
    send({ id: 3, op: 'thaw', path: ext4.mountpoint });
    const path = ext4.mountpoint.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const freeze = await waitForLog(new RegExp(`action=freeze uid=0 path="${path}".*reason=request`));
    expect(freeze).toMatch(/^<85>/); // authpriv.notice
    expect(freeze).toContain('freezeframe-helper[');
    await waitForLog(new RegExp(`action=extend .*path="${path}"`));
    expect(await waitForLog(new RegExp(`action=thaw .*path="${path}".*reason=request heldMs=\\d+`))).toContain(`dev=${ext4.majorMinor}`);
    helper.stdin!.end();
    await new Promise((r) => helper.once('exit', r));
  });

  it('the guardian writes its own line when it thaws for a dead helper', async () => {
    logLines.splice(0);
    const helper = helperWithPrivateLog();
    helper.stdin!.write(`${JSON.stringify({ id: 1, op: 'freeze', path: ext4.mountpoint, timeoutMs: 20_000 })}\n`);
    const path = ext4.mountpoint.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    await waitForLog(new RegExp(`action=freeze .*path="${path}"`));
    helper.kill('SIGKILL');
    expect(await waitForLog(new RegExp(`action=thaw .*path="${path}".*reason=guardian`))).toMatch(/^<85>/);
  });
});
