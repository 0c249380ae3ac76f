/**
 * The unattended run, as cron would start it: `node --import tsx
 * main/cli/backup-main.ts --plan FILE` as root against real loop mounts.
 * Exit 0 and a Markdown report for a good run, 1 for a failed one, 2 for a
 * plan root must not trust. (A manual plan, SIGTERM at a terminal: see
 * backup-cli-terminal.int.test.ts.)
 */
import { spawn } from 'node:child_process';
import { chmodSync, closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackupPlanInput, BackupReport, Preflight } from '../../app/backup';
import { startBackupCore } from '../core/backup/testing/backup-int-harness';
import { rootTests } from '../../testing/helper-harness';
import { useLoopMounts } from '../../testing/shared-mounts';

const ENTRY = resolve(import.meta.dirname, 'backup-main.ts');
const ROOT = resolve(import.meta.dirname, '../..');

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], onStderr?: (text: string, child: ReturnType<typeof spawn>) => void): Promise<CliRun> {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      onStderr?.(stderr, child);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolveRun({ code, stdout, stderr });
    });
  });
}

describe.skipIf(!rootTests.ok)('freezeframe backup (the CLI) on real loop mounts', () => {
  const mounts = useLoopMounts({ ext4: 'ext4' });
  let dir: string;
  let configDir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'freezeframe-cli-int-'));
    configDir = join(dir, 'config');
  });

  afterAll(async () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function planFile(name: string, plan: BackupPlanInput, mode = 0o600): string {
    const path = join(dir, `${name}.json`);
    writeFileSync(path, JSON.stringify(plan));
    chmodSync(path, mode);
    return path;
  }

  const imagePlan = (name: string, extra: Partial<BackupPlanInput> = {}): BackupPlanInput => ({
    version: 1,
    name,
    mounts: [mounts.ext4.mountpoint],
    method: 'image-clone',
    holdWindowMs: 10_000,
    imageClone: { snapshotDir: join(dir, 'snapshots') },
    ...extra,
  });

  it('a good run: exit 0, the Markdown report on stdout, saved in the config dir', async () => {
    const result = await runCli(['--plan', planFile('cli-ok', imagePlan('cli-ok')), '--config-dir', configDir]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^# Backup cli-ok: succeeded/);
    expect(result.stdout).toContain('**trustworthy**');
    expect(result.stdout).toMatch(/\| hold \(freeze to thaw\) \| .* \| 10\.00 s \| yes \|/);
    expect(result.stderr).toMatch(/freeze \(running\)/);
    const saved = readdirSync(join(configDir, 'reports'));
    expect(saved).toHaveLength(1);
    const report = JSON.parse(readFileSync(join(configDir, 'reports', saved[0]!), 'utf8')) as BackupReport;
    expect(report).toMatchObject({ outcome: 'succeeded', trustworthy: true });
  });

  it('a failed run: exit 1, and --json prints the report as JSON', async () => {
    const plan = imagePlan('cli-fails', { hooks: { preFreeze: { argv: ['sh', '-c', 'exit 1'], timeoutMs: 5000 } } });
    const result = await runCli(['--plan', planFile('cli-fails', plan), '--config-dir', configDir, '--json']);
    expect(result.code, result.stderr).toBe(1);
    const report = JSON.parse(result.stdout) as BackupReport;
    expect(report).toMatchObject({ outcome: 'failed', trustworthy: false, error: { code: 'HOOK_FAILED' } });
  });

  it('as root, a group-writable plan is refused: exit 2, PLAN_UNSAFE; an invalid plan: exit 2, PLAN_INVALID', async () => {
    const unsafe = await runCli(['--plan', planFile('cli-unsafe', imagePlan('cli-unsafe'), 0o664), '--config-dir', configDir]);
    expect(unsafe.code).toBe(2);
    expect(unsafe.stderr).toMatch(/PLAN_UNSAFE: .*writable by its group/);
    expect(unsafe.stdout).toBe('');
    const invalid = await runCli(['--plan', planFile('cli-invalid', { version: 1, name: 'x', mounts: ['relative'], method: 'image-clone' } as BackupPlanInput), '--config-dir', configDir]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/PLAN_INVALID: .*mounts\.0/);
    expect(invalid.stderr).toMatch(/imageClone\.snapshotDir/);
  });

  it("stderr to a file on the frozen member (cron's 2>log): its lines wait for the thaw, and the hold ends on time", async () => {
    const logPath = join(mounts.ext4.mountpoint, 'cli-progress.log');
    const fd = openSync(logPath, 'w');
    const result = await new Promise<{ code: number | null; stdout: string }>((resolveRun) => {
      const plan = imagePlan('cli-log-on-member', { holdWindowMs: 3000 });
      const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, '--plan', planFile('cli-log-on-member', plan), '--config-dir', configDir, '--json'], { cwd: ROOT, stdio: ['ignore', 'pipe', fd] });
      let stdout = '';
      child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolveRun({ code, stdout });
      });
    });
    closeSync(fd);
    const log = readFileSync(logPath, 'utf8');
    expect(result.code, log).toBe(0);
    const report = JSON.parse(result.stdout) as BackupReport;
    expect(report).toMatchObject({ outcome: 'succeeded', trustworthy: true, hold: { withinWindow: true } });
    expect(report.hold!.heldMs).toBeLessThan(2000);
    // Every line still arrives, in order.
    expect(log).toMatch(/freeze \(running\)[\s\S]*snapshot \(running\)[\s\S]*succeeded, snapshot trustworthy/);
  });

  it('SIGTERM while a hook ignores SIGTERM: exit 143 within a second, the hook killed (issue 12)', async () => {
    const pidFile = join(dir, 'stubborn.pid');
    const plan = imagePlan('cli-stubborn', {
      hooks: { preFreeze: { argv: [`trap "" TERM; echo $$ > '${pidFile}'; echo started; exec sleep 30`], shell: true, timeoutMs: 60_000 } },
    });
    let signalledAt = 0;
    const result = await runCli(['--plan', planFile('cli-stubborn', plan), '--config-dir', configDir], (stderr, child) => {
      if (!signalledAt && stderr.includes('[pre-freeze] started')) {
        signalledAt = performance.now();
        child.kill('SIGTERM');
      }
    });
    const tookMs = performance.now() - signalledAt;
    expect(signalledAt).toBeGreaterThan(0);
    expect(result.code, result.stderr).toBe(143);
    expect(tookMs).toBeLessThan(1000);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
  });


  it('an export to /proc/sys/nope: refused at once, naming the path and ENOENT; exit 1 (issue 12)', async () => {
    const plan = imagePlan('cli-proc', { backup: { destination: '/proc/sys/nope', verify: false } });
    const started = performance.now();
    const result = await runCli(['--plan', planFile('cli-proc', plan), '--config-dir', configDir]);
    expect(result.code, result.stderr).toBe(1);
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(result.stderr).toContain('cannot run: The export destination /proc/sys/nope cannot be used: Cannot create the folder /proc/sys/nope: this filesystem does not let a folder be created there (ENOENT).');
  });

  it('a plan file of the same name as a GUI plan runs as it is, leaving the GUI plan and its approval alone (issue 12)', async () => {
    const gui = await startBackupCore();
    try {
      const guiPlan = imagePlan('shared-name', { hooks: { preFreeze: { argv: ['echo', 'the GUI plan'], timeoutMs: 5000 } } });
      const first = await gui.runPlan(guiPlan);
      expect(first.outcome, JSON.stringify(first.error)).toBe('succeeded');
      const savedPath = join(gui.configDir, 'plans', 'shared-name.json');
      const saved = readFileSync(savedPath, 'utf8');
      const approvals = readFileSync(join(gui.configDir, 'approved-plans.json'), 'utf8');

      const copy = imagePlan('shared-name', { holdWindowMs: 5000, hooks: { preFreeze: { argv: ['echo', 'CHANGED by the copy'], timeoutMs: 5000 } } });
      const result = await runCli(['--plan', planFile('shared-name-copy', copy), '--config-dir', gui.configDir, '--json']);
      expect(result.code, result.stderr).toBe(0);
      const report = JSON.parse(result.stdout) as BackupReport;
      expect(report.hooks[0]?.argv).toEqual(['echo', 'CHANGED by the copy']);
      expect(report.plan.holdWindowMs).toBe(5000);

      // The GUI's plan, its approval, and what the GUI says of it are as before.
      expect(readFileSync(savedPath, 'utf8')).toBe(saved);
      expect(readFileSync(join(gui.configDir, 'approved-plans.json'), 'utf8')).toBe(approvals);
      const preflight = await gui.ok<Preflight>('backup.preflight', { name: 'shared-name' });
      expect(preflight.commands).toEqual([{ role: 'pre-freeze', argv: ['echo', 'the GUI plan'], shell: false }]);
      expect(preflight).toMatchObject({ approval: 'approved', commandsConfirmed: true });

      // The GUI's plan file changed since it was approved (by hand, or by an older CLI): shown as changed, asked again.
      writeFileSync(savedPath, JSON.stringify({ ...JSON.parse(saved), hooks: { preFreeze: { argv: ['echo', 'edited'], timeoutMs: 5000 } } }));
      const changed = await gui.ok<Preflight>('backup.preflight', { name: 'shared-name' });
      expect(changed).toMatchObject({ approval: 'changed', commandsConfirmed: false, changedSinceApproval: ['hooks.preFreeze'] });
    } finally {
      await gui.close();
    }
  });

});
