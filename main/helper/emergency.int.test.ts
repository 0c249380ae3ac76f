/**
 * The people's way out: `--thaw PATH` and `--thaw-all` from a root shell,
 * without the protocol, when nothing else answers.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HELPER_PATH, rootTests, startClient } from '../../testing/helper-harness';
import { useExt4AndXfs } from '../../testing/shared-mounts';
import { run } from '../../testing/run-command';
import { startWriter, waitUntilBlocked } from '../../testing/writer';

describe.skipIf(!rootTests.ok)('emergency modes', () => {
  const mounts = useExt4AndXfs();



  it('--thaw PATH thaws what fsfreeze froze, and says when there was nothing to do', async () => {
    await run('fsfreeze', ['-f', mounts.ext4.mountpoint]);
    const first = await run(HELPER_PATH, ['--thaw', mounts.ext4.mountpoint]);
    expect(first).toContain(`thawed ${mounts.ext4.mountpoint}`);
    const second = await run(HELPER_PATH, ['--thaw', mounts.ext4.mountpoint]);
    expect(second).toContain('was not frozen');
  });

  it('--thaw-all thaws a filesystem frozen by fsfreeze and one held by a stopped helper', async () => {
    const { client } = await startClient();
    try {
      await client.freeze(mounts.xfs.mountpoint, 20_000);
      process.kill(client.pid!, 'SIGSTOP');
      await run('fsfreeze', ['-f', mounts.ext4.mountpoint]);
      const writers = [startWriter(join(mounts.ext4.mountpoint, 'all-a.bin')), startWriter(join(mounts.xfs.mountpoint, 'all-b.bin'))];
      for (const w of writers) await waitUntilBlocked(w);
      const report = await run(HELPER_PATH, ['--thaw-all']);
      expect(report).toContain(mounts.ext4.mountpoint);
      expect(report).toContain(mounts.xfs.mountpoint);
      expect(report).toMatch(/thawed \d+ filesystem/);
      for (const w of writers) expect(await w.done).toBe(0);
    } finally {
      process.kill(client.pid!, 'SIGCONT');
      await client.close();
    }
  });

  it('--help and --version answer without root work', async () => {
    expect(await run(HELPER_PATH, ['--version'])).toMatch(/freezeframe-helper \d+\.\d+\.\d+ \(protocol 1\)/);
    expect(await run(HELPER_PATH, ['--help'])).toContain('--thaw-all');
  });
});
