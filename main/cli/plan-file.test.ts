/**
 * As root, a plan is trusted only where no one else can swap it: the file,
 * its folder and every folder above it, and the config dir the run reads
 * the plan back from. Needs root to own the files it makes (chown).
 */
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { notRunUnless } from '../../testing/not-run';
import { needsRoot } from '../../testing/requirements';
import { checkRootConfigDir, readPlanFile } from './plan-file';

const plan = { version: 1, name: 'p', mounts: ['/srv/data'], method: 'manual' };
const USER = 65534; // nobody

describe('plan files and the config dir, as root', notRunUnless(needsRoot()), () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ff-plan-file-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function planIn(folder: string): string {
    mkdirSync(folder, { recursive: true, mode: 0o755 });
    const path = join(folder, 'plan.json');
    writeFileSync(path, JSON.stringify(plan), { mode: 0o600 });
    return path;
  }

  it('a root plan in root folders runs', async () => {
    await expect(readPlanFile(planIn(join(dir, 'etc')), 0)).resolves.toMatchObject({ name: 'p' });
  });

  it('a root folder inside a folder a user owns is refused: the user could rename it and put another in its place', async () => {
    const userDir = join(dir, 'home');
    mkdirSync(userDir, { mode: 0o755 });
    const path = planIn(join(userDir, 'plans'));
    chownSync(userDir, USER, USER);
    await expect(readPlanFile(path, 0)).rejects.toMatchObject({ code: 'PLAN_UNSAFE', message: expect.stringContaining(`${userDir} is not root's alone`) });
  });

  it('a folder above that everyone may write to (no sticky bit) is refused; a sticky one is not', async () => {
    const open = join(dir, 'open');
    const path = planIn(join(open, 'plans'));
    chmodSync(open, 0o777);
    await expect(readPlanFile(path, 0)).rejects.toMatchObject({ code: 'PLAN_UNSAFE' });
    chmodSync(open, 0o1777);
    await expect(readPlanFile(path, 0)).resolves.toMatchObject({ name: 'p' });
  });

  it('a config dir a user owns, or below a user folder, or reached through one, is refused', async () => {
    await expect(checkRootConfigDir(join(dir, 'root-config'))).resolves.toBeUndefined();
    const home = join(dir, 'alice');
    mkdirSync(join(home, '.config', 'freezeframe', 'plans'), { recursive: true, mode: 0o700 });
    chownSync(home, USER, USER);
    await expect(checkRootConfigDir(join(home, '.config', 'freezeframe'))).rejects.toMatchObject({ code: 'PLAN_UNSAFE' });
    // Not there yet: root would make it, inside the user's folder.
    await expect(checkRootConfigDir(join(home, 'new-config'))).rejects.toMatchObject({ code: 'PLAN_UNSAFE' });
    // A root-owned config dir named through a symlink in the user's folder.
    const rootConfig = join(dir, 'root-config2');
    mkdirSync(rootConfig, { mode: 0o700 });
    symlinkSync(rootConfig, join(home, 'link'));
    await expect(checkRootConfigDir(join(home, 'link'))).rejects.toMatchObject({ code: 'PLAN_UNSAFE' });
  });

  it('a missing config dir under a sticky, world-writable folder is refused (someone could make it first)', async () => {
    const sticky = join(dir, 'sticky');
    mkdirSync(sticky);
    chmodSync(sticky, 0o1777);
    await expect(checkRootConfigDir(join(sticky, 'config'))).rejects.toMatchObject({ code: 'PLAN_UNSAFE' });
    mkdirSync(join(sticky, 'config'), { mode: 0o700 });
    await expect(checkRootConfigDir(join(sticky, 'config'))).resolves.toBeUndefined();
  });
});
