import { describe, expect, it } from 'vitest';
import { parseBackupArgs } from './backup-args';

describe('parseBackupArgs', () => {
  it('reads --plan, --json, --config-dir (also as --flag=value)', () => {
    expect(parseBackupArgs(['--plan', 'p.json'])).toEqual({ kind: 'run', planFile: 'p.json', json: false });
    expect(parseBackupArgs(['--plan=p.json', '--json', '--config-dir', '/c'])).toEqual({ kind: 'run', planFile: 'p.json', json: true, configDir: '/c' });
  });

  it('refuses what it does not know, a missing --plan, and empty values', () => {
    expect(parseBackupArgs([])).toMatchObject({ kind: 'error', message: expect.stringMatching(/--plan is required/) });
    expect(parseBackupArgs(['--plan'])).toMatchObject({ kind: 'error', message: '--plan needs a file.' });
    expect(parseBackupArgs(['--plan', 'p', '--force'])).toMatchObject({ kind: 'error', message: expect.stringMatching(/Unknown argument "--force"/) });
    expect(parseBackupArgs(['--json=yes', '--plan', 'p'])).toMatchObject({ kind: 'error' });
  });

  it('--help wins', () => {
    expect(parseBackupArgs(['--plan', 'p', '--help'])).toEqual({ kind: 'help' });
  });
});
