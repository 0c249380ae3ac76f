/** The manual method's question at a terminal: asked once per wait, answered by "taken" and its notes only. */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { BackupRunState } from '../../app/backup';
import { OperatorPrompt, parseConfirmation } from './operator-prompt';

const waiting: BackupRunState = {
  runId: 'r1',
  planName: 'array',
  method: 'manual',
  status: 'waiting-for-operator',
  phase: 'snapshot',
  startedAt: 0,
  quiesceRemainingMs: 50_000,
  holdRemainingMs: 8_400,
  quiesceWindowMs: 60_000,
  holdWindowMs: 10_000,
  frozenAt: 0,
  thawedAt: null,
  progress: null,
  checklist: ['Snapshot LUN 3', 'Note its id'],
  writersBlocked: 0,
  error: null,
};

describe('the operator’s confirmation', () => {
  it('is "taken", with the rest of the line as notes', () => {
    expect(parseConfirmation('taken')).toEqual({ notes: undefined });
    expect(parseConfirmation('  Taken  LUN3 snap 0412 ')).toEqual({ notes: 'LUN3 snap 0412' });
    expect(parseConfirmation('yes')).toBeNull();
    expect(parseConfirmation('takenaback')).toBeNull();
  });

  it('asks once per wait with the checklist and the time left, and confirms on "taken" only', async () => {
    const input = new PassThrough();
    const said: string[] = [];
    const confirmed: Array<[string, string | undefined]> = [];
    const prompt = new OperatorPrompt(input, (t) => said.push(t), async (runId, notes) => {
      confirmed.push([runId, notes]);
      return { ok: true, value: null };
    });
    prompt.onProgress(waiting);
    prompt.onProgress({ ...waiting, holdRemainingMs: 7000 }); // the same wait: not asked again
    expect(said).toEqual([
      'the filesystems are frozen: take the storage snapshot now (8.4 s of the hold window left).',
      '  1. Snapshot LUN 3',
      '  2. Note its id',
      'type "taken" and Enter once the snapshot is taken (words after "taken" go into the report as notes); Ctrl-C cancels, and everything thaws.',
    ]);
    input.write('done\n');
    input.write('taken id 0412\n');
    await new Promise((r) => setTimeout(r, 20));
    expect(said.at(-1)).toBe('not confirmed: type "taken" and Enter once the snapshot is taken, or Ctrl-C to cancel.');
    expect(confirmed).toEqual([['r1', 'id 0412']]);
    prompt.onProgress({ ...waiting, status: 'running', phase: 'thaw' });
    prompt.close();
  });
});
