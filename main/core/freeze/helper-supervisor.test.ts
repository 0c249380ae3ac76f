/**
 * Helper supervision: each way a start can fail has its own state and
 * guidance; a start is shared by concurrent callers; a dead helper is
 * started again only when asked.
 */
import { describe, expect, it } from 'vitest';
import type { HelperStatus } from '../../../app/domain';
import type { ErrorCode } from '../../../app/errors';
import { HelperError } from '../../helper/helper-error';
import { HelperSupervisor } from './helper-supervisor';
import { FakeHelper } from '../testing/fake-helper';

function supervisor(start: () => Promise<FakeHelper>, expectedMode: 'direct' | 'pkexec' = 'pkexec') {
  const statuses: HelperStatus[] = [];
  const s = new HelperSupervisor({ start, expectedMode, helperPath: '/usr/lib/freezeframe/freezeframe-helper' });
  s.onStatus((status) => statuses.push(status));
  return { s, statuses };
}

describe('HelperSupervisor', () => {
  it('is not started until something needs it; pkexec shows "authenticating" meanwhile', async () => {
    let starts = 0;
    const { s, statuses } = supervisor(async () => {
      starts++;
      return new FakeHelper([]);
    });
    expect(s.status()).toMatchObject({ state: 'not-started', helperPath: '/usr/lib/freezeframe/freezeframe-helper', message: expect.any(String) });
    expect(s.running()).toBeUndefined();
    const [a, b] = await Promise.all([s.ensure(), s.ensure()]);
    expect(a).toBe(b);
    expect(starts).toBe(1);
    expect(statuses.map((x) => x.state)).toEqual(['authenticating', 'running']);
    expect(statuses[0]!.message).toMatch(/administrator authentication/);
    expect(s.status()).toMatchObject({ pid: 4242, guardianPid: 4243, mode: 'direct', helperVersion: '1.0.0-fake', maxTimeoutMs: 900000 });
  });

  const failures: Array<[ErrorCode, HelperStatus['state'], RegExp]> = [
    ['AUTH_DISMISSED', 'dismissed', /dismissed/],
    ['NOT_AUTHORIZED', 'not-authorized', /polkit refused/],
    ['PKEXEC_MISSING', 'pkexec-missing', /Install polkit/],
    ['HELPER_MISSING', 'helper-missing', /not installed/],
    ['HELPER_SPAWN_FAILED', 'failed', /could not be started/],
    ['PROTOCOL_MISMATCH', 'failed', /could not be started/],
  ];
  for (const [code, state, guidance] of failures) {
    it(`a start failing with ${code} is "${state}" with guidance, and the next need tries again`, async () => {
      let fail = true;
      const { s } = supervisor(async () => {
        if (fail) throw new HelperError(code, `simulated ${code}`);
        return new FakeHelper([]);
      });
      await expect(s.ensure()).rejects.toMatchObject({ code });
      expect(s.status()).toMatchObject({ state, message: expect.stringMatching(guidance) });
      fail = false;
      await s.ensure();
      expect(s.status().state).toBe('running');
    });
  }

  it('after the helper exits: "exited" with how, and a new one on the next ensure', async () => {
    const helpers: FakeHelper[] = [];
    const { s } = supervisor(async () => {
      helpers.push(new FakeHelper([]));
      return helpers[helpers.length - 1]!;
    }, 'direct');
    const exits: number[] = [];
    s.onExit(() => exits.push(1));
    await s.ensure();
    helpers[0]!.die(3, null);
    expect(s.status()).toMatchObject({ state: 'exited', exitCode: 3, exitSignal: null, message: expect.stringMatching(/exited with status 3.*guardian thawed/) });
    expect(s.status().exitedAt).toBeGreaterThan(0);
    expect(s.running()).toBeUndefined();
    expect(exits).toHaveLength(1);
    expect(await s.ensure()).toBe(helpers[1]);
    expect(s.status().state).toBe('running');
  });

  it('helper.start reports the failure in the status instead of throwing; shutdown closes the helper', async () => {
    const { s } = supervisor(async () => {
      throw new HelperError('AUTH_DISMISSED', 'dismissed');
    });
    expect(await s.startNow()).toMatchObject({ state: 'dismissed' });
    const ok = supervisor(async () => new FakeHelper([]), 'direct');
    await ok.s.startNow();
    const helper = ok.s.running() as FakeHelper;
    await ok.s.shutdown();
    expect(helper.running).toBe(false);
    expect(ok.s.status().state).toBe('not-started');
    await expect(ok.s.ensure()).rejects.toMatchObject({ code: 'HELPER_NOT_RUNNING' });
  });
});
