/**
 * A preset hook run the way the engine runs a `shell: true` hook
 * (`/bin/sh -c argv[0] freezeframe-hook argv[1..]`), its stdin held open
 * by the test: `check` lines written to it, its end the release.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { parseHookLine, type HookLine } from '../../main/core/backup/presets/hook-lines';

export interface RunningHook {
  child: ChildProcessWithoutNullStreams;
  lines: string[];
  exit: Promise<number | null>;
  /** The nth line of this kind (1: the first), within 15 s. */
  waitFor(kind: HookLine['kind'], nth?: number): Promise<HookLine>;
  waitForLine(text: string): Promise<void>;
  stderr(): string;
}

export function startHook(argv: readonly string[]): RunningHook {
  const child = spawn('/bin/sh', ['-c', argv[0]!, 'freezeframe-hook', ...argv.slice(1)], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let pending = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (c: string) => {
    const parts = (pending + c).split('\n');
    pending = parts.pop()!;
    lines.push(...parts);
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdin.on('error', () => undefined);
  const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const poll = async <T>(find: () => T | undefined, what: string): Promise<T> => {
    for (let i = 0; i < 300; i++) {
      const found = find();
      if (found !== undefined) return found;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no ${what} within 15 s; output: ${lines.join(' | ')}; stderr: ${stderr}`);
  };
  return {
    child,
    lines,
    exit,
    waitFor: (kind, nth = 1) => poll(() => lines.map(parseHookLine).filter((l) => l?.kind === kind)[nth - 1], `${kind} line #${nth}`),
    waitForLine: (text) => poll(() => (lines.includes(text) ? true : undefined), text).then(() => undefined),
    stderr: () => stderr,
  };
}
