import { describe, expect, it } from 'vitest';
import { countdownSeconds, deadlineFrom, formatBytes, formatDuration, msUntilNextSecond, remainingAt } from './format';

describe('countdown math', () => {
  it('counts from remainingMs on the renderer clock', () => {
    const deadline = deadlineFrom(5_000, 60_000);
    expect(deadline).toBe(65_000);
    expect(remainingAt(deadline, 5_000)).toBe(60_000);
    expect(remainingAt(deadline, 64_999)).toBe(1);
    expect(remainingAt(deadline, 70_000)).toBe(0);
  });

  it('rounds up, so 0:00 shows exactly at the deadline', () => {
    expect(countdownSeconds(60_000)).toBe(60);
    expect(countdownSeconds(59_999)).toBe(60);
    expect(countdownSeconds(59_000)).toBe(59);
    expect(countdownSeconds(1)).toBe(1);
    expect(countdownSeconds(0)).toBe(0);
    expect(countdownSeconds(-5)).toBe(0);
  });

  it('wakes just after the shown second changes', () => {
    expect(msUntilNextSecond(60_000)).toBe(1_005);
    expect(msUntilNextSecond(59_400)).toBe(405);
    expect(msUntilNextSecond(0)).toBe(Infinity);
  });

  it('formats durations and sizes', () => {
    expect(formatDuration(42)).toBe('0:42');
    expect(formatDuration(725)).toBe('12:05');
    expect(formatDuration(3723)).toBe('1:02:03');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(50 * 1024 ** 3)).toBe('50.0 GiB');
  });
});
