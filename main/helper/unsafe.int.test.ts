/**
 * The filesystem holding the helper binary is refused by default; with
 * allowUnsafe it may be frozen for at most 30 s (the helper keeps running
 * because its memory is locked).
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HelperClient } from './client';
import { HELPER_PATH, rootTests } from '../../testing/helper-harness';
import { useLoopMounts } from '../../testing/shared-mounts';

describe.skipIf(!rootTests.ok)('unsafe targets', () => {
  const mounts = useLoopMounts({ home: 'ext4' });
  let client: HelperClient;

  beforeAll(async () => {
    const helperCopy = join(mounts.home.mountpoint, 'freezeframe-helper');
    copyFileSync(HELPER_PATH, helperCopy);
    client = await HelperClient.start({ helperPath: helperCopy, leaseMs: 5000, maxTimeoutMs: 60_000 });
  });

  afterAll(async () => {
    await client?.close();
  });

  it('refuses the filesystem holding the helper unless allowUnsafe, and then only briefly', async () => {
    await expect(client.freeze(mounts.home.mountpoint, 2000)).rejects.toMatchObject({ code: 'REFUSED_UNSAFE' });
    await expect(client.freeze(mounts.home.mountpoint, 60_000, { allowUnsafe: true })).rejects.toMatchObject({ code: 'TIMEOUT_OUT_OF_RANGE' });
    const frozen = await client.freeze(mounts.home.mountpoint, 2000, { allowUnsafe: true });
    expect(frozen.mount.path).toBe(mounts.home.mountpoint);
    // The helper still answers while the filesystem it runs from is frozen.
    expect((await client.status()).frozen).toHaveLength(1);
    await client.thaw({ path: mounts.home.mountpoint });
  });
});
