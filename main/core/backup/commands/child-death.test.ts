/**
 * A plan's command dies with main: a small Node parent starts a
 * hold-hook-like child through spawnCommand (the function every hook and
 * the snapshot command go through), the child says READY and would hold on
 * forever; the parent is killed with SIGKILL, as main would be. The child
 * must be gone within a second (setpriv's parent-death signal, SIGTERM).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { running } from '../../../../testing/writer';
import { parentDeathSignalAvailable } from './child-command';

const ROOT = resolve(__dirname, '../../../..');
const MODULE = pathToFileURL(join(__dirname, 'child-command.ts')).href;
/**
 * Generous, for a loaded machine: the signal is immediate; without it the
 * holder would live on (it ignores its stdin closing) and sleep 30 s.
 */
const GONE_WITHIN_MS = 5000;
/** Holds on like a hold hook whose lock outlives its stdin: only a signal ends it. */
const HOLDER = 'process.stdout.write("READY\\n"); process.stdin.on("error", () => {}); process.stdin.resume(); setInterval(() => {}, 1e6);';

/** The parent prints the child's pid once the child said READY. */
function parentScript(options: object): string {
  return `import { spawnCommand } from ${JSON.stringify(MODULE)};
const child = spawnCommand(${JSON.stringify(options)});
let seen = '';
child.stdout.setEncoding('utf8');
child.stdout.on('data', (text) => {
  seen += text;
  if (seen.includes('READY')) process.stdout.write(child.pid + '\\n');
});
`;
}

// Each test starts a Node parent through tsx (seconds on a busy machine): more than the unit default of 5 s.
describe.skipIf(!parentDeathSignalAvailable())('a command dies with main (setpriv --pdeathsig)', { timeout: 30_000 }, () => {
  let dir: string;
  let parent: ChildProcess | undefined;
  let childPid: number | undefined;
  beforeEach(() => void (dir = mkdtempSync(join(tmpdir(), 'ff-child-death-'))));
  afterEach(() => {
    parent?.kill('SIGKILL');
    if (childPid !== undefined && running(childPid)) process.kill(-childPid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  async function startParent(options: object): Promise<number> {
    const script = join(dir, 'parent.mts');
    writeFileSync(script, parentScript(options));
    parent = spawn(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    parent.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    return new Promise<number>((resolvePid, reject) => {
      const timer = setTimeout(() => reject(new Error(`the parent never reported its child: ${err}`)), 15_000);
      parent!.stdout!.on('data', (b: Buffer) => {
        out += b.toString();
        const line = /^([0-9]+)\n/.exec(out);
        if (line) {
          clearTimeout(timer);
          resolvePid(Number(line[1]));
        }
      });
    });
  }

  async function killParentAndWatch(pid: number): Promise<number> {
    childPid = pid;
    expect(running(pid)).toBe(true);
    const killedAt = performance.now();
    parent!.kill('SIGKILL');
    while (running(pid) && performance.now() - killedAt < GONE_WITHIN_MS) await new Promise((r) => setTimeout(r, 10));
    return performance.now() - killedAt;
  }

  it('an argv command (kept stdin, as a hold hook) dies with its parent’s SIGKILL', async () => {
    const pid = await startParent({ argv: [process.execPath, '-e', HOLDER], keepStdin: true });
    // setpriv exec'd the command in place: the pid the parent knows is the holder's own.
    expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0]).toBe(process.execPath);
    const ms = await killParentAndWatch(pid);
    expect(running(pid)).toBe(false);
    expect(ms).toBeLessThan(GONE_WITHIN_MS);
  });

  it('with `shell: true` the sh gets the signal (here it exec()s the holder, so the holder does)', async () => {
    const pid = await startParent({ argv: ['echo READY; exec sleep 30'], shell: true });
    const ms = await killParentAndWatch(pid);
    expect(running(pid)).toBe(false);
    expect(ms).toBeLessThan(GONE_WITHIN_MS);
  });
});
