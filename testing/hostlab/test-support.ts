/** Small helpers for the lab's own tests: lines of a live stream, waiting. */
import type { Readable } from 'node:stream';

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface LineLog {
  lines: string[];
  /** Resolves when `line` has arrived; rejects with what did arrive after timeoutMs. */
  waitFor(line: string, timeoutMs: number): Promise<void>;
}

export function collectLines(stream: Readable): LineLog {
  const lines: string[] = [];
  let partial = '';
  stream.on('data', (chunk: Buffer) => {
    const parts = (partial + chunk.toString('utf8')).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
  });
  return {
    lines,
    async waitFor(line, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (!lines.includes(line)) {
        if (Date.now() > deadline) throw new Error(`no line ${JSON.stringify(line)} within ${timeoutMs} ms (got ${JSON.stringify(lines)})`);
        await sleep(10);
      }
    },
  };
}
