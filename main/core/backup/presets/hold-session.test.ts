/**
 * The held-session script with `cat` as its "client": what it writes to the
 * client is what the client prints, so the protocol is visible end to end
 * (start SQL at once, check SQL per `check` line, release SQL at end of
 * input, the client's status as its own). A real /bin/sh, no database.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HOLD_SESSION_SCRIPT, holdSessionArgv } from './hold-session';

function startScript(client: string[]): { lines: string[]; stdin: NodeJS.WritableStream; exit: Promise<[number | null, string | null]>; pid: number } {
  const argv = holdSessionArgv({ start: 'START;', check: 'CHECK;', release: 'RELEASE;' }, client);
  const child = spawn('/bin/sh', ['-c', argv[0]!, 'freezeframe-hook', ...argv.slice(1)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: string[] = [];
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (c: string) => lines.push(...c.split('\n').filter(Boolean)));
  return { lines, stdin: child.stdin, exit: new Promise((r) => child.once('exit', (code, signal) => r([code, signal]))), pid: child.pid! };
}

const until = async (what: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !what(); i++) await new Promise((r) => setTimeout(r, 10));
};

describe('the held-session script', () => {
  it('sends the start SQL at once, the check SQL per check line, the release SQL at end of input, then ends with the client', async () => {
    const s = startScript(['cat']);
    await until(() => s.lines.length >= 1);
    expect(s.lines).toEqual(['START;']);
    s.stdin.write('check\nsomething else\ncheck\n');
    await until(() => s.lines.length >= 3);
    expect(s.lines).toEqual(['START;', 'CHECK;', 'CHECK;']);
    s.stdin.end();
    expect(await s.exit).toEqual([0, null]);
    expect(s.lines).toEqual(['START;', 'CHECK;', 'CHECK;', 'RELEASE;']);
  });

  it("ends with the client's status when the client ends first (a failed statement, a lost session)", async () => {
    const s = startScript(['sh', '-c', 'read first; echo "$first"; exit 3']);
    expect(await s.exit).toEqual([3, null]);
    expect(s.lines).toEqual(['START;']);
  });

  it('SIGTERM ends the client too (its session and lock go with it)', async () => {
    const s = startScript(['sh', '-c', 'echo "client $$"; exec sleep 600']);
    await until(() => s.lines.length >= 1);
    const clientPid = Number(s.lines[0]!.split(' ')[1]);
    process.kill(s.pid, 'SIGTERM');
    expect((await s.exit)[0]).toBe(143);
    await until(() => !alive(clientPid));
    expect(alive(clientPid)).toBe(false);
  });

  it('takes only one-line SQL, and keeps the script itself in the argv', () => {
    expect(() => holdSessionArgv({ start: 'A;\nB;', check: 'C;', release: 'D;' }, ['cat'])).toThrow(/one line/);
    expect(holdSessionArgv({ start: 'A;', check: 'C;', release: 'D;' }, ['mariadb', '--batch'])).toEqual([HOLD_SESSION_SCRIPT, 'A;', 'C;', 'D;', 'mariadb', '--batch']);
  });
});

/** Running (a zombie waiting for its reaper is not: it holds no session). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
