/**
 * Random and malformed contract payloads, reproducible from a seed: what a
 * compromised renderer (or a confused script on the web socket) could send.
 * None of them is valid by accident: no string here is a real mount id, a
 * plan name the test saved, or a run id that exists.
 */
import { APP_ERROR_CODES, CLIENT_ERROR_CODES, HELPER_ERROR_CODES } from '../app/errors';

/** Every code a Result may carry: the closed set of app/errors.ts. */
export const ALL_ERROR_CODES = new Set<string>([...HELPER_ERROR_CODES, ...CLIENT_ERROR_CODES, ...APP_ERROR_CODES]);

export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STRINGS = [
  '',
  'm',
  'm-1',
  'm99999999999',
  'M1',
  ' m1',
  '../../etc/passwd',
  '/',
  '/etc',
  '\u0000',
  'a\nb',
  '\ud800',
  '__proto__',
  'constructor',
  '<script>alert(1)</script>',
  '$(reboot)',
  'x'.repeat(5000),
  '20260101T000000Z-zzzzzzzz',
  'json',
  'markdown',
  'yaml',
];
const NUMBERS = [0, -1, 1, 999, 1.5, -0, 2 ** 31, 2 ** 53, Number.MAX_VALUE, 1e-300, 86_400_001];
const KEYS = ['id', 'timeoutMs', 'confirm', 'force', 'name', 'plan', 'runId', 'format', 'notes', 'confirmCommands', '__proto__', 'constructor', 'prototype', ''];

export function randomValue(rand: () => number, depth = 0): unknown {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const kind = Math.floor(rand() * (depth > 2 ? 5 : 8));
  switch (kind) {
    case 0:
      return null;
    case 1:
      return rand() < 0.5;
    case 2:
      return pick(NUMBERS);
    case 3:
    case 4:
      return pick(STRINGS);
    case 5:
      return Array.from({ length: Math.floor(rand() * 4) }, () => randomValue(rand, depth + 1));
    default: {
      const obj: Record<string, unknown> = {};
      for (let i = Math.floor(rand() * 4); i > 0; i--) obj[pick(KEYS)] = randomValue(rand, depth + 1);
      return obj;
    }
  }
}

/** Valid shapes with one field broken, and random objects; for every method. */
export function hostileParams(rand: () => number, count: number): unknown[] {
  const out: unknown[] = [undefined, null, 0, 'params', [], [{}], { id: 'm99999999999', timeoutMs: 'soon' }, JSON.parse('{"__proto__":{"polluted":true}}')];
  for (let i = 0; i < count; i++) {
    const base: Record<string, unknown> = { id: 'm99999999999', timeoutMs: 5000, name: 'no-such-plan', runId: '20260101T000000Z-00000000', format: 'json' };
    const key = KEYS[Math.floor(rand() * KEYS.length)]!;
    base[key] = randomValue(rand);
    out.push(rand() < 0.5 ? base : randomValue(rand));
  }
  return out;
}

/** The shape every answer must have: a Result, and a failure from the closed set. */
export function checkResult(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return `not a Result: ${JSON.stringify(value)}`;
  const r = value as { ok?: unknown; error?: { code?: unknown; message?: unknown } };
  if (r.ok === true) return undefined;
  if (r.ok !== false || !r.error) return `not a Result: ${JSON.stringify(value).slice(0, 200)}`;
  if (typeof r.error.code !== 'string' || !ALL_ERROR_CODES.has(r.error.code)) return `untyped error code ${String(r.error.code)}`;
  if (typeof r.error.message !== 'string') return 'error without a message';
  return undefined;
}
