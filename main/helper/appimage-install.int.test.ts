/**
 * The AppImage's elevated install step, run for real as root against a
 * temporary prefix: the same script text the app hands to sudo-prompt, through
 * the same double-quoted bash line sudo-prompt builds (minus pkexec).
 */
import { exec as childExec, execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { AppImageInstallError, installAppImageHelper, type ElevatedExec } from './appimage-install';
import { buildInstallScript, INSTALL_EXIT } from './appimage-install-script';
import { APPIMAGE_POLICY } from './polkit-policy';

const isRoot = process.geteuid?.() === 0;
if (!isRoot) console.warn('\n*** NOT RUN: the AppImage install tests run the elevated step and need root ***\n');

const NOBODY = 65534;
const helperBytes = Buffer.from('#!/bin/sh\necho freezeframe-helper stand-in\n');
const helperSha = createHash('sha256').update(helperBytes).digest('hex');
const guardianBytes = Buffer.from('#!/bin/sh\necho freezeframe-guardian stand-in\n');
const guardianSha = createHash('sha256').update(guardianBytes).digest('hex');
const sha256Of = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** sudo-prompt's Linux command line without pkexec: what the elevated bash would get. */
const asSudoPromptWould: ElevatedExec = (command, _options, callback) => {
  childExec(`/bin/bash -c "echo SUDOPROMPT; ${command.replace(/"/g, '\\"')}"`, { encoding: 'utf8' }, (error, stdout, stderr) =>
    callback(error ?? undefined, stdout.replace(/^SUDOPROMPT\n/, ''), stderr),
  );
};

describe.skipIf(!isRoot)('the AppImage install step, as root', () => {
  // Under /var/lib (root's, 0755), not /tmp: a world-writable parent is exactly what the step refuses.
  const base = isRoot ? mkdtempSync('/var/lib/freezeframe-install-test-') : '';
  const userDir = isRoot ? mkdtempSync('/tmp/freezeframe-install-src-') : '';
  const source = join(userDir, 'freezeframe-helper');
  const guardianSource = join(userDir, 'freezeframe-guardian');
  let prefix = '';
  let targetPath = '';
  let guardianPath = '';
  let policyDir = '';
  let run = 0;

  afterAll(() => {
    if (!isRoot) return;
    rmSync(base, { recursive: true, force: true });
    rmSync(userDir, { recursive: true, force: true });
  });

  beforeEach(() => {
    prefix = join(base, `run${++run}`);
    targetPath = join(prefix, 'usr/local/lib/freezeframe/freezeframe-helper');
    guardianPath = join(prefix, 'usr/local/lib/freezeframe/freezeframe-guardian');
    policyDir = join(prefix, 'usr/share/polkit-1/actions');
    mkdirSync(join(prefix, 'usr/local/lib'), { recursive: true, mode: 0o755 });
    mkdirSync(policyDir, { recursive: true, mode: 0o755 });
    // The user's copy: owned by someone else, as in the app.
    writeFileSync(source, helperBytes, { mode: 0o644 });
    writeFileSync(guardianSource, guardianBytes, { mode: 0o644 });
    chownSync(source, NOBODY, NOBODY);
    chownSync(guardianSource, NOBODY, NOBODY);
  });

  const runScript = (expectedSha256 = helperSha, as: string[] = [], expectedGuardianSha256 = guardianSha) => {
    const script = buildInstallScript({ sourcePath: source, expectedSha256, guardianSourcePath: guardianSource, expectedGuardianSha256, targetPath, policyDir });
    return spawnSync(as.length ? as[0]! : '/bin/sh', [...as.slice(1), ...(as.length ? ['/bin/sh'] : []), '-c', script], { encoding: 'utf8' });
  };
  const nothingInstalled = () => {
    expect(existsSync(targetPath)).toBe(false);
    expect(existsSync(guardianPath)).toBe(false);
    expect(existsSync(join(policyDir, APPIMAGE_POLICY.fileName))).toBe(false);
    // No staging directory or policy temp file is left behind.
    const dir = join(prefix, 'usr/local/lib/freezeframe');
    if (existsSync(dir)) expect(readdirSync(dir)).toEqual([]);
    expect(readdirSync(policyDir)).toEqual([]);
  };

  it('installs the helper and its guardian root:root 0755 with the hashes they were built with, and the policy', () => {
    const result = runScript();
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    for (const [path, sha] of [
      [targetPath, helperSha],
      [guardianPath, guardianSha],
    ]) {
      const stats = statSync(path!);
      expect([stats.uid, stats.gid, stats.mode & 0o7777], path).toEqual([0, 0, 0o755]);
      expect(sha256Of(path!)).toBe(sha);
    }
    expect(statSync(join(prefix, 'usr/local/lib/freezeframe')).mode & 0o7777).toBe(0o755);
    const policyPath = join(policyDir, APPIMAGE_POLICY.fileName);
    expect(statSync(policyPath).mode & 0o7777).toBe(0o644);
    expect(statSync(policyPath).uid).toBe(0);
    expect(readFileSync(policyPath, 'utf8')).toContain(`<annotate key="org.freedesktop.policykit.exec.path">${targetPath}</annotate>`);
    execFileSync('xmllint', ['--noout', '--nonet', '--dtdvalid', '/usr/share/polkit-1/policyconfig-1.dtd', policyPath]);
    expect(readdirSync(join(prefix, 'usr/local/lib/freezeframe')).sort()).toEqual(['freezeframe-guardian', 'freezeframe-helper']);
    // Again, over the installed copy: the rename replaces it.
    expect(runScript().status).toBe(0);
  });

  it('refuses a helper or a guardian whose hash differs, and installs nothing', () => {
    const other = createHash('sha256').update('another build').digest('hex');
    const helper = runScript(other);
    expect(helper.status).toBe(INSTALL_EXIT.hashMismatch);
    expect(helper.stderr).toMatch(/the helper to install is not the one this app was built with \(SHA-256 differs\)/);
    nothingInstalled();
    const guardian = runScript(helperSha, [], other);
    expect(guardian.status).toBe(INSTALL_EXIT.hashMismatch);
    expect(guardian.stderr).toMatch(/the guardian to install is not the one this app was built with \(SHA-256 differs\)/);
    nothingInstalled();
  });

  it('refuses when a parent directory is not owned by root', () => {
    chownSync(join(prefix, 'usr/local'), NOBODY, NOBODY);
    const result = runScript();
    expect(result.status).toBe(INSTALL_EXIT.unsafeDirectory);
    expect(result.stderr).toContain(`${join(prefix, 'usr/local')} is not owned by root (uid ${NOBODY})`);
    nothingInstalled();
  });

  it('refuses when a parent directory is group- or world-writable', () => {
    for (const mode of [0o775, 0o757, 0o1777]) {
      chmodSync(join(prefix, 'usr/local/lib'), mode);
      const result = runScript();
      expect(result.status, mode.toString(8)).toBe(INSTALL_EXIT.unsafeDirectory);
      expect(result.stderr).toContain('is writable by group or others');
      nothingInstalled();
    }
  });

  it('refuses a target directory that exists but is not root\'s, and a symlinked parent', () => {
    mkdirSync(join(prefix, 'usr/local/lib/freezeframe'), { mode: 0o755 });
    chownSync(join(prefix, 'usr/local/lib/freezeframe'), NOBODY, NOBODY);
    expect(runScript().status).toBe(INSTALL_EXIT.unsafeDirectory);
    rmSync(join(prefix, 'usr/local/lib'), { recursive: true });
    mkdirSync(join(prefix, 'elsewhere'), { mode: 0o755 });
    symlinkSync(join(prefix, 'elsewhere'), join(prefix, 'usr/local/lib'));
    const result = runScript();
    expect(result.status).toBe(INSTALL_EXIT.unsafeDirectory);
    expect(result.stderr).toContain('is not a directory');
    expect(readdirSync(join(prefix, 'elsewhere'))).toEqual([]);
  });

  it('refuses when polkit is not installed, when the source is missing, and when not root', () => {
    rmSync(policyDir, { recursive: true });
    expect(runScript().status).toBe(INSTALL_EXIT.polkitMissing);
    mkdirSync(policyDir, { mode: 0o755 });
    rmSync(source);
    expect(runScript().status).toBe(INSTALL_EXIT.sourceMissing);
    writeFileSync(source, helperBytes);
    rmSync(guardianSource);
    const noGuardian = runScript();
    expect(noGuardian.status).toBe(INSTALL_EXIT.sourceMissing);
    expect(noGuardian.stderr).toContain('the guardian to install is not a regular file');
    writeFileSync(guardianSource, guardianBytes);
    const asNobody = runScript(helperSha, ['/usr/bin/setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups']);
    expect(asNobody.status).toBe(INSTALL_EXIT.notRoot);
    nothingInstalled();
  });

  it('installs through the app\'s own path: a private copy of the bundled helper, the sudo-prompt line, typed errors', async () => {
    const bundled = join(userDir, 'bundled-helper');
    const bundledGuardian = join(userDir, 'bundled-guardian');
    writeFileSync(bundled, helperBytes, { mode: 0o755 });
    writeFileSync(bundledGuardian, guardianBytes, { mode: 0o755 });
    const options = { bundledHelper: bundled, expectedSha256: helperSha, bundledGuardian, expectedGuardianSha256: guardianSha, targetPath, policyDir, exec: asSudoPromptWould, tempDir: userDir };
    const installed = await installAppImageHelper(options);
    expect(installed).toMatchObject({ helperPath: targetPath, guardianPath });
    expect(installed.output).toContain(`installed ${targetPath}, ${guardianPath}`);
    expect(statSync(targetPath).mode & 0o7777).toBe(0o755);
    expect(sha256Of(guardianPath)).toBe(guardianSha);
    // Its temporary copy is gone.
    expect(readdirSync(userDir).filter((name) => name.startsWith('freezeframe-helper-'))).toEqual([]);

    rmSync(targetPath);
    const refused = installAppImageHelper({ ...options, expectedGuardianSha256: 'b'.repeat(64) });
    await expect(refused).rejects.toBeInstanceOf(AppImageInstallError);
    await expect(refused).rejects.toMatchObject({ code: 'HASH_MISMATCH', exitCode: INSTALL_EXIT.hashMismatch });
    expect(existsSync(targetPath)).toBe(false);
  });
});
