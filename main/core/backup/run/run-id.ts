/**
 * Run ids: `YYYYMMDDTHHMMSSZ-` + 8 hex (3 of milliseconds, 5 random). They sort by time as strings, so
 * retention and the history list order runs without reading their reports,
 * and they are safe as file and directory names.
 */
import { randomBytes } from 'node:crypto';

const RUN_ID_PATTERN = /^[0-9]{8}T[0-9]{6}Z-[a-f0-9]{8}$/;

/** `YYYYMMDDTHHMMSSZ-` (17) + 8 hex. */
export const RUN_ID_LENGTH = 25;

export function newRunId(at: Date = new Date()): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace(/\.[0-9]{3}Z$/, 'Z');
  // The milliseconds lead the hex part, so runs in the same second still sort by time.
  const ms = at.getUTCMilliseconds().toString(16).padStart(3, '0');
  return `${stamp}-${ms}${randomBytes(3).toString('hex').slice(0, 5)}`;
}

export function isRunId(value: string): boolean {
  return RUN_ID_PATTERN.test(value);
}
