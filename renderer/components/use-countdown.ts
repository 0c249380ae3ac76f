/**
 * Seconds left to a deadline on the monotonic clock, re-rendering the calling
 * component once per displayed second and nothing else. The timer is aligned
 * to the moment the shown value changes, so there is no drift and no busy loop.
 */
import { useEffect, useState } from 'react';
import { countdownSeconds, msUntilNextSecond, remainingAt } from '../format';

const now = () => performance.now();

function secondsLeft(deadlineAt: number | undefined): number | undefined {
  return deadlineAt === undefined ? undefined : countdownSeconds(remainingAt(deadlineAt, now()));
}

export function useCountdown(deadlineAt: number | undefined): number | undefined {
  const [shown, setShown] = useState(() => ({ deadlineAt, seconds: secondsLeft(deadlineAt) }));
  let current = shown;
  if (shown.deadlineAt !== deadlineAt) {
    // A new deadline (an Extend) shows at once, not one tick later.
    current = { deadlineAt, seconds: secondsLeft(deadlineAt) };
    setShown(current);
  }

  useEffect(() => {
    if (deadlineAt === undefined) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const schedule = () => {
      const wait = msUntilNextSecond(remainingAt(deadlineAt, now()));
      if (!Number.isFinite(wait)) return;
      timer = setTimeout(() => {
        const seconds = secondsLeft(deadlineAt);
        // Same object when unchanged, so React skips the render.
        setShown((prev) => (prev.deadlineAt === deadlineAt && prev.seconds === seconds ? prev : { deadlineAt, seconds }));
        schedule();
      }, wait);
    };
    schedule();
    return () => clearTimeout(timer);
  }, [deadlineAt]);

  return current.seconds;
}
