/** The sequence check must catch what it exists for: a hole, a lost acknowledged commit, a number never sent. */
import { describe, expect, it } from 'vitest';
import { checkSequence, SequenceWriter } from './sequence-writer';

function writerWith(acks: number[], sent: number, id = 1): SequenceWriter {
  const writer = new SequenceWriter();
  writer.clients.push({ id, sent, acks: acks.map((n) => ({ n, ackAt: n * 10, ms: 1 })) });
  return writer;
}

describe('checkSequence', () => {
  const rows = (...ns: number[]): Array<[number, number]> => ns.map((n) => [1, n]);

  it('passes a prefix holding every number acknowledged before the cut (and one committed but not yet acknowledged)', () => {
    const result = checkSequence(writerWith([1, 2, 3, 4], 5), rows(1, 2, 3, 4, 5), 35);
    expect(result.problems).toEqual([]);
    expect(result.perClient).toEqual([{ id: 1, restored: 5, ackedBeforeCut: 3, sent: 5 }]);
  });

  it('finds a hole', () => {
    expect(checkSequence(writerWith([1, 2, 3], 3), rows(1, 3), 100).problems).toContain('client 1: a hole: position 2 holds 3');
  });

  it('finds an acknowledged commit that is missing', () => {
    expect(checkSequence(writerWith([1, 2, 3], 3), rows(1, 2), 35).problems).toEqual(['client 1: 3 acknowledged before the freeze, only 2 restored']);
  });

  it('finds a number that was never sent', () => {
    expect(checkSequence(writerWith([1], 2), rows(1, 2, 3), 5).problems).toEqual(['client 1: 3 restored, but only 2 were ever sent']);
  });
});
