import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HOLD_MARGIN_MS, RunClocks, type WindowName } from './clocks';

describe('RunClocks: the quiesce and hold windows', () => {
  let now = 0;
  let expired: WindowName[];
  const clocks = (quiesceWindowMs = 60_000, holdWindowMs = 10_000): RunClocks =>
    new RunClocks({ quiesceWindowMs, holdWindowMs, onExpired: (w) => expired.push(w), mono: () => now });
  const advance = (ms: number): void => {
    now += ms;
    vi.advanceTimersByTime(ms);
  };

  beforeEach(() => {
    vi.useFakeTimers();
    now = 0;
    expired = [];
  });
  afterEach(() => vi.useRealTimers());

  it('the hold clock fires a little before the helper deadline, once', () => {
    const c = clocks();
    c.startQuiesce();
    advance(2000);
    c.startHold(10_000);
    expect(c.holdRemainingMs()).toBe(10_000);
    expect(c.quiesceRemainingMs()).toBe(58_000);
    advance(10_000 - HOLD_MARGIN_MS - 1);
    expect(expired).toEqual([]);
    advance(1);
    expect(expired).toEqual(['hold']);
    expect(c.expired).toBe('hold');
    c.markExpired('hold'); // the helper's deadline event afterwards changes nothing
    expect(expired).toEqual(['hold']);
  });

  it('the quiesce clock can run out first, even before the freeze', () => {
    const c = clocks(5000, 5000);
    c.startQuiesce();
    advance(4000);
    c.startHold(5000);
    advance(1000);
    expect(expired).toEqual(['quiesce']);
  });

  it('the freeze timeout never outlasts the quiesce window, and is null when under the helper minimum', () => {
    const c = clocks(20_000, 10_000);
    c.startQuiesce();
    expect(c.freezeTimeoutMs()).toBe(10_000);
    advance(14_000);
    expect(c.freezeTimeoutMs()).toBe(6000);
    advance(5500);
    expect(c.freezeTimeoutMs()).toBeNull();
  });

  it('a shorter helper deadline wins over the window', () => {
    const c = clocks();
    c.startQuiesce();
    c.startHold(3000);
    advance(3000 - HOLD_MARGIN_MS);
    expect(expired).toEqual(['hold']);
  });

  it('stop (the thaw) silences both clocks', () => {
    const c = clocks(3000, 2000);
    c.startQuiesce();
    c.startHold(2000);
    advance(1000);
    c.stop();
    advance(10_000);
    expect(expired).toEqual([]);
    expect(c.holdRemainingMs()).toBeNull();
  });
});
