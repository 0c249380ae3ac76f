/**
 * The lab undoes itself whatever happens: a build that fails halfway
 * leaves nothing, and a lab whose process was killed (no exit handler ran)
 * is swept by the next lab's start, down to its loop devices.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { outputSync, waitFor } from './exec';
import { DEFAULT_HELPER_DIR, HostLab, hostLabRequirements } from './lab';
import { LAB_DIR_PREFIX, labNetnsNames, sweepAbandonedLabs } from './lab-state';
import { userExists } from './lab-users';
import { isAlive } from './processes';
import { collectLines } from './test-support';

const can = ((): { ok: boolean; why: string } => {
  const lab = hostLabRequirements();
  if (lab.ok && !existsSync(join(DEFAULT_HELPER_DIR, 'freezeframe-helper'))) return { ok: false, why: 'helper not built (make -C native-helper)' };
  return lab;
})();
if (!can.ok) console.warn(`\n*** NOT RUN: host lab teardown tests: ${can.why} ***\n`);

/** Everything a lab of process `pid` could have left, by its names. */
function leftoversOf(pid: number): string[] {
  const found: string[] = [];
  found.push(...labNetnsNames().filter((n) => n.startsWith(`ff-${pid}-`)).map((n) => `netns ${n}`));
  found.push(...readdirSync(tmpdir()).filter((d) => d.startsWith(`${LAB_DIR_PREFIX}${pid}-`) || d.startsWith(`freezeframe-fx-${pid}-`)));
  found.push(...(outputSync('losetup', ['-a']) ?? '').split('\n').filter((l) => l.includes(`/freezeframe-fx-${pid}-`)));
  found.push(...(outputSync('getent', ['passwd']) ?? '').split('\n').filter((l) => l.startsWith(`ffu-${pid}-`)));
  found.push(...(outputSync('pgrep', ['-af', `${LAB_DIR_PREFIX}${pid}-`]) ?? '').split('\n').filter(Boolean));
  return found;
}

describe.skipIf(!can.ok)('host lab teardown', () => {
  it('a build that fails halfway (second host: sshd refuses its config) undoes the first host and itself', async () => {
    expect(leftoversOf(process.pid)).toEqual([]);
    const failing = HostLab.create({
      hosts: [
        { name: 'h1', filesystems: ['ext4'] },
        { name: 'h2', filesystems: ['xfs'], sshdConfig: ['NoSuchOption yes'] },
      ],
    });
    await expect(failing).rejects.toThrow(/sshd did not start[\s\S]*NoSuchOption/);
    expect(leftoversOf(process.pid)).toEqual([]);
  });

  it('a lab whose process was killed is swept by the next start: processes, namespaces, users, loop devices', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'lab-child.ts'), 'k1', 'k2'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    const out = collectLines(child.stdout);
    await waitFor(() => out.lines.length > 0 || child.exitCode !== null, 120_000, 50);
    const made = JSON.parse(out.lines[0] ?? 'null') as {
      pid: number;
      dir: string;
      hosts: Array<{ netns: string; holderPid: number; sshdPid: number; user: string; images: string[] }>;
    };
    expect(made).not.toBeNull();
    child.kill('SIGKILL');
    await exited;

    // Killed: no exit handler ran, so everything is still there.
    const pids = made.hosts.flatMap((h) => [h.holderPid, h.sshdPid]);
    expect(pids.filter(isAlive)).toEqual(pids);
    expect(labNetnsNames()).toEqual(expect.arrayContaining(made.hosts.map((h) => h.netns)));
    expect(made.hosts.every((h) => userExists(h.user))).toBe(true);
    const fixtureDir = dirname(made.hosts[0]!.images[0]!);
    expect(outputSync('losetup', ['-a'])).toContain(fixtureDir);

    const swept = sweepAbandonedLabs();
    expect(swept).toContain(made.dir);
    expect(pids.filter(isAlive)).toEqual([]);
    // Loop devices go when the last mount namespace holding them has gone.
    await waitFor(() => !(outputSync('losetup', ['-a']) ?? '').includes(fixtureDir), 10_000, 50);
    expect(leftoversOf(made.pid)).toEqual([]);
  });
});
