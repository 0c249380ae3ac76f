/**
 * The packaging configuration in build/, checked without the Electron
 * runtime: electron-builder's own schema, what the deb/rpm/AppImage carry and
 * where, the desktop entry electron-builder writes from it, the icons, and
 * the fuses the afterPack hook sets (on a stand-in binary with a fuse wire).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BUNDLED_GUARDIAN_RELATIVE, BUNDLED_HELPER_RELATIVE } from '../helper/appimage-install';
import { INSTALLED_HELPER_PATH } from '../helper/helper-path';
import { PACKAGE_POLICY, POLKIT_ACTIONS_DIR, POLKIT_ICON_NAME } from '../helper/polkit-policy';
import { requireTools } from '../../testing/not-run';
import { electronRuntimeAvailable } from './packaging-testing';

const ROOT = resolve(import.meta.dirname, '../..');
const BUILD = join(ROOT, 'build');
const require = createRequire(import.meta.url);
/* eslint-disable @typescript-eslint/no-explicit-any -- electron-builder's config and internals are plain CommonJS objects here */
const config: any = require(join(BUILD, 'electron-builder.cjs'));
const afterPackModule: any = require(join(BUILD, 'after-pack.cjs'));
const fuses: any = require('@electron/fuses');
const DESKTOP_FILE = join(BUILD, 'linux', 'org.freezeframe.Freezeframe.desktop');

const scratch = mkdtempSync(join(tmpdir(), 'freezeframe-packaging-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('build/electron-builder.cjs', () => {
  // Loading app-builder-lib takes seconds on a busy machine.
  it('passes electron-builder\'s own configuration schema', { timeout: 30_000 }, async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config');
    const { DebugLogger } = require('builder-util');
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    await expect(validateConfiguration({ ...config, linux: { ...config.linux, polkit: true } }, new DebugLogger(false))).rejects.toThrow(/does not match the API schema/);
  });

  it('builds deb, rpm and AppImage under the app id', () => {
    expect(config.appId).toBe('org.freezeframe.Freezeframe');
    expect(config.linux.target).toEqual(['deb', 'rpm', 'AppImage']);
    expect(config.linux.executableName).toBe(POLKIT_ICON_NAME);
    expect(config.extraMetadata.desktopName).toBe('org.freezeframe.Freezeframe.desktop');
  });

  it('installs the helper, its guardian, the service\'s units and the policy from the deb and the rpm, at the paths the policy, the units and the app name', () => {
    const helperMapping = `${join(ROOT, 'native-helper', 'build', 'freezeframe-helper')}=${INSTALLED_HELPER_PATH}`;
    // The helper starts the guardian from its own folder (native-helper's guardian link).
    const guardianMapping = `${join(ROOT, 'native-helper', 'build', 'freezeframe-guardian')}=${join(dirname(INSTALLED_HELPER_PATH), 'freezeframe-guardian')}`;
    const policyMapping = `${join(BUILD, 'polkit', PACKAGE_POLICY.fileName)}=${POLKIT_ACTIONS_DIR}/${PACKAGE_POLICY.fileName}`;
    const unitMappings = ['freezeframe-helper.socket', 'freezeframe-helper.service'].map((unit) => `${join(BUILD, 'systemd', unit)}=/usr/lib/systemd/system/${unit}`);
    for (const target of ['deb', 'rpm']) {
      expect(config[target].fpm).toContain(helperMapping);
      expect(config[target].fpm).toContain(guardianMapping);
      expect(config[target].fpm).toContain(policyMapping);
      expect(config[target].fpm).toEqual(expect.arrayContaining(unitMappings));
      expect(config[target].fpm).toContain(`${join(ROOT, 'native-helper', 'build', 'freezeframe-clone')}=/usr/lib/freezeframe/freezeframe-clone`);
      expect(config[target].fpm).toContain(`${join(ROOT, 'native-helper', 'build', 'freezeframe-fsops')}=/usr/lib/freezeframe/freezeframe-fsops`);
      // Every mapped source but the native binaries (built by npm run dist) is in the tree.
      for (const mapping of config[target].fpm.filter((arg: string) => arg.includes('=/') && !arg.includes('/native-helper/build/'))) {
        expect(existsSync(mapping.split('=')[0]), mapping).toBe(true);
      }
    }
    expect(config.deb.fpm.join(' ')).toContain('--deb-user root --deb-group root');
    const rpm = config.rpm.fpm.join(' ');
    expect(rpm).toContain(`--rpm-attr 0755,root,root:${INSTALLED_HELPER_PATH}`);
    expect(rpm).toContain('--rpm-attr 0755,root,root:/usr/lib/freezeframe/freezeframe-guardian');
    expect(rpm).toContain('--rpm-attr 0644,root,root:/usr/lib/systemd/system/freezeframe-helper.socket');
    expect(rpm).toContain('--rpm-attr 0644,root,root:/usr/lib/systemd/system/freezeframe-helper.service');
  });

  it('enables the service\'s socket after install and stops the service before removal, keeping electron-builder\'s own after-install', () => {
    for (const target of ['deb', 'rpm']) expect(config[target].afterInstall).toBe(join(BUILD, 'linux', 'after-install.tpl'));
    const ours = readFileSync(config.deb.afterInstall, 'utf8');
    // electron-builder's template (the /usr/bin link, chrome-sandbox, AppArmor), verbatim: when an
    // upgrade of electron-builder changes it, copy it again above the marker.
    const theirs = readFileSync(require.resolve('app-builder-lib/templates/linux/after-install.tpl'), 'utf8');
    const marker = ours.indexOf('# ---- Freezeframe');
    expect(marker).toBeGreaterThan(0);
    expect(ours.slice(0, marker).trimEnd()).toBe(theirs.trimEnd());
    expect(ours.slice(marker)).toContain('systemctl enable --now freezeframe-helper.socket');
    // electron-builder expands ${name} in the template and fails on a name it does not know.
    expect(ours.slice(marker)).not.toContain('${');
    for (const target of ['deb', 'rpm']) {
      const at = config[target].fpm.indexOf('--before-remove');
      expect(config[target].fpm[at + 1]).toBe(join(BUILD, 'linux', 'before-remove.sh'));
    }
    expect(config.deb.depends).toContain('libsystemd0');
    expect(config.deb.recommends).toEqual(expect.arrayContaining(['polkitd | policykit-1', 'pkexec | policykit-1']));
    expect(config.rpm.depends).toEqual(expect.arrayContaining(['polkit', 'systemd-libs']));
    for (const script of [config.deb.afterInstall, join(BUILD, 'linux', 'before-remove.sh')]) {
      expect(spawnSync('bash', ['-n', script]).status, script).toBe(0);
    }
  });

  it('carries the AppImage\'s helper and guardian where the app looks for them', () => {
    expect(config.extraResources).toContainEqual({ from: 'native-helper/build/freezeframe-helper', to: BUNDLED_HELPER_RELATIVE });
    expect(config.extraResources).toContainEqual({ from: 'native-helper/build/freezeframe-guardian', to: BUNDLED_GUARDIAN_RELATIVE });
  });

  it('runs the fuse hook after packing', () => {
    expect(config.afterPack).toBe(join(BUILD, 'after-pack.cjs'));
    expect(typeof afterPackModule.default).toBe('function');
  });
});

describe('the fuses (build/after-pack.cjs)', () => {
  const { FuseV1Options: F, FuseVersion } = fuses;

  it('turns off RunAsNode, NODE_OPTIONS and the inspector, turns on cookie encryption and asar-only loading', () => {
    for (const platform of ['linux', 'darwin', 'win32']) {
      const wanted = afterPackModule.fuseConfig(platform);
      expect(wanted.version).toBe(FuseVersion.V1);
      expect(wanted[F.RunAsNode]).toBe(false);
      expect(wanted[F.EnableNodeOptionsEnvironmentVariable]).toBe(false);
      expect(wanted[F.EnableNodeCliInspectArguments]).toBe(false);
      expect(wanted[F.EnableCookieEncryption]).toBe(true);
      expect(wanted[F.OnlyLoadAppFromAsar]).toBe(true);
    }
  });

  it('turns on ASAR integrity where Electron implements it (macOS, Windows), not on Linux', () => {
    expect(afterPackModule.fuseConfig('darwin')[F.EnableEmbeddedAsarIntegrityValidation]).toBe(true);
    expect(afterPackModule.fuseConfig('win32')[F.EnableEmbeddedAsarIntegrityValidation]).toBe(true);
    expect(F.EnableEmbeddedAsarIntegrityValidation in afterPackModule.fuseConfig('linux')).toBe(false);
  });

  it('flips them in the packaged binary (a stand-in carrying Electron\'s default fuse wire)', async () => {
    const appOutDir = mkdtempSync(join(scratch, 'linux-unpacked-'));
    const binary = join(appOutDir, 'freezeframe');
    // Sentinel, wire version 1, 8 fuses as Electron ships them: RunAsNode on, cookies off, NODE_OPTIONS on, inspect on, integrity off, asar-only off, snapshot off, file:// on.
    writeFileSync(binary, Buffer.concat([Buffer.from('ELF...'), Buffer.from('dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'), Buffer.from([1, 8]), Buffer.from('10110001'), Buffer.from('...')]));
    await afterPackModule.default({ appOutDir, electronPlatformName: 'linux', packager: { executableName: 'freezeframe', appInfo: { productFilename: 'Freezeframe' } } });
    const wire = await fuses.getCurrentFuseWire(binary);
    const states = Array.from({ length: 8 }, (_, i) => String.fromCharCode(wire[i]));
    expect(states.join('')).toBe('01000100');
  });
});

describe('the desktop entry', () => {
  it('build/linux/org.freezeframe.Freezeframe.desktop passes desktop-file-validate', () => {
    requireTools('desktop-file-validate');
    const result = spawnSync('desktop-file-validate', [DESKTOP_FILE], { encoding: 'utf8' });
    expect(result.error, 'desktop-file-validate is missing: install desktop-file-utils').toBeUndefined();
    expect(`${result.stdout}${result.stderr}`).toBe('');
    expect(result.status).toBe(0);
  });

  it('is what electron-builder writes into the packages, and that passes desktop-file-validate too', { timeout: 30_000 }, async () => {
    requireTools('desktop-file-validate');
    const { LinuxTargetHelper } = require('app-builder-lib/out/targets/LinuxTargetHelper');
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    const packager = {
      appInfo: { productName: config.productName, sanitizedProductName: config.productName, description: pkg.description },
      executableName: config.linux.executableName,
      info: { metadata: { ...pkg, ...config.extraMetadata } },
      platformSpecificBuildOptions: config.linux,
      fileAssociations: [],
      config,
    };
    const text: string = await new LinuxTargetHelper(packager).computeDesktopEntry(config.linux);
    const generated = join(scratch, 'org.freezeframe.Freezeframe.desktop');
    writeFileSync(generated, text);
    const result = spawnSync('desktop-file-validate', [generated], { encoding: 'utf8' });
    expect(`${result.stdout}${result.stderr}`).toBe('');
    // Same keys and values as the reference file, but for Exec, which names the installed binary.
    const entries = (content: string) => Object.fromEntries(content.split('\n').filter((line) => /^[A-Za-z]+=/.test(line)).map((line) => line.split(/=(.*)/s).slice(0, 2)));
    const reference = entries(readFileSync(DESKTOP_FILE, 'utf8'));
    const written = entries(text);
    expect(written.Exec).toBe('/opt/Freezeframe/freezeframe %U');
    expect({ ...written, Exec: reference.Exec }).toEqual(reference);
  });
});

describe('the icons', () => {
  it('has the SVG source and a PNG of each size from 16 to 512 that is that size', () => {
    requireTools('xmllint');
    execFileSync('xmllint', ['--noout', join(BUILD, 'icon.svg')]);
    for (const size of [16, 24, 32, 48, 64, 128, 256, 512]) {
      const png = readFileSync(join(BUILD, 'icons', `${size}x${size}.png`));
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      // IHDR: width and height, big-endian, at bytes 16 and 20.
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([size, size]);
    }
  });
});

describe('npm run dist', () => {
  if (electronRuntimeAvailable()) console.warn('\n*** NOT RUN: "npm run dist stops at once without the Electron runtime": the runtime is installed here ***\n');

  it.skipIf(electronRuntimeAvailable())('stops at once, in one sentence, where the Electron runtime is not available', () => {
    const started = Date.now();
    // The script in a tree of its own whose Electron installer fails, as it does without a network: never
    // the real installer, which where GitHub is reachable would fetch the runtime and go on to build everything.
    const tree = mkdtempSync(join(scratch, 'tree-'));
    execFileSync('mkdir', ['-p', join(tree, 'scripts'), join(tree, 'node_modules', 'electron')]);
    for (const script of ['dist.mjs', 'electron-runtime.mjs']) copyFileSync(join(ROOT, 'scripts', script), join(tree, 'scripts', script));
    writeFileSync(join(tree, 'node_modules', 'electron', 'install.js'), "console.error('TypeError: fetch failed'); process.exit(1);\n");
    const result = spawnSync(process.execPath, [join(tree, 'scripts', 'dist.mjs')], { encoding: 'utf8', timeout: 60_000 });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^The Electron runtime is not installed here and could not be downloaded, so no deb, rpm or AppImage can be built;/)]);
    expect(existsSync(join(tree, 'dist')), 'nothing was built').toBe(false);
    expect(Date.now() - started).toBeLessThan(60_000);
  });

  it('refuses a target it does not build', () => {
    const result = spawnSync(process.execPath, [join(ROOT, 'scripts', 'dist.mjs'), 'snap'], { encoding: 'utf8', timeout: 10_000 });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('"snap" is not one of them');
  });
});
