/**
 * The filesystem holding the helper binary is refused by default; with
 * allowUnsafe it may be frozen for at most 30 s (the helper keeps running
 * because its memory is locked).
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HelperClient } from './client';
import { HELPER_PATH, rootTests } from '../../e2e/fixture/helper-harness';
import { LoopFixture, type LoopMount } from '../../e2e/fixture/loop-mounts';

describe.skipIf(!rootTests.ok)('unsafe targets', () => {
  let fixture: LoopFixture;
  let home: LoopMount;
  let client: HelperClient;

  beforeAll(async () => {
    fixture = await LoopFixture.create();
    home = await fixture.mount('ext4');
    const helperCopy = join(home.mountpoint, 'freezeframe-helper');
    copyFileSync(HELPER_PATH, helperCopy);
    client = await HelperClient.start({ helperPath: helperCopy, leaseMs: 5000, maxTimeoutMs: 60_000 });
  });

  afterAll(async () => {
    await client?.close();
    await fixture?.cleanup();
  });

  it('refuses the filesystem holding the helper unless allowUnsafe, and then only briefly', async () => {
    await expect(client.freeze(home.mountpoint, 2000)).rejects.toMatchObject({ code: 'REFUSED_UNSAFE' });
    await expect(client.freeze(home.mountpoint, 60_000, { allowUnsafe: true })).rejects.toMatchObject({ code: 'TIMEOUT_OUT_OF_RANGE' });
    const frozen = await client.freeze(home.mountpoint, 2000, { allowUnsafe: true });
    expect(frozen.mount.path).toBe(home.mountpoint);
    // The helper still answers while the filesystem it runs from is frozen.
    expect((await client.status()).frozen).toHaveLength(1);
    await client.thaw({ path: home.mountpoint });
  });
});
