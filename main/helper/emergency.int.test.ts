/**
 * The people's way out: `--thaw PATH` and `--thaw-all` from a root shell,
 * without the protocol, when nothing else answers.
 *
 * `--thaw-all` thaws every frozen filesystem its mount namespace shows, on
 * purpose: on this machine that would include what other suites (or anyone)
 * froze. So the test runs it in a mount namespace of its own that holds only
 * the test's mounts (thawAllSeeing), and proves the other side too: a
 * filesystem the test froze but did not show it stays frozen.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HELPER_PATH, rootTests, startClient } from '../../testing/helper-harness';
import { useExt4AndXfs } from '../../testing/shared-mounts';
import { run } from '../../testing/run-command';
import { startWriter, waitUntilBlocked } from '../../testing/writer';

/**
 * `freezeframe-helper --thaw-all`, run where the only mounts are `mountpoints`
 * (bind-mounted at /mnt/0, /mnt/1, ...), a fresh /proc and a tmpfs root
 * holding the (static) helper: a private mount namespace whose old root is
 * detached after pivot_root. What others froze is not in it, so it cannot
 * be thawed; the namespace, and its mounts, end with the command.
 */
async function thawAllSeeing(mountpoints: string[], scratchDir: string): Promise<string> {
  const script = [
    'set -eu',
    'root="$1"; helper="$2"; shift 2',
    'mount -t tmpfs -o mode=0755 freezeframe-thaw-all "$root"',
    'mkdir "$root/proc" "$root/usr" "$root/old" "$root/mnt"',
    'cp "$helper" "$root/freezeframe-helper"',
    'i=0; for m in "$@"; do mkdir "$root/mnt/$i"; mount --bind "$m" "$root/mnt/$i"; i=$((i + 1)); done',
    'mount -t proc proc "$root/proc"',
    // umount itself needs /usr until the old root is gone; then /usr goes too.
    'mount --bind /usr "$root/usr"; ln -s usr/lib "$root/lib"; ln -s usr/lib64 "$root/lib64"; ln -s usr/bin "$root/bin"',
    'cd "$root"; pivot_root . old',
    'umount -l /old; umount -l /usr',
    'exec /freezeframe-helper --thaw-all',
  ].join('\n');
  return run('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script, 'thaw-all', scratchDir, HELPER_PATH, ...mountpoints]);
}

describe.skipIf(!rootTests.ok)('emergency modes', () => {
  const mounts = useExt4AndXfs();

  it('--thaw PATH thaws what fsfreeze froze, and says when there was nothing to do', async () => {
    await run('fsfreeze', ['-f', mounts.ext4.mountpoint]);
    const first = await run(HELPER_PATH, ['--thaw', mounts.ext4.mountpoint]);
    expect(first).toContain(`thawed ${mounts.ext4.mountpoint}`);
    const second = await run(HELPER_PATH, ['--thaw', mounts.ext4.mountpoint]);
    expect(second).toContain('was not frozen');
  });

  it('--thaw-all thaws what it sees frozen (by fsfreeze, by a stopped helper), and nothing outside its mount namespace', async () => {
    const bystanderMount = await mounts.fixture.mount('ext4', { name: 'bystander' });
    const { client } = await startClient();
    // Stands for another suite's freeze: frozen, but not in --thaw-all's namespace.
    const { client: bystander, events: bystanderEvents } = await startClient();
    try {
      await client.freeze(mounts.xfs.mountpoint, 20_000);
      process.kill(client.pid!, 'SIGSTOP');
      await run('fsfreeze', ['-f', mounts.ext4.mountpoint]);
      await bystander.freeze(bystanderMount.mountpoint, 20_000);
      const writers = [startWriter(join(mounts.ext4.mountpoint, 'all-a.bin')), startWriter(join(mounts.xfs.mountpoint, 'all-b.bin'))];
      const untouched = startWriter(join(bystanderMount.mountpoint, 'bystander.bin'));
      for (const w of [...writers, untouched]) await waitUntilBlocked(w);

      const scratch = join(mounts.fixture.dir, 'thaw-all-root');
      await run('mkdir', [scratch]);
      const report = await thawAllSeeing([mounts.ext4.mountpoint, mounts.xfs.mountpoint], scratch);
      expect(report).toContain(`thawed /mnt/0 (ext4 ${mounts.ext4.majorMinor})`);
      expect(report).toContain(`thawed /mnt/1 (xfs ${mounts.xfs.majorMinor})`);
      expect(report).toMatch(/^thawed 2 filesystem\(s\); 2 freezable checked$/m);
      for (const w of writers) expect(await w.done).toBe(0);

      // The filesystem it could not see is still frozen: its writer stays blocked, and its owner's
      // own thaw finds it frozen (a FITHAW by anyone else would make that thaw "alreadyThawed").
      await waitUntilBlocked(untouched, 500);
      expect((await bystander.status()).frozen.map((f) => f.path)).toEqual([bystanderMount.mountpoint]);
      await bystander.thaw({ path: bystanderMount.mountpoint });
      const thawed = await bystanderEvents.waitFor('thawed', (e) => e.mount.path === bystanderMount.mountpoint);
      expect(thawed.reason).toBe('request');
      expect(thawed.alreadyThawed).toBeUndefined();
      expect(await untouched.done).toBe(0);
    } finally {
      process.kill(client.pid!, 'SIGCONT');
      await client.close();
      await bystander.close();
    }
  });

  it('--help and --version answer without root work', async () => {
    expect(await run(HELPER_PATH, ['--version'])).toMatch(/freezeframe-helper \d+\.\d+\.\d+ \(protocol 1\)/);
    expect(await run(HELPER_PATH, ['--help'])).toContain('--thaw-all');
  });
});
