import { describe, expect, it } from 'vitest';
import { createQuitGuard, type QuitGuardDeps } from './quit-guard';

function harness(frozen: number, answer: boolean | Promise<boolean>, shutdown: () => Promise<void> = async () => undefined) {
  const log: string[] = [];
  let count = frozen;
  const deps: QuitGuardDeps = {
    frozenCount: () => count,
    confirmThaw: async (n) => {
      log.push(`ask ${n}`);
      return answer;
    },
    shutdown: async () => {
      log.push('shutdown');
      await shutdown();
      count = 0;
    },
    quit: () => log.push('quit'),
    report: (message) => log.push(`report ${message}`),
    shutdownTimeoutMs: 50,
  };
  const guard = createQuitGuard(deps);
  const quitEvent = () => {
    let prevented = false;
    guard.onBeforeQuit({ preventDefault: () => (prevented = true) });
    return prevented;
  };
  return { guard, log, quitEvent };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

describe('quit guard', () => {
  it('asks, thaws, then quits when filesystems are frozen', async () => {
    const { log, quitEvent } = harness(2, true);
    expect(quitEvent()).toBe(true);
    await settle();
    expect(log).toEqual(['ask 2', 'shutdown', 'quit']);
    // The real quit that follows is let through.
    expect(quitEvent()).toBe(false);
  });

  it('stays running when the user cancels, and asks again next time', async () => {
    const { log, quitEvent } = harness(1, false);
    expect(quitEvent()).toBe(true);
    await settle();
    expect(log).toEqual(['ask 1']);
    expect(quitEvent()).toBe(true);
    await settle();
    expect(log).toEqual(['ask 1', 'ask 1']);
  });

  it('does not ask when nothing is frozen, but still stops the helper first', async () => {
    const { log, quitEvent } = harness(0, true);
    quitEvent();
    await settle();
    expect(log).toEqual(['shutdown', 'quit']);
  });

  it('runs once however often before-quit fires meanwhile', async () => {
    let answer!: (go: boolean) => void;
    const { log, quitEvent } = harness(3, new Promise<boolean>((resolve) => (answer = resolve)));
    quitEvent();
    quitEvent();
    quitEvent();
    answer(true);
    await settle();
    expect(log).toEqual(['ask 3', 'shutdown', 'quit']);
  });

  it('quits anyway when thawing hangs, and says so', async () => {
    const { log, quitEvent } = harness(1, true, () => new Promise(() => undefined));
    quitEvent();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(log[0]).toBe('ask 1');
    expect(log).toContain('quit');
    expect(log.some((line) => line.startsWith('report Thawing took longer'))).toBe(true);
  });

  it('lets a signal thaw and quit without asking, even while the dialog is open', async () => {
    let answer!: (go: boolean) => void;
    const { guard, log, quitEvent } = harness(1, new Promise<boolean>((resolve) => (answer = resolve)));
    quitEvent();
    guard.thawAndQuit();
    await settle();
    answer(true);
    await settle();
    expect(log).toEqual(['ask 1', 'shutdown', 'quit']);
  });
});
