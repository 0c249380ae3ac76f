import { describe, expect, it } from 'vitest';
import { LineSplitter } from './line-splitter';

function split(chunks: Array<string | Buffer>, maxLine?: number): { lines: string[]; overlong: number[] } {
  const lines: string[] = [];
  const overlong: number[] = [];
  const splitter = new LineSplitter((l) => lines.push(l), (n) => overlong.push(n), maxLine);
  for (const c of chunks) splitter.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
  return { lines, overlong };
}

describe('LineSplitter', () => {
  it('joins lines split across chunks and splits several per chunk', () => {
    expect(split(['{"a":', '1}\n{"b"', ':2}\n{"c":3}\n']).lines).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
  });

  it('keeps a multi-byte character split between chunks intact', () => {
    const bytes = Buffer.from('"é/ü"\n');
    expect(split([bytes.subarray(0, 2), bytes.subarray(2)]).lines).toEqual(['"é/ü"']);
  });

  it('holds a partial line until its newline arrives', () => {
    expect(split(['no newline yet']).lines).toEqual([]);
  });

  it('skips an overlong line without buffering it, and goes on', () => {
    const result = split(['x'.repeat(50), 'y'.repeat(60), '\nok\n'], 100);
    expect(result.overlong).toEqual([110]);
    expect(result.lines).toEqual(['ok']);
  });
});
