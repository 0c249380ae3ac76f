/**
 * What the command line says, and to whom, as root against real loop mounts:
 * a manual-method plan asks at a terminal (a real pseudo-terminal, through
 * util-linux's `script`) and is refused without one before anything is
 * frozen; stderr to a file reads in the order things happened; and an xfs
 * image's expected log lines come after their explanation, marked expected.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackupPlanInput } from '../../app/backup';
import { rootTests } from '../../testing/helper-harness';
import { run } from '../../testing/run-command';
import { useLoopMounts } from '../../testing/shared-mounts';

const ENTRY = resolve(import.meta.dirname, 'backup-main.ts');
const ROOT = resolve(import.meta.dirname, '../..');
const CLI = [process.execPath, '--import', 'tsx', ENTRY];

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

function finish(child: ReturnType<typeof spawn>, collect: { stdout: string; stderr: string }): Promise<Finished> {
  return new Promise((resolveRun) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolveRun({ code, ...collect });
    });
  });
}

/** The command line without a terminal, as cron starts it: stdin closed, stderr to a pipe or a file descriptor. */
function runDetached(args: string[], stderr: 'pipe' | number = 'pipe'): Promise<Finished> {
  const child = spawn(CLI[0]!, [...CLI.slice(1), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', stderr] });
  const out = { stdout: '', stderr: '' };
  child.stdout!.on('data', (chunk: Buffer) => (out.stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (out.stderr += chunk.toString()));
  return finish(child, out);
}

/**
 * The command line at a terminal: a pseudo-terminal on its stdin, stdout and
 * stderr (all three come back as one `stdout`). `onOutput` sees everything
 * so far and may type into the terminal, or signal the command itself.
 */
function runInTerminal(args: string[], onOutput: (output: string, terminal: { type(text: string): void; signal(name: NodeJS.Signals): void }) => void): Promise<Finished> {
  const quoted = [...CLI, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  // -e: script exits with the command's status; `exec` makes the command the terminal's only process.
  const child = spawn('script', ['-q', '-e', '-c', `exec ${quoted}`, '/dev/null'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  const terminal = {
    type: (text: string) => child.stdin!.write(text),
    // The command is script's only child (exec): signal it, as Ctrl-C or a kill would.
    signal: (name: NodeJS.Signals) => void run('pkill', [`-${name.replace(/^SIG/, '')}`, '-P', String(child.pid)]).catch(() => undefined),
  };
  child.stdout!.on('data', (chunk: Buffer) => {
    out.stdout += chunk.toString();
    onOutput(out.stdout, terminal);
  });
  child.stderr!.on('data', (chunk: Buffer) => (out.stderr += chunk.toString()));
  return finish(child, out).finally(() => child.stdin!.end());
}

/** The lines of a stderr, without the CLI's prefix; core log lines keep their timestamp. */
const linesOf = (text: string): string[] => text.split(/\r?\n/).map((l) => l.replace(/^freezeframe backup: /, ''));

function indexOf(lines: readonly string[], pattern: RegExp, what: string): number {
  const i = lines.findIndex((l) => pattern.test(l));
  expect(i, `${what} (${pattern}) in:\n${lines.join('\n')}`).toBeGreaterThanOrEqual(0);
  return i;
}

describe.skipIf(!rootTests.ok)('freezeframe backup: who it asks, and what it prints (real loop mounts)', () => {
  const mounts = useLoopMounts({ ext4: 'ext4', xfs: 'xfs' });
  let dir: string;
  let configDir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'freezeframe-cli-terminal-'));
    configDir = join(dir, 'config');
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function planFile(plan: BackupPlanInput): string {
    const path = join(dir, `${plan.name}.json`);
    writeFileSync(path, JSON.stringify(plan));
    chmodSync(path, 0o600);
    return path;
  }

  const manualPlan = (name: string, holdWindowMs: number): BackupPlanInput => ({
    version: 1,
    name,
    mounts: [mounts.ext4.mountpoint],
    method: 'manual',
    holdWindowMs,
    quiesceWindowMs: Math.max(60_000, holdWindowMs),
    manual: { checklist: ['Take the array snapshot of LUN 3'] },
  });

  it('a manual plan without a terminal (cron) is refused before anything is frozen: OPERATOR_REQUIRED, exit 2', async () => {
    const result = await runDetached(['--plan', planFile(manualPlan('cli-no-terminal', 30_000)), '--config-dir', configDir]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/^freezeframe backup: OPERATOR_REQUIRED: This plan uses the manual method: .*Nothing was frozen\./m);
    expect(result.stdout).toBe('');
    // Refused before the core (and its helper) started: nothing froze, no report.
    expect(result.stderr).not.toMatch(/helper: running|freeze \(running\)/);
    expect(existsSync(join(configDir, 'reports', 'cli-no-terminal'))).toBe(false);
    await run('sh', ['-c', `echo ok > '${mounts.ext4.mountpoint}/after-refusal'`], 5000);
  });

  it('a manual plan at a terminal shows the checklist and waits for "taken"; the notes after it go into the report', async () => {
    let typed = 0;
    const result = await runInTerminal(['--plan', planFile(manualPlan('cli-terminal', 30_000)), '--config-dir', configDir], (output, terminal) => {
      if (typed === 0 && output.includes('type "taken" and Enter')) {
        typed = 1;
        terminal.type('done\n');
      } else if (typed === 1 && output.includes('not confirmed')) {
        typed = 2;
        terminal.type('taken LUN3 snap 0412\n');
      }
    });
    expect(typed).toBe(2);
    expect(result.code, result.stdout).toBe(0);
    const lines = linesOf(result.stdout);
    const checklist = indexOf(lines, /^ {2}1\. Take the array snapshot of LUN 3$/, 'the checklist');
    expect(indexOf(lines, /^the filesystems are frozen: take the storage snapshot now \(\d+\.\d s of the hold window left\)\.$/, 'the prompt')).toBeLessThan(checklist);
    expect(result.stdout).toMatch(/^# Backup cli-terminal: succeeded/m);
    expect(result.stdout).toMatch(/Snapshot confirmed at /);
    expect(result.stdout).toMatch(/^> LUN3 snap 0412/m);
  });

  it('SIGTERM while a terminal is asked for the snapshot: thawed first, cancelled report, exit 143', async () => {
    let sent = false;
    const result = await runInTerminal(['--plan', planFile(manualPlan('cli-signal', 8000)), '--config-dir', configDir], (output, terminal) => {
      if (!sent && output.includes('type "taken" and Enter')) {
        sent = true;
        terminal.signal('SIGTERM');
      }
    });
    expect(sent).toBe(true);
    expect(result.code, result.stdout).toBe(143);
    expect(result.stdout).toMatch(/^# Backup cli-signal: cancelled/m);
    // Thawed: a write to it completes (in a child: a frozen write would block this process).
    await run('sh', ['-c', `echo ok > '${mounts.ext4.mountpoint}/after-signal'`], 5000);
  });

  it('SIGINT (Ctrl-C) while a terminal is asked for the snapshot: exit 130 within a second, thawed, cancelled report (issue 12)', async () => {
    let signalledAt = 0;
    const result = await runInTerminal(['--plan', planFile(manualPlan('cli-sigint', 8000)), '--config-dir', configDir], (output, terminal) => {
      if (!signalledAt && output.includes('type "taken" and Enter')) {
        signalledAt = performance.now();
        terminal.signal('SIGINT');
      }
    });
    expect(signalledAt).toBeGreaterThan(0);
    expect(result.code, result.stdout).toBe(130);
    // pkill runs first and script passes the exit on: a generous bound around the CLI's own second.
    expect(performance.now() - signalledAt).toBeLessThan(1500);
    expect(result.stdout).toMatch(/^# Backup cli-sigint: cancelled/m);
    await run('sh', ['-c', `echo ok > '${mounts.ext4.mountpoint}/after-sigint'`], 5000);
  });

  it('stderr to a file reads in the order things happened, and an xfs image’s log lines come after their explanation, marked expected', async () => {
    await run('sh', ['-c', `head -c 1048576 /dev/urandom > '${mounts.xfs.mountpoint}/data.bin' && sync -f '${mounts.xfs.mountpoint}'`]);
    const plan: BackupPlanInput = {
      version: 1,
      name: 'cli-order',
      mounts: [mounts.xfs.mountpoint, mounts.ext4.mountpoint],
      method: 'image-clone',
      holdWindowMs: 10_000,
      imageClone: { snapshotDir: join(dir, 'snapshots') },
    };
    const logPath = join(dir, 'cli-order.stderr');
    const fd = openSync(logPath, 'w');
    const result = await runDetached(['--plan', planFile(plan), '--config-dir', configDir], fd).finally(() => closeSync(fd));
    const log = readFileSync(logPath, 'utf8');
    expect(result.code, log).toBe(0);
    const lines = linesOf(log);

    // The order of events: the core's own lines (thawed ...) among the command line's, where they happened.
    const at = (pattern: RegExp, what: string) => indexOf(lines, pattern, what);
    const freezing = at(/^freeze \(running\)/, 'the freeze');
    const cloned = at(/^\[snapshot\] .*: cloned /, 'the clone');
    const thawed = at(new RegExp(`info +thawed ${mounts.xfs.mountpoint} \\(request\\)`), "the core's thaw line");
    const verifying = at(/^verify \(running\)/, 'the verification');
    const done = at(/^succeeded, snapshot trustworthy/, 'the outcome');
    expect([freezing, cloned, thawed, verifying, done]).toEqual([...[freezing, cloned, thawed, verifying, done]].sort((a, b) => a - b));

    // xfs_repair -n on the image: the explanation first, its log lines marked expected (not "!"), the verdict at the end.
    const note = at(/^\[verify note\] Expected next: an image of a frozen xfs always has a log to replay/, 'the explanation');
    const alerts = lines.map((l, i) => [l, i] as const).filter(([l]) => l.includes('ALERT: '));
    expect(alerts.length).toBeGreaterThan(0);
    for (const [line, i] of alerts) {
      expect(line).toMatch(/^\[verify expected\] ALERT: /);
      expect(i).toBeGreaterThan(note);
    }
    // Nothing of either check is an error: progress, e2fsck's banner included, reads as progress.
    expect(lines.filter((l) => l.startsWith('[verify !]'))).toEqual([]);
    expect(at(new RegExp(`^verify: ${mounts.xfs.mountpoint}: Clean apart from the log, as expected\\.`), 'the verdict')).toBeLessThan(done);
    // The report says it too, beside "clean".
    expect(result.stdout).toContain(`| \`${mounts.xfs.mountpoint}\` | \`/usr/sbin/xfs_repair -n -f `);
    expect(result.stdout).toMatch(new RegExp(`\\| clean \\(see the note below\\) \\|[\\s\\S]*Note on \`${mounts.xfs.mountpoint}\`: Clean apart from the log, as expected\\.`));
  });
});
