/**
 * What no userspace process survives (issue 5, item 4), shown rather than
 * claimed, and recovered with the steps of docs/recovery.md:
 * - the helper and its guardian killed together (cgroup.kill of their
 *   cgroup): nothing is left to thaw; the filesystem stays frozen past every
 *   deadline until `freezeframe-helper --thaw PATH` (runbook step 1).
 * - a device that stops answering mid-freeze: FIFREEZE hangs in the kernel,
 *   past its deadline, and even kill -9 cannot end the helper, until the
 *   device answers again (runbook step 4). The device is a loop device whose
 *   backing file sits on a filesystem we freeze with fsfreeze: its writes
 *   wait, exactly as I/O to a suspended device-mapper device does (this
 *   kernel has no device-mapper; `dmsetup suspend` gives the same state).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HelperClient } from '../main/helper/client';
import { HELPER_PATH, rootTests, startClient } from '../testing/helper-harness';
import { LoopFixture } from '../testing/loop-mounts';
import { readMountLines } from '../testing/mountinfo-lite';
import { fileSha256, sleep, startWriter, taskState, waitUntilBlocked } from '../testing/writer';
import { FIFREEZE, isRunning, threadsInIoctl, waitForIoctl, waitUntil } from '../testing/procfs';
import { printTable, record } from './fixture/results';

/** The cgroup v2 hierarchy: /sys/fs/cgroup on unified systems, /sys/fs/cgroup/unified on hybrid ones. */
const CGROUP2 = rootTests.ok ? readMountLines().find((m) => m.fsType === 'cgroup2')?.mountpoint : undefined;

describe.skipIf(!rootTests.ok)('what no userspace process survives', () => {
  let fixture: LoopFixture;

  beforeAll(async () => {
    fixture = await LoopFixture.create();
  });

  afterAll(async () => {
    await fixture?.cleanup();
    printTable('beyond userspace');
  });

  it.skipIf(!CGROUP2 || !existsSync(join(CGROUP2 ?? '/', 'cgroup.procs')))('helper and guardian killed together (cgroup.kill): stays frozen until --thaw', async () => {
    const mount = await fixture.mount('ext4');
    const cgroup = join(CGROUP2!, `freezeframe-rel-${process.pid}`);
    mkdirSync(cgroup);
    // The helper joins the cgroup before it execs, so the guardian it forks is in it too.
    const wrapper = join(fixture.dir, 'helper-in-cgroup.sh');
    writeFileSync(wrapper, `#!/bin/sh\necho $$ > '${cgroup}/cgroup.procs' || exit 1\nexec '${HELPER_PATH}' "$@"\n`);
    chmodSync(wrapper, 0o700);
    let client: HelperClient | undefined;
    try {
      ({ client } = await startClient({ helperPath: wrapper }));
      const procs = readFileSync(join(cgroup, 'cgroup.procs'), 'utf8').trim().split('\n').map(Number);
      expect(procs.sort()).toEqual([client.pid!, client.hello.guardianPid].sort());
      await client.freeze(mount.mountpoint, 1000);
      const writer = startWriter(join(mount.mountpoint, 'cgroup.bin'));
      await waitUntilBlocked(writer);
      writeFileSync(join(cgroup, 'cgroup.kill'), '1');
      expect(await waitUntil(() => !isRunning(client!.pid!) && !isRunning(client!.hello.guardianPid), 3000)).toBe(true);
      // Deadline 1 s, guardian margin 2 s: by 4 s either would have thawed. Nobody is left.
      await sleep(4000);
      expect(writer.exited()).toBe(false);
      expect(taskState(writer.pid)?.state).toBe('D');

      const t = performance.now();
      const thaw = spawnSync(HELPER_PATH, ['--thaw', mount.mountpoint], { encoding: 'utf8' });
      expect(thaw.status, thaw.stderr).toBe(0);
      expect(await writer.done).toBe(0);
      expect(fileSha256(writer.target)).toBe(writer.sha256);
      record({
        suite: 'beyond userspace',
        cell: 'helper + guardian killed together (cgroup.kill)',
        samples: [performance.now() - t],
        bound: 'none: frozen 4 s past deadline + guardian margin, until a person acts',
        outcome: `recovered with \`freezeframe-helper --thaw PATH\` (${thaw.stdout.trim().split('\n')[0]}); writer intact`,
      });
    } finally {
      await client?.close().catch(() => undefined);
      spawnSync('fsfreeze', ['-u', mount.mountpoint]);
      if (existsSync(cgroup)) rmdirSync(cgroup);
    }
  });

  it('a device that stops answering mid-freeze: FIFREEZE hangs past its deadline, kill -9 cannot end it, until the device answers', async () => {
    const backing = await fixture.mount('ext4', { sizeMb: 160, name: 'backing' });
    const target = await fixture.mount('ext4', { sizeMb: 64, imageDir: backing.mountpoint, name: 'on-stalled-device' });
    const { client } = await startClient({ leaseMs: 5000 });
    let stalled = false;
    try {
      // Unsynced data the freeze must write through the device first.
      expect(spawnSync('dd', ['if=/dev/zero', `of=${join(target.mountpoint, 'dirty.bin')}`, 'bs=1M', 'count=16', 'status=none']).status).toBe(0);
      expect(spawnSync('fsfreeze', ['-f', backing.mountpoint]).status).toBe(0); // the device stops answering
      stalled = true;
      const freezing = client.freeze(target.mountpoint, 1000).then(
        () => 'frozen',
        (e: Error) => e.message,
      );
      expect(await waitForIoctl(client.pid!, FIFREEZE, 5000)).toBe(true);
      expect((await client.status()).pending).toEqual([target.mountpoint]);
      await sleep(3000); // three times its deadline: no deadline can fire for a freeze that never finished
      const [tid] = threadsInIoctl(client.pid!, FIFREEZE);
      expect(tid).toBeDefined();
      expect(taskState(tid!)?.state).toBe('D');

      process.kill(client.pid!, 'SIGKILL');
      await sleep(1000);
      expect(readFileSync(`/proc/${client.pid}/status`, 'utf8')).toMatch(/State:\s+[DZ]/); // not gone: a thread is stuck in the kernel
      expect(threadsInIoctl(client.pid!, FIFREEZE)).toHaveLength(1);

      // Runbook step 4: make the device answer (dmsetup resume; here, thaw its backing filesystem).
      const t = performance.now();
      expect(spawnSync('fsfreeze', ['-u', backing.mountpoint]).status).toBe(0);
      stalled = false;
      expect(await waitUntil(() => !isRunning(client.pid!), 5000)).toBe(true);
      await freezing;
      // The helper died once FIFREEZE returned; its guardian thaws what it never confirmed.
      const writer = startWriter(join(target.mountpoint, 'after.bin'), 64 * 1024);
      const done = await Promise.race([writer.done, sleep(3000).then(() => 'blocked' as const)]);
      let runbook = 'nothing more: the guardian thawed it';
      if (done === 'blocked') {
        spawnSync('fsfreeze', ['-u', target.mountpoint]); // runbook step 2
        runbook = 'fsfreeze -u';
        expect(await writer.done).toBe(0);
      } else {
        expect(done).toBe(0);
      }
      expect(fileSha256(writer.target)).toBe(writer.sha256);
      record({
        suite: 'beyond userspace',
        cell: 'device stops answering during FIFREEZE (+ kill -9 of the helper)',
        samples: [performance.now() - t],
        bound: 'none: hung 3 s past its 1 s deadline and survived kill -9, until the device answered',
        outcome: `after the device answered: ${runbook}; writer intact`,
      });
    } finally {
      if (stalled) spawnSync('fsfreeze', ['-u', backing.mountpoint]);
      await client.close().catch(() => undefined);
    }
  });
});
