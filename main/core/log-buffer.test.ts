/** The log writes nothing while anything is frozen, and loses only what it counts. */
import { describe, expect, it } from 'vitest';
import { LogBuffer, type LogSink } from './log-buffer';

function recordingSink(): LogSink & { writes: string[]; inFlight: number; maxInFlight: number } {
  const sink = {
    writes: [] as string[],
    inFlight: 0,
    maxInFlight: 0,
    async write(text: string) {
      sink.inFlight++;
      sink.maxInFlight = Math.max(sink.maxInFlight, sink.inFlight);
      await new Promise((r) => setTimeout(r, 5));
      sink.writes.push(text);
      sink.inFlight--;
    },
  };
  return sink;
}

const fixedNow = () => new Date('2026-01-02T03:04:05.000Z');

describe('LogBuffer', () => {
  it('writes asynchronously, one write at a time', async () => {
    const sink = recordingSink();
    const logs = new LogBuffer(sink, { now: fixedNow });
    for (let i = 0; i < 20; i++) logs.log('info', `line ${i}`);
    await logs.flush();
    expect(sink.maxInFlight).toBe(1);
    const text = sink.writes.join('');
    expect(text.split('\n').filter(Boolean)).toHaveLength(20);
    expect(text.startsWith('2026-01-02T03:04:05.000Z info  line 0\n')).toBe(true);
  });

  it('holds lines while frozen, bounded, and writes them (with the count dropped) after the thaw', async () => {
    const sink = recordingSink();
    const logs = new LogBuffer(sink, { maxBufferedLines: 3, now: fixedNow });
    logs.hold();
    for (let i = 0; i < 5; i++) logs.log('warn', `frozen ${i}`);
    await new Promise((r) => setTimeout(r, 30));
    expect(sink.writes).toEqual([]);
    expect(logs.buffered).toBe(3);
    expect(logs.dropped).toBe(2);
    logs.release();
    await logs.flush();
    const lines = sink.writes.join('').split('\n').filter(Boolean);
    expect(lines[0]).toMatch(/2 log lines were dropped while filesystems were frozen/);
    expect(lines.slice(1).map((l) => l.split(' ').pop())).toEqual(['2', '3', '4']);
    expect(logs.dropped).toBe(0);
  });

  it('a sink that fails does not take the app down', async () => {
    const logs = new LogBuffer({ write: () => Promise.reject(new Error('EIO')) });
    logs.log('error', 'x');
    await logs.flush();
    logs.log('error', 'y');
    await logs.flush();
    expect(logs.buffered).toBe(0);
  });
});
