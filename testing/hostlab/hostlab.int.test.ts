/**
 * The host lab itself, against real sshd, real namespaces and real loop
 * mounts: each `ssh -F <lab config> hN` lands in host N and nowhere else;
 * ssh refuses a changed host key; BatchMode fails authentication without
 * prompting; a partition stalls a live session until ServerAlive gives up,
 * and heal resumes it; a host without the helper answers 127; close()
 * leaves nothing behind. Nothing is frozen here.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMountLines } from '../mountinfo-lite';
import { percentile } from '../stats';
import { outputSync } from './exec';
import { DEFAULT_HELPER_DIR, HostLab, hostLabRequirements } from './lab';
import { labNetnsNames } from './lab-state';
import { userExists } from './lab-users';
import { isAlive, netnsIdentity, pidsIn } from './processes';
import { collectLines, sleep } from './test-support';

const can = ((): { ok: boolean; why: string } => {
  const lab = hostLabRequirements();
  if (lab.ok && !existsSync(join(DEFAULT_HELPER_DIR, 'freezeframe-helper'))) return { ok: false, why: 'helper not built (make -C native-helper)' };
  return lab;
})();
if (!can.ok) console.warn(`\n*** NOT RUN: host lab tests: ${can.why} ***\n`);

const FILESYSTEMS = { h1: 'ext4', h2: 'xfs', h3: 'btrfs' } as const;

describe.skipIf(!can.ok)('a lab of three SSH hosts', () => {
  let lab: HostLab;
  let askpassDir: string;

  beforeAll(async () => {
    lab = await HostLab.create({
      hosts: [
        { name: 'h1', filesystems: ['ext4'] },
        { name: 'h2', filesystems: ['xfs'] },
        { name: 'h3', filesystems: ['btrfs'], helper: false },
      ],
    });
    askpassDir = mkdtempSync(join(tmpdir(), 'freezeframe-askpass-'));
  });

  afterAll(async () => {
    await lab?.close();
    if (askpassDir) rmSync(askpassDir, { recursive: true, force: true });
  });

  it('ssh hN runs in host N: its hostname, its own filesystems and /run/freezeframe, only its loopback', async () => {
    for (const host of lab.hosts) {
      const fs = FILESYSTEMS[host.name as keyof typeof FILESYSTEMS];
      const r = await lab.ssh(host.name, "hostname; echo --; findmnt -rn -o TARGET,FSTYPE,SOURCE,ID | grep ' /dev/loop'; echo --; ls /srv; echo --; ip -o link show | awk -F': ' '{print $2}'");
      expect(r.code, r.stderr).toBe(0);
      const [hostname, mounts, srv, links] = r.stdout.split('--\n').map((part) => part.trim().split('\n'));
      const mount = host.mounts[0]!;
      expect(hostname).toEqual([host.name]);
      // Its own filesystem is the only loop mount it has: no other host's, no other test's.
      expect(mounts).toEqual([`/srv/${fs} ${fs} ${mount.device} ${mount.mountId}`]);
      expect(srv).toEqual([fs]);
      expect(links).toEqual(['lo']);
    }
    // Each host's service directory is its own: a file made on h1 is seen nowhere else.
    expect((await lab.ssh('h1', 'touch /run/freezeframe/mark && ls /run/freezeframe')).stdout.trim()).toBe('mark');
    expect((await lab.ssh('h2', 'ls -A /run/freezeframe')).stdout.trim()).toBe('');
    expect(existsSync('/run/freezeframe/mark')).toBe(false);
    // And the controller sees none of the hosts' filesystems.
    const devices = new Set(lab.hosts.flatMap((h) => h.mounts.map((m) => m.device)));
    expect(readMountLines().filter((m) => devices.has(m.source))).toEqual([]);
  });

  it('runOn enters the same host without SSH', async () => {
    const r = await lab.runOn('h2', ['sh', '-c', 'hostname; findmnt -rn -o FSTYPE /srv/xfs']);
    expect(r.stdout.trim().split('\n')).toEqual(['h2', 'xfs']);
  });

  it('freezeframe-helper is on PATH where installed, for root and the host user; missing, it exits 127', async () => {
    const installed = await lab.ssh('h1', 'command -v freezeframe-helper && freezeframe-helper --version');
    expect(installed.code, installed.stderr).toBe(0);
    expect(installed.stdout).toMatch(/^\/usr\/local\/bin\/freezeframe-helper\nfreezeframe-helper \d/);
    const asUser = await lab.ssh(`${lab.host('h2').user.name}@h2`, 'id -u; freezeframe-helper --version');
    expect(asUser.code, asUser.stderr).toBe(0);
    expect(asUser.stdout.split('\n')[0]).toBe(String(lab.host('h2').user.uid));

    const missing = await lab.ssh('h3', 'freezeframe-helper --relay');
    expect(missing.code).toBe(127);
    expect(missing.stderr).toMatch(/freezeframe-helper: (command )?not found/);

    await lab.setHelper('h1', false);
    expect((await lab.ssh('h1', 'freezeframe-helper --relay')).code).toBe(127);
    await lab.setHelper('h1', DEFAULT_HELPER_DIR);
    expect((await lab.ssh('h1', 'freezeframe-helper --version')).code).toBe(0);
  });

  it('a changed host key is refused with the fingerprint; an unknown one too; trusting it again lets ssh in', async () => {
    const before = lab.host('h2').hostKeyFingerprint;
    const fingerprint = await lab.changeHostKey('h2');
    expect(fingerprint).not.toBe(before);
    const changed = await lab.ssh('h2', 'true');
    expect(changed.code).toBe(255);
    expect(changed.stderr).toContain('REMOTE HOST IDENTIFICATION HAS CHANGED');
    expect(changed.stderr).toContain(fingerprint);
    expect(changed.stderr).toContain('Host key verification failed.');
    expect((await lab.ssh('h1', 'true')).code).toBe(0); // other hosts are untouched

    lab.forgetHostKey('h2');
    const unknown = await lab.ssh('h2', 'true');
    expect(unknown.code).toBe(255);
    expect(unknown.stderr).toMatch(/No ED25519 host key is known for h2/);
    expect(unknown.stderr).toContain('Host key verification failed.');

    lab.trustHostKey('h2');
    expect((await lab.ssh('h2', 'true')).code).toBe(0);
  });

  it('BatchMode: authentication fails at once, without the password prompt the same call would show', async () => {
    const askpass = join(askpassDir, 'askpass');
    const asked = join(askpassDir, 'asked');
    writeFileSync(askpass, `#!/bin/sh\nprintf '%s\\n' "$1" >> ${asked}\nexit 1\n`, { mode: 0o755 });
    const env = { ...process.env, SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force' };
    lab.authorize('h1', 'root', false);
    try {
      const batch = await lab.ssh('h1', 'true', { env, timeoutMs: 30_000 });
      expect(batch.code).toBe(255);
      expect(batch.stderr).toContain('Permission denied (publickey,password)');
      expect(batch.timedOut).toBe(false);
      expect(existsSync(asked)).toBe(false);

      const interactive = await lab.ssh('h1', 'true', { env, timeoutMs: 30_000, sshArgs: ['-o', 'BatchMode=no', '-o', 'NumberOfPasswordPrompts=1'] });
      expect(interactive.code).toBe(255);
      expect(readFileSync(asked, 'utf8')).toContain("root@h1's password:");
    } finally {
      lab.authorize('h1', 'root', true);
    }
    expect((await lab.ssh('h1', 'true')).code).toBe(0);
  });

  it('a partition stalls a live `ssh h1 cat` (no reset) until ServerAlive gives up; new connects hang; h2 carries on', async () => {
    const session = lab.spawnSsh('h1', 'cat');
    const out = collectLines(session.stdout);
    let stderr = '';
    session.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => session.on('exit', (code) => resolve(code)));
    session.stdin.write('one\n');
    await out.waitFor('one', 20_000);

    try {
      await lab.partition('h1');
      const partitionedAt = performance.now();
      expect(await lab.isPartitioned('h1')).toBe(true);
      session.stdin.write('two\n');
      // ServerAlive (1 s x 3) cannot end the session before about 3 s: until
      // then a reset would show as an early exit, a stall as silence.
      await sleep(1500);
      expect(out.lines).toEqual(['one']);
      expect(session.exitCode).toBeNull();

      expect((await lab.ssh('h2', 'true')).code).toBe(0);
      const connect = await lab.ssh('h1', 'true', { sshArgs: ['-o', 'ConnectTimeout=2'] });
      expect(connect.code).toBe(255);
      expect(connect.stderr).toContain('Connection timed out during banner exchange');

      const code = await exited;
      const noticedMs = performance.now() - partitionedAt;
      expect(code).toBe(255);
      expect(stderr).toContain('Timeout, server h1 not responding.');
      expect(noticedMs).toBeGreaterThan(2000);
      expect(noticedMs).toBeLessThan(1000 * (3 + 1) + 6000); // interval x (count + 1), and slack for a busy machine
    } finally {
      await lab.heal('h1');
      session.kill();
    }
  });

  it('heal brings the link back: a stalled session resumes with its data, new connections work', async () => {
    const session = lab.spawnSsh('h1', 'cat', ['-o', 'ServerAliveCountMax=60']);
    const out = collectLines(session.stdout);
    const exited = new Promise<number | null>((resolve) => session.on('exit', (code) => resolve(code)));
    session.stdin.write('one\n');
    await out.waitFor('one', 20_000);
    await lab.partition('h1');
    session.stdin.write('two\n');
    await sleep(1000);
    expect(out.lines).toEqual(['one']);
    await lab.heal('h1');
    expect(await lab.isPartitioned('h1')).toBe(false);
    await out.waitFor('two', 20_000); // TCP retransmits (back-off ~1.6 s by now) deliver it
    expect((await lab.ssh('h1', 'echo fresh')).stdout).toBe('fresh\n');
    session.stdin.end();
    expect(await exited).toBe(0);
  });

  it('measures ssh connect time into a lab host (figure, not a bound)', async () => {
    const ms: number[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await lab.ssh('h2', 'true');
      expect(r.code, r.stderr).toBe(0);
      ms.push(r.ms);
    }
    console.log(`ssh -F lab h2 true, 20 runs: p50 ${percentile(ms, 50).toFixed(0)} ms, p99 ${percentile(ms, 99).toFixed(0)} ms`);
  });

  it('close() leaves nothing: no namespace, no process of a host, no loop device, no user, no files', async () => {
    const netns = lab.hosts.map((h) => h.netns);
    const identities = netns.map((n) => netnsIdentity(n));
    const pids = [...lab.hosts.map((h) => h.holderPid), ...lab.hosts.map((h) => h.sshdPid)];
    const users = lab.hosts.map((h) => h.user.name);
    const images = lab.hosts.flatMap((h) => h.mounts.map((m) => m.image));
    const fixtureDir = dirname(images[0]!);
    const sessions = pidsIn(identities);
    expect(sessions.length).toBeGreaterThanOrEqual(6); // a holder and an sshd per host, at least

    await lab.close();

    expect(labNetnsNames().filter((n) => netns.includes(n))).toEqual([]);
    expect([...pids, ...sessions].filter(isAlive)).toEqual([]);
    expect(users.filter(userExists)).toEqual([]);
    expect(outputSync('losetup', ['-a'])).not.toContain(fixtureDir);
    expect(existsSync(lab.dir)).toBe(false);
    expect(existsSync(fixtureDir)).toBe(false);
    expect(outputSync('pgrep', ['-f', lab.dir])).toBeNull();
  });
});
