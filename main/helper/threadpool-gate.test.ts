import { describe, expect, it } from 'vitest';
import { ThreadpoolGate } from './threadpool-gate';

describe('ThreadpoolGate', () => {
  it('waits for the probe, shares it, and trusts it only for freshMs', async () => {
    let clock = 0;
    let probes = 0;
    let release: () => void = () => undefined;
    const gate = new ThreadpoolGate(
      () => {
        probes++;
        return new Promise<void>((resolve) => (release = resolve));
      },
      50,
      () => clock,
    );
    let passed = 0;
    void gate.pass().then(() => passed++);
    void gate.pass().then(() => passed++);
    await Promise.resolve();
    expect([probes, passed]).toEqual([1, 0]); // nothing goes out while the pool is stuck
    release();
    await new Promise((r) => setTimeout(r, 0));
    expect([probes, passed]).toEqual([1, 2]);
    clock = 30;
    await gate.pass(); // fresh: no new probe
    expect(probes).toBe(1);
    clock = 80;
    void gate.pass().then(() => passed++);
    await Promise.resolve();
    expect([probes, passed]).toEqual([2, 2]); // stale: a new probe, and it waits
  });
});
