/** app.info for the About box: where the helper came from, and what the running helper said it is. */
import { afterEach, describe, expect, it } from 'vitest';
import type { AppInfo } from '../../app/domain';
import { startTestCore, type TestCore } from './testing/core-harness';

let t: TestCore;
afterEach(async () => {
  await t?.core.shutdown();
});

describe('app.info', () => {
  it('has no helper version or protocol until the helper has greeted, then the greeting\'s', async () => {
    t = await startTestCore();
    const before = await t.ok<AppInfo>('app.info');
    expect(before.helperVersion).toBeUndefined();
    expect(before.protocolVersion).toBeUndefined();
    await t.ok('helper.start');
    const after = await t.ok<AppInfo>('app.info');
    expect(after).toMatchObject({ helperVersion: '1.0.0-fake', protocolVersion: 1 });
  });

  it('names the helper\'s source as main found it', async () => {
    t = await startTestCore({ options: { development: false, helperSource: 'appimage', helperPath: '/usr/local/lib/freezeframe/freezeframe-helper' } });
    expect(await t.ok<AppInfo>('app.info')).toMatchObject({ helperSource: 'appimage', development: false, helperPath: '/usr/local/lib/freezeframe/freezeframe-helper' });
  });
});
