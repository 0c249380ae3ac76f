import { describe, expect, it } from 'vitest';
import { HELPER_STATES } from './domain';
import { describeError, ERROR_MESSAGES, HELPER_STATE_GUIDANCE, HELPER_STATE_TITLES, humanMessage } from './error-messages';
import { APP_ERROR_CODES, CLIENT_ERROR_CODES, HELPER_ERROR_CODES } from './errors';

describe('error messages', () => {
  it('has a distinct sentence for every error code', () => {
    const codes = [...HELPER_ERROR_CODES, ...CLIENT_ERROR_CODES, ...APP_ERROR_CODES];
    for (const code of codes) expect(ERROR_MESSAGES[code], code).toMatch(/\.$/);
    expect(new Set(codes.map((code) => ERROR_MESSAGES[code])).size).toBe(codes.length);
    expect(Object.keys(ERROR_MESSAGES).sort()).toEqual([...codes].sort());
  });

  it('has a title and distinct guidance for every helper state', () => {
    for (const state of HELPER_STATES) expect(HELPER_STATE_TITLES[state], state).toBeTruthy();
    expect(new Set(HELPER_STATES.map((state) => HELPER_STATE_GUIDANCE[state])).size).toBe(HELPER_STATES.length);
  });

  it('falls back to the sender text for a code outside the set', () => {
    expect(humanMessage({ code: 'NOT_HELD', message: 'x' })).toBe(ERROR_MESSAGES.NOT_HELD);
    expect(humanMessage({ code: 'SOMETHING_NEW' as never, message: 'raw text' })).toBe('raw text');
  });
});

describe('describeError', () => {
  it('adds the sender text where it says more', () => {
    expect(describeError({ code: 'IO_ERROR', message: 'EIO: input/output error' })).toBe(`${ERROR_MESSAGES.IO_ERROR} (EIO: input/output error)`);
    expect(describeError({ code: 'FROZEN_ELSEWHERE', message: 'EBUSY' })).toBe(ERROR_MESSAGES.FROZEN_ELSEWHERE);
    expect(describeError({ code: 'INTERNAL', message: 'boom' })).toBe(`${ERROR_MESSAGES.INTERNAL} (boom)`);
    expect(describeError({ code: 'DISCONNECTED', message: 'Lost the connection.' })).toBe(ERROR_MESSAGES.DISCONNECTED);
    expect(describeError({ code: 'INTERNAL', message: '' })).toBe(ERROR_MESSAGES.INTERNAL);
    // An extend refused while a run holds the filesystem: which run, and why.
    const held = '/srv/data is held frozen by the backup run of "pg": its hold window (10 s) is enforced.';
    expect(describeError({ code: 'BACKUP_RUNNING', message: held })).toBe(`${ERROR_MESSAGES.BACKUP_RUNNING} (${held})`);
  });
});
