/**
 * The command line's one stderr: its own lines and the core's log in the
 * order they were made; while anything is frozen and stderr is a file, all
 * of them wait in memory, and they come out in that same order after the thaw.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LogBuffer } from '../core/log-buffer';
import { StderrLines } from './stderr-lines';

function collected(stream: PassThrough): string[] {
  const text = (stream.read() as Buffer | null)?.toString() ?? '';
  return text.split('\n').filter(Boolean).map((line) => line.replace(/^\S+Z info {2}/, 'log: '));
}

describe('StderrLines', () => {
  it('keeps the core’s log lines in order with its own, also those made while frozen', async () => {
    const file = new PassThrough();
    const lines = new StderrLines(file, true);
    let frozen = false;
    lines.watchFreezes(() => frozen);
    const core = new LogBuffer(lines.logSink());

    lines.write('freeze (running)\n');
    frozen = true;
    core.hold(); // what the core does before a freeze: this sink keeps the order itself
    core.log('info', 'helper: frozen');
    lines.write('snapshot (running)\n');
    core.log('info', 'writers: 1 blocked');
    await core.flush();
    expect(collected(file)).toEqual(['freeze (running)']); // nothing written while frozen

    frozen = false;
    core.release();
    core.log('info', 'thawed');
    lines.write('verify (running)\n');
    await core.flush();
    expect(collected(file)).toEqual(['log: helper: frozen', 'snapshot (running)', 'log: writers: 1 blocked', 'log: thawed', 'verify (running)']);
  });

  it('writes at once to a terminal or a pipe, frozen or not', () => {
    const pipe = new PassThrough();
    const lines = new StderrLines(pipe, false);
    lines.watchFreezes(() => true);
    lines.write('waiting for the operator\n');
    expect(collected(pipe)).toEqual(['waiting for the operator']);
  });

  it('writes what waited once thawed, on the next event or at the end', async () => {
    const file = new PassThrough();
    const lines = new StderrLines(file, true);
    let frozen = true;
    lines.watchFreezes(() => frozen);
    lines.write('held\n');
    lines.flushIfThawed();
    expect(collected(file)).toEqual([]);
    frozen = false;
    lines.flushIfThawed();
    expect(collected(file)).toEqual(['held']);
    frozen = true;
    lines.write('at the end\n');
    await lines.drain();
    expect(collected(file)).toEqual(['at the end']);
  });
});
