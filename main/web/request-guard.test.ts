import { describe, expect, it } from 'vitest';
import { isLoopbackHost, isOwnOrigin, judgeRequest, readCookie } from './request-guard';

describe('request guard', () => {
  it('knows loopback Host values from look-alikes', () => {
    for (const host of ['127.0.0.1', '127.0.0.1:7420', 'localhost', 'LocalHost:1', '[::1]', '[::1]:65535']) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of [
      undefined,
      '',
      'evil.example',
      '127.0.0.1.evil.example',
      'localhost.evil.example',
      '127.0.0.2',
      '127.1',
      '0.0.0.0',
      '[::1]:65536',
      '127.0.0.1:',
      '127.0.0.1:80:80',
      'localhost@evil.example',
      '::1',
      ' 127.0.0.1',
    ]) {
      expect(isLoopbackHost(host), String(host)).toBe(false);
    }
  });

  it('takes only its own origin, scheme and port included', () => {
    expect(isOwnOrigin('http://localhost:8080', 'localhost:8080')).toBe(true);
    expect(isOwnOrigin('http://localhost:8081', 'localhost:8080')).toBe(false);
    expect(isOwnOrigin('https://localhost:8080', 'localhost:8080')).toBe(false);
    expect(isOwnOrigin('null', 'localhost:8080')).toBe(false);
    expect(isOwnOrigin('http://evil.example', 'evil.example')).toBe(false);
  });

  it('reads the session cookie among others', () => {
    expect(readCookie('a=1; freezeframe_session=abc; b=2', 'freezeframe_session')).toBe('abc');
    expect(readCookie('xfreezeframe_session=abc', 'freezeframe_session')).toBeUndefined();
    expect(readCookie(undefined, 'freezeframe_session')).toBeUndefined();
  });

  it('judges Host first, Origin second, then which secret the request brings', () => {
    const token = 't'.repeat(43);
    const base = { method: 'GET', token: null, upgrade: false };
    expect(judgeRequest({ ...base, headers: { host: 'evil.example' }, token })).toMatchObject({ status: 403 });
    expect(judgeRequest({ ...base, headers: { host: 'localhost:1', origin: 'http://evil.example' }, token })).toMatchObject({ status: 403 });
    expect(judgeRequest({ ...base, headers: { host: 'localhost:1' }, token })).toEqual({ kind: 'token', token });
    expect(judgeRequest({ ...base, method: 'POST', headers: { host: 'localhost:1', origin: 'http://localhost:1' }, token })).toMatchObject({ status: 401 });
    expect(judgeRequest({ ...base, upgrade: true, headers: { host: 'localhost:1', origin: 'http://localhost:1' }, token })).toMatchObject({ status: 401 });
    expect(judgeRequest({ ...base, headers: { host: 'localhost:1', cookie: 'freezeframe_session=abc' } })).toEqual({ kind: 'cookie', secret: 'abc' });
    expect(judgeRequest({ ...base, headers: { host: 'localhost:1' } })).toMatchObject({ status: 401 });
  });
});
