import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { AppImageInstallError, installOutcome } from './appimage-install';
import { assertSafePath, buildInstallScript, directoryChain, elevatedCommandLine, INSTALL_EXIT, InstallScriptInputError, type InstallScriptInput } from './appimage-install-script';
import { APPIMAGE_HELPER_PATH } from './helper-path';

const SHA = 'a'.repeat(64);
const GUARDIAN_SHA = 'c'.repeat(64);
const SOURCE = '/tmp/freezeframe-helper-Ab12_x/helper';
const GUARDIAN_SOURCE = '/tmp/freezeframe-helper-Ab12_x/guardian';
/** A valid input, with some fields replaced. */
const input = (fields: Partial<InstallScriptInput> = {}): InstallScriptInput => ({ sourcePath: SOURCE, expectedSha256: SHA, guardianSourcePath: GUARDIAN_SOURCE, expectedGuardianSha256: GUARDIAN_SHA, ...fields });

describe('buildInstallScript', () => {
  it('refuses any path that is not plain absolute segments', () => {
    for (const bad of ['relative/path', '/tmp/a b', "/tmp/it's", '/tmp/$(id)', '/tmp/`id`', '/tmp/../etc/x', '/tmp/./x', '/tmp/a;b', '/tmp/a\nb', '/', '/tmp/-rf', '/tmp//x', '/tmp/x/']) {
      for (const field of ['sourcePath', 'guardianSourcePath', 'targetPath', 'policyDir'] as const) {
        expect(() => buildInstallScript(input({ [field]: bad })), `${field}: ${bad}`).toThrow(InstallScriptInputError);
      }
    }
  });

  it('refuses a hash that is not 64 lowercase hex digits', () => {
    for (const bad of ['', 'A'.repeat(64), 'a'.repeat(63), `${'a'.repeat(63)}'`, `${'a'.repeat(64)}\n`]) {
      expect(() => buildInstallScript(input({ expectedSha256: bad }))).toThrow(InstallScriptInputError);
      expect(() => buildInstallScript(input({ expectedGuardianSha256: bad }))).toThrow(InstallScriptInputError);
    }
  });

  it('holds only the fixed paths, single-quoted, and checks every directory above the targets', () => {
    const script = buildInstallScript(input());
    expect(script).toContain(`source_file='${SOURCE}'`);
    expect(script).toContain(`target_file='${APPIMAGE_HELPER_PATH}'`);
    expect(script).toContain(`expected_sha256='${SHA}'`);
    expect(script).toContain(`guardian_source='${GUARDIAN_SOURCE}'`);
    expect(script).toContain(`guardian_file='/usr/local/lib/freezeframe/freezeframe-guardian'`);
    expect(script).toContain(`expected_guardian_sha256='${GUARDIAN_SHA}'`);
    for (const dir of ['/', '/usr', '/usr/local', '/usr/local/lib', '/usr/share', '/usr/share/polkit-1', '/usr/share/polkit-1/actions']) {
      expect(script).toContain(`check_dir '${dir}'\n`);
    }
    // Hashes are taken of root's copies in the staging directory, not of the sources.
    expect(script).toMatch(/sha256sum -- "\$staging\/\$1"/);
    expect(script).toContain('stage helper "$source_file" "$expected_sha256"');
    expect(script).toContain('stage guardian "$guardian_source" "$expected_guardian_sha256"');
    expect(script).not.toMatch(/sha256sum -- "\$(source_file|guardian_source)"/);
  });

  it('is valid POSIX sh (sh -n)', () => {
    const script = buildInstallScript(input());
    expect(() => execFileSync('/bin/sh', ['-n', '-c', script])).not.toThrow();
  });
});

describe('directoryChain', () => {
  it('lists / down to the directory', () => {
    expect(directoryChain('/usr/local/lib')).toEqual(['/', '/usr', '/usr/local', '/usr/local/lib']);
    expect(directoryChain('/')).toEqual(['/']);
  });
});

describe('assertSafePath', () => {
  it('accepts the install paths and a typical temp copy', () => {
    expect(() => assertSafePath(APPIMAGE_HELPER_PATH, 'x')).not.toThrow();
    expect(() => assertSafePath(SOURCE, 'x')).not.toThrow();
  });
});

describe('elevatedCommandLine', () => {
  it('reaches the elevated shell byte for byte through sudo-prompt\'s double-quoted bash line', () => {
    // A script full of what the layers would otherwise eat: $, `, \, quotes of both kinds.
    const tricky = `printf '%s|' "$0" 'single '"'"'quote' "\\$HOME" '\`id\`' 'back\\slash' '"dq"'`;
    const command = elevatedCommandLine(tricky);
    // What @vscode/sudo-prompt's Linux() builds, minus pkexec (it escapes only ").
    const line = `/bin/bash -c "echo SUDOPROMPT; ${command.replace(/"/g, '\\"')}"`;
    const output = execFileSync('/bin/sh', ['-c', line], { encoding: 'utf8' });
    expect(output).toBe(`SUDOPROMPT\nfreezeframe-install|single 'quote|$HOME|\`id\`|back\\slash|"dq"|`);
  });
});

describe('installOutcome', () => {
  const exited = (code: number, message = 'Command failed') => Object.assign(new Error(message), { code });

  it('is nothing when the step succeeded', () => {
    expect(installOutcome(undefined, '')).toBeUndefined();
  });

  it('maps every exit status of the script to its own code, with the script\'s reason', () => {
    const expected = {
      [INSTALL_EXIT.notRoot]: 'NOT_ROOT',
      [INSTALL_EXIT.unsafeDirectory]: 'UNSAFE_DIRECTORY',
      [INSTALL_EXIT.sourceMissing]: 'SOURCE_MISSING',
      [INSTALL_EXIT.hashMismatch]: 'HASH_MISMATCH',
      [INSTALL_EXIT.polkitMissing]: 'POLKIT_MISSING',
      [INSTALL_EXIT.installFailed]: 'INSTALL_FAILED',
    };
    for (const [status, code] of Object.entries(expected)) {
      const error = installOutcome(exited(Number(status)), 'freezeframe-install: /usr/local is not owned by root (uid 1000)\n');
      expect(error?.code).toBe(code);
      expect(error?.exitCode).toBe(Number(status));
      expect(error?.message).toBe('/usr/local is not owned by root (uid 1000)');
    }
    expect(new Set(Object.values(INSTALL_EXIT)).size).toBe(Object.keys(INSTALL_EXIT).length);
  });

  it('tells a dismissed prompt and a missing agent or pkexec from a failed install', () => {
    expect(installOutcome(new Error('User did not grant permission.'), '')?.code).toBe('AUTH_DISMISSED');
    expect(installOutcome(new Error('No polkit authentication agent found.'), '')?.code).toBe('NO_POLKIT_AGENT');
    expect(installOutcome(new Error('Unable to find pkexec or kdesudo.'), '')?.code).toBe('NO_ELEVATION_TOOL');
    const other = installOutcome(exited(2), 'sh: 1: syntax error');
    expect(other?.code).toBe('FAILED');
    expect(other?.message).toContain('status 2');
  });

  it('reaches the helper supervisor as codes of the app\'s closed set', () => {
    expect(new AppImageInstallError('AUTH_DISMISSED', 'x').toHelperError().code).toBe('AUTH_DISMISSED');
    expect(new AppImageInstallError('HASH_MISMATCH', 'x').toHelperError().code).toBe('HELPER_MISSING');
    expect(new AppImageInstallError('NO_POLKIT_AGENT', 'x').toHelperError().code).toBe('NOT_AUTHORIZED');
    expect(new AppImageInstallError('POLKIT_MISSING', 'x').toHelperError().code).toBe('PKEXEC_MISSING');
    expect(new AppImageInstallError('UNSAFE_DIRECTORY', '/usr/local is writable').toHelperError().message).toContain('/usr/local is writable');
  });
});
