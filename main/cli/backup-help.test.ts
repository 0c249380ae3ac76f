/** `freezeframe backup --help` says where plans are saved, and what happens to a manual plan. */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runBackupCli } from './backup';

describe('backup --help', () => {
  it('names this user’s plans and reports folders, and the manual method’s terminal', async () => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const code = await runBackupCli(['--help'], { helperPath: '/nonexistent', development: true, appVersion: 'test', defaultConfigDir: '/home/ada/.config/freezeframe', stdout, stderr });
    expect(code).toBe(0);
    const help = (stdout.read() as Buffer).toString();
    expect(help).toContain('Here: the Backups view saves its plans in /home/ada/.config/freezeframe/plans (a --plan file\nis run as it is and not copied there); reports, the CLI\'s too, are in /home/ada/.config/freezeframe/reports.');
    expect(help).toMatch(/without a terminal \(cron\) it is refused before anything is frozen,\nwith OPERATOR_REQUIRED and exit status 2/);
    expect(stderr.read()).toBeNull();
  });
});
